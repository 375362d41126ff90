"""REST API for organisations, prerequisites, enrollments and public badge verification."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from designation import rules as prerequisite_rules
from designation import selectors, services
from designation.models import Designation, ProgramRules
from designation.models.enrollment import PUBLIC_TRANSITIONS
from designation.serializers import (
    EnrollmentCreateSerializer,
    EnrollmentDetailSerializer,
    EnrollmentSerializer,
    OrganizationSerializer,
    PrerequisitesSerializer,
    TransitionInputSerializer,
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


class EnrollmentViewSet(
    JourneyErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Enrollments of the organisations the caller may see; another organisation's answer 404."""

    filterset_fields = ["state", "kind", "organization"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.enrollment_details_for(self.request.user)
        return selectors.enrollments_for(self.request.user)

    def get_serializer_class(self):
        return EnrollmentDetailSerializer if self.action == "retrieve" else EnrollmentSerializer

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "on": timezone.localdate()}

    def _detail(self, enrollment_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        enrollment = selectors.enrollment_detail_for(self.request.user, enrollment_id)
        body = EnrollmentDetailSerializer(enrollment, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={201: EnrollmentDetailSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        """Partner admin registers interest with the pre-enrollment form: a draft enrollment."""
        form = EnrollmentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        enrollment = services.enrollment_create(
            organization_id=data.pop("organization"),
            by=request.user,
            on=timezone.localdate(),
            form=data,
        )
        return self._detail(enrollment.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionInputSerializer,
        responses={200: EnrollmentDetailSerializer, **ERRORS},
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(PUBLIC_TRANSITIONS),
                description="The transition; `reject_eligibility` needs a `reason`.",
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request: Request, pk=None, name: str = "") -> Response:
        """Run one transition: 400 names the failed condition, 403 says who may, 409 means the
        enrollment moved meanwhile."""
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.run_transition(
            name,
            enrollment_id=int(pk),
            by=request.user,
            on=timezone.localdate(),
            data=data.validated_data,
        )
        return self._detail(enrollment.pk)


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
