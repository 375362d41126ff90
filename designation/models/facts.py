"""Facts of record: where each one came from, every change kept (who, when, before, after), and
the change requests partner admins send when they see a wrong fact."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


class FactSource(models.TextChoices):
    """Who last set or confirmed a fact of record."""

    FEED = "feed", "Partner facts feed"
    REVIEWER = "reviewer", "Microsoft reviewer"
    PROGRAM_ADMIN = "program_admin", "Program admin"
    DECLARED = "declared", "Declared by the partner (not confirmed by the program)"


class FactKind(models.TextChoices):
    """The kinds of fact of record, one table (or one group of columns) each."""

    ACCOUNT = "account", "Account facts"
    SOLUTIONS_PARTNER = "solutions_partner", "Solutions Partner designation"
    CSP = "csp", "CSP enrollment"
    SUPPORT_CONTRACT = "support_contract", "Support contract"


class RecordedFact(models.Model):
    """Source and last confirmation of a fact of record (abstract)."""

    source = models.CharField(
        max_length=20, choices=FactSource.choices, default=FactSource.DECLARED
    )
    confirmed_at = models.DateTimeField("last confirmed", null=True, blank=True)

    class Meta:
        abstract = True


class FactChange(models.Model):
    """One change to a fact of record: append-only, with who, when, before and after."""

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"

    organization = models.ForeignKey(
        "designation.Organization", on_delete=models.PROTECT, related_name="fact_changes"
    )
    kind = models.CharField(max_length=20, choices=FactKind.choices)
    fact_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, choices=FactSource.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=2000, blank=True)
    change_request = models.ForeignKey(
        "designation.FactChangeRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organization", "-at"], name="fact_change_org_at")]
        triggers = [
            pgtrigger.Protect(
                name="fact_changes_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        action = self.get_action_display().lower()
        return f"{self.get_kind_display()} {action} on {self.at:%Y-%m-%d}"

    def fields_changed(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [
            (name, self.before.get(name), self.after.get(name))
            for name in names
            if self.before.get(name) != self.after.get(name)
        ]


def evidence_storage():
    """The evidence storage (outside the web root, or a private bucket)."""
    from django.core.files.storage import storages

    return storages["evidence"]


def change_request_evidence_path(instance, filename: str) -> str:
    return f"change-requests/{instance.organization_id}/{filename}"


class FactChangeRequest(models.Model):
    """A partner admin's proposal to correct a fact of record, decided by a reviewer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reviewer"
        ACCEPTED = "accepted", "Accepted: the fact was changed"
        DECLINED = "declined", "Declined"

    class Action(models.TextChoices):
        ADD = "add", "Add"
        CHANGE = "change", "Change"
        REMOVE = "remove", "Remove"

    organization = models.ForeignKey(
        "designation.Organization", on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField(max_length=20, choices=FactKind.choices)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.CHANGE)
    fact_id = models.PositiveIntegerField(null=True, blank=True)
    proposed = models.JSONField(default=dict, blank=True, help_text="The values proposed.")
    current = models.JSONField(default=dict, blank=True, help_text="The values when proposed.")
    reason = models.CharField(max_length=2000)
    evidence = models.FileField(
        storage=evidence_storage,
        upload_to=change_request_evidence_path,
        max_length=300,
        blank=True,
    )
    evidence_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="change_request_queue")]

    def __str__(self) -> str:
        return f"Change request {self.pk}: {self.get_kind_display()} ({self.get_status_display()})"
