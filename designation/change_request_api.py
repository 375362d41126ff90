"""Fact change requests through the API, scoped as the pages are: partner admins propose and
follow their organisation's requests (members read them), reviewers and program admins list
the queue (`?status=pending`) and accept or decline (a reason is required to decline)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from designation import change_requests, selectors
from designation.models import FactChangeRequest
from designation.serializers import (
    FactChangeAcceptSerializer,
    FactChangeDeclineSerializer,
    FactChangeProposalSerializer,
    FactChangeRequestSerializer,
)
from portal.api import ERRORS, ID_REGEX, JourneyErrorsMixin
from portal.parsers import BoundedJSONParser


class FactChangeRequestViewSet(
    JourneyErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Change requests of the organisations the caller may see, oldest first; another
    organisation's request answers 404."""

    serializer_class = FactChangeRequestSerializer
    filterset_fields = ["status", "organization", "kind"]
    lookup_value_regex = ID_REGEX
    parser_classes = [BoundedJSONParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FactChangeRequest.objects.none()
        return selectors.change_requests_for(self.request.user)

    def _visible(self, pk) -> FactChangeRequest:
        return get_object_or_404(self.get_queryset(), pk=int(pk))

    def _to_decide(self, pk) -> FactChangeRequest:
        """The request, when the caller may see it (404) and decide it (403), before the input."""
        change = self._visible(pk)
        change_requests.check_may_decide(self.request.user, change.organization)
        return change

    @extend_schema(
        request=FactChangeProposalSerializer,
        responses={201: FactChangeRequestSerializer, **ERRORS},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """A partner admin proposes to add, change or remove a fact of record, with a reason and
        optionally an evidence file (checked like the page's); reviewers are told."""
        form = FactChangeProposalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        organization = selectors.organization_for(request.user, data["organization"])  # 404
        created = change_requests.change_request_create(
            organization_id=organization.pk,
            kind=data["kind"],
            action=data["action"],
            fact_id=data.get("fact_id"),
            proposed=data["proposed"],
            reason=data["reason"],
            evidence=data.get("evidence"),
            by=request.user,
        )
        return Response(
            FactChangeRequestSerializer(self._visible(created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=FactChangeAcceptSerializer, responses={200: FactChangeRequestSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser])
    def accept(self, request: Request, pk=None) -> Response:
        """A reviewer accepts: the fact changes as proposed, kept with who, when, before and
        after; a request already decided answers 409."""
        change = self._to_decide(pk)
        form = FactChangeAcceptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change_requests.change_request_accept(
            request_id=change.pk, by=request.user, note=form.validated_data["note"]
        )
        return Response(FactChangeRequestSerializer(self._visible(change.pk)).data)

    @extend_schema(
        request=FactChangeDeclineSerializer, responses={200: FactChangeRequestSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser])
    def decline(self, request: Request, pk=None) -> Response:
        """A reviewer declines with a reason the partner reads; a request already decided
        answers 409."""
        change = self._to_decide(pk)
        form = FactChangeDeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change_requests.change_request_decline(
            request_id=change.pk, by=request.user, reason=form.validated_data["reason"]
        )
        return Response(FactChangeRequestSerializer(self._visible(change.pk)).data)
