"""REST API for organisations, prerequisites, enrollments and public badge verification."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designation import rules as prerequisite_rules
from designation import selectors
from designation.models import Designation, ProgramRules
from designation.serializers import (
    OrganizationSerializer,
    PrerequisitesSerializer,
    VerificationSerializer,
)
from portal.api import ERRORS, ErrorSerializer, JourneyErrorsMixin  # noqa: F401
from portal.dates import day_of_query, day_parameter


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller may see; another organisation answers 404."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["country", "partner_id"]

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


class VerifyView(APIView):
    """Public badge verification: who holds it, and whether it is active or expired."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: VerificationSerializer, 404: ErrorSerializer})
    def get(self, request: Request, credential_id: str) -> Response:
        designation = selectors.designation_by_credential(credential_id)
        return Response(VerificationSerializer(verification_of(designation)).data)


def verification_of(designation: Designation) -> dict:
    """What a public verification says about one badge."""
    return {
        "credential_id": designation.credential_id,
        "organization": designation.organization.legal_name,
        "partner_id": designation.organization.partner_id,
        "designation": "Support Services",
        "status": "active" if designation.is_valid else "expired",
        "state": designation.state,
        "attained_on": designation.attained_on,
        "valid_until": designation.anniversary_on,
    }
