"""The audit conversation's records: changes the assigned auditor requests and the partner's
answers (imported by assessments.models, so that Django registers them)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments import rules as audit_rules
from portal import bounds


class ChangeRequestQuerySet(models.QuerySet):
    def open(self) -> "ChangeRequestQuerySet":
        return self.filter(answered_at=None)

    def awaiting(self, on: date) -> "ChangeRequestQuerySet":
        """Open requests whose deadline has not passed: the partner still holds the ball."""
        return self.open().filter(due_on__gte=on)


class ChangeRequest(models.Model):
    """What the assigned auditor asks the partner to change on a claimed audit (one evidence
    component, or the whole audit when `component` is empty), by a day, and the answer."""

    audit = models.ForeignKey(
        "assessments.AuditRecord", on_delete=models.PROTECT, related_name="change_requests"
    )
    component = models.CharField(max_length=40, blank=True, help_text="Empty: the whole audit.")
    note = models.TextField(help_text="What is missing or needs changing.")
    due_on = models.DateField(help_text="The partner answers by this day.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ForeignKey(
        "assessments.EvidenceFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The new revision uploaded with the answer.",
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.subject_label}: {self.note[:60]}"

    @property
    def subject_label(self) -> str:
        if not self.component:
            return "The whole audit"
        return dict(audit_rules.EVIDENCE_COMPONENTS).get(self.component, self.component)

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def overdue(self, on: date) -> bool:
        return audit_rules.request_overdue(self.due_on, answered=self.answered, on=on)


class CommentQuerySet(models.QuerySet):
    def for_viewer(self, *, staff: bool) -> "CommentQuerySet":
        """Internal notes are for Microsoft and ISSI staff only, never for partners."""
        return self if staff else self.filter(internal=False)


class Comment(models.Model):
    """One message in the thread of an enrollment (audit empty) or of one of its audits; plain
    text. `internal` notes are staff-only."""

    enrollment = models.ForeignKey(
        "designation.Enrollment", on_delete=models.PROTECT, related_name="comments"
    )
    audit = models.ForeignKey(
        "assessments.AuditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    internal = models.BooleanField(default=False, help_text="Staff only: never shown to partners.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"


class Appeal(models.Model):
    """A partner admin's appeal of an ineligible decision, a failed assessment or a case-rate
    determination: once per decision, within the program's window; decided by a reviewer other
    than the one who made the decision."""

    class Subject(models.TextChoices):
        INELIGIBLE = "ineligible", "Ineligible decision"
        ASSESSMENT = "assessment", "Failed assessment"
        DETERMINATION = "determination", "Case-rate determination"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a reviewer"
        UPHELD = "upheld", "Upheld: the decision stands"
        OVERTURNED = "overturned", "Overturned"

    enrollment = models.ForeignKey(
        "designation.Enrollment", on_delete=models.PROTECT, related_name="appeals"
    )
    audit = models.ForeignKey(
        "assessments.AuditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    decision_key = models.CharField(
        max_length=60, unique=True, help_text="The decision appealed: one appeal each."
    )
    decision_on = models.DateField(help_text="The day of the decision appealed.")
    closes_on = models.DateField(help_text="The last day it could be appealed.")
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was upheld or overturned.")
    superseding_audit = models.OneToOneField(
        "assessments.AuditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The record of the new outcome, when an audit outcome was overturned.",
    )

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [bounds.in_order("decision_on", "closes_on", "appeal_closes_after_decision")]

    def __str__(self) -> str:
        return f"Appeal of the {self.get_subject_display().lower()} ({self.get_status_display()})"


def attachment_storage():
    """Attachments share the evidence storage (outside the web root, or the bucket)."""
    from django.core.files.storage import storages

    return storages["evidence"]


class Attachment(models.Model):
    """A file attached to a comment or to an appeal (one of the two), checked as evidence is and
    stored under a random name, with its SHA-256, who uploaded it and when, and its malware scan
    (`clean` empty while the scan is pending)."""

    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachment"
    )
    appeal = models.OneToOneField(
        Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="attachment"
    )
    file = models.FileField(max_length=200, storage=attachment_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    clean = models.BooleanField(null=True, help_text="The malware scan: empty while pending.")
    scan_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False, appeal__isnull=True)
                | models.Q(comment__isnull=True, appeal__isnull=False),
                name="attachment_of_a_comment_or_an_appeal",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
