"""The TTM window and the case-rate formula (SPEC section 5): pure, no database."""

from datetime import date
from decimal import Decimal

import pytest

from metrics import rules


@pytest.mark.parametrize(
    ("as_of", "start", "end"),
    [
        (date(2026, 11, 21), date(2025, 11, 1), date(2026, 10, 31)),  # the spec's example
        (date(2026, 11, 1), date(2025, 11, 1), date(2026, 10, 31)),  # first day of a month
        (date(2026, 11, 30), date(2025, 11, 1), date(2026, 10, 31)),  # last day of a month
        (date(2026, 12, 1), date(2025, 12, 1), date(2026, 11, 30)),
        (date(2027, 1, 15), date(2026, 1, 1), date(2026, 12, 31)),  # January: previous year
        (date(2027, 1, 1), date(2026, 1, 1), date(2026, 12, 31)),
        (date(2027, 2, 10), date(2026, 2, 1), date(2027, 1, 31)),  # window crosses a year
        (date(2028, 2, 29), date(2027, 2, 1), date(2028, 1, 31)),  # leap day
        (date(2028, 3, 1), date(2027, 3, 1), date(2028, 2, 29)),  # window ends on a leap day
        (date(2029, 3, 31), date(2028, 3, 1), date(2029, 2, 28)),
    ],
)
def test_ttm_window_is_the_twelve_complete_months_before_the_days_month(as_of, start, end):
    assert rules.ttm_window(as_of) == (start, end)


def test_trend_months_end_with_the_last_complete_month():
    months = rules.trend_months(date(2026, 11, 21), 24)
    assert (months[0], months[-1], len(months)) == (date(2024, 11, 1), date(2026, 10, 1), 24)


@pytest.mark.parametrize(
    ("as_of", "count", "first", "last"),
    [
        (date(2027, 1, 1), 24, date(2025, 1, 1), date(2026, 12, 1)),  # January: last December
        (date(2024, 2, 29), 12, date(2023, 2, 1), date(2024, 1, 1)),  # a leap day
        (date(2024, 3, 31), 35, date(2021, 4, 1), date(2024, 2, 1)),
        (date(2026, 12, 31), 1, date(2026, 11, 1), date(2026, 11, 1)),
    ],
)
def test_trend_months_across_years(as_of, count, first, last):
    months = rules.trend_months(as_of, count)
    assert (months[0], months[-1], len(months)) == (first, last, count)
    assert all(m.day == 1 for m in months) and months == sorted(set(months))


@pytest.mark.parametrize(
    ("opened_on", "counts"),
    [
        (date(2025, 11, 1), True),  # the window's first day
        (date(2026, 10, 31), True),  # its last day
        (date(2025, 10, 31), False),  # one day before
        (date(2026, 11, 1), False),  # one day after (the as_of month itself)
        (date(2026, 11, 21), False),
    ],
)
def test_a_case_counts_only_inside_the_window(opened_on, counts):
    start, end = rules.ttm_window(date(2026, 11, 21))
    assert (start <= opened_on <= end) is counts


def test_case_rate_is_cases_per_million_usd():
    assert rules.case_rate(25, Decimal("1250000.00")) == Decimal("20.00")
    assert rules.case_rate(0, Decimal("5000000")) == Decimal("0.00")
    assert rules.case_rate(3, Decimal("100")) == Decimal("30000.00")


@pytest.mark.parametrize("revenue", [Decimal("0"), Decimal("0.00"), Decimal("-5")])
def test_case_rate_without_revenue_is_undefined_not_zero(revenue):
    assert rules.case_rate(12, revenue) is None
    assert rules.case_rate(0, revenue) is None
    assert rules.meets_target(None, Decimal("20.00")) is False


@pytest.mark.parametrize(
    ("cases", "revenue", "rate"),
    [
        (1, Decimal("3000000"), Decimal("0.33")),  # 0.3333… down
        (2, Decimal("3000000"), Decimal("0.67")),  # 0.6666… up
        (1, Decimal("800000"), Decimal("1.25")),  # exact
        (1, Decimal("80000000"), Decimal("0.01")),  # 0.0125 -> 0.01
        (1, Decimal("400000000"), Decimal("0.00")),  # 0.0025 -> 0.00
        (1, Decimal("200000000"), Decimal("0.01")),  # 0.005 exactly: half up, not to even
        (3, Decimal("200000000"), Decimal("0.02")),  # 0.015 -> 0.02 (banker's would give 0.02)
        (5, Decimal("200000000"), Decimal("0.03")),  # 0.025 -> 0.03 (banker's would give 0.02)
    ],
)
def test_case_rate_rounds_half_up_to_two_places(cases, revenue, rate):
    result = rules.case_rate(cases, revenue)
    assert result == rate
    assert result.as_tuple().exponent == -2


def test_meets_target_when_at_or_below_it():
    target = Decimal("20.00")
    assert rules.meets_target(Decimal("20.00"), target)
    assert rules.meets_target(Decimal("19.99"), target)
    assert not rules.meets_target(Decimal("20.01"), target)


def test_max_cases_for_respects_rounding_at_the_target():
    # 1M USD, target 20.00: 20 cases is 20.00; 21 is 21.00.
    assert rules.max_cases_for(Decimal("1000000"), Decimal("20.00")) == 20
    # 200,100 USD: 4 cases = 19.99 meets, 5 = 24.99 does not.
    assert rules.max_cases_for(Decimal("200100"), Decimal("20.00")) == 4
    # 20.004 rounds to 20.00 and meets; 20.005 rounds to 20.01 and does not.
    assert rules.case_rate(5001, Decimal("250000000")) == Decimal("20.00")
    assert rules.max_cases_for(Decimal("250000000"), Decimal("20.00")) == 5001
    assert rules.case_rate(5002, Decimal("250000000")) == Decimal("20.01")
    assert rules.max_cases_for(Decimal("0"), Decimal("20.00")) == 0


def test_what_if_says_how_many_cases_or_how_much_revenue_would_meet_the_target():
    result = rules.what_if(30, Decimal("1000000"), Decimal("20.00"))
    assert result.meets is False
    assert result.cases_to_remove == 10
    # 30 cases need revenue above 30M / 20.005 = 1,499,625.09…: the next cent.
    assert result.revenue_to_add_usd == Decimal("499625.10")
    assert rules.case_rate(30, Decimal("1499625.10")) == Decimal("20.00")
    assert rules.case_rate(30, Decimal("1499625.09")) == Decimal("20.01")


def test_what_if_when_the_target_is_met_or_there_is_no_revenue():
    met = rules.what_if(10, Decimal("1000000"), Decimal("20.00"))
    assert (met.meets, met.cases_to_remove, met.revenue_to_add_usd) == (True, 0, Decimal("0.00"))
    none = rules.what_if(4, Decimal("0"), Decimal("20.00"))
    assert none.meets is False
    assert none.cases_to_remove is None  # no number of cases gives a rate without revenue
    assert none.revenue_to_add_usd == Decimal("199950.02")
    assert rules.what_if(0, Decimal("0"), Decimal("20.00")).revenue_to_add_usd == Decimal("0.01")
