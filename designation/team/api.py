"""REST API for an organisation's members and invitations: partner members (and reviewers) read,
partner admins write; another organisation answers 404."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from designation.models import Invitation, Membership
from designation.team import selectors, services
from designation.team.serializers import (
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberSerializer,
    RoleSerializer,
)
from portal.api import ERRORS, JourneyErrorsMixin

PARAMETERS = [
    OpenApiParameter("id", int, OpenApiParameter.PATH, description="Organisation."),
]


class _TeamView(JourneyErrorsMixin, generics.GenericAPIView):
    def organization(self):
        return selectors.team_organization_for(self.request.user, self.kwargs["id"])

    def writable_organization(self):
        """Scope (404), then permission (403), before any input is read."""
        organization = self.organization()
        if not self.request.user.has_perm("designation.manage_team", organization):
            raise PermissionDenied(services.ADMINS_ONLY)
        return organization


@extend_schema(parameters=PARAMETERS)
class MembersView(_TeamView, generics.ListAPIView):
    """The organisation's members, admins first."""

    serializer_class = MemberSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.members_of(self.organization())


@extend_schema(
    parameters=[*PARAMETERS, OpenApiParameter("membership_id", int, OpenApiParameter.PATH)]
)
class MemberDetailView(_TeamView):
    """One member; PATCH `role` to change it, DELETE to remove them (never the last admin)."""

    serializer_class = MemberSerializer

    def get(self, request: Request, id: int, membership_id: int) -> Response:
        membership = selectors.membership_in(self.organization(), membership_id)
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=RoleSerializer, responses={200: MemberSerializer, **ERRORS})
    def patch(self, request: Request, id: int, membership_id: int) -> Response:
        membership = selectors.membership_in(self.writable_organization(), membership_id)
        given = RoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.member_change_role(
            membership_id=membership.pk, by=request.user, role=given.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, id: int, membership_id: int) -> Response:
        membership = selectors.membership_in(self.writable_organization(), membership_id)
        services.member_remove(membership_id=membership.pk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=PARAMETERS)
class InvitationsView(_TeamView, generics.ListAPIView):
    """Open invitations (pending or expired); POST `email` and `role` to invite someone."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.open_invitations_of(self.organization())

    @extend_schema(
        request=InvitationCreateSerializer, responses={201: InvitationSerializer, **ERRORS}
    )
    def post(self, request: Request, id: int) -> Response:
        organization = self.writable_organization()
        given = InvitationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = services.team_invite(
            organization_id=organization.pk, by=request.user, **given.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


INVITATION = [*PARAMETERS, OpenApiParameter("invitation_id", int, OpenApiParameter.PATH)]


@extend_schema(parameters=INVITATION)
class InvitationDetailView(_TeamView):
    """One open invitation; DELETE revokes it (its link stops working)."""

    serializer_class = InvitationSerializer

    def get(self, request: Request, id: int, invitation_id: int) -> Response:
        invitation = selectors.invitation_in(self.organization(), invitation_id)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, id: int, invitation_id: int) -> Response:
        invitation = selectors.invitation_in(self.writable_organization(), invitation_id)
        services.invitation_revoke(invitation_id=invitation.pk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=INVITATION, request=None, responses={200: InvitationSerializer, **ERRORS})
class InvitationResendView(_TeamView):
    """Send the invitation again with a new seven-day link; the old link stops working."""

    serializer_class = InvitationSerializer

    def post(self, request: Request, id: int, invitation_id: int) -> Response:
        invitation = selectors.invitation_in(self.writable_organization(), invitation_id)
        invitation = services.invitation_resend(invitation_id=invitation.pk, by=request.user)
        return Response(InvitationSerializer(invitation).data)
