"""The journey's API: enrollments and their transitions, and the audit actions that decide an
audit and so move the enrollment on (submit, determine, correct), through journey services."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import api as audit_api
from assessments import services as audit_services
from assessments.serializers import (
    AuditCorrectSerializer,
    AuditDetermineSerializer,
    AuditRecordSerializer,
    AuditSubmitSerializer,
)
from designation import selectors
from designation.models.enrollment import PUBLIC_TRANSITIONS
from journey import selectors as journey_selectors
from journey import services
from journey.appeals_api import AuditAppealMixin, EnrollmentAppealMixin
from journey.conversation_api import AuditThreadMixin, ConversationMixin, EnrollmentThreadMixin
from journey.serializers import (
    EnrollmentCreateSerializer,
    EnrollmentDetailSerializer,
    EnrollmentSerializer,
    TransitionInputSerializer,
)
from portal.api import ERRORS, ID_REGEX, JourneyErrorsMixin


class EnrollmentViewSet(
    EnrollmentThreadMixin,
    EnrollmentAppealMixin,
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
            return journey_selectors.enrollment_details_for(self.request.user)
        return selectors.enrollments_for(self.request.user)

    def get_serializer_class(self):
        return EnrollmentDetailSerializer if self.action == "retrieve" else EnrollmentSerializer

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "on": timezone.localdate()}

    def _detail(self, enrollment_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        enrollment = journey_selectors.enrollment_detail_for(self.request.user, enrollment_id)
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


class AuditViewSet(ConversationMixin, AuditThreadMixin, AuditAppealMixin, audit_api.AuditViewSet):
    """Audit records (the assessments app's queue, claim and evidence), with the actions that
    decide an audit and move the enrollment on."""

    @extend_schema(request=None, responses={200: AuditRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk=None) -> Response:
        """An ISSI auditor takes an unassigned audit; the partner is told."""
        audit = services.audit_claim(audit_id=int(pk), by=request.user, on=timezone.localdate())
        return self._answer(audit.pk)

    @extend_schema(request=AuditSubmitSerializer, responses={200: AuditRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """The assigned auditor records the result (fields by kind); it is never edited after."""
        audit_services.authorise(
            audit_id=int(pk), by=request.user, permission="assessments.submit_audit"
        )
        form = AuditSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        audit = services.audit_submit(
            audit_id=int(pk), by=request.user, on=timezone.localdate(), data=form.validated_data
        )
        return self._answer(audit.pk)

    @extend_schema(
        request=AuditDetermineSerializer, responses={200: AuditRecordSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def determine(self, request: Request, pk=None) -> Response:
        """A reviewer confirms the validated case rate or overrides it with a reason."""
        audit_services.authorise(
            audit_id=int(pk), by=request.user, permission="assessments.determine_audit"
        )
        form = AuditDetermineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        audit = services.audit_determine(
            audit_id=int(pk),
            by=request.user,
            on=timezone.localdate(),
            final_case_rate=form.validated_data.get("final_case_rate"),
            reason=form.validated_data.get("reason", ""),
        )
        return self._answer(audit.pk)

    @extend_schema(request=AuditCorrectSerializer, responses={201: AuditRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk=None) -> Response:
        """Correct a submitted record: a new record supersedes it, with a reason. The assigned
        auditor corrects until the journey has moved past the step (403 after, with why); then
        only a Microsoft reviewer, and the outcome must stand (409 otherwise, nothing recorded)."""
        audit_services.authorise_correction(audit_id=int(pk), by=request.user)
        form = AuditCorrectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        reason = data.pop("reason")
        audit = services.audit_correct(
            audit_id=int(pk), by=request.user, on=timezone.localdate(), reason=reason, data=data
        )
        return self._answer(audit.pk, status.HTTP_201_CREATED)
