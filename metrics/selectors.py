"""Reads for metrics: TTM figures and trends from monthly rollups, never from raw cases."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from designation.models import Organization, ProgramRules
from designation.selectors import organizations_for
from metrics import rules
from metrics.models import ImportRecord, MonthlyRollup
from portal import compiled

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CaseRateFigures:
    """An organisation's TTM case-rate figures for one day (SPEC section 5)."""

    as_of: date
    window_start: date
    window_end: date
    case_volume: int
    billed_revenue_usd: Decimal
    case_rate: Decimal | None
    case_rate_target: Decimal | None = None

    @property
    def meets_target(self) -> bool:
        return self.case_rate_target is not None and rules.meets_target(
            self.case_rate, self.case_rate_target
        )

    @property
    def what_if(self) -> rules.WhatIf | None:
        if self.case_rate_target is None:
            return None
        return rules.what_if(self.case_volume, self.billed_revenue_usd, self.case_rate_target)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: that month's figures and the TTM rate at its end."""

    month: date
    csp_case_count: int
    csp_revenue_usd: Decimal
    acr_revenue_usd: Decimal
    ttm_case_volume: int
    ttm_billed_revenue_usd: Decimal

    @property
    def billed_revenue_usd(self) -> Decimal:
        return self.csp_revenue_usd + self.acr_revenue_usd

    @property
    def case_rate(self) -> Decimal | None:
        """The month's own rate (cases in the month per USD 1M billed in it)."""
        return rules.case_rate(self.csp_case_count, self.billed_revenue_usd)

    @property
    def ttm_case_rate(self) -> Decimal | None:
        """The TTM rate for the first day of the next month (this month ends its window)."""
        return rules.case_rate(self.ttm_case_volume, self.ttm_billed_revenue_usd)


def organization_for(user, organization_id: int) -> Organization:
    """One organisation the user may see (the designation scope), without its facts; else 404."""
    return get_object_or_404(organizations_for(user), pk=organization_id)


def _pk(organization: Organization | int) -> int:
    return getattr(organization, "pk", organization)


def case_rate_target_on(as_of: date) -> Decimal | None:
    """The case-rate target in force on as_of; None before the program started."""
    found = (
        ProgramRules.objects.filter(effective_from__lte=as_of)
        .order_by("-effective_from", "-id")
        .values_list("case_rate_target", flat=True)
        .first()
    )
    return found


def case_rate_for(organization: Organization | int, as_of: date) -> CaseRateFigures:
    """The TTM figures for as_of: the sum of the twelve monthly rollups of its window."""
    start, end = rules.ttm_window(as_of)
    totals = MonthlyRollup.objects.filter(
        organization_id=_pk(organization), month__gte=start, month__lte=end
    ).aggregate(
        volume=Coalesce(Sum("csp_case_count"), 0),
        csp=Coalesce(Sum("csp_revenue_usd"), ZERO),
        acr=Coalesce(Sum("acr_revenue_usd"), ZERO),
    )
    revenue = (totals["csp"] + totals["acr"]).quantize(rules.CENT)
    return CaseRateFigures(
        as_of=as_of,
        window_start=start,
        window_end=end,
        case_volume=totals["volume"],
        billed_revenue_usd=revenue,
        case_rate=rules.case_rate(totals["volume"], revenue),
        case_rate_target=case_rate_target_on(as_of),
    )


def monthly_trend(
    organization: Organization | int, months: int = 24, *, as_of: date
) -> list[TrendPoint]:
    """The last `months` complete months before as_of, oldest first, with rolling TTM figures."""
    shown = rules.trend_months(as_of, months)
    needed = rules.trend_months(as_of, months + 11)  # eleven earlier months feed the first TTM

    def build(organization_id, first, last):
        return MonthlyRollup.objects.filter(
            organization_id=organization_id, month__gte=first, month__lte=last
        ).values("month", "csp_case_count", "csp_revenue_usd", "acr_revenue_usd")

    found = compiled.rows(
        ("monthly trend",),
        build,
        organization_id=_pk(organization),
        first=needed[0],
        last=needed[-1],
    )
    rows = {row["month"]: row for row in found}
    empty = {"csp_case_count": 0, "csp_revenue_usd": ZERO, "acr_revenue_usd": ZERO}
    series = [rows.get(month, empty) for month in needed]
    points = []
    for offset, month in enumerate(shown):
        window = series[offset : offset + 12]
        row = series[offset + 11]
        points.append(
            TrendPoint(
                month=month,
                csp_case_count=row["csp_case_count"],
                csp_revenue_usd=row["csp_revenue_usd"],
                acr_revenue_usd=row["acr_revenue_usd"],
                ttm_case_volume=sum(r["csp_case_count"] for r in window),
                ttm_billed_revenue_usd=sum(
                    (r["csp_revenue_usd"] + r["acr_revenue_usd"] for r in window), ZERO
                ),
            )
        )
    return points


def recent_imports(organization: Organization | int) -> QuerySet[ImportRecord]:
    """The organisation's imports, newest first, with who made them."""
    return ImportRecord.objects.filter(organization_id=_pk(organization)).select_related(
        "imported_by"
    )


def case_ids_missing(
    organization_id: int, window_start: date, window_end: date, case_ids: list[str]
) -> list[str]:
    """The given case IDs that are not CSP cases of the organisation opened in the window (the
    frozen case list of a performance assessment), in the order given."""
    from metrics.models import Case

    found = set(
        Case.objects.filter(
            organization_id=organization_id,
            program=Case.Program.CSP,
            opened_on__range=(window_start, window_end),
            case_id__in=case_ids,
        ).values_list("case_id", flat=True)
    )
    return [case_id for case_id in case_ids if case_id not in found]


def frozen_cases(organization_id: int, window_start: date, window_end: date, query: str = ""):
    """The CSP cases of a frozen TTM window (what a performance assessment counted), oldest
    first; `query` narrows to case IDs containing it."""
    from metrics.models import Case

    cases = Case.objects.filter(
        organization_id=organization_id,
        program=Case.Program.CSP,
        opened_on__range=(window_start, window_end),
    )
    if query:
        cases = cases.filter(case_id__icontains=query)
    return cases.order_by("opened_on", "case_id").only(
        "case_id", "opened_on", "severity", "customer_tenant_id", "title"
    )
