"""Nightly case-rate snapshots, rollup rebuilds and the selectors that read the rollups."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designation.models import ProgramRules
from metrics import selectors, services
from metrics.models import Case, CaseRateSnapshot, MonthlyRollup, RevenueLine
from tests.db import other_connection
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, TODAY, csv_bytes

pytestmark = pytest.mark.django_db


def _rollup(org, month: date, cases: int, csp: str, acr: str = "0") -> None:
    MonthlyRollup.objects.create(
        organization=org,
        month=month,
        csp_case_count=cases,
        csp_revenue_usd=Decimal(csp),
        acr_revenue_usd=Decimal(acr),
    )


@pytest.fixture
def history(org):
    """Rollups around TODAY's window (2025-11 to 2026-10): 24 cases, USD 1.5M in it."""
    _rollup(org, date(2025, 10, 1), 50, "1000")  # the month before the window: ignored
    for month in range(11, 13):
        _rollup(org, date(2025, month, 1), 2, "100000", "25000")
    for month in range(1, 11):
        _rollup(org, date(2026, month, 1), 2, "100000", "25000")
    _rollup(org, date(2026, 11, 1), 40, "1")  # TODAY's own month: ignored
    return org


def _snapshot_rows(as_of):
    return sorted(
        CaseRateSnapshot.objects.filter(as_of=as_of).values_list(
            "organization_id",
            "window_start",
            "window_end",
            "case_volume",
            "billed_revenue_usd",
            "case_rate",
            "case_rate_target",
        )
    )


def test_case_rate_for_sums_the_twelve_rollups_of_the_window(history):
    figures = selectors.case_rate_for(history, TODAY)
    assert (figures.window_start, figures.window_end) == (date(2025, 11, 1), date(2026, 10, 31))
    assert figures.case_volume == 24
    assert figures.billed_revenue_usd == Decimal("1500000.00")
    assert figures.case_rate == Decimal("16.00")
    assert figures.case_rate_target == Decimal("20.00")
    assert figures.meets_target is True


def test_case_rate_for_without_revenue_is_undefined(org):
    _rollup(org, date(2026, 3, 1), 7, "0")
    figures = selectors.case_rate_for(org, TODAY)
    assert (figures.case_volume, figures.billed_revenue_usd, figures.case_rate) == (
        7,
        Decimal("0.00"),
        None,
    )
    assert figures.meets_target is False


def test_case_rate_counts_imported_csp_cases_on_the_windows_first_and_last_day_only(do_import, org):
    do_import(
        "cases",
        csv_bytes(
            CASES_HEADER,
            "A,2025-10-31,CSP,,,",  # a day before the window
            "B,2025-11-01,CSP,,,",  # its first day
            "C,2026-10-31,CSP,,,",  # its last day
            "D,2026-11-01,CSP,,,",  # a day after
            "E,2026-06-15,EA,,,",  # not CSP
            "F,2026-06-15,MCA,,,",
        ),
    )
    do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-06,CSP,60000", "2026-07,ACR,40000"))
    figures = selectors.case_rate_for(org, TODAY)
    assert figures.case_volume == 2
    assert figures.billed_revenue_usd == Decimal("100000.00")
    assert figures.case_rate == Decimal("20.00")


def test_monthly_trend_gives_24_months_with_rolling_ttm_rates(history):
    trend = selectors.monthly_trend(history, 24, as_of=TODAY)
    assert len(trend) == 24
    assert (trend[0].month, trend[-1].month) == (date(2024, 11, 1), date(2026, 10, 1))
    last = trend[-1]
    assert (last.csp_case_count, last.billed_revenue_usd, last.case_rate) == (
        2,
        Decimal("125000.00"),
        Decimal("16.00"),
    )
    # The last month ends TODAY's window: its TTM rate is the selector's.
    assert last.ttm_case_rate == selectors.case_rate_for(history, TODAY).case_rate
    october = trend[-13]
    assert october.month == date(2025, 10, 1) and october.csp_case_count == 50
    assert trend[0].ttm_case_rate is None  # no revenue before the history


def test_recompute_stores_one_snapshot_per_organisation_with_the_selectors_figures(
    history, other_org
):
    result = services.recompute_case_rates(as_of=TODAY)
    assert (result.ran, result.snapshots) == (True, 2)
    mine = CaseRateSnapshot.objects.get(organization=history, as_of=TODAY)
    figures = selectors.case_rate_for(history, TODAY)
    assert (
        mine.window_start,
        mine.window_end,
        mine.case_volume,
        mine.billed_revenue_usd,
        mine.case_rate,
        mine.case_rate_target,
    ) == (
        figures.window_start,
        figures.window_end,
        figures.case_volume,
        figures.billed_revenue_usd,
        figures.case_rate,
        figures.case_rate_target,
    )
    empty = CaseRateSnapshot.objects.get(organization=other_org, as_of=TODAY)
    assert (empty.case_volume, empty.billed_revenue_usd, empty.case_rate) == (0, 0, None)


def test_recompute_twice_the_same_day_replaces_and_gives_identical_rows(history, other_org):
    services.recompute_case_rates(as_of=TODAY)
    first = _snapshot_rows(TODAY)
    services.recompute_case_rates(as_of=TODAY)
    assert _snapshot_rows(TODAY) == first
    assert CaseRateSnapshot.objects.count() == 2
    MonthlyRollup.objects.filter(organization=history, month=date(2026, 10, 1)).update(
        csp_case_count=26
    )
    services.recompute_case_rates(as_of=TODAY)
    assert CaseRateSnapshot.objects.get(organization=history, as_of=TODAY).case_rate == Decimal(
        "32.00"
    )
    assert CaseRateSnapshot.objects.count() == 2


def test_recompute_uses_the_target_in_force_on_the_day(history):
    ProgramRules.objects.create(effective_from=date(2026, 11, 1), case_rate_target="15.00")
    services.recompute_case_rates(as_of=TODAY)
    services.recompute_case_rates(as_of=date(2026, 10, 31))
    snapshots = dict(CaseRateSnapshot.objects.values_list("as_of", "case_rate_target"))
    assert snapshots == {TODAY: Decimal("15.00"), date(2026, 10, 31): Decimal("20.00")}
    assert selectors.case_rate_for(history, TODAY).meets_target is False


def test_recompute_rounds_half_up_like_the_rule(org):
    _rollup(org, date(2026, 1, 1), 5, "200000000")  # 0.025 per million: half up gives 0.03
    services.recompute_case_rates(as_of=TODAY)
    assert CaseRateSnapshot.objects.get(organization=org).case_rate == Decimal("0.03")
    assert selectors.case_rate_for(org, TODAY).case_rate == Decimal("0.03")


def _recompute_queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        services.recompute_case_rates(as_of=TODAY)
    return len(captured.captured_queries)


def test_recompute_is_one_statement_whatever_the_number_of_organisations(
    history, django_assert_max_num_queries
):
    few = _recompute_queries()
    factories.OrganizationFactory.create_batch(40)
    with django_assert_max_num_queries(few):
        result = services.recompute_case_rates(as_of=TODAY)
    assert result.snapshots == 41
    # savepoint, lock, the INSERT ... SELECT, release: one statement does the work.
    assert few <= 4


def test_an_overlapping_recompute_skips_and_says_so(history):
    other = other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services._RECOMPUTE_LOCK])
        result = services.recompute_case_rates(as_of=TODAY)
        assert (result.ran, result.snapshots) == (False, 0)
        assert "another recompute is running" in str(result)
        assert not CaseRateSnapshot.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services._RECOMPUTE_LOCK])
    finally:
        other.close()
    assert services.recompute_case_rates(as_of=TODAY).ran


def test_recompute_command_prints_a_summary(history, capsys):
    call_command("recompute_case_rates", "--as-of", "2026-11-21")
    assert "Case rates for 2026-11-21: 1 organisations." in capsys.readouterr().out
    assert CaseRateSnapshot.objects.get(organization=history).case_rate == Decimal("16.00")


def test_recompute_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("recompute_case_rates", "--as-of", "21/11/2026")


def test_rebuild_rollups_matches_what_imports_maintain(do_import, org):
    do_import(
        "cases",
        csv_bytes(CASES_HEADER, "A,2026-01-03,CSP,,,", "B,2026-01-04,CSP,,,", "C,2026-02-01,EA,,,"),
    )
    do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-01,CSP,10", "2026-03,ACR,5.5"))
    maintained = list(MonthlyRollup.objects.values_list())
    MonthlyRollup.objects.all().delete()
    services.rebuild_rollups(organization_ids=[org.pk])
    rebuilt = sorted(
        MonthlyRollup.objects.values_list(
            "organization_id", "month", "csp_case_count", "csp_revenue_usd", "acr_revenue_usd"
        )
    )
    assert sorted(row[1:] for row in maintained if row[3] or row[4] or row[5]) == rebuilt
    assert services.rebuild_rollups() == 0  # nothing differs: nothing written
    assert Case.objects.count() == 3 and RevenueLine.objects.count() == 2
