"""Pass marks and validity of ISSI audits (SPEC sections 4, 5, 6, 11).

Pure: values in, values out. No Django, no clock. The case rate and its pass test are
designation.rules.case_rate (shared with metrics).
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from designation.rules.case_rate import CENT

CSAT_LOWEST, CSAT_HIGHEST = Decimal("1.0"), Decimal("5.0")
# The largest case volume a record holds (a PostgreSQL integer).

PERFORMANCE, CSAT, CAPABILITY = "performance", "csat", "capability"

# SPEC section 6: the three dimensions and the components the auditor checks, each with evidence.
CAPABILITY_DIMENSIONS = {
    "support_function": (
        "Support function",
        (
            ("processes_procedures", "Support processes and procedures"),
            ("case_management", "Case management and tracking systems"),
            ("quality_assurance", "Quality assurance and monitoring"),
            ("knowledge_management", "Knowledge management and documentation"),
            ("organisation_structure", "Support organisation structure"),
        ),
    ),
    "support_staff_skills": (
        "Support staff skills",
        (
            ("solution_knowledge", "Knowledge of solutions in the designated areas"),
            ("certification_training", "Team certification and training status"),
            ("technical_resources", "Technical resources and expertise areas"),
        ),
    ),
    "support_performance_metrics": (
        "Support performance metrics",
        (
            ("response_resolution_times", "Response and resolution times"),
            ("support_agreements", "Customer support agreements"),
            ("service_levels", "Service level commitments"),
        ),
    ),
}
CAPABILITY_COMPONENTS = tuple(
    (code, label)
    for _dim, (_title, parts) in CAPABILITY_DIMENSIONS.items()
    for code, label in parts
)
SUPPORTING_DOCUMENT = ("supporting", "Supporting document")
EVIDENCE_COMPONENTS = (*CAPABILITY_COMPONENTS, SUPPORTING_DOCUMENT)


def components_for(kind: str) -> tuple[tuple[str, str], ...]:
    """Evidence components an audit of `kind` accepts: the SPEC section 6 ones for capability."""
    return CAPABILITY_COMPONENTS if kind == CAPABILITY else (SUPPORTING_DOCUMENT,)


CSAT_REPORT = "The customer success survey report (at least one supporting document)"


def missing_components(kind: str, uploaded: Iterable[str]) -> list[str]:
    """Labels of the evidence still missing before submitting: every capability component;
    for CSAT, the survey report (at least one file); performance needs none."""
    have = set(uploaded)
    if kind == CAPABILITY:
        return [label for code, label in CAPABILITY_COMPONENTS if code not in have]
    if kind == CSAT:
        return [] if SUPPORTING_DOCUMENT[0] in have else [CSAT_REPORT]
    return []


# --- Performance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExcludedCaseInput:
    case_id: str
    reason: str


def performance_submission_errors(
    validated_case_volume: int | None,
    excluded: list[ExcludedCaseInput],
    frozen_case_volume: int | None = None,
) -> dict[str, str]:
    """What is wrong with an auditor's performance submission, by field; empty when valid.

    The validated volume cannot exceed the frozen volume minus the excluded cases; left out, it is
    exactly that (see validated_volume)."""
    errors = {}
    if validated_case_volume is None:  # without frozen figures there is nothing to derive it from
        if frozen_case_volume is None:
            errors["validated_case_volume"] = "Give the validated case volume (0 or more cases)."
    elif validated_case_volume < 0:
        errors["validated_case_volume"] = "Give the validated case volume (0 or more cases)."
    elif frozen_case_volume is not None:
        most = max(frozen_case_volume - len(excluded), 0)
        if validated_case_volume > most:
            errors["validated_case_volume"] = (
                f"The validated case volume can be at most {most}: {frozen_case_volume} cases "
                f"were frozen when the assessment started, {len(excluded)} excluded."
            )
    ids = [item.case_id.strip() for item in excluded]
    if any(not case_id for case_id in ids):
        errors["excluded_cases"] = "Every excluded case needs its case_id."
    elif len(set(ids)) != len(ids):
        errors["excluded_cases"] = "A case can be excluded only once."
    elif any(not item.reason.strip() for item in excluded):
        errors["excluded_cases"] = "Every excluded case needs a reason."
    elif frozen_case_volume is not None and len(ids) > frozen_case_volume:
        errors["excluded_cases"] = (
            f"{len(ids)} cases excluded, but only {frozen_case_volume} were frozen."
        )
    return errors


def validated_volume(frozen: int, excluded: int, explicit: int | None) -> tuple[int, int | None]:
    """The validated case volume and its adjustment: the frozen volume less the excluded cases,
    unless the auditor gives an explicit volume; the adjustment is how far that explicit volume
    is from the frozen volume less the exclusions (None when there is none)."""
    base = max(frozen - excluded, 0)
    if explicit is None or explicit == base:
        return base, None
    return explicit, explicit - base


def adjustment_errors(adjustment: int | None, reason: str) -> dict[str, str]:
    """An explicit adjustment of the validated volume needs its reason."""
    if adjustment is not None and not reason.strip():
        return {
            "adjustment_reason": (
                f"The validated volume differs by {adjustment:+d} from the frozen volume less "
                "the exclusions: say why (the reason is kept on the record)."
            )
        }
    return {}


@dataclass(frozen=True)
class PerformanceVolume:
    volume: int | None
    adjustment: int | None
    errors: dict[str, str]


def performance_volume(
    frozen_case_volume: int | None,
    excluded: list[ExcludedCaseInput],
    explicit: int | None,
    adjustment_reason: str,
) -> PerformanceVolume:
    """The validated volume a performance submission records, its adjustment, and what is wrong
    (by field): the one place the volume rules are put together, for the service and the form."""
    errors = performance_submission_errors(explicit, excluded, frozen_case_volume)
    if errors or frozen_case_volume is None:
        return PerformanceVolume(explicit, None, errors)
    volume, adjustment = validated_volume(frozen_case_volume, len(excluded), explicit)
    return PerformanceVolume(volume, adjustment, adjustment_errors(adjustment, adjustment_reason))


# --- Corrections -----------------------------------------------------------------------------

AUDITOR, REVIEWER = "auditor", "reviewer"


def step_moved_past(*, enrollment_state: str, step_state: str, later_attempt: bool) -> bool:
    """The journey has moved past an audit's step once the enrollment left that step (a pass
    moved it on, or it was withdrawn) or a later attempt of the same step started (a retake)."""
    return enrollment_state != step_state or later_attempt


def who_corrects(*, moved_past: bool, determined: bool) -> str:
    """Who corrects a submitted record now: the assigned auditor until the journey has moved past
    its step (and while no reviewer has determined it); a Microsoft reviewer after that."""
    return REVIEWER if moved_past or determined else AUDITOR


def correction_refusal(
    *, assigned_auditor: bool, reviewer: bool, moved_past: bool, determined: bool
) -> str | None:
    """Why this person may not correct a submitted record now, in a sentence; None when they may."""
    if who_corrects(moved_past=moved_past, determined=determined) == AUDITOR:
        if assigned_auditor:
            return None
        if reviewer:
            return (
                "The assigned auditor corrects this record while the journey is still at its "
                "step; a Microsoft reviewer can correct it once the journey has moved on."
            )
        return "Only the assigned auditor can correct this record."
    if reviewer:
        return None
    if assigned_auditor:
        why = "the journey has moved past this step" if moved_past else "Microsoft determined it"
        return (
            f"This record can no longer be corrected by its auditor: {why}. Only a Microsoft "
            "reviewer can correct it now, with a reason."
        )
    return "Only a Microsoft reviewer can correct this record now."


def correction_outcome_refusal(*, moved_past: bool, before: str, after: str) -> str | None:
    """After the journey has moved past the step, a correction fixes the record but cannot change
    its outcome (pass or fail): the enrollment already acted on it. Why not, or None."""
    if not moved_past or before == after:
        return None
    words = {"pass": "a pass", "fail": "a fail", "": "no outcome yet"}
    return (
        f"Nothing was recorded: this correction would turn {words.get(before, before)} into "
        f"{words.get(after, after)}, but the journey has already moved past this step on the "
        "strength of the original outcome, and a correction does not move the journey back or "
        "forward. Correct the figures so the outcome stands, or raise it with the program team "
        "(for a fail the partner can appeal)."
    )


# --- Customer success (CSAT) -----------------------------------------------------------------


def parse_csat_score(raw) -> Decimal | None:
    """A CSAT score from 1.0 to 5.0 with one decimal place; None when it is not one."""
    try:
        score = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    if not score.is_finite() or score != score.quantize(Decimal("0.1")):
        return None
    return score if CSAT_LOWEST <= score <= CSAT_HIGHEST else None


def csat_passes(*, methodology_ok: bool, score: Decimal, minimum: Decimal) -> bool:
    """Passes when ISSI accepts the survey methodology and the score is at or above the minimum."""
    return methodology_ok and score >= minimum


# --- Capability ------------------------------------------------------------------------------


def capability_score_errors(scores: Mapping[str, object]) -> dict[str, str]:
    """Each dimension needs a whole score from 0 to 100; unknown dimensions are refused."""
    errors = {}
    for name in scores:
        if name not in CAPABILITY_DIMENSIONS:
            errors[name] = "Not a capability dimension."
    for name, (title, _parts) in CAPABILITY_DIMENSIONS.items():
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[name] = f"{title}: give a whole score from 0 to 100."
    return errors


def capability_total(scores: Mapping[str, int]) -> Decimal:
    """The total is the mean of the three dimension scores (each 0-100), to two places.

    The program weighs the dimensions equally; a mean keeps the total on the same 0-100 scale
    as the per-dimension minimum.
    """
    values = [Decimal(scores[name]) for name in CAPABILITY_DIMENSIONS]
    return (sum(values) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def capability_passes(
    scores: Mapping[str, int], *, minimum_total: int, minimum_dimension: int
) -> bool:
    """Passes when the total and every dimension reach their minimums (at the minimum passes)."""
    if any(scores[name] < minimum_dimension for name in CAPABILITY_DIMENSIONS):
        return False
    return capability_total(scores) >= minimum_total


# --- Due dates ------------------------------------------------------------------------------

# An audit other than performance is due this many days after an auditor claims it (or, while
# nobody has, after it entered the ISSI queue). Performance audits are due when the window closes.
AUDIT_DUE_DAYS = 30


def audit_due_on(
    kind: str,
    *,
    queued_on: date,
    assigned_on: date | None,
    performance_window_ends_on: date | None,
    days: int = AUDIT_DUE_DAYS,
) -> date:
    """When ISSI should submit an audit: the performance window's last day for a performance
    audit, otherwise `days` after it was claimed (or queued, while nobody has claimed it)."""
    if kind == "performance" and performance_window_ends_on is not None:
        return performance_window_ends_on
    return (assigned_on or queued_on) + timedelta(days=days)


# --- Money -----------------------------------------------------------------------------------


def format_money(amount: Decimal, currency: str) -> str:
    """Money as the portal shows it: "USD 1,350.00"."""
    return f"{currency} {amount.quantize(CENT):,.2f}"


def fees_charged(attempts: Iterable[tuple[Hashable, Decimal, str]]) -> list[str]:
    """What was charged, per currency: each attempt (key, fee, currency) once, since a
    correction is a new record of the same attempt and is not charged again."""
    fees: dict[Hashable, tuple[Decimal, str]] = {}
    for key, amount, currency in attempts:
        fees.setdefault(key, (amount, currency))
    totals: dict[str, Decimal] = {}
    for amount, currency in fees.values():
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return [format_money(amount, currency) for currency, amount in sorted(totals.items())]


# --- The audit conversation: changes requested --------------------------------------------

CHANGES_DUE_DAYS = 14


def request_overdue(due_on: date, *, answered: bool, on: date) -> bool:
    """An unanswered request is overdue the day after its deadline."""
    return not answered and on > due_on


def days_held(holds: Iterable[tuple[date, date | None]], on: date) -> int:
    """Days the partner held the ball: the union of the periods from each request to its answer
    (an open request holds it until `on`); overlapping requests count once."""
    spans = sorted((start, end or on) for start, end in holds)
    total, cursor = 0, None
    for start, end in spans:
        start = max(start, cursor) if cursor else start
        if end > start:
            total += (end - start).days
        cursor = max(cursor, end) if cursor else end
    return total


def paused_due_on(due_on: date, held: int) -> date:
    """The audit's due date with the days the partner held the ball added: the ISSI clock
    stops while the partner answers."""
    return due_on + timedelta(days=held)


def audit_overdue(
    *, submitted: bool, issi_due_on: date, open_request_due_ons: Iterable[date], on: date
) -> bool:
    """An audit not yet submitted is overdue when one of its change requests passed its
    deadline unanswered, or when ISSI's due date (paused while the partner held the ball)
    passed. A deadline's last day is not overdue; the day after is."""
    if submitted:
        return False
    if on > issi_due_on:
        return True
    return any(request_overdue(due_on, answered=False, on=on) for due_on in open_request_due_ons)


# --- Appeals ----------------------------------------------------------------------------------

APPEAL_WINDOW_DAYS = 30


def appeal_closes_on(decision_on: date, *, days: int = APPEAL_WINDOW_DAYS) -> date:
    """The last day a decision can be appealed: `days` after it."""
    return decision_on + timedelta(days=days)


APPEAL_DECISION_DAYS = 30


def appeal_decision_due_on(filed_on: date, *, days: int = APPEAL_DECISION_DAYS) -> date:
    """The day a reviewer should have decided an appeal by: `days` after it was filed."""
    return filed_on + timedelta(days=days)
