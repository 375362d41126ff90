"""What a pre-enrollment form may declare, given the facts of record on a day (SPEC section 3).

Pure: values and a date in, values out. No Django, no clock. A declaration that contradicts the
facts of record on that day is refused, naming the field and the fact.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from designation.rules.prerequisites import (
    AccountFacts,
    CspFact,
    CspKind,
    SolutionArea,
    SolutionsPartnerFact,
    SupportContractFact,
    SupportPlan,
)

ELIGIBLE_CSP = (CspKind.DIRECT_BILL, CspKind.DISTRIBUTOR)


@dataclass(frozen=True)
class Allowed:
    """The values the facts of record allow a declaration to name on one day."""

    solution_areas: tuple[str, ...]
    csp_types: tuple[str, ...]
    support_plans: tuple[str, ...]


@dataclass(frozen=True)
class Contradiction:
    field: str
    message: str


def allowed_on(facts: AccountFacts, on: date, *, unified_generally_available: bool) -> Allowed:
    """Active Solutions Partner areas, active eligible CSP types and active accepted support
    plans on day `on`, each in the program's order."""
    areas = {d.area for d in facts.solutions_partner if d.active_on(on)}
    csp = {c.kind for c in facts.csp if c.active_on(on)}
    plans = {s.plan for s in facts.support_contracts if s.active_on(on)}
    if not unified_generally_available:
        plans.discard(SupportPlan.UNIFIED)
    return Allowed(
        solution_areas=tuple(a.value for a in SolutionArea if a in areas),
        csp_types=tuple(k.value for k in ELIGIBLE_CSP if k in csp),
        support_plans=tuple(p.value for p in SupportPlan if p in plans),
    )


def _words(values: Iterable[str], labels: dict[str, str]) -> str:
    names = [labels[v] for v in values]
    return ", ".join(names) if names else "none"


def contradictions(
    *,
    solution_areas: Iterable[str],
    csp_type: str,
    support_plan: str,
    facts: AccountFacts,
    on: date,
    unified_generally_available: bool,
) -> list[Contradiction]:
    """Every declared value the facts of record do not support on day `on`."""
    allowed = allowed_on(facts, on, unified_generally_available=unified_generally_available)
    day = on.isoformat()
    found = []
    areas = {a.value: a.label for a in SolutionArea}
    unheld = [a for a in solution_areas if a not in allowed.solution_areas]
    if unheld:
        found.append(
            Contradiction(
                "solution_areas",
                f"The facts of record on {day} show no active Solutions Partner designation "
                f"for {_words(unheld, areas)}; active: {_words(allowed.solution_areas, areas)}.",
            )
        )
    kinds = {k.value: k.label for k in CspKind}
    if csp_type not in allowed.csp_types:
        found.append(
            Contradiction(
                "csp_type",
                f"The facts of record on {day} show no active {kinds.get(csp_type, csp_type)} "
                f"CSP enrollment; eligible and active: {_words(allowed.csp_types, kinds)}.",
            )
        )
    plans = {p.value: p.label for p in SupportPlan}
    if support_plan not in allowed.support_plans:
        why = (
            f"Unified for Partners is not yet accepted by the program on {day}"
            if support_plan == SupportPlan.UNIFIED and not unified_generally_available
            else f"the facts of record on {day} show no active "
            f"{plans.get(support_plan, support_plan)} contract"
        )
        found.append(
            Contradiction(
                "support_plan",
                f"{why[0].upper()}{why[1:]}; accepted and active: "
                f"{_words(allowed.support_plans, plans)}.",
            )
        )
    return found


# --- Declared vs recorded: what the reviewer reads beside each declared value ----------------

AGREES = "Agrees"


@dataclass(frozen=True)
class Provenance:
    """Where a fact of record came from: its source in words and the day it was last confirmed."""

    source: str
    confirmed_on: date | None

    def __str__(self) -> str:
        if self.confirmed_on is None:
            return f"{self.source}, never confirmed"
        return f"{self.source}, last confirmed {self.confirmed_on.isoformat()}"


@dataclass(frozen=True)
class Comparison:
    """One declared value beside the value on record that day, and whether they agree."""

    field: str
    label: str
    declared: str
    recorded: str
    provenance: tuple[str, ...]
    agrees: bool
    verdict: str
    explanation: str = ""
    changed_since: str = ""


def _row(field, label, declared, recorded, kept, problem, *, held: bool, changed) -> Comparison:
    """`held`: the declared value is on record but the program does not accept it."""
    if problem is None:
        verdict = AGREES
    elif held:
        verdict = f"Differs: {declared} is on record but not accepted by the program"
    else:
        verdict = f"Differs: recorded {recorded}"
    return Comparison(
        field=field,
        label=label,
        declared=declared,
        recorded=recorded,
        provenance=tuple(dict.fromkeys(str(p) for p in kept)),
        agrees=problem is None,
        verdict=verdict,
        explanation="" if problem is None else problem.message,
        changed_since=(
            f"Changed since the declaration, last on {changed.isoformat()}: the partner "
            "declared against the facts as they were then."
            if changed
            else ""
        ),
    )


def declared_vs_recorded(
    *,
    solution_areas: Iterable[str],
    csp_type: str,
    support_plan: str,
    solutions_partner: Iterable[tuple[SolutionsPartnerFact, Provenance]],
    csp: Iterable[tuple[CspFact, Provenance]],
    support_contracts: Iterable[tuple[SupportContractFact, Provenance]],
    on: date,
    unified_generally_available: bool,
    changed_after: Mapping[str, date] | None = None,
) -> list[Comparison]:
    """Each value of a pre-enrollment declaration beside the facts of record active on day `on`
    (with their sources); they agree exactly when `contradictions` finds nothing for the field.
    `changed_after`: per field, the last day its facts changed after `on`, if they did."""
    changed_after = changed_after or {}
    designations, enrollments, contracts = (
        [(f, p) for f, p in kept if f.active_on(on)]
        for kept in (solutions_partner, csp, support_contracts)
    )
    facts = AccountFacts(
        solutions_partner=tuple(f for f, _ in designations),
        csp=tuple(f for f, _ in enrollments),
        support_contracts=tuple(f for f, _ in contracts),
    )
    declared_areas = list(solution_areas)
    problems = {
        c.field: c
        for c in contradictions(
            solution_areas=declared_areas,
            csp_type=csp_type,
            support_plan=support_plan,
            facts=facts,
            on=on,
            unified_generally_available=unified_generally_available,
        )
    }
    areas = {a.value: a.label for a in SolutionArea}
    kinds = {k.value: k.label for k in CspKind}
    plans = {p.value: p.label for p in SupportPlan}
    none = f"none active on {on.isoformat()}"
    held = [a.value for a in SolutionArea if any(f.area == a for f, _ in designations)]
    kinds_held = [k.value for k in CspKind if any(f.kind == k for f, _ in enrollments)]
    plans_held = [p.value for p in SupportPlan if any(f.plan == p for f, _ in contracts)]
    return [
        _row(
            "solution_areas",
            "Solution areas",
            _words(declared_areas, areas) if declared_areas else "none",
            _words(held, areas) if held else none,
            [p for f, p in designations if f.area in declared_areas]
            or [p for _, p in designations],
            problems.get("solution_areas"),
            held=False,
            changed=changed_after.get("solution_areas"),
        ),
        _row(
            "csp_type",
            "CSP enrollment type",
            kinds.get(csp_type, csp_type or "none"),
            _words(kinds_held, kinds) if kinds_held else none,
            [p for f, p in enrollments if f.kind == csp_type] or [p for _, p in enrollments],
            problems.get("csp_type"),
            held=csp_type in kinds_held,
            changed=changed_after.get("csp_type"),
        ),
        _row(
            "support_plan",
            "Support plan",
            plans.get(support_plan, support_plan or "none"),
            _words(plans_held, plans) if plans_held else none,
            [p for f, p in contracts if f.plan == support_plan] or [p for _, p in contracts],
            problems.get("support_plan"),
            held=support_plan in plans_held,
            changed=changed_after.get("support_plan"),
        ),
    ]
