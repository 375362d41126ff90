"""REST API for organisations, prerequisites, enrollments and public badge verification."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designation import badge_selectors, selectors
from designation import rules as prerequisite_rules
from designation.credentials import report as credential_report
from designation.models import Designation, ProgramRules
from designation.serializers import (
    OrganizationDesignationSerializer,
    OrganizationSerializer,
    PrerequisitesSerializer,
    VerificationSerializer,
)
from portal.api import ERRORS, ID_REGEX, ErrorSerializer, JourneyErrorsMixin  # noqa: F401
from portal.dates import day_of_query, day_parameter


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller may see; another organisation answers 404."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["country", "partner_id"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.organizations_for(self.request.user).prefetch_related("locations")

    @extend_schema(
        parameters=[day_parameter("on", "Day to check, YYYY-MM-DD; today by default.")],
        responses=PrerequisitesSerializer,
    )
    @action(detail=True)
    def prerequisites(self, request: Request, pk=None) -> Response:
        """Every prerequisite with `code`, `met`, `detail` and `next_action` on the given day."""
        on = day_of_query(request, "on")
        organization = selectors.organization_for(request.user, pk)
        try:
            items = selectors.prerequisites_for(organization, on)
        except ProgramRules.DoesNotExist as exc:
            raise ValidationError({"on": [str(exc)]}) from exc
        payload = {
            "organization": organization.pk,
            "on": on,
            "all_met": prerequisite_rules.all_met(items),
            "prerequisites": [{**item.__dict__, "status": item.status} for item in items],
        }
        return Response(PrerequisitesSerializer(payload).data)

    @extend_schema(responses={200: OrganizationDesignationSerializer, 404: ErrorSerializer})
    @action(detail=True)
    def designation(self, request: Request, pk=None) -> Response:
        """The organisation's designation: state, dates, credential ID and links (404 when the
        organisation holds none or is not the caller's)."""
        organization, designation = badge_selectors.badge_of(request.user, pk)
        if designation is None:
            raise Http404("This organisation does not hold the designation.")
        return Response(OrganizationDesignationSerializer(designation_of(designation)).data)


class VerifyView(APIView):
    """Public badge verification: who holds it, whether it is active or expired, the signature
    and status-list check of its current credential, and every credential issued for it."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: VerificationSerializer, 404: ErrorSerializer})
    def get(self, request: Request, credential_id: str) -> Response:
        designation = badge_selectors.designation_by_credential(credential_id)
        return Response(VerificationSerializer(verification_of(designation)).data)


def verification_of(designation: Designation) -> dict:
    """What a public verification says about one badge, today."""
    return credential_report.verification_of(designation, today=timezone.localdate())


def designation_of(designation: Designation) -> dict:
    """The integration view of one designation, with the links a partner's systems need."""
    site = settings.SITE_URL
    org_id = designation.organization_id
    report = verification_of(designation)
    return {
        **report,
        "organization_id": org_id,
        "links": {
            "verification": site + reverse("verify-page", args=[designation.credential_id]),
            "verification_api": site + reverse("api-verify", args=[designation.credential_id]),
            "badge_svg": site + reverse("badge-svg", args=[org_id]),
            "badge_png": site + reverse("badge-png", args=[org_id]),
            "credential_jwt": site + reverse("badge-credential-jwt", args=[org_id]),
            "credential_json": site + reverse("badge-credential-json", args=[org_id]),
            "certificate_letter": site + reverse("badge-letter", args=[org_id]),
        },
    }
