"""Case-rate rules of the Support Services designation (SPEC section 5).

Pure: values and a date in, values out. No Django, no clock.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from dateutil.relativedelta import relativedelta

from designation.rules.case_rate import CENT, PER_MILLION, case_rate, meets_target  # noqa: F401

# A rate shown as the target after rounding to two places still meets it: 20.004 is 20.00.
_HALF_CENT = Decimal("0.005")

CASE_PROGRAMS = ("CSP", "EA", "MCA", "OTHER")
SEVERITIES = ("A", "B", "C")
REVENUE_SOURCES = ("CSP", "ACR")


def month_start(day: date) -> date:
    """The first day of day's month."""
    return day.replace(day=1)


def ttm_window(as_of: date) -> tuple[date, date]:
    """The twelve complete calendar months before as_of's month, first and last day inclusive."""
    end = month_start(as_of) - timedelta(days=1)
    start = month_start(end) - relativedelta(months=11)
    return start, end


def trend_months(as_of: date, months: int = 24) -> list[date]:
    """The first day of each of the `months` complete months before as_of's month, oldest first."""
    first = as_of.year * 12 + as_of.month - 1 - months  # months counted from year 0
    return [date(m // 12, m % 12 + 1, 1) for m in range(first, first + months)]


def max_cases_for(revenue_usd: Decimal, target: Decimal) -> int:
    """The most CSP cases that still meet the target on this revenue (0 when there is none)."""
    if revenue_usd <= 0:
        return 0
    # case_rate(n) <= target  <=>  n * 1M / revenue < target + 0.005 (half-up rounding).
    limit = (target + _HALF_CENT) * Decimal(revenue_usd) / PER_MILLION
    return max(int(limit.to_integral_value(rounding=ROUND_CEILING)) - 1, 0)


def cases_over_target(cases: int, revenue_usd: Decimal, target: Decimal) -> int | None:
    """How many fewer CSP cases would meet the target; None when no case count can (no revenue)."""
    if revenue_usd <= 0:
        return None
    return max(cases - max_cases_for(revenue_usd, target), 0)


def revenue_shortfall(cases: int, revenue_usd: Decimal, target: Decimal) -> Decimal:
    """How much more billed revenue (USD, to the cent) would bring the rate within the target."""
    if meets_target(case_rate(cases, revenue_usd), target):
        return Decimal("0.00")
    # Smallest revenue R (in cents) with cases * 1M / R < target + 0.005.
    needed = (Decimal(cases) * PER_MILLION / (target + _HALF_CENT)).quantize(
        CENT, rounding=ROUND_FLOOR
    ) + CENT
    needed = max(needed, CENT)
    return max(needed - Decimal(revenue_usd), Decimal("0.00")).quantize(CENT)


@dataclass(frozen=True)
class WhatIf:
    """What would bring a case rate within the target: fewer cases or more revenue."""

    meets: bool
    cases_to_remove: int | None
    revenue_to_add_usd: Decimal


def what_if(cases: int, revenue_usd: Decimal, target: Decimal) -> WhatIf:
    """The two ways to meet the target from these TTM figures."""
    return WhatIf(
        meets=meets_target(case_rate(cases, revenue_usd), target),
        cases_to_remove=cases_over_target(cases, revenue_usd, target),
        revenue_to_add_usd=revenue_shortfall(cases, revenue_usd, target),
    )


# --- Cohort benchmarks (issue 16) ----------------------------------------------------------

DECILE_SHARES = (10, 20, 30, 40, 50, 60, 70, 80, 90)


def cohort_visible_to(organizations: int, own: int, minimum: int) -> bool:
    """A published cohort is shown to a partner only when, leaving out the partner's own
    organisations, it still counts the program's minimum: nobody can read another partner's
    figure off a cohort made mostly of their own."""
    return organizations - own >= minimum


def standing_in(rate: Decimal | None, deciles: tuple[Decimal, ...]) -> str:
    """Where a case rate stands in a cohort, in words, from its 10th-90th percentiles (lower is
    better); interpolated between deciles and never more precise than the deciles allow."""
    if rate is None:
        return "Your case rate is undefined (no billed revenue), so it has no place in the cohort."
    if rate <= deciles[0]:
        return f"Your case rate {rate} is lower than at least 90% of the cohort."
    if rate > deciles[-1]:
        return f"Your case rate {rate} is higher than at least 90% of the cohort."
    for (low, low_share), (high, high_share) in zip(
        zip(deciles, DECILE_SHARES, strict=True),
        zip(deciles[1:], DECILE_SHARES[1:], strict=True),
        strict=False,
    ):
        if low < rate <= high:
            share = low_share + (high_share - low_share) * (rate - low) / (high - low)
            below = 100 - int(share.to_integral_value())
            return f"Your case rate {rate} is lower than about {below}% of the cohort."
    # Equal deciles around the rate: it sits at that percentile.
    share = next(s for d, s in zip(deciles, DECILE_SHARES, strict=True) if d >= rate)
    return f"Your case rate {rate} is lower than about {100 - share}% of the cohort."
