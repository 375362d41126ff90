"""Prerequisite rules of the Support Services designation (SPEC section 3).

Pure: values and a date in, values out. No Django, no clock.
"""

from collections.abc import Iterable
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
    cover_ends = covered_until(facts.support_contracts, on, accepted)
    if cover_ends <= on + timedelta(days=SUPPORT_PLAN_WARNING_DAYS):
        days_left = (cover_ends - on).days
        warning = (
            f"Your support plan ends on {cover_ends.isoformat()} "
            f"(in {days_left} day{'s' if days_left != 1 else ''}): renew it to stay eligible."
        )
    return Prerequisite("support_plan", title, True, detail, "", warning)


def covered_until(
    contracts: Iterable[SupportContractFact], on: date, accepted: Iterable[str]
) -> date | None:
    """The last day of unbroken cover by accepted contracts from `on`: contracts that follow
    each other without a gap count as one cover. None when `on` itself is not covered."""
    accepted = set(accepted)
    plans = [s for s in contracts if s.plan in accepted]
    day = on
    while covering := [s for s in plans if s.active_on(day)]:
        day = max(s.ends_on for s in covering) + timedelta(days=1)
    return None if day == on else day - timedelta(days=1)


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
