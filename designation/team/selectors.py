"""Reads for team pages and the API: always scoped by the caller first."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from designation import selectors
from designation.models import Invitation, Membership, MembershipChange, Organization


def team_organization_for(user, organization_id: int) -> Organization:
    """The organisation if `user` may read its team; 404 otherwise (not 403: not theirs)."""
    organization = get_object_or_404(selectors.organizations_for(user), pk=organization_id)
    if not user.has_perm("designation.view_team", organization):
        raise Http404("No such organisation.")
    return organization


def members_of(organization: Organization) -> QuerySet[Membership]:
    """Members with their accounts, admins first, then by name."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "user__username", "id")
    )


def open_invitations_of(organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.open().filter(organization=organization).select_related("invited_by")


def changes_of(organization: Organization, limit: int = 50) -> QuerySet[MembershipChange]:
    return MembershipChange.objects.filter(organization=organization)[:limit]


def membership_in(organization: Organization, membership_id: int) -> Membership:
    return get_object_or_404(members_of(organization), pk=membership_id)


def invitation_in(organization: Organization, invitation_id: int) -> Invitation:
    return get_object_or_404(open_invitations_of(organization), pk=invitation_id)
