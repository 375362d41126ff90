"""The enrollment state machine (SPEC section 4) and its append-only, hash-chained event log."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from designation import rules as journey_rules
from designation.models.conditions import (
    attempt_failed,
    attempt_not_under_way,
    form_complete,
    prerequisites_met,
)
from designation.models.organizations import Organization, Scope
from portal import bounds


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    ELIGIBILITY_REVIEW = "eligibility_review", "Eligibility review"
    PERFORMANCE = "performance", "Performance assessment"
    CUSTOMER_SUCCESS = "customer_success", "Customer success survey"
    CAPABILITY = "capability", "Capability assessment"
    ENROLLED = "enrolled", "Enrolled"
    INELIGIBLE = "ineligible", "Ineligible"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (
    State.DRAFT,
    State.ELIGIBILITY_REVIEW,
    State.PERFORMANCE,
    State.CUSTOMER_SUCCESS,
    State.CAPABILITY,
)
ASSESSMENT_STATES = (State.PERFORMANCE, State.CUSTOMER_SUCCESS, State.CAPABILITY)

# The pre-enrollment form (SPEC section 4): the fields the partner admin fills in, in order; a
# renewal starts from the previous enrollment's (`attested` is asked again).
PRE_ENROLLMENT_FIELDS = (
    "contact_name",
    "contact_email",
    "solution_areas",
    "csp_type",
    "support_plan",
    "attested",
)

# Every edge of the machine, also enforced by a database trigger so that a stray
# QuerySet.update(state=...) cannot skip a step.
EDGES = [
    (State.DRAFT, State.ELIGIBILITY_REVIEW),
    (State.ELIGIBILITY_REVIEW, State.PERFORMANCE),
    (State.ELIGIBILITY_REVIEW, State.INELIGIBLE),
    (State.INELIGIBLE, State.ELIGIBILITY_REVIEW),  # an appeal overturned the rejection
    (State.PERFORMANCE, State.CUSTOMER_SUCCESS),
    (State.CUSTOMER_SUCCESS, State.CAPABILITY),
    (State.CAPABILITY, State.ENROLLED),
    *((state, State.WITHDRAWN) for state in OPEN_STATES),
]


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnrollmentQuerySet":
        """Enrollments of the user's organisations; all for reviewers and program admins. None
        for an auditor as such: an enrollment carries its timeline and the reviewers' reasons,
        which no audit needs (the audit record has what it does)."""
        scope = Scope.of(user)
        if scope is None:
            return self.none()
        if scope.everything:
            return self.all()
        return self.filter(organization__in=scope.member_organizations())

    def open(self) -> "EnrollmentQuerySet":
        return self.filter(state__in=OPEN_STATES)


class Enrollment(ConcurrentTransitionMixin, models.Model):
    """One cycle of one organisation through the five steps: first attainment or a renewal."""

    State = State

    class Kind(models.TextChoices):
        FIRST = "first_attainment", "First attainment"
        RENEWAL = "renewal", "Renewal"

    class Attempt(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        FAILED = "failed", "Failed: a retake is possible"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="enrollments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FIRST)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True)
    renewal_of = models.ForeignKey(
        "designation.Designation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    renewal_for_anniversary = models.DateField(
        null=True, blank=True, help_text="For a renewal: the anniversary it renews."
    )
    # The pre-enrollment form.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    solution_areas = ArrayField(
        models.CharField(
            max_length=40, choices=[(a.value, a.label) for a in journey_rules.SolutionArea]
        ),
        default=list,
        blank=True,
    )
    csp_type = models.CharField(
        "CSP type",
        max_length=20,
        blank=True,
        choices=[(k.value, k.label) for k in journey_rules.CspKind],
    )
    support_plan = models.CharField(
        max_length=10, blank=True, choices=[(p.value, p.label) for p in journey_rules.SupportPlan]
    )
    attested = models.BooleanField(
        "I am authorised to represent the organisation and the information is accurate",
        default=False,
    )
    # What the journey has established so far.
    prerequisites_checked_on = models.DateField(null=True, blank=True)
    prerequisite_snapshot = models.JSONField(default=list, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    eligibility_decided_on = models.DateField(null=True, blank=True)
    attempt_status = models.CharField(
        max_length=12, choices=Attempt.choices, default=Attempt.NOT_STARTED
    )
    performance_started_on = models.DateField(null=True, blank=True)
    performance_window_ends_on = models.DateField(null=True, blank=True)
    csat_carried_over = models.BooleanField(default=False)
    capability_carried_over = models.BooleanField(default=False)
    enrolled_on = models.DateField(null=True, blank=True)
    withdrawn_from = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected or withdrawn.")
    # Head of the event chain, so that a removed last event is noticed.
    last_event_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            bounds.in_order(
                "performance_started_on",
                "performance_window_ends_on",
                "performance_window_starts_by_its_end",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_enrollment_per_organization",
                violation_error_message="This organisation already has an open enrollment.",
            ),
            models.UniqueConstraint(
                fields=["renewal_of", "renewal_for_anniversary"],
                name="one_renewal_per_anniversary",
            ),
        ]
        triggers = [
            pgtrigger.FSM(
                name="enrollment_state_edges",
                field="state",
                transitions=[(a.value, b.value) for a, b in EDGES],
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.organization} ({self.get_state_display()})"

    @property
    def step(self) -> int:
        return journey_rules.journey_step(self.state, self.withdrawn_from)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def form_gaps(self) -> list[str]:
        """What the pre-enrollment form still lacks."""
        required = [
            ("contact name", self.contact_name.strip()),
            ("contact email", self.contact_email.strip()),
            ("solution areas", self.solution_areas),
            ("CSP type", self.csp_type),
            ("support plan", self.support_plan),
            ("attestation", self.attested),
        ]
        return [label for label, value in required if not value]

    def record_prerequisites(self, prerequisites, on) -> None:
        """Keep what the prerequisites were on the day submit checked them."""
        self.prerequisites_checked_on = on
        self.prerequisite_snapshot = [
            {
                "code": p.code,
                "title": p.title,
                "met": p.met,
                "detail": p.detail,
                "next_action": p.next_action,
            }
            for p in prerequisites
        ]

    # --- Transitions: bodies set fields on self only; services do the rest. ------------------

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.ELIGIBILITY_REVIEW,
        conditions=[form_complete, prerequisites_met],
        permission="designation.submit_enrollment",
    )
    def submit(self, *, on) -> None:
        """Partner admin sends the pre-enrollment form for Microsoft's eligibility review."""
        self.submitted_on = on

    @transition(
        field=state,
        source=State.ELIGIBILITY_REVIEW,
        target=State.PERFORMANCE,
        permission="designation.review_eligibility",
    )
    def approve_eligibility(self, *, on) -> None:
        """A reviewer finds the organisation eligible: step 2 may start."""
        self.eligibility_decided_on = on
        self.attempt_status = self.Attempt.NOT_STARTED

    @transition(
        field=state,
        source=State.ELIGIBILITY_REVIEW,
        target=State.INELIGIBLE,
        permission="designation.review_eligibility",
    )
    def reject_eligibility(self, *, on, reason: str) -> None:
        """A reviewer rejects, with a reason; the partner may register again once fixed."""
        self.eligibility_decided_on = on
        self.reason = reason

    @transition(
        field=state,
        source=State.PERFORMANCE,
        target=State.PERFORMANCE,
        conditions=[attempt_not_under_way],
        permission="designation.start_assessment",
    )
    def start_performance(self, *, on, window_days: int) -> None:
        """Partner admin opens the performance window (a new attempt after a failed one)."""
        self.performance_started_on = on
        self.performance_window_ends_on = journey_rules.performance_window_end(on, window_days)
        self.attempt_status = self.Attempt.IN_PROGRESS

    @transition(
        field=state,
        source=[State.CUSTOMER_SUCCESS, State.CAPABILITY],
        target=None,
        conditions=[attempt_failed],
        permission="designation.start_assessment",
    )
    def retake(self) -> None:
        """Partner admin asks ISSI for a new attempt of the current step after a failed one."""
        self.attempt_status = self.Attempt.IN_PROGRESS

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.WITHDRAWN,
        permission="designation.withdraw_enrollment",
    )
    def withdraw(self, *, reason: str = "") -> None:
        """Partner admin withdraws before enrollment."""
        self.withdrawn_from = self.state
        self.reason = reason

    # Internal transitions: an audit outcome (or a pass carried over) moves the journey on.

    @transition(field=state, source=State.INELIGIBLE, target=State.ELIGIBILITY_REVIEW)
    def reopen_eligibility(self) -> None:
        """An appeal overturned the ineligible decision: the review starts again."""
        self.eligibility_decided_on = None
        self.reason = ""

    @transition(field=state, source=State.PERFORMANCE, target=State.CUSTOMER_SUCCESS)
    def pass_performance(self) -> None:
        self.attempt_status = self.Attempt.NOT_STARTED

    @transition(field=state, source=State.CUSTOMER_SUCCESS, target=State.CAPABILITY)
    def pass_customer_success(self) -> None:
        self.attempt_status = self.Attempt.NOT_STARTED

    @transition(field=state, source=State.CAPABILITY, target=State.ENROLLED)
    def pass_capability(self, *, on) -> None:
        self.attempt_status = self.Attempt.NOT_STARTED
        self.enrolled_on = on


PUBLIC_TRANSITIONS = (
    "submit",
    "approve_eligibility",
    "reject_eligibility",
    "start_performance",
    "retake",
    "withdraw",
)
