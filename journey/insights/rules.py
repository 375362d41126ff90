"""Readiness outlook of each step, from figures (issue 16). Pure: no Django, no clock.

The caller gathers the figures (facts, TTM figures, the last CSAT result, evidence prepared, the
fees in force) for a chosen start day; this module says, step by step, how likely each step is to
pass and why, and what the path will cost with the retakes a weak step would need.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from dateutil.relativedelta import relativedelta

from assessments import rules as audit_rules
from designation import rules as designation_rules
from metrics import rules as metric_rules

LIKELY, AT_RISK, UNLIKELY, UNKNOWN, DONE = "likely", "at_risk", "unlikely", "unknown", "done"
OUTLOOK_LABELS = {
    LIKELY: "Ready",
    AT_RISK: "At risk",
    UNLIKELY: "Not ready",
    UNKNOWN: "Not known yet",
    DONE: "Passed",
}
TREND_MONTHS = 6
# How far ahead a trend is projected in words; beyond it the sentence says "not within 5 years".
PROJECTION_LIMIT_MONTHS = 60


@dataclass(frozen=True)
class CsatResult:
    """The last customer success survey on record."""

    score: Decimal
    methodology_ok: bool
    passed: bool
    valid_until: date | None


@dataclass(frozen=True)
class ReadinessFigures:
    """Everything the outlook is computed from, gathered for one organisation and start day."""

    start_on: date
    facts: designation_rules.AccountFacts
    unified_generally_available: bool
    performance_window_days: int
    case_rate_target: Decimal
    case_volume: int
    billed_revenue_usd: Decimal
    # TTM rate at the end of each of the last complete months, oldest first (None: no revenue).
    trend: Sequence[tuple[date, Decimal | None]]
    csat_minimum: Decimal
    last_csat: CsatResult | None
    evidence_ready: frozenset[str]
    fees: Mapping[str, tuple[Decimal, str]]  # kind -> (amount, currency) in force on start_on
    steps_done: frozenset[int] = frozenset()  # step numbers already passed in this cycle
    audit_due_days: int = audit_rules.AUDIT_DUE_DAYS


@dataclass(frozen=True)
class StepOutlook:
    """One step's outlook with the reasons a person reads."""

    number: int
    title: str
    outlook: str
    reasons: tuple[str, ...]
    expected_on: date | None = None

    @property
    def label(self) -> str:
        return OUTLOOK_LABELS[self.outlook]


@dataclass(frozen=True)
class FeeLine:
    kind: str
    title: str
    attempts: int
    amount: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.amount * self.attempts

    @property
    def display(self) -> str:
        return audit_rules.format_money(self.amount, self.currency)


@dataclass(frozen=True)
class Readiness:
    """The outlook of every step for one start day, and what the path will cost."""

    start_on: date
    expected_end_on: date
    steps: tuple[StepOutlook, ...]
    case_rate: Decimal | None
    what_if: metric_rules.WhatIf
    projection: str
    fees: tuple[FeeLine, ...] = field(default=())

    @property
    def fee_totals(self) -> list[str]:
        totals: dict[str, Decimal] = {}
        for line in self.fees:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.total
        return [audit_rules.format_money(a, c) for c, a in sorted(totals.items())]

    @property
    def expected_retakes(self) -> int:
        return sum(line.attempts - 1 for line in self.fees)

    @property
    def overall(self) -> str:
        outlooks = {s.outlook for s in self.steps}
        for worst in (UNLIKELY, AT_RISK, UNKNOWN):
            if worst in outlooks:
                return worst
        return LIKELY


def journey_dates(
    start_on: date, *, performance_window_days: int, audit_due_days: int
) -> dict[int, date]:
    """When each paid step is expected to be decided when the journey starts on start_on: the
    performance window's last day, then each later audit's due date in turn."""
    performance = start_on + timedelta(days=performance_window_days - 1)
    csat = performance + timedelta(days=audit_due_days)
    capability = csat + timedelta(days=audit_due_days)
    return {2: performance, 3: csat, 4: capability}


def prerequisites_outlook(
    facts: designation_rules.AccountFacts,
    start_on: date,
    end_on: date,
    *,
    unified_generally_available: bool,
) -> StepOutlook:
    """Every prerequisite on the start day, and whether it still holds on the expected end day
    (a support plan must cover the whole journey without a gap)."""
    title = "Prerequisites"
    on_start = designation_rules.evaluate_prerequisites(
        facts, start_on, unified_generally_available=unified_generally_available
    )
    unmet = [p for p in on_start if not p.met]
    if unmet:
        reasons = tuple(f"{p.title}: {p.detail} {p.next_action}".strip() for p in unmet)
        return StepOutlook(1, title, UNLIKELY, reasons, start_on)
    on_end = designation_rules.evaluate_prerequisites(
        facts, end_on, unified_generally_available=unified_generally_available
    )
    reasons = []
    for p in on_end:
        if not p.met:
            reasons.append(
                f"{p.title} holds on {start_on.isoformat()} but not on {end_on.isoformat()}, "
                f"when the capability audit would be due: {p.detail} {p.next_action}".strip()
            )
    accepted = designation_rules.accepted_support_plans(
        unified_generally_available=unified_generally_available
    )
    cover = designation_rules.covered_until(facts.support_contracts, start_on, accepted)
    if (
        cover is not None
        and cover < end_on
        and not any(p.code == "support_plan" and not p.met for p in on_end)
    ):
        reasons.append(
            f"Partner support plan: cover breaks after {cover.isoformat()}, before the journey "
            f"ends on {end_on.isoformat()}. Renew it without a gap."
        )
    if reasons:
        return StepOutlook(1, title, AT_RISK, tuple(reasons), start_on)
    return StepOutlook(
        1,
        title,
        LIKELY,
        (f"Every prerequisite holds from {start_on.isoformat()} to {end_on.isoformat()}.",),
        start_on,
    )


def trend_slope(points: Sequence[tuple[date, Decimal | None]]) -> Decimal | None:
    """Least-squares change of the rate per month over the months with a rate; None with fewer
    than two such months."""
    known = [(i, v) for i, (_m, v) in enumerate(points) if v is not None]
    if len(known) < 2:
        return None
    n = Decimal(len(known))
    mean_x = sum(Decimal(i) for i, _ in known) / n
    mean_y = sum(v for _, v in known) / n
    spread = sum((Decimal(i) - mean_x) ** 2 for i, _ in known)
    return sum((Decimal(i) - mean_x) * (v - mean_y) for i, v in known) / spread


def project_trend(points: Sequence[tuple[date, Decimal | None]], target: Decimal) -> str:
    """The trend of the last months in words: when, at the current trend, the rate crosses the
    target (or that it does not)."""
    known = [(m, v) for m, v in points if v is not None]
    if not known:
        return "No month of the trend has billed revenue: there is no trend to project."
    slope = trend_slope(points)
    last_month, last = known[-1]
    meets = metric_rules.meets_target(last, target)
    if slope is None or slope == 0:
        state = "within" if meets else "above"
        return f"The rate is flat, {state} the target, at {last} in {last_month:%Y-%m}."
    toward = (slope < 0) != meets  # falling while above, or rising while within
    if not toward:
        direction = "falling" if slope < 0 else "rising"
        side = "within" if meets else "above"
        return (
            f"At the current trend ({direction} {abs(slope):.2f} a month) the rate stays {side} "
            "the target."
        )
    steps = (target - last) / slope
    # Falling: the first month at or below the target; rising: the first month above it.
    months = steps.to_integral_value(rounding=ROUND_CEILING if not meets else ROUND_FLOOR)
    months = max(int(months) + (1 if meets else 0), 1)
    if months > PROJECTION_LIMIT_MONTHS:
        return "At the current trend the rate does not cross the target within five years."
    crossing = last_month + relativedelta(months=months)
    if meets:
        return f"At the current trend the rate rises above the target in {crossing:%Y-%m}."
    return f"At the current trend the rate crosses the target in {crossing:%Y-%m}."


def performance_outlook(figures: ReadinessFigures, expected_on: date) -> StepOutlook:
    """The case rate that would be frozen on the start day against the target."""
    rate = metric_rules.case_rate(figures.case_volume, figures.billed_revenue_usd)
    target = figures.case_rate_target
    start, end = metric_rules.ttm_window(figures.start_on)
    window = f"TTM window {start.isoformat()} to {end.isoformat()}"
    if rate is None:
        reasons = (
            f"No billed revenue in the {window}: the case rate is undefined and cannot pass.",
        )
        return StepOutlook(2, "Performance assessment", UNLIKELY, reasons, expected_on)
    head = (
        f"Case rate {rate} ({figures.case_volume} CSP cases on "
        f"{audit_rules.format_money(figures.billed_revenue_usd, 'USD')}) in the {window}"
    )
    if metric_rules.meets_target(rate, target):
        reasons = (f"{head}: within the target of at most {target}.",)
        return StepOutlook(2, "Performance assessment", LIKELY, reasons, expected_on)
    wi = metric_rules.what_if(figures.case_volume, figures.billed_revenue_usd, target)
    reasons = (
        f"{head}: above the target of at most {target}.",
        f"It would meet the target with {wi.cases_to_remove} fewer CSP cases or "
        f"{audit_rules.format_money(wi.revenue_to_add_usd, 'USD')} more billed revenue.",
    )
    return StepOutlook(2, "Performance assessment", UNLIKELY, reasons, expected_on)


def csat_outlook(figures: ReadinessFigures, expected_on: date) -> StepOutlook:
    """The last survey on record: its score against the minimum and whether it is still valid."""
    last, minimum = figures.last_csat, figures.csat_minimum
    title = "Customer success survey"
    if last is None:
        reason = f"No survey on record yet; it passes at {minimum} or above."
        return StepOutlook(3, title, UNKNOWN, (reason,), expected_on)
    verdict = "passed" if last.passed else "did not pass"
    head = f"Last survey scored {last.score} / 5 and {verdict} (minimum {minimum})."
    if last.passed and last.valid_until is not None and last.valid_until >= expected_on:
        reason = f"{head} It is valid until {last.valid_until.isoformat()}."
        return StepOutlook(3, title, LIKELY, (reason,), expected_on)
    if last.passed:
        until = f" on {last.valid_until.isoformat()}" if last.valid_until else ""
        reason = f"{head} It expires{until}, before this step; the survey runs again."
        return StepOutlook(3, title, LIKELY, (reason,), expected_on)
    if not last.methodology_ok:
        head += " ISSI did not accept the survey methodology."
    return StepOutlook(3, title, UNLIKELY, (head,), expected_on)


def capability_outlook(ready: Iterable[str], expected_on: date) -> StepOutlook:
    """Which of the capability components already have evidence prepared."""
    have = set(ready)
    total = len(audit_rules.CAPABILITY_COMPONENTS)
    missing = [label for code, label in audit_rules.CAPABILITY_COMPONENTS if code not in have]
    count = total - len(missing)
    title = "Capability assessment"
    if not missing:
        reason = f"Evidence is ready for all {total} components."
        return StepOutlook(4, title, LIKELY, (reason,), expected_on)
    reasons = (
        f"Evidence ready for {count} of {total} components.",
        "Missing: " + "; ".join(missing) + ".",
    )
    # Evidence can still be uploaded once the audit opens: missing evidence is a risk, not a fail.
    return StepOutlook(4, title, AT_RISK, reasons, expected_on)


_KIND_OF_STEP = {2: audit_rules.PERFORMANCE, 3: audit_rules.CSAT, 4: audit_rules.CAPABILITY}


def fee_lines(steps: Iterable[StepOutlook], fees: Mapping[str, tuple[Decimal, str]]):
    """Each paid step ahead: one attempt, two when the step looks likely to fail."""
    lines = []
    for step in steps:
        kind = _KIND_OF_STEP.get(step.number)
        if kind is None or step.outlook == DONE or kind not in fees:
            continue
        amount, currency = fees[kind]
        attempts = 2 if step.outlook == UNLIKELY else 1
        lines.append(FeeLine(kind, step.title, attempts, amount, currency))
    return tuple(lines)


def readiness(figures: ReadinessFigures) -> Readiness:
    """The outlook of each step for a journey starting on figures.start_on."""
    dates = journey_dates(
        figures.start_on,
        performance_window_days=figures.performance_window_days,
        audit_due_days=figures.audit_due_days,
    )
    end_on = dates[4]
    steps = [
        prerequisites_outlook(
            figures.facts,
            figures.start_on,
            end_on,
            unified_generally_available=figures.unified_generally_available,
        ),
        performance_outlook(figures, dates[2]),
        csat_outlook(figures, dates[3]),
        capability_outlook(figures.evidence_ready, dates[4]),
    ]
    steps = tuple(
        StepOutlook(s.number, s.title, DONE, ("Already passed in this cycle.",), s.expected_on)
        if s.number in figures.steps_done
        else s
        for s in steps
    )
    return Readiness(
        start_on=figures.start_on,
        expected_end_on=end_on,
        steps=steps,
        case_rate=metric_rules.case_rate(figures.case_volume, figures.billed_revenue_usd),
        what_if=metric_rules.what_if(
            figures.case_volume, figures.billed_revenue_usd, figures.case_rate_target
        ),
        projection=project_trend(figures.trend[-TREND_MONTHS:], figures.case_rate_target),
        fees=fee_lines(steps, figures.fees),
    )
