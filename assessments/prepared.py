"""The evidence library: files a partner prepares per capability component before the audit
opens, attached to the capability audit when it does (issue 16). Imported by models.py."""

from django.conf import settings
from django.db import models

from assessments import rules as audit_rules
from assessments.evidence_models import evidence_storage
from designation.models import Organization


class PreparedEvidence(models.Model):
    """A file prepared for one capability component, kept until it is attached to an audit."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="prepared_evidence"
    )
    component = models.CharField(max_length=40, choices=audit_rules.CAPABILITY_COMPONENTS)
    file = models.FileField(max_length=200, storage=evidence_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    attached_to = models.OneToOneField(
        "assessments.EvidenceFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prepared_from",
        help_text="The audit's evidence file made from it, once attached.",
    )

    class Meta:
        ordering = ["component", "uploaded_at", "id"]
        indexes = [models.Index(fields=["organization", "component"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_component_display()}, prepared)"
