"""What a pre-enrollment form may declare, given the facts of record on a day (SPEC section 3).

Pure: values and a date in, values out. No Django, no clock. A declaration that contradicts the
facts of record on that day is refused, naming the field and the fact.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from designation.rules.prerequisites import AccountFacts, CspKind, SolutionArea, SupportPlan

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
