"""API representations of ISSI audit records and the inputs auditors and reviewers send."""

from django.urls import reverse
from rest_framework import serializers

from assessments import rules as audit_rules
from assessments.models import (
    FROZEN_FIGURES,
    Appeal,
    Attachment,
    AuditRecord,
    ChangeRequest,
    Comment,
    EvidenceFile,
    ExcludedCase,
)
from portal import bounds


class ExcludedCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExcludedCase
        fields = ["case_id", "reason"]


class EvidenceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "component",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "revision",
            "effective_on",
            "download_url",
        ]

    def get_download_url(self, evidence) -> str:
        return reverse("evidence-download", args=[evidence.pk])


class AuditRecordSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="enrollment.organization_id", read_only=True)
    organization_name = serializers.CharField(
        source="enrollment.organization.legal_name", read_only=True
    )
    organization_partner_id = serializers.CharField(
        source="enrollment.organization.partner_id", read_only=True
    )
    organization_country = serializers.CharField(
        source="enrollment.organization.country", read_only=True
    )
    auditor = serializers.CharField(source="auditor.username", read_only=True, allow_null=True)
    corrected_by = serializers.CharField(
        source="corrected_by.username", read_only=True, allow_null=True, default=None
    )
    excluded_cases = ExcludedCaseSerializer(many=True, read_only=True)
    evidence = EvidenceFileSerializer(many=True, read_only=True)
    missing_components = serializers.SerializerMethodField()

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "enrollment",
            "organization",
            "organization_name",
            "organization_partner_id",
            "organization_country",
            "kind",
            "attempt",
            "status",
            "auditor",
            "created_at",
            "assigned_on",
            "submitted_at",
            "fee_amount",
            "fee_currency",
            "performance_window_ends_on",
            *FROZEN_FIGURES,
            "validated_case_volume",
            "excluded_cases",
            "volume_adjustment",
            "adjustment_reason",
            "proposed_case_rate",
            "final_case_rate",
            "override_reason",
            "methodology_ok",
            "csat_score",
            "scores",
            "capability_total",
            "verdict",
            "judged_against",
            "valid_until",
            "supersedes",
            "correction_reason",
            "corrected_by",
            "evidence",
            "missing_components",
        ]

    def to_representation(self, audit):
        data = super().to_representation(audit)
        if self.context.get("hide_reviewer_reasons"):
            data["override_reason"] = ""  # the reviewer's reason is not the auditor's to read
        return data

    def get_missing_components(self, audit) -> list[str]:
        return audit_rules.missing_components(
            audit.kind, [e.component for e in audit.evidence.all()]
        )


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    component = serializers.ChoiceField(choices=audit_rules.EVIDENCE_COMPONENTS)


class ExcludedCaseInputSerializer(serializers.Serializer):
    case_id = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=500)


class AuditSubmitSerializer(serializers.Serializer):
    """What the assigned auditor records; the fields depend on the audit's kind."""

    validated_case_volume = bounds.CASE_VOLUME.serializer_field(
        required=False,
        help_text=(
            "Performance: leave out for the frozen volume less the excluded cases; a different "
            "number is an explicit adjustment and needs `adjustment_reason`."
        ),
    )
    excluded_cases = ExcludedCaseInputSerializer(
        many=True,
        required=False,
        max_length=10000,
        help_text="Performance: cases excluded, each one of the frozen cases, with a reason.",
    )
    adjustment_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Performance: why the validated volume differs from frozen less excluded.",
    )
    methodology_ok = serializers.BooleanField(
        required=False, help_text="CSAT: whether ISSI accepts the survey methodology."
    )
    score = bounds.CSAT_SCORE.serializer_field(
        required=False, help_text="CSAT: the final score, 1.0 to 5.0."
    )
    scores = serializers.DictField(
        child=bounds.CAPABILITY_SCORE.serializer_field(),
        required=False,
        help_text="Capability: " + ", ".join(audit_rules.CAPABILITY_DIMENSIONS) + " (0-100).",
    )


class AuditDetermineSerializer(serializers.Serializer):
    final_case_rate = bounds.CASE_RATE.serializer_field(
        required=False,
        allow_null=True,
        help_text="Leave out to confirm the validated rate; give a value to override it.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Required when overriding."
    )


class AuditCorrectSerializer(AuditSubmitSerializer):
    """A corrected submission: the same fields as submit, and why."""

    reason = serializers.CharField(help_text="Why the submitted record is corrected.")


# --- The audit conversation -------------------------------------------------------------------


class ChangeRequestSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_label", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    answered_by = serializers.CharField(source="answered_by.username", read_only=True, default=None)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "audit",
            "component",
            "subject",
            "note",
            "due_on",
            "requested_by",
            "requested_at",
            "reply",
            "answered_by",
            "answered_at",
            "evidence",
        ]
        read_only_fields = fields


class ChangeRequestInputSerializer(serializers.Serializer):
    component = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the whole audit."
    )
    note = serializers.CharField()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ChangeAnswerInputSerializer(serializers.Serializer):
    reply = serializers.CharField()
    file = serializers.FileField(required=False, allow_empty_file=False, use_url=False)
    component = serializers.CharField(required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class AttachmentSerializer(serializers.ModelSerializer):
    """A file attached to a comment or an appeal; downloaded (signed in) from download_url."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse("attachment-download", args=[attachment.pk])


ATTACHMENT_HELP = "Optional: PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT, checked as evidence is."


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    attachment = AttachmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "enrollment",
            "audit",
            "author",
            "body",
            "internal",
            "created_at",
            "attachment",
        ]
        read_only_fields = ["id", "enrollment", "audit", "author", "created_at"]


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Staff only: never shown to partners."
    )


class CommentUploadInputSerializer(CommentInputSerializer):
    """A comment sent as multipart/form-data, with an optional file."""

    file = serializers.FileField(
        required=False, allow_empty_file=False, use_url=False, help_text=ATTACHMENT_HELP
    )


class AppealSerializer(serializers.ModelSerializer):
    filed_by = serializers.CharField(source="filed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)
    attachment = AttachmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "enrollment",
            "audit",
            "subject",
            "decision_on",
            "closes_on",
            "statement",
            "filed_by",
            "filed_at",
            "status",
            "decided_by",
            "decided_at",
            "reason",
            "superseding_audit",
            "attachment",
        ]
        read_only_fields = fields


class AppealInputSerializer(serializers.Serializer):
    statement = serializers.CharField()


class AppealUploadInputSerializer(AppealInputSerializer):
    """An appeal sent as multipart/form-data, with optional supporting evidence."""

    file = serializers.FileField(
        required=False, allow_empty_file=False, use_url=False, help_text=ATTACHMENT_HELP
    )


class AppealDecideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["uphold", "overturn"])
    reason = serializers.CharField()
