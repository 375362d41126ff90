"""API representations of enrollments: the pre-enrollment form, transitions, the detail with
its audits and event log."""

from rest_framework import serializers

from designation import selectors
from designation.models import Enrollment, EnrollmentEvent
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS
from designation.rules import CspKind, SolutionArea, SupportPlan

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
            *PRE_ENROLLMENT_FIELDS,
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
        min_length=1,
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
