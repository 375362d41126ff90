"""The partner dashboard (SPEC section 10) read in a fixed number of queries, whatever the size of
the organisation's history: the progress of the five steps, prerequisites, the TTM case rate and
its 24-month trend (from monthly rollups, never raw cases), each assessment, required actions with
deadlines, and the badge once enrolled.

The journey's read side looks across apps (assessments, metrics); everything it decides is in
the pure modules journey/rules.py, journey/charts.py and the apps' rules.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Subquery

from assessments import rules as audit_rules
from assessments.models import (
    AuditRecord,
    ChangeRequest,
    EvidenceFile,
    FeeSchedule,
    charged,
    next_attempt_kind,
)
from designation import rules as designation_rules
from designation.grants import verification_url
from designation.models import (
    Designation,
    Enrollment,
    EnrollmentEvent,
    IncentiveGrant,
    Organization,
    ProgramRules,
)
from designation.models.organizations import Scope
from journey import charts, waiting
from journey import rules as dashboard_rules
from journey import selectors as journey_selectors
from journey.appeal_rows import appeal_rows
from journey.insights.readiness import readiness_card
from metrics import rules as metric_rules
from metrics.selectors import CaseRateFigures, TrendPoint, monthly_trend
from portal import compiled

TREND_MONTHS = 24


@dataclass(frozen=True)
class AssessmentRow:
    """One audit attempt as the dashboard lists it."""

    audit: AuditRecord
    score: str
    due_on: date
    missing: tuple[str, ...]


@dataclass
class Dashboard:
    """Everything the Overview page shows for one organisation on one day."""

    organization: Organization
    on: date
    rules: ProgramRules
    prerequisites: list
    all_met: bool
    enrollment: Enrollment | None
    steps: list[dashboard_rules.StepProgress]
    events: list[EnrollmentEvent]
    figures: CaseRateFigures
    what_if: metric_rules.WhatIf | None
    trend: list[TrendPoint]
    chart: charts.TrendChart
    assessments: list[AssessmentRow]
    charged: list[str]
    next_fee: FeeSchedule | None
    actions: list[dashboard_rules.RequiredAction]
    designation: Designation | None
    grant: IncentiveGrant | None
    renewal: designation_rules.RenewalWindow | None
    verification_url: str = ""
    appeals: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def current_step(self) -> dashboard_rules.StepProgress | None:
        return next((s for s in self.steps if s.status == "current"), None)


def _audits(organization: Organization, viewer) -> list[AuditRecord]:
    """The organisation's current audit records the viewer may see (an auditor: only theirs),
    newest first, with their evidence components; compiled once per thread for the viewer's
    scope (portal/compiled.py)."""
    scope = Scope.of(viewer)
    if scope is None:
        return []
    shape = ("dashboard audits", *scope.compiled_shape())

    def build(organization_id):
        # Subqueries per record rather than aggregates over joins: no GROUP BY over the
        # records' and auditors' columns, which cost more to plan (1.0 ms) than to run (0.15).
        components = EvidenceFile.objects.filter(audit=OuterRef("pk")).order_by()
        open_changes = ChangeRequest.objects.filter(audit=OuterRef("pk"), answered_at=None)
        return (
            AuditRecord.objects.visible_to(viewer)
            .filter(enrollment__organization=organization_id)
            .current()
            .select_related("auditor")
            .annotate(
                components=ArraySubquery(components.values("component").distinct()),
                # The earliest open deadline of the changes ISSI requested (same query).
                changes_due_on=Subquery(open_changes.order_by("due_on").values("due_on")[:1]),
            )
            .order_by("-created_at", "-id")
        )

    return compiled.instances(shape, build, organization_id=organization.pk)


def _score(audit: AuditRecord) -> str:
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        rate = audit.final_case_rate or audit.proposed_case_rate
        return f"case rate {rate}" if rate is not None else "—"
    if audit.kind == AuditRecord.Kind.CSAT:
        return f"{audit.csat_score} / 5" if audit.csat_score is not None else "—"
    return f"{audit.capability_total} / 100" if audit.capability_total is not None else "—"


def _assessment_rows(audits: list[AuditRecord]) -> list[AssessmentRow]:
    rows = []
    for audit in audits:
        open_ = audit.status in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED)
        missing = audit_rules.missing_components(audit.kind, audit.components) if open_ else []
        rows.append(
            AssessmentRow(
                audit=audit,
                score=_score(audit),
                due_on=audit_rules.audit_due_on(
                    audit.kind,
                    queued_on=audit.created_at.date(),
                    assigned_on=audit.assigned_on,
                    performance_window_ends_on=audit.performance_window_ends_on,
                ),
                missing=tuple(missing),
            )
        )
    return rows


def _figures(trend: list[TrendPoint], on: date, target: Decimal) -> CaseRateFigures:
    """The TTM figures for `on`: the last trend month closes exactly `on`'s TTM window."""
    start, end = metric_rules.ttm_window(on)
    last = trend[-1]
    revenue = Decimal(last.ttm_billed_revenue_usd).quantize(metric_rules.CENT)
    return CaseRateFigures(
        as_of=on,
        window_start=start,
        window_end=end,
        case_volume=last.ttm_case_volume,
        billed_revenue_usd=revenue,
        case_rate=metric_rules.case_rate(last.ttm_case_volume, revenue),
        case_rate_target=target,
    )


def _related(organization: Organization, name: str):
    """A one-to-one row read with the organisation (select_related), or None."""
    try:
        return getattr(organization, name)
    except ObjectDoesNotExist:
        return None


def _next_step(enrollment: Enrollment | None, all_met: bool) -> str:
    """The journey action waiting on the partner (for the required actions)."""
    if enrollment is None or not (enrollment.is_open or enrollment.state == "enrolled"):
        return "Apply with the pre-enrollment form" if all_met else ""
    if enrollment.state == Enrollment.State.DRAFT:
        return "Submit the pre-enrollment form"
    if enrollment.attempt_status == Enrollment.Attempt.FAILED:
        return "Start a retake of the failed assessment"
    if (
        enrollment.state == Enrollment.State.PERFORMANCE
        and enrollment.attempt_status == Enrollment.Attempt.NOT_STARTED
    ):
        return "Start the performance assessment"
    return ""


def dashboard_for(
    organization: Organization, *, viewer, on: date, with_timeline: bool = False
) -> Dashboard:
    """The dashboard of `organization` (read by organization_with_designation_for) on day `on`."""
    enrollment = journey_selectors.dashboard_enrollment(organization)
    rules, next_fee = journey_selectors.rules_with_fee(on, next_attempt_kind(enrollment))
    prerequisites = designation_rules.evaluate_prerequisites(
        organization.prerequisite_facts(),
        on,
        unified_generally_available=rules.unified_generally_available,
    )
    all_met = designation_rules.all_met(prerequisites)
    events = list(enrollment.events.all()) if enrollment else []
    trend = monthly_trend(organization, TREND_MONTHS, as_of=on)
    figures = _figures(trend, on, rules.case_rate_target)
    audits = _audits(organization, viewer)
    rows = _assessment_rows(audits)
    designation = _related(organization, "designation")
    grant = _related(organization, "incentive_grant") if designation else None
    renewal = None
    if designation is not None and designation.is_valid:
        renewal = designation_rules.renewal_window(
            designation.anniversary_on,
            days_before=rules.renewal_opens_days_before,
            days_after=rules.renewal_closes_days_after,
        )
    steps = _steps(enrollment, events)
    actions = _actions(
        on=on,
        rules=rules,
        organization=organization,
        prerequisites=prerequisites,
        all_met=all_met,
        enrollment=enrollment,
        rows=rows,
        renewal=renewal,
    )
    actions = waiting.with_who_acts(
        actions,
        enrollment=enrollment,
        rows=rows,
        role=waiting.viewer_role(viewer),
        viewer_id=viewer.pk,
        on=on,
    )
    board = Dashboard(
        organization=organization,
        on=on,
        rules=rules,
        prerequisites=prerequisites,
        all_met=all_met,
        enrollment=enrollment,
        steps=steps,
        events=events if with_timeline else [],
        figures=figures,
        what_if=figures.what_if,
        trend=trend,
        chart=charts.trend_chart(
            [(p.month, p.ttm_case_rate) for p in trend], rules.case_rate_target
        ),
        assessments=rows,
        charged=charged(audits),
        next_fee=next_fee,
        actions=actions,
        designation=designation,
        grant=grant,
        renewal=renewal,
        verification_url=verification_url(designation) if designation else "",
        appeals=appeal_rows(getattr(enrollment, "organization_appeals", [])),
    )
    board.extra["readiness"] = readiness_card(board, viewer=viewer)  # insights: one query
    return board


def _steps(enrollment: Enrollment | None, events: list[EnrollmentEvent]):
    if enrollment is None or enrollment.state in ("ineligible", "withdrawn"):
        return dashboard_rules.step_progress(1, finished=False, done_on={})
    done_on = dashboard_rules.step_done_dates((e.to_state, e.at.date()) for e in events)
    carried = [3] if enrollment.csat_carried_over else []
    carried += [4] if enrollment.capability_carried_over else []
    return dashboard_rules.step_progress(
        enrollment.step,
        finished=enrollment.state == Enrollment.State.ENROLLED,
        done_on=done_on,
        carried_over=carried,
    )


def _actions(*, on, rules, organization, prerequisites, all_met, enrollment, rows, renewal):
    in_performance = (
        enrollment is not None
        and enrollment.state == Enrollment.State.PERFORMANCE
        and enrollment.attempt_status == Enrollment.Attempt.IN_PROGRESS
    )
    accepted = designation_rules.accepted_support_plans(
        unified_generally_available=rules.unified_generally_available
    )
    contracts = [s.as_fact() for s in organization.support_contracts.all()]
    renewal_pending = renewal is not None and not (
        enrollment is not None
        and enrollment.kind == Enrollment.Kind.RENEWAL
        and enrollment.state == Enrollment.State.ENROLLED
        and enrollment.renewal_for_anniversary == renewal.anniversary_on
    )
    return dashboard_rules.required_actions(
        today=on,
        unmet_prerequisites=[(p.title, p.next_action) for p in prerequisites if not p.met],
        performance_window_ends_on=enrollment.performance_window_ends_on
        if in_performance
        else None,
        missing_evidence=[
            dashboard_rules.MissingEvidence(row.audit.get_kind_display(), row.missing, row.due_on)
            for row in rows
            if row.missing
        ],
        renewal=renewal if renewal_pending else None,
        support_plan_ends_on=designation_rules.covered_until(contracts, on, accepted),
        next_step=_next_step(enrollment, all_met),
        changes_requested=[
            (row.audit.get_kind_display(), row.audit.changes_due_on)
            for row in rows
            if row.audit.changes_due_on and row.audit.status == AuditRecord.Status.CLAIMED
        ],
    )
