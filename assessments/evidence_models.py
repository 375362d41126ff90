"""Evidence files of ISSI audits, their removals before submission and their malware scans."""

import pgtrigger
from django.conf import settings
from django.db import models

from assessments import rules as audit_rules


def evidence_storage():
    """The evidence storage: the filesystem outside the web root, or an S3-compatible bucket."""
    from django.core.files.storage import storages

    return storages["evidence"]


class EvidenceFileManager(models.Manager):
    """Evidence that counts: a file removed before submission is kept, but no longer counts."""

    def get_queryset(self):
        removed = EvidenceRemoval.objects.filter(evidence=models.OuterRef("pk"))
        return super().get_queryset().exclude(models.Exists(removed))


class EvidenceFile(models.Model):
    """A file supporting an audit, stored under a random name outside the web root."""

    audit = models.ForeignKey(
        "assessments.AuditRecord", on_delete=models.PROTECT, related_name="evidence"
    )
    component = models.CharField(max_length=40, choices=audit_rules.EVIDENCE_COMPONENTS)
    file = models.FileField(max_length=200, storage=evidence_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Versions: a new upload for a component is a new revision beside the old ones.
    revision = models.PositiveSmallIntegerField(default=1)
    effective_on = models.DateField(
        null=True, blank=True, help_text="The day the evidence is about (not the upload day)."
    )

    with_removed = models.Manager()
    objects = EvidenceFileManager()  # without the removed ones; audit.evidence uses it too

    class Meta:
        ordering = ["component", "uploaded_at", "id"]
        default_manager_name = "objects"
        base_manager_name = "with_removed"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revision__gte=1), name="evidence_revision_from_1"
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="evidence_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_component_display()})"


class EvidenceRemoval(models.Model):
    """A file uploaded by mistake, taken out before the audit was submitted: who, when, why.
    The file and this record stay; the file no longer counts as evidence."""

    evidence = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="removal")
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["removed_at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="evidence_removal_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} removed by {self.removed_by_id}"


class EvidenceScanQuerySet(models.QuerySet):
    def clean(self):
        return self.filter(clean=True)


class EvidenceScan(models.Model):
    """The malware scanner's verdict on one evidence file; no verdict yet means pending."""

    evidence = models.OneToOneField(EvidenceFile, on_delete=models.PROTECT, related_name="scan")
    clean = models.BooleanField()
    scanner = models.CharField(max_length=40)
    detail = models.CharField(max_length=300)
    scanned_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceScanQuerySet.as_manager()

    class Meta:
        triggers = [
            pgtrigger.Protect(
                name="evidence_scan_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{'clean' if self.clean else 'infected'}: {self.evidence}"
