"""API representations of organisations, prerequisites, enrollments and badge verification."""

from rest_framework import serializers

from designation import selectors
from designation.models import Enrollment, EnrollmentEvent, Location, Organization
from designation.rules import CspKind, SolutionArea, SupportPlan


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


# --- Enrollments ---------------------------------------------------------------------------


class EnrollmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentEvent
        fields = [
            "sequence",
            "at",
            "actor_name",
            "transition",
            "from_state",
            "to_state",
            "reason",
            "note",
            "rules_version",
            "hash",
        ]


class EnrollmentAuditSerializer(serializers.Serializer):
    """The audit records of an enrollment, as its detail shows them."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    attempt = serializers.IntegerField()
    status = serializers.CharField()
    verdict = serializers.CharField()
    fee_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    fee_currency = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class EnrollmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    step = serializers.IntegerField(read_only=True, help_text="1-5: the step of the journey.")

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "state",
            "step",
            "submitted_on",
            "enrolled_on",
            "created_at",
        ]


class EnrollmentDetailSerializer(EnrollmentSerializer):
    available_transitions = serializers.SerializerMethodField()
    audits = EnrollmentAuditSerializer(many=True, read_only=True)
    events = EnrollmentEventSerializer(many=True, read_only=True)

    class Meta(EnrollmentSerializer.Meta):
        fields = [
            *EnrollmentSerializer.Meta.fields,
            "contact_name",
            "contact_email",
            "solution_areas",
            "csp_type",
            "support_plan",
            "attested",
            "prerequisites_checked_on",
            "eligibility_decided_on",
            "attempt_status",
            "performance_started_on",
            "performance_window_ends_on",
            "csat_carried_over",
            "capability_carried_over",
            "withdrawn_from",
            "reason",
            "available_transitions",
            "audits",
            "events",
        ]

    def get_available_transitions(self, enrollment) -> list[str]:
        return selectors.available_transitions(
            enrollment, self.context["request"].user, self.context["on"]
        )


class EnrollmentCreateSerializer(serializers.Serializer):
    """The pre-enrollment form."""

    organization = serializers.IntegerField()
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.EmailField()
    solution_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=[(a.value, a.label) for a in SolutionArea]),
        allow_empty=False,
        min_length=1,  # so that the schema says so (minItems) too
    )
    csp_type = serializers.ChoiceField(choices=[(k.value, k.label) for k in CspKind])
    support_plan = serializers.ChoiceField(choices=[(p.value, p.label) for p in SupportPlan])
    attested = serializers.BooleanField()

    def validate_attested(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Attest that you may represent the organisation.")
        return value


class TransitionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class VerificationSerializer(serializers.Serializer):
    credential_id = serializers.CharField()
    organization = serializers.CharField()
    partner_id = serializers.CharField()
    designation = serializers.CharField()
    status = serializers.ChoiceField(choices=["active", "expired"])
    state = serializers.CharField()
    attained_on = serializers.DateField()
    valid_until = serializers.DateField()
