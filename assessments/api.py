"""REST API for ISSI audit records: the queue, claiming, evidence. The actions that decide an audit
and so move the enrollment on (submit, determine, correct) are the journey's: journey/api.py."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.serializers import (
    AuditRecordSerializer,
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
