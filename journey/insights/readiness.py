"""Reads for the readiness check: the figures of one organisation for a start day, gathered in
a fixed number of queries and handed to the pure rule (journey/insights/rules.py)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import JSONField, Subquery, Value
from django.db.models.expressions import RawSQL

from assessments.models import AuditRecord, EvidenceFile, FeeSchedule, PreparedEvidence
from designation import selectors as designation_selectors
from designation.models import Enrollment, Organization, ProgramRules
from journey.insights import rules
from metrics import rules as metric_rules
from metrics.benchmarks import OVERALL_COHORT_SQL, CohortView, overall_cohort
from metrics.selectors import CaseRateFigures, TrendPoint, case_rate_for, monthly_trend
from portal import compiled


@dataclass(frozen=True)
class ReadinessPage:
    """What the readiness page shows: the outlook, the frozen figures and the trend behind it."""

    organization: Organization
    readiness: rules.Readiness
    figures: CaseRateFigures
    trend: list[TrendPoint]
    months_still_to_come: int
    prepared: list[PreparedEvidence]
    capability_audit: AuditRecord | None


def _steps_done(enrollment: Enrollment | None) -> frozenset[int]:
    """Steps already passed in the open cycle (none once it closed: the next cycle starts over)."""
    if enrollment is None or not enrollment.is_open:
        return frozenset()
    return frozenset(range(1, enrollment.step))


def last_csat(audits) -> rules.CsatResult | None:
    """The newest decided CSAT result among these audit records."""
    decided = [a for a in audits if a.kind == AuditRecord.Kind.CSAT and a.verdict]
    if not decided:
        return None
    last = max(decided, key=lambda a: (a.submitted_at or a.created_at, a.pk))
    return rules.CsatResult(
        score=last.csat_score,
        methodology_ok=bool(last.methodology_ok),
        passed=last.verdict == AuditRecord.Verdict.PASS,
        valid_until=last.valid_until,
    )


def _figures_for_rule(
    *,
    start_on: date,
    organization: Organization,
    program: ProgramRules,
    figures: CaseRateFigures,
    trend: list[TrendPoint],
    audits,
    ready: frozenset[str],
    fees: dict[str, tuple[Decimal, str]],
    enrollment: Enrollment | None,
) -> rules.ReadinessFigures:
    return rules.ReadinessFigures(
        start_on=start_on,
        facts=organization.prerequisite_facts(),
        unified_generally_available=program.unified_generally_available,
        performance_window_days=program.performance_window_days,
        case_rate_target=program.case_rate_target,
        case_volume=figures.case_volume,
        billed_revenue_usd=figures.billed_revenue_usd,
        trend=[(p.month, p.ttm_case_rate) for p in trend],
        csat_minimum=program.csat_minimum,
        last_csat=last_csat(audits),
        evidence_ready=ready,
        fees=fees,
        steps_done=_steps_done(enrollment),
    )


def fees_and_prepared(
    organization_id: int, on: date, *, viewer_id: int | None = None
) -> tuple[dict, frozenset[str], dict | None]:
    """The fee of each kind in force on `on`, the components with evidence prepared and (with a
    viewer) the overall cohort benchmark, in ONE query (the dashboard card may add only one):
    each fee row carries the prepared components and the cohort."""
    values = {"organization_id": organization_id, "on": on}
    if viewer_id is not None:
        values["viewer_id"] = viewer_id

    def build(organization_id, on, viewer_id=None):
        prepared = (
            PreparedEvidence.objects.filter(organization_id=organization_id)
            .order_by()
            .values("organization_id")
            .annotate(components=ArrayAgg("component", distinct=True))
            .values("components")
        )
        cohort = (
            RawSQL(OVERALL_COHORT_SQL, [viewer_id, on])  # noqa: S611 (a constant, with parameters)
            if viewer_id is not None
            else Value(None, output_field=JSONField())
        )
        return (
            FeeSchedule.objects.filter(effective_from__lte=on)
            .order_by("kind", "-effective_from", "-id")
            .distinct("kind")
            .annotate(prepared=Subquery(prepared), cohort=cohort)
            .values("kind", "amount", "currency", "prepared", "cohort")
        )

    shape = ("fees and prepared evidence", viewer_id is None)
    rows = compiled.rows(shape, build, **values)
    fees = {row["kind"]: (row["amount"], row["currency"]) for row in rows}
    ready = frozenset(rows[0]["prepared"] or ()) if rows else frozenset()
    return fees, ready, (rows[0]["cohort"] if rows else None)


def readiness_for(organization: Organization, *, start_on: date, today: date) -> ReadinessPage:
    """The readiness of `organization` (facts prefetched) for a journey starting on start_on."""
    program = ProgramRules.objects.in_force(start_on)
    figures = case_rate_for(organization, start_on)
    trend = monthly_trend(organization, rules.TREND_MONTHS, as_of=min(start_on, today))
    audits = list(
        AuditRecord.objects.filter(enrollment__organization=organization)
        .current()
        .order_by("created_at", "id")
    )
    capability = next(
        (
            a
            for a in reversed(audits)
            if a.kind == AuditRecord.Kind.CAPABILITY
            and a.status in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED)
        ),
        None,
    )
    prepared = list(
        PreparedEvidence.objects.filter(organization=organization).select_related("attached_to")
    )
    # Always one query (not only when an audit is open), so the page's count stays fixed.
    on_audit = set(
        EvidenceFile.objects.filter(
            audit__enrollment__organization=organization,
            audit__kind=AuditRecord.Kind.CAPABILITY,
            audit__status__in=(AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED),
            audit__superseded_by__isnull=True,
        ).values_list("component", flat=True)
    )
    ready = frozenset({p.component for p in prepared} | on_audit)
    fees, _, _ = fees_and_prepared(organization.pk, start_on)
    enrollment = designation_selectors.current_enrollment(organization)
    outlook = rules.readiness(
        _figures_for_rule(
            start_on=start_on,
            organization=organization,
            program=program,
            figures=figures,
            trend=trend,
            audits=audits,
            ready=ready,
            fees=fees,
            enrollment=enrollment,
        )
    )
    last_imported = metric_rules.month_start(today)
    _start, window_end = metric_rules.ttm_window(start_on)
    to_come = max(
        (window_end.year - last_imported.year) * 12 + window_end.month - last_imported.month + 1,
        0,
    )
    return ReadinessPage(
        organization=organization,
        readiness=outlook,
        figures=figures,
        trend=trend,
        months_still_to_come=min(to_come, 12),
        prepared=prepared,
        capability_audit=capability,
    )


@dataclass(frozen=True)
class ReadinessCard:
    """The dashboard's compact card: the outlook and where the rate stands among peers."""

    readiness: rules.Readiness
    cohort: CohortView | None
    standing: str


def readiness_card(board, *, viewer) -> ReadinessCard:
    """The dashboard's compact readiness card for the board's day, from what the dashboard has
    already read plus one query (fees in force, evidence prepared, the overall cohort)."""
    fees, prepared, payload = fees_and_prepared(
        board.organization.pk, board.on, viewer_id=viewer.pk
    )
    on_audits = {
        c
        for row in board.assessments
        if row.audit.kind == AuditRecord.Kind.CAPABILITY and not row.audit.verdict
        for c in row.audit.components
        if c
    }
    outlook = rules.readiness(
        _figures_for_rule(
            start_on=board.on,
            organization=board.organization,
            program=board.rules,
            figures=board.figures,
            trend=board.trend,
            audits=[row.audit for row in board.assessments],
            ready=frozenset(prepared | on_audits),
            fees=fees,
            enrollment=board.enrollment,
        )
    )
    cohort = overall_cohort(payload)
    minimum = board.rules.benchmark_cohort_minimum
    if cohort is not None and not metric_rules.cohort_visible_to(
        cohort.organizations, cohort.own, minimum
    ):
        cohort = None
    standing = metric_rules.standing_in(board.figures.case_rate, cohort.deciles) if cohort else ""
    return ReadinessCard(outlook, cohort, standing)
