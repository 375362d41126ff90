"""The audit conversation's API operations, mixed into the journey's AuditViewSet: requests for
changes and the partner's answers with new evidence revisions."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors as audit_selectors
from assessments import services as audit_services
from assessments.serializers import (
    ChangeAnswerInputSerializer,
    ChangeRequestInputSerializer,
    ChangeRequestSerializer,
    CommentInputSerializer,
    CommentSerializer,
    CommentUploadInputSerializer,
)
from designation.permissions import is_partner_admin
from journey import conversation
from portal.api import ERRORS
from portal.errors import Forbidden


class ConversationMixin:
    """The audit conversation's API: requests for changes and the partner's answers."""

    @extend_schema(
        methods=["GET"], request=None, responses={200: ChangeRequestSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        request=ChangeRequestInputSerializer,
        responses={201: ChangeRequestSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def changes(self, request: Request, pk=None) -> Response:
        """The changes requested on this audit; POST: the assigned auditor requests one (per
        component, or the whole audit with an empty component), due in 14 days unless given."""
        audit = audit_selectors.audit_for(request.user, int(pk))
        if request.method == "GET":
            page = self.paginate_queryset(audit_selectors.change_requests_of(audit))
            return self.get_paginated_response(ChangeRequestSerializer(page, many=True).data)
        audit_services.authorise(
            audit_id=audit.pk, by=request.user, permission="assessments.submit_audit"
        )
        form = ChangeRequestInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = conversation.audit_request_changes(
            audit_id=audit.pk, by=request.user, on=timezone.localdate(), **form.validated_data
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ChangeAnswerInputSerializer},
        responses={200: ChangeRequestSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"changes/(?P<request_id>[0-9]+)/answer",
        parser_classes=[MultiPartParser, JSONParser],
    )
    def answer(self, request: Request, pk=None, request_id: str = "") -> Response:
        """A partner admin answers one request: a reply and, optionally, a new evidence
        revision (`file`, with `effective_on`, the day the evidence is about)."""
        audit = audit_selectors.audit_for(request.user, int(pk))
        if not is_partner_admin(request.user, audit.enrollment.organization_id):
            raise Forbidden("Only a partner admin of the organisation can answer.")
        form = ChangeAnswerInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        change = conversation.audit_answer_change(
            request_id=int(request_id),
            by=request.user,
            on=timezone.localdate(),
            reply=data["reply"],
            upload=data.get("file"),
            component=data["component"],
            effective_on=data["effective_on"],
        )
        return Response(ChangeRequestSerializer(change).data)


def _thread_answer(view, request: Request, *, enrollment_id: int, audit_id: int | None) -> Response:
    """GET: one page of the thread, oldest first; POST: add a comment to it."""
    if request.method == "GET":
        found = conversation.thread_for(
            request.user, enrollment_id=enrollment_id, audit_id=audit_id
        )
        page = view.paginate_queryset(found)
        return view.get_paginated_response(CommentSerializer(page, many=True).data)
    form = CommentUploadInputSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    comment = conversation.comment_add(
        by=request.user,
        enrollment_id=enrollment_id,
        audit_id=audit_id,
        body=data["body"],
        internal=data["internal"],
        upload=data.get("file"),
    )
    return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


THREAD_SCHEMA = (
    extend_schema(methods=["GET"], request=None, responses={200: CommentSerializer(many=True)}),
    extend_schema(
        methods=["POST"],
        request={
            "application/json": CommentInputSerializer,
            "multipart/form-data": CommentUploadInputSerializer,
        },
        responses={201: CommentSerializer, **ERRORS},
    ),
)


class AuditThreadMixin:
    @THREAD_SCHEMA[0]
    @THREAD_SCHEMA[1]
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request: Request, pk=None) -> Response:
        """The audit's comment thread (internal notes only for staff); POST adds one."""
        audit = audit_selectors.audit_for(request.user, int(pk))
        return _thread_answer(self, request, enrollment_id=audit.enrollment_id, audit_id=audit.pk)


class EnrollmentThreadMixin:
    @THREAD_SCHEMA[0]
    @THREAD_SCHEMA[1]
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request: Request, pk=None) -> Response:
        """The enrollment's comment thread (internal notes only for staff); POST adds one."""
        return _thread_answer(self, request, enrollment_id=int(pk), audit_id=None)
