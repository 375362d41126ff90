"""The notification centre: what each person is told (in-app, and by email unless they turned a
kind off), one row per event and recipient."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    ELIGIBILITY_SUBMITTED = "eligibility_submitted", "Eligibility submitted for review"
    ELIGIBILITY_DECIDED = "eligibility_decided", "Eligibility approved or rejected"
    AUDIT_QUEUED = "audit_queued", "An audit entered the ISSI queue"
    AUDIT_CLAIMED = "audit_claimed", "An auditor claimed an audit"
    CHANGES_REQUESTED = "changes_requested", "Changes requested on an audit"
    CHANGES_ANSWERED = "changes_answered", "Requested changes answered"
    AUDIT_SUBMITTED = "audit_submitted", "An audit was submitted"
    AUDIT_DECIDED = "audit_decided", "An audit passed or failed"
    CASE_RATE_DETERMINED = "case_rate_determined", "Case rate determined"
    APPEAL_FILED = "appeal_filed", "An appeal was filed"
    APPEAL_DECIDED = "appeal_decided", "An appeal was decided"
    COMMENT_ADDED = "comment_added", "A comment was added"
    FACT_CHANGE_REQUESTED = "fact_change_requested", "A change to a fact of record was requested"
    FACT_CHANGE_DECIDED = "fact_change_decided", "A fact change request was accepted or declined"
    RENEWAL_REMINDER = "renewal_reminder", "Renewal reminders"
    DESIGNATION_LAPSED = "designation_lapsed", "Designation lapsed"


class Notification(models.Model):
    """One thing one person was told; `key` names the event, so each event reaches each
    recipient once (a retried task or a second run creates and sends nothing)."""

    Kind = Kind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="The event this tells of (idempotency key).")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="The page of the thing.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email: claimed (set) before sending, so that a retry never sends twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(default=False, help_text="The recipient turned it off.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="one_notification_per_event")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["created_at"], name="notification_age"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's email choice for one kind (no row: email on). In-app is always on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} email {'on' if self.email else 'off'}"
