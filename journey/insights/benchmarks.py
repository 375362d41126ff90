"""Reads for the benchmarks page: the published cohorts concerning one organisation, what the
viewer may see of them, and where the organisation's case rate stands."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from designation.models import Organization, ProgramRules
from designation.rules import SolutionArea
from metrics import rules as metric_rules
from metrics.benchmarks import CohortView, cohorts_for


@dataclass(frozen=True)
class CohortRow:
    cohort: CohortView
    title: str
    standing: str


@dataclass(frozen=True)
class BenchmarksPage:
    organization: Organization
    as_of: date | None
    case_rate: Decimal | None
    rows: list[CohortRow]
    not_shown: list[str]
    minimum: int


def _title(kind: str, key: str) -> str:
    if kind == "overall":
        return "All designated partners"
    if kind == "area":
        return f"Solution area: {SolutionArea(key).label}"
    return f"Country: {key}"


def benchmarks_for(organization: Organization, *, user, on: date) -> BenchmarksPage:
    """The cohorts (overall, the organisation's solution areas, its country) on the latest day
    computed on or before `on`, as `user` may see them."""
    minimum = ProgramRules.objects.in_force(on).benchmark_cohort_minimum
    facts = organization.solutions_partner_designations.all()  # prefetched by the selector
    areas = sorted({d.area for d in facts if d.as_fact().active_on(on)})
    cohorts, mine, as_of = cohorts_for(
        organization_id=organization.pk,
        country=organization.country,
        areas=areas,
        user_id=user.pk,
        on=on,
    )
    rows = [
        CohortRow(c, _title(c.kind, c.key), metric_rules.standing_in(mine, c.deciles))
        for c in cohorts
        if metric_rules.cohort_visible_to(c.organizations, c.own, minimum)
    ]
    shown = {(r.cohort.kind, r.cohort.key) for r in rows}
    wanted = [("overall", ""), *(("area", a) for a in areas), ("country", organization.country)]
    return BenchmarksPage(
        organization=organization,
        as_of=as_of,
        case_rate=mine,
        rows=rows,
        not_shown=[_title(kind, key) for kind, key in wanted if (kind, key) not in shown],
        minimum=minimum,
    )
