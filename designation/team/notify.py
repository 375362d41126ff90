"""Emails to the people a team change affects (Django's email backend; locmem in tests)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from designation.team.rules import display_name


def _name(user) -> str:
    return display_name(user.first_name, user.last_name, user.get_username())


def _send(to: list[str], subject: str, body: str) -> None:
    recipients = [address for address in to if address]
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[token])


def invitation(invitation, token: str) -> None:
    """The invitation with its link."""
    inviter = _name(invitation.invited_by) if invitation.invited_by else "A partner admin"
    organization = invitation.organization.legal_name
    _send(
        [invitation.email],
        f"Join {organization} on the Support Services designation portal",
        f"{inviter} invited you to join {organization} as "
        f"{invitation.get_role_display().lower()} on the Support Services designation portal.\n\n"
        f"Accept the invitation here (the link works once, until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n{invitation_link(token)}\n\n"
        "If you did not expect this, ignore this email.\n",
    )


def joined(membership) -> None:
    """Tell the organisation's partner admins who joined."""
    admins = membership.organization.memberships.filter(role="admin").exclude(user=membership.user)
    _send(
        [m.user.email for m in admins.select_related("user")],
        f"{_name(membership.user)} joined {membership.organization.legal_name}",
        f"{_name(membership.user)} accepted the invitation and joined "
        f"{membership.organization.legal_name} as {membership.get_role_display().lower()}.\n",
    )


def role_changed(membership, *, by) -> None:
    _send(
        [membership.user.email],
        f"Your role in {membership.organization.legal_name} changed",
        f"{_name(by)} made you {membership.get_role_display().lower()} of "
        f"{membership.organization.legal_name} on the Support Services designation portal.\n",
    )


def removed(user, organization, *, by) -> None:
    _send(
        [user.email],
        f"You were removed from {organization.legal_name}",
        f"{_name(by)} removed you from {organization.legal_name} on the Support Services "
        "designation portal. Your account stays; ask a partner admin if this is a mistake.\n",
    )


def revoked(invitation) -> None:
    """Tell the invited person their link no longer works."""
    _send(
        [invitation.email],
        f"Your invitation to {invitation.organization.legal_name} was withdrawn",
        f"The invitation to join {invitation.organization.legal_name} on the Support Services "
        "designation portal was withdrawn by a partner admin; its link no longer works.\n",
    )
