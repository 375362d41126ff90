"""API representations of organisations, prerequisites, enrollments and badge verification."""

from rest_framework import serializers

from designation.credentials.status import CREDENTIAL_STATUSES
from designation.models import Location, Organization


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
