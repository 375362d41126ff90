"""ISSI audit records, evidence files and the fee schedule (SPEC sections 4, 6, 7)."""

from datetime import date
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from assessments import rules as audit_rules
from designation.models import DatedVersionQuerySet, Enrollment, Organization
from designation.models.enrollment import ASSESSMENT_STATES
from designation.models.organizations import Scope
from portal import bounds


class Kind(models.TextChoices):
    PERFORMANCE = audit_rules.PERFORMANCE, "Performance assessment"
    CSAT = audit_rules.CSAT, "Customer success survey (CSAT)"
    CAPABILITY = audit_rules.CAPABILITY, "Capability assessment"


class FeeScheduleQuerySet(DatedVersionQuerySet):
    def in_force(self, kind: str, on: date) -> "FeeSchedule":
        """The fee for `kind` in force on `on` (latest effective on or before it)."""
        found = self.filter(kind=kind).latest_on(on)
        if found is None:
            raise FeeSchedule.DoesNotExist(f"No {kind} fee is in force on {on.isoformat()}.")
        return found


class FeeSchedule(models.Model):
    """One dated ISSI fee for one kind of assessment attempt; a change is a new row."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    effective_from = models.DateField()
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default="USD")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeeScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="one_fee_per_kind_and_day"
            ),
            bounds.FEE_AMOUNT.constraint("amount", "fee_amount_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display} from {self.effective_from:%Y-%m-%d}"

    @property
    def display(self) -> str:
        return audit_rules.format_money(self.amount, self.currency)


class SubmittedRecordEdited(pgtrigger.Condition):
    """A submitted audit record may only be determined (performance); a determined one never
    changes. Only the determination columns may change on that one step."""

    def __init__(self, *, determination_fields: tuple[str, ...]):
        self.determination_fields = determination_fields

    def resolve(self, model) -> str:
        columns = [
            field.column
            for field in model._meta.concrete_fields
            if field.name not in self.determination_fields
        ]
        changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)
        return (
            "OLD.\"status\" = 'determined' OR (OLD.\"status\" = 'submitted' AND "
            f"(NEW.\"status\" <> 'determined' OR {changed}))"
        )


DETERMINATION_FIELDS = (
    "status",
    "final_case_rate",
    "override_reason",
    "determined_by",
    "determined_at",
    "verdict",
    "judged_against",
    "valid_until",
)


class AuditRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditRecordQuerySet":
        """Reviewers see every audit; auditors theirs and the unclaimed queue; partners theirs."""
        scope = Scope.of(user)
        if scope is None:
            return self.none()
        if scope.everything:
            return self.all()
        mine = Q(enrollment__organization__in=scope.member_organizations())
        if scope.auditor:
            mine |= Q(auditor=user) | Q(
                status=AuditRecord.Status.UNASSIGNED,
                auditor=None,
                enrollment__state__in=ASSESSMENT_STATES,
            )
        return self.filter(pk__in=AuditRecord.objects.filter(mine).values("pk"))

    def current(self) -> "AuditRecordQuerySet":
        """Records not superseded by a correction."""
        # NOT EXISTS on the supersedes index: the planner can probe it for a few records (the
        # reverse one-to-one's LEFT JOIN ... IS NULL hashed the whole table every time).
        superseding = AuditRecord.objects.filter(supersedes=models.OuterRef("pk"))
        return self.exclude(models.Exists(superseding))


# The audit record's numbers and their ranges: what ISSI types (the forms and API check the same
# ranges first) and what the portal computes (never below zero, within the column).
AUDIT_RANGES = {
    "validated_case_volume": bounds.CASE_VOLUME,
    "capability_total": bounds.CAPABILITY_SCORE,
    "frozen_billed_revenue_usd": bounds.MONEY_FIGURE,
    "frozen_case_rate": bounds.RATE_FIGURE,
    "proposed_case_rate": bounds.RATE_FIGURE,
    "final_case_rate": bounds.RATE_FIGURE,
}


class AuditRecord(models.Model):
    """One ISSI assessment attempt; submitted records are never edited, only superseded."""

    Kind = Kind

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", "In the ISSI queue"
        CLAIMED = "claimed", "Claimed by an auditor"
        SUBMITTED = "submitted", "Submitted"
        DETERMINED = "determined", "Determined by Microsoft"

    class Verdict(models.TextChoices):
        PENDING = "", "Pending"
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    attempt = models.PositiveSmallIntegerField(help_text="1 for the first attempt, then retakes.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNASSIGNED)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits",
    )
    created_at = models.DateTimeField(help_text="When its step began.")
    assigned_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    fee_schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="+")
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2)
    fee_currency = models.CharField(max_length=3)
    # Performance: the window and the TTM figures frozen the day it started.
    performance_window_ends_on = models.DateField(null=True, blank=True)
    frozen_as_of = models.DateField(null=True, blank=True)
    frozen_window_start = models.DateField(null=True, blank=True)
    frozen_window_end = models.DateField(null=True, blank=True)
    frozen_case_volume = models.PositiveIntegerField(null=True, blank=True)
    frozen_billed_revenue_usd = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True
    )
    frozen_case_rate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    validated_case_volume = models.PositiveIntegerField(null=True, blank=True)
    # An explicit adjustment: the validated volume less (frozen volume - excluded cases).
    volume_adjustment = models.IntegerField(
        null=True, blank=True, help_text="Validated volume less (frozen - excluded); None if none."
    )
    adjustment_reason = models.TextField(blank=True)
    proposed_case_rate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    final_case_rate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField(blank=True)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    determined_at = models.DateTimeField(null=True, blank=True)
    # CSAT.
    methodology_ok = models.BooleanField(null=True, blank=True)
    csat_score = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    # Capability: {dimension: 0-100}; the total is their mean.
    scores = models.JSONField(default=dict, blank=True)
    capability_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # The outcome and what it was judged against.
    verdict = models.CharField(max_length=4, choices=Verdict.choices, blank=True, default="")
    judged_against = models.JSONField(
        default=dict, blank=True, help_text="Program-rule values (and version id) used."
    )
    valid_until = models.DateField(null=True, blank=True, help_text="Last day the pass counts.")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded this correction (the auditor, or a reviewer after the step).",
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "attempt"],
                condition=Q(supersedes__isnull=True),
                name="one_record_per_attempt",
            ),
            bounds.CSAT_SCORE.constraint("csat_score", "csat_score_from_1_to_5", nullable=True),
            *(
                allowed.constraint(name, f"audit_{name}_in_range", nullable=True)
                for name, allowed in AUDIT_RANGES.items()
            ),
            bounds.FEE_AMOUNT.constraint("fee_amount", "audit_fee_amount_in_range"),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="audit_attempt_from_1"),
            bounds.in_order(
                "frozen_window_start", "frozen_window_end", "audit_frozen_window_order"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="submitted_audit_records_read_only",
                operation=pgtrigger.Update,
                condition=SubmittedRecordEdited(determination_fields=DETERMINATION_FIELDS),
            ),
            pgtrigger.Protect(
                name="submitted_audit_records_kept",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.\"status\" IN ('submitted', 'determined')"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} attempt {self.attempt} ({self.get_status_display()})"

    @property
    def organization(self) -> Organization:
        return self.enrollment.organization

    @property
    def fee_display(self) -> str:
        return audit_rules.format_money(self.fee_amount, self.fee_currency)

    @property
    def passed(self) -> bool | None:
        return None if not self.verdict else self.verdict == self.Verdict.PASS


# The case-rate figures a performance audit freezes on the day its assessment starts.
FROZEN_FIGURES = (
    "frozen_as_of",
    "frozen_window_start",
    "frozen_window_end",
    "frozen_case_volume",
    "frozen_billed_revenue_usd",
    "frozen_case_rate",
)

# What a record that supersedes another (a correction, an overturned appeal) keeps of it: the same
# attempt, its fee (not charged again) and the figures frozen when it started.
SAME_ATTEMPT = (
    "enrollment",
    "kind",
    "attempt",
    "auditor",
    "created_at",
    "assigned_on",
    "fee_schedule",
    "fee_amount",
    "fee_currency",
    "performance_window_ends_on",
    *FROZEN_FIGURES,
)


def same_attempt(old: "AuditRecord", *also: str) -> dict:
    """The fields a superseding record copies from `old` (SAME_ATTEMPT, and `also`)."""
    return {name: getattr(old, name) for name in (*SAME_ATTEMPT, *also)}


# Which step of the enrollment each kind of audit decides, and the transition its pass runs.
STEP_OF_KIND = {
    AuditRecord.Kind.PERFORMANCE: Enrollment.State.PERFORMANCE,
    AuditRecord.Kind.CSAT: Enrollment.State.CUSTOMER_SUCCESS,
    AuditRecord.Kind.CAPABILITY: Enrollment.State.CAPABILITY,
}
KIND_OF_STEP = {state: kind for kind, state in STEP_OF_KIND.items()}
PASS_TRANSITION = {
    AuditRecord.Kind.PERFORMANCE: "pass_performance",
    AuditRecord.Kind.CSAT: "pass_customer_success",
    AuditRecord.Kind.CAPABILITY: "pass_capability",
}


def charged(audits) -> list[str]:
    """What these audit records charged, per currency, each attempt once."""
    return audit_rules.fees_charged(
        ((a.enrollment_id, a.kind, a.attempt), a.fee_amount, a.fee_currency) for a in audits
    )


def next_attempt_kind(enrollment: Enrollment | None) -> str:
    """The kind of the next attempt the partner will be charged for ("" when none is ahead):
    the performance assessment before it starts, else a retake of the failed step."""
    if enrollment is None or not enrollment.is_open:
        return ""
    if enrollment.state in (Enrollment.State.DRAFT, Enrollment.State.ELIGIBILITY_REVIEW):
        return AuditRecord.Kind.PERFORMANCE
    if enrollment.attempt_status == Enrollment.Attempt.IN_PROGRESS:
        return ""
    return KIND_OF_STEP.get(enrollment.state, "")


class ExcludedCase(models.Model):
    """A case ISSI excluded from the performance volume, with its reason."""

    audit = models.ForeignKey(AuditRecord, on_delete=models.PROTECT, related_name="excluded_cases")
    case_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["case_id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "case_id"], name="exclude_a_case_once")
        ]
        triggers = [
            pgtrigger.Protect(
                name="excluded_cases_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.reason}"


# Evidence files, their removals and scans live in their own module (the storage callable keeps
# its old import path for the migrations).
# The audit conversation's records live in their own module; imported here so Django has them.
from assessments.conversation import Appeal, Attachment, ChangeRequest, Comment  # noqa: E402, F401
from assessments.evidence_models import (  # noqa: E402, F401
    EvidenceFile,
    EvidenceFileManager,
    EvidenceRemoval,
    EvidenceScan,
    EvidenceScanQuerySet,
    evidence_storage,
)
from assessments.prepared import PreparedEvidence  # noqa: E402, F401  the evidence library
