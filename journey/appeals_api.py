"""Appeals through the API: filing (on an audit or an enrollment), the list the caller may see
(reviewers: every one; `?status=open` is the queue) and the reviewer's decision."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors
from assessments import selectors as audit_selectors
from assessments.models import Appeal
from assessments.serializers import (
    AppealDecideInputSerializer,
    AppealInputSerializer,
    AppealSerializer,
    AppealUploadInputSerializer,
)
from designation.permissions import is_partner_admin, is_reviewer
from designation.selectors import enrollments_for
from journey import appeals
from portal.api import ERRORS, ID_REGEX, JourneyErrorsMixin
from portal.errors import Forbidden


def _filed(request: Request, **subject) -> Response:
    form = AppealUploadInputSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    appeal = appeals.appeal_file(
        by=request.user,
        on=timezone.localdate(),
        statement=form.validated_data["statement"],
        upload=form.validated_data.get("file"),
        **subject,
    )
    return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


def _require_partner_admin(user, organization_id: int) -> None:
    if not is_partner_admin(user, organization_id):
        raise Forbidden("Only a partner admin of the organisation can appeal.")


APPEAL_SCHEMA = extend_schema(
    request={
        "application/json": AppealInputSerializer,
        "multipart/form-data": AppealUploadInputSerializer,
    },
    responses={201: AppealSerializer, **ERRORS},
)


class AuditAppealMixin:
    @APPEAL_SCHEMA
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk=None) -> Response:
        """A partner admin appeals this failed assessment or case-rate determination, within the
        appeal window (a late appeal is a 400 that gives the day it closed), once."""
        audit = audit_selectors.audit_for(request.user, int(pk))  # scope first: 404
        _require_partner_admin(request.user, audit.enrollment.organization_id)
        return _filed(request, audit_id=audit.pk)


class EnrollmentAppealMixin:
    @APPEAL_SCHEMA
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk=None) -> Response:
        """A partner admin appeals the ineligible decision of this enrollment, within the
        appeal window, once."""
        enrollment = get_object_or_404(enrollments_for(request.user), pk=int(pk))
        _require_partner_admin(request.user, enrollment.organization_id)
        return _filed(request, enrollment_id=enrollment.pk)


class AppealViewSet(
    JourneyErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Appeals of the enrollments the caller may see; another organisation's answer 404."""

    serializer_class = AppealSerializer
    lookup_value_regex = ID_REGEX  # anything else answers 404 at the router, not int()'s error
    filterset_fields = ["status", "subject", "enrollment"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        return selectors.appeals_for(self.request.user)

    @extend_schema(request=AppealDecideInputSerializer, responses={200: AppealSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        """A reviewer other than the one who made the decision upholds or overturns it, with a
        reason; overturning reopens eligibility or records a pass that moves the journey on."""
        selectors.appeal_for(request.user, int(pk))
        if not is_reviewer(request.user):
            raise Forbidden("Only a Microsoft reviewer decides appeals.")
        form = AppealDecideInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appeal = appeals.appeal_decide(
            appeal_id=int(pk),
            by=request.user,
            on=timezone.localdate(),
            overturn=form.validated_data["outcome"] == "overturn",
            reason=form.validated_data["reason"],
        )
        return Response(AppealSerializer(selectors.appeal_for(request.user, appeal.pk)).data)
