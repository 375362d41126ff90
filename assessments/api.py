"""REST API for ISSI audit records: the queue, claiming, evidence, submission, determination."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.serializers import (
    AuditCorrectSerializer,
    AuditDetermineSerializer,
    AuditRecordSerializer,
    AuditSubmitSerializer,
    EvidenceFileSerializer,
    EvidenceUploadSerializer,
)
from portal.api import ERRORS, ID_REGEX, JourneyErrorsMixin


class AuditViewSet(
    JourneyErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Audit records: reviewers see all, auditors theirs and the unclaimed queue, partners their
    organisation's; any other answers 404."""

    serializer_class = AuditRecordSerializer
    filterset_fields = ["kind", "status", "enrollment", "auditor"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.audits_for(self.request.user)

    def get_serializer_context(self) -> dict:
        hide = selectors.sees_only_audits(self.request.user)
        return {**super().get_serializer_context(), "hide_reviewer_reasons": hide}

    def _answer(self, audit_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        audit = selectors.audits_for(self.request.user).get(pk=audit_id)
        body = AuditRecordSerializer(audit, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @extend_schema(request=None, responses={200: AuditRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk=None) -> Response:
        """An ISSI auditor takes an unassigned audit."""
        audit = services.audit_claim(audit_id=int(pk), by=request.user, on=timezone.localdate())
        return self._answer(audit.pk)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceFileSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request: Request, pk=None) -> Response:
        """Partner admin or assigned auditor uploads one evidence file for a component."""
        services.authorise(
            audit_id=int(pk), by=request.user, permission="assessments.upload_evidence"
        )
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        evidence = services.evidence_upload(
            audit_id=int(pk),
            by=request.user,
            upload=form.validated_data["file"],
            component=form.validated_data["component"],
        )
        return Response(EvidenceFileSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AuditSubmitSerializer, responses={200: AuditRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """The assigned auditor records the result (fields by kind); it is never edited after."""
        services.authorise(audit_id=int(pk), by=request.user, permission="assessments.submit_audit")
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
        services.authorise(
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
        """The assigned auditor corrects a submission: a new record supersedes it, with a reason
        (a performance audit not yet determined, or a failed attempt before any retake)."""
        services.authorise(audit_id=int(pk), by=request.user, permission="assessments.submit_audit")
        form = AuditCorrectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        reason = data.pop("reason")
        audit = services.audit_correct(
            audit_id=int(pk), by=request.user, on=timezone.localdate(), reason=reason, data=data
        )
        return self._answer(audit.pk, status.HTTP_201_CREATED)
