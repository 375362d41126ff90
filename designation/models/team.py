"""An organisation's people: invitations to join it, the record of every change to its team, and
the external sign-in identities (OpenID Connect subjects) linked to accounts."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from designation.models.organizations import Membership, Organization

INVITATION_VALIDITY = timedelta(days=7)


def new_invitation_key() -> str:
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked (an expired one is still open: it can be resent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def usable(self, now=None) -> "InvitationQuerySet":
        """Open and not expired: its link still works."""
        return self.open().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An emailed invitation to join an organisation with a role; its link is signed, single-use
    and expires after seven days. Resending it gives it a new key, so the old link dies."""

    Role = Membership.Role

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    key = models.CharField(max_length=64, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        """pending, expired, accepted or revoked."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"

    @property
    def status_label(self) -> str:
        return {
            "pending": "Waiting for an answer",
            "expired": "Expired: resend it",
            "accepted": "Accepted",
            "revoked": "Revoked",
        }[self.status]


class MembershipChange(models.Model):
    """One change to an organisation's team: who did it, when, to whom, and what."""

    class Action(models.TextChoices):
        INVITED = "invited", "invited"
        RESENT = "resent", "resent the invitation of"
        REVOKED = "revoked", "revoked the invitation of"
        JOINED = "joined", "joined"
        ROLE_CHANGED = "role_changed", "changed the role of"
        REMOVED = "removed", "removed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="membership_changes"
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(max_length=300, help_text="The actor's name when it happened.")
    action = models.CharField(max_length=20, choices=Action.choices)
    subject_name = models.CharField(max_length=300, help_text="Whom it was about (name or email).")
    old_role = models.CharField(max_length=10, choices=Membership.Role.choices, blank=True)
    new_role = models.CharField(max_length=10, choices=Membership.Role.choices, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organization", "-at"])]

    def __str__(self) -> str:
        return self.sentence

    @property
    def sentence(self) -> str:
        """The change in words: "Dana Admin changed the role of Lee: Partner member → admin"."""
        roles = dict(Membership.Role.choices)
        text = f"{self.by_name} {self.get_action_display()} {self.subject_name}"
        if self.action == self.Action.JOINED:
            text = f"{self.subject_name} joined as {roles.get(self.new_role, '')}"
        elif self.old_role and self.new_role:
            text += f": {roles[self.old_role]} → {roles[self.new_role]}"
        elif self.new_role:
            text += f" as {roles[self.new_role]}"
        return text


class ExternalIdentity(models.Model):
    """An account's identity at an OpenID Connect provider (issuer + subject), linked at its
    first sign-in with that provider; later sign-ins match on it before the email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
