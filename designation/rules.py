"""Prerequisite rules of the Support Services designation (SPEC section 3).

Pure: values and a date in, values out. No Django, no clock.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

SUPPORT_PLAN_WARNING_DAYS = 60
PASSING_CAPABILITY_SCORE = 70


class _Labelled(StrEnum):
    """A string enum whose members carry a human label."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class SolutionArea(_Labelled):
    BUSINESS_APPLICATIONS = "business_applications", "Business Applications"
    DATA_AI = "data_ai", "Data & AI (Azure)"
    DIGITAL_APP_INNOVATION = "digital_app_innovation", "Digital & App Innovation (Azure)"
    INFRASTRUCTURE = "infrastructure", "Infrastructure (Azure)"
    MODERN_WORK = "modern_work", "Modern Work"
    SECURITY = "security", "Security"


class CspKind(_Labelled):
    DIRECT_BILL = "direct_bill", "Direct Bill"
    DISTRIBUTOR = "distributor", "Distributor (formerly Indirect Provider)"
    INDIRECT_RESELLER = "indirect_reseller", "Indirect reseller"


class SupportPlan(_Labelled):
    ASFP = "asfp", "Advanced Support for Partners"
    PSFP = "psfp", "Premier Support for Partners"
    UNIFIED = "unified", "Unified for Partners"


@dataclass(frozen=True)
class SolutionsPartnerFact:
    area: str
    attained_on: date
    anniversary_on: date
    performance_points: int | None = None
    skilling_points: int | None = None
    customer_success_points: int | None = None

    def active_on(self, day: date) -> bool:
        """Attained and not past its anniversary date."""
        return self.attained_on <= day <= self.anniversary_on

    @property
    def capability_score(self) -> int | None:
        points = (self.performance_points, self.skilling_points, self.customer_success_points)
        return None if None in points else sum(points)


@dataclass(frozen=True)
class CspFact:
    kind: str
    enrolled_on: date
    ended_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.enrolled_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class SupportContractFact:
    plan: str
    starts_on: date
    ends_on: date

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class AccountFacts:
    in_good_standing: bool = False
    partner_center_registered: bool = False
    tax_billing_on_file: bool = False
    code_of_conduct_accepted_on: date | None = None
    representative_attested: bool = False
    solutions_partner: tuple[SolutionsPartnerFact, ...] = ()
    csp: tuple[CspFact, ...] = ()
    support_contracts: tuple[SupportContractFact, ...] = ()


@dataclass(frozen=True)
class Prerequisite:
    """The outcome of one prerequisite on one day."""

    code: str
    title: str
    met: bool
    detail: str
    next_action: str
    warning: str = ""

    @property
    def status(self) -> str:
        if not self.met:
            return "unmet"
        return "warning" if self.warning else "met"


def capability_score_qualifies(fact: SolutionsPartnerFact) -> bool | None:
    """Solutions Partner capability score: >= 70 of 100 with points in every category."""
    points = (fact.performance_points, fact.skilling_points, fact.customer_success_points)
    if None in points:
        return None
    return all(p > 0 for p in points) and sum(points) >= PASSING_CAPABILITY_SCORE


def check_solutions_partner(facts: AccountFacts, on: date) -> Prerequisite:
    active = sorted((d for d in facts.solutions_partner if d.active_on(on)), key=lambda d: d.area)
    if not active:
        lapsed = [d for d in facts.solutions_partner if d.anniversary_on < on]
        detail = (
            "Your Solutions Partner designation passed its anniversary date."
            if lapsed
            else "No active Solutions Partner designation."
        )
        return Prerequisite(
            "solutions_partner",
            "Solutions Partner designation",
            False,
            detail,
            "Enroll in a Solutions Partner designation.",
        )
    parts = []
    for d in active:
        part = f"{SolutionArea(d.area).label} (anniversary {d.anniversary_on.isoformat()}"
        if d.capability_score is not None:
            part += f", capability score {d.capability_score}/100"
        parts.append(part + ")")
    return Prerequisite(
        "solutions_partner",
        "Solutions Partner designation",
        True,
        "Active: " + "; ".join(parts) + ".",
        "",
    )


def check_csp(facts: AccountFacts, on: date) -> Prerequisite:
    title = "CSP Direct Bill or Distributor"
    action = "Join CSP as Direct Bill or Distributor."
    active = [c for c in facts.csp if c.active_on(on)]
    eligible = [c for c in active if c.kind in (CspKind.DIRECT_BILL, CspKind.DISTRIBUTOR)]
    if eligible:
        return Prerequisite("csp", title, True, f"{CspKind(eligible[0].kind).label}.", "")
    if any(c.kind == CspKind.INDIRECT_RESELLER for c in active):
        return Prerequisite(
            "csp",
            title,
            False,
            "Indirect resellers are not eligible: the designation requires CSP Direct Bill "
            "or Distributor.",
            action,
        )
    return Prerequisite("csp", title, False, "No active CSP enrollment.", action)


def accepted_support_plans(*, unified_generally_available: bool) -> tuple[str, ...]:
    plans = (SupportPlan.ASFP.value, SupportPlan.PSFP.value)
    return plans + (SupportPlan.UNIFIED.value,) if unified_generally_available else plans


def _support_covered(facts: AccountFacts, day: date, accepted: tuple[str, ...]) -> list:
    return [s for s in facts.support_contracts if s.plan in accepted and s.active_on(day)]


def check_support_plan(
    facts: AccountFacts, on: date, *, unified_generally_available: bool
) -> Prerequisite:
    title = "Partner support plan"
    action = "Subscribe to a support plan (ASfP or PSfP)."
    accepted = accepted_support_plans(unified_generally_available=unified_generally_available)
    active = _support_covered(facts, on, accepted)
    if not active:
        if any(s.plan == SupportPlan.UNIFIED and s.active_on(on) for s in facts.support_contracts):
            detail = "Unified for Partners is not yet accepted by the program."
        elif any(s.ends_on < on for s in facts.support_contracts):
            latest = max(s.ends_on for s in facts.support_contracts if s.ends_on < on)
            detail = f"Your support plan ended on {latest.isoformat()}."
        else:
            detail = "No active support contract."
        return Prerequisite("support_plan", title, False, detail, action)
    current = max(active, key=lambda s: s.ends_on)
    detail = f"{SupportPlan(current.plan).label}, active until {current.ends_on.isoformat()}."
    warning = ""
    cover_ends = last_covered_day(facts, on, accepted)
    if cover_ends <= on + timedelta(days=SUPPORT_PLAN_WARNING_DAYS):
        days_left = (cover_ends - on).days
        warning = (
            f"Your support plan ends on {cover_ends.isoformat()} "
            f"(in {days_left} day{'s' if days_left != 1 else ''}): renew it to stay eligible."
        )
    return Prerequisite("support_plan", title, True, detail, "", warning)


def last_covered_day(facts: AccountFacts, on: date, accepted: tuple[str, ...]) -> date:
    """The last day of unbroken cover by accepted contracts from `on` (which is covered):
    contracts that follow each other without a gap count as one cover."""
    day = on
    while covering := _support_covered(facts, day, accepted):
        day = max(s.ends_on for s in covering) + timedelta(days=1)
    return day - timedelta(days=1)


def _flag(code: str, title: str, met: bool, met_detail: str, unmet_detail: str, action: str):
    return Prerequisite(
        code, title, met, met_detail if met else unmet_detail, "" if met else action
    )


def evaluate_prerequisites(
    facts: AccountFacts, on: date, *, unified_generally_available: bool = False
) -> list[Prerequisite]:
    """Every prerequisite of SPEC section 3 on day `on`, in the program's order."""
    conduct = facts.code_of_conduct_accepted_on
    return [
        check_solutions_partner(facts, on),
        check_csp(facts, on),
        check_support_plan(facts, on, unified_generally_available=unified_generally_available),
        _flag(
            "account_standing",
            "Account in good standing",
            facts.in_good_standing,
            "AI Cloud Partner Program account in good standing.",
            "The AI Cloud Partner Program account is not in good standing.",
            "Resolve account standing.",
        ),
        _flag(
            "partner_center",
            "Partner Center registration",
            facts.partner_center_registered,
            "Partner Center registration is current.",
            "Partner Center registration is not current.",
            "Complete Partner Center registration.",
        ),
        _flag(
            "tax_billing",
            "Tax and billing information",
            facts.tax_billing_on_file,
            "Valid tax ID and billing information on file.",
            "No valid tax ID and billing information on file.",
            "Add tax and billing information.",
        ),
        _flag(
            "code_of_conduct",
            "Partner Code of Conduct",
            conduct is not None and conduct <= on,
            f"Accepted on {conduct.isoformat()}." if conduct else "",
            "The Partner Code of Conduct has not been accepted.",
            "Accept the Partner Code of Conduct.",
        ),
        _flag(
            "authorized_representative",
            "Authorised representative",
            facts.representative_attested,
            "The applicant attests they may represent the organisation.",
            "No attestation that the applicant may represent the organisation.",
            "Attest authorization.",
        ),
    ]


def all_met(prerequisites: list[Prerequisite]) -> bool:
    return all(p.met for p in prerequisites)


# --- The enrollment journey (SPEC section 4) --------------------------------------------------

JOURNEY_STEPS = (
    (1, "Prerequisites"),
    (2, "Performance Assessment"),
    (3, "Customer Success Survey"),
    (4, "Capability Assessment"),
    (5, "Enrollment"),
)
_STEP_OF_STATE = {
    "draft": 1,
    "eligibility_review": 1,
    "ineligible": 1,
    "performance": 2,
    "customer_success": 3,
    "capability": 4,
    "enrolled": 5,
}


def journey_step(state: str, withdrawn_from: str = "") -> int:
    """The step (1-5) an enrollment in `state` is at; a withdrawn one stays where it stopped."""
    if state == "withdrawn":
        return _STEP_OF_STATE.get(withdrawn_from, 1)
    return _STEP_OF_STATE[state]


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def pass_valid_until(passed_on: date, years: int) -> date:
    """The last day a pass made on `passed_on` counts (capability 2 years, CSAT 1 year)."""
    return add_years(passed_on, years) - timedelta(days=1)


def performance_window_end(started_on: date, days: int) -> date:
    """The last day of a window of `days` days that starts on (and includes) `started_on`."""
    return started_on + timedelta(days=days - 1)


def carried_over(valid_until: date | None, anniversary_on: date) -> bool:
    """A pass is carried over to the renewal when it is still valid on the anniversary date."""
    return valid_until is not None and valid_until >= anniversary_on


# --- Renewal (SPEC section 8) -----------------------------------------------------------------

REMINDER_DAYS = (
    ("before_60", -60, "60 days before the anniversary"),
    ("before_30", -30, "30 days before the anniversary"),
    ("before_7", -7, "7 days before the anniversary"),
    ("anniversary", 0, "on the anniversary"),
    ("closing_7", None, "7 days before the renewal window closes"),
)


@dataclass(frozen=True)
class RenewalWindow:
    """The renewal window around one anniversary: opens and closes inclusive."""

    anniversary_on: date
    opens_on: date
    closes_on: date


def renewal_window(anniversary_on: date, *, days_before: int, days_after: int) -> RenewalWindow:
    """Opens `days_before` the anniversary and closes `days_after` it (both days included)."""
    return RenewalWindow(
        anniversary_on=anniversary_on,
        opens_on=anniversary_on - timedelta(days=days_before),
        closes_on=anniversary_on + timedelta(days=days_after),
    )


def designation_state_on(window: RenewalWindow, day: date) -> str:
    """Where an unrenewed designation stands on `day`: active, renewal_open, grace or lapsed."""
    if day < window.opens_on:
        return "active"
    if day <= window.anniversary_on:
        return "renewal_open"
    if day <= window.closes_on:
        return "grace"
    return "lapsed"


@dataclass(frozen=True)
class StateCutoffs:
    """On one day, which anniversaries put an unrenewed designation in which state: the inverse
    of designation_state_on, for the set-based nightly job."""

    lapsed_before: date  # anniversary before this: lapsed
    grace_before: date  # else before this: grace
    open_through: date  # else up to this: renewal_open; later: active


def state_cutoffs(today: date, *, days_before: int, days_after: int) -> StateCutoffs:
    return StateCutoffs(
        lapsed_before=today - timedelta(days=days_after),
        grace_before=today,
        open_through=today + timedelta(days=days_before),
    )


def reminder_due(window: RenewalWindow, day: date) -> str | None:
    """The reminder to send on `day`, if any (60, 30, 7 days before, on it, 7 before closing)."""
    for code, offset, _label in REMINDER_DAYS:
        due = (
            window.closes_on - timedelta(days=7)
            if offset is None
            else window.anniversary_on + timedelta(days=offset)
        )
        if day == due:
            return code
    return None


def reminder_label(code: str) -> str:
    return next(label for c, _offset, label in REMINDER_DAYS if c == code)


# --- Tamper-evident event log -----------------------------------------------------------------

GENESIS_HASH = "0" * 64


def event_hash(fields: dict, previous_hash: str) -> str:
    """SHA-256 over the event's fields (canonical JSON) and the previous event's hash."""
    payload = json.dumps({**fields, "previous_hash": previous_hash}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    enrollment_id: int
    sequence: int | None
    problem: str


def chain_problems(
    enrollment_id: int, events: list[tuple[int, dict, str, str]], head_hash: str
) -> list[ChainProblem]:
    """Breaks in one enrollment's chain: events are (sequence, fields, previous_hash, hash)
    in sequence order; head_hash is the hash the enrollment says its last event has."""
    problems, expected_previous = [], GENESIS_HASH
    for position, (sequence, fields, previous_hash, stored_hash) in enumerate(events, start=1):
        if sequence != position:
            problems.append(ChainProblem(enrollment_id, sequence, f"expected event {position}"))
        if previous_hash != expected_previous:
            problems.append(ChainProblem(enrollment_id, sequence, "previous hash does not match"))
        if event_hash(fields, previous_hash) != stored_hash:
            problems.append(ChainProblem(enrollment_id, sequence, "content does not match hash"))
        expected_previous = stored_hash
    if expected_previous != (head_hash or GENESIS_HASH):
        problems.append(ChainProblem(enrollment_id, None, "last event missing or replaced"))
    return problems


def reminder_anniversaries(today: date, *, days_after: int) -> dict[str, date]:
    """For each reminder, the anniversary date whose reminder is due on `today`."""
    return {
        code: (today - timedelta(days=offset))
        if offset is not None
        else today + timedelta(days=7 - days_after)
        for code, offset, _label in REMINDER_DAYS
    }
