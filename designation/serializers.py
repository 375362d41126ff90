"""API representations of organisations, prerequisites, enrollments and badge verification."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from designation.credentials.status import CREDENTIAL_STATUSES
from designation.models import FactChangeRequest, FactKind, Location, Organization


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "city", "country", "shows_badge"]


class OrganizationSerializer(serializers.ModelSerializer):
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "partner_id",
            "legal_name",
            "country",
            "in_good_standing",
            "partner_center_registered",
            "tax_billing_on_file",
            "code_of_conduct_accepted_on",
            "representative_attested",
            "locations",
        ]


class PrerequisiteSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    met = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["met", "warning", "unmet"])
    detail = serializers.CharField()
    next_action = serializers.CharField(allow_blank=True)
    warning = serializers.CharField(allow_blank=True)


class PrerequisitesSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    on = serializers.DateField()
    all_met = serializers.BooleanField()
    prerequisites = PrerequisiteSerializer(many=True)


class CredentialHistorySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The credential's id (urn:uuid:...), its JWT `jti`.")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    issued_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=CREDENTIAL_STATUSES)
    revocation_reason = serializers.CharField(allow_blank=True)
    status_list = serializers.URLField(help_text="The signed Bitstring Status List credential.")
    status_index = serializers.IntegerField()


class VerificationSerializer(serializers.Serializer):
    credential_id = serializers.CharField()
    organization = serializers.CharField()
    partner_id = serializers.CharField()
    designation = serializers.CharField()
    status = serializers.ChoiceField(choices=["active", "expired"])
    state = serializers.CharField()
    state_label = serializers.CharField()
    attained_on = serializers.DateField()
    valid_until = serializers.DateField()
    signature = serializers.ChoiceField(
        choices=["valid", "invalid", "unknown key", "not a credential", "none issued"],
        help_text="The current credential's signature checked against the published keys.",
    )
    credential_status = serializers.ChoiceField(
        choices=["active", "expired", "revoked", "not yet valid", "unknown", "none issued"],
        help_text="The current credential's dates and status-list bit, in words.",
    )
    summary = serializers.CharField()
    issuer = serializers.CharField(help_text="The issuer's did:web.")
    did_document = serializers.URLField()
    current_credential = serializers.CharField(allow_null=True)
    credentials = CredentialHistorySerializer(many=True)


class DesignationLinksSerializer(serializers.Serializer):
    verification = serializers.URLField()
    verification_api = serializers.URLField()
    badge_svg = serializers.URLField()
    badge_png = serializers.URLField()
    credential_jwt = serializers.URLField()
    credential_json = serializers.URLField()
    certificate_letter = serializers.URLField()


class OrganizationDesignationSerializer(VerificationSerializer):
    organization_id = serializers.IntegerField()
    links = DesignationLinksSerializer()


class FeedUploadSerializer(serializers.Serializer):
    """One partner facts feed file and its kind (from the file name when not given)."""

    file = serializers.FileField()
    kind = serializers.ChoiceField(
        choices=["accounts", "solutions_partner", "csp", "support_contracts"], required=False
    )


class FeedCountsSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class FeedErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class FeedErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = FeedErrorSerializer(many=True)
    error_count = serializers.IntegerField()


# --- Fact change requests ----------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "The fact's fields and their proposed values (dates as YYYY-MM-DD); "
        "fields left out keep their current values. In a multipart request: a JSON object.",
    }
)
class ProposedValuesField(serializers.JSONField):
    """The proposed values: a JSON object (a JSON string of one in a multipart request)."""

    def to_internal_value(self, data) -> dict:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Give an object of field names and values.")
        return value


class FactChangeRequestSerializer(serializers.ModelSerializer):
    """A change request and its outcome, in words beside each code."""

    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current = serializers.DictField(read_only=True, help_text="The values when proposed.")
    proposed = serializers.DictField(read_only=True, help_text="The values proposed.")
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = FactChangeRequest
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_label",
            "action",
            "action_label",
            "fact_id",
            "current",
            "proposed",
            "reason",
            "has_evidence",
            "evidence_name",
            "status",
            "status_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    def get_has_evidence(self, request: FactChangeRequest) -> bool:
        return bool(request.evidence)


class FactChangeProposalSerializer(serializers.Serializer):
    """A partner admin's proposal: which fact, the proposed values, why, optional evidence."""

    organization = serializers.IntegerField(min_value=0, max_value=10**18 - 1)
    kind = serializers.ChoiceField(choices=FactKind.choices)
    action = serializers.ChoiceField(
        choices=FactChangeRequest.Action.choices, default=FactChangeRequest.Action.CHANGE
    )
    fact_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The designation, CSP enrollment or contract to change or remove.",
    )
    proposed = ProposedValuesField(required=False, default=dict)
    reason = serializers.CharField(max_length=2000, help_text="What is wrong and why.")
    evidence = serializers.FileField(
        required=False, help_text="Optional: PDF, PNG, JPEG or TXT, up to 10 MB."
    )


class FactChangeAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FactChangeDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why: the partner reads it.")
