"""Snapshots partitioned by month, created ahead, thinned after 36 months; reruns write only
what changed (issue 17)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from metrics import services, snapshots
from metrics.models import CaseRateSnapshot, MonthlyRollup
from tests.db import other_connection

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


def _snapshot(org, as_of: date, volume: int = 1) -> CaseRateSnapshot:
    return CaseRateSnapshot.objects.create(
        organization=org,
        as_of=as_of,
        window_start=as_of,
        window_end=as_of,
        case_volume=volume,
        billed_revenue_usd=Decimal("10.00"),
    )


def _where(as_of: date) -> str:
    """The partition that holds the snapshots of `as_of`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM metrics_caseratesnapshot "
            "WHERE as_of = %s",
            [as_of],
        )
        return ",".join(row[0] for row in cursor.fetchall())


def _versions() -> dict:
    """Each snapshot's row version: it changes whenever the row is rewritten."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT organization_id, xmin::text FROM metrics_caseratesnapshot")
        return dict(cursor.fetchall())


def test_the_snapshot_table_is_partitioned_by_month_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat FROM pg_partitioned_table "
            "WHERE partrelid = 'metrics_caseratesnapshot'::regclass"
        )
        assert cursor.fetchone() == ("r",)
    assert snapshots.DEFAULT in snapshots.partitions()


def test_the_job_creates_the_days_month_and_two_ahead_once(org):
    created = snapshots.prepare_partitions(as_of=TODAY)
    assert created == [
        "metrics_caseratesnapshot_p202611",
        "metrics_caseratesnapshot_p202612",
        "metrics_caseratesnapshot_p202701",
    ]
    assert snapshots.prepare_partitions(as_of=TODAY) == []
    assert "FROM ('2026-12-01') TO ('2027-01-01')" in snapshots.partitions()[created[1]]
    _snapshot(org, TODAY)
    assert _where(TODAY) == "metrics_caseratesnapshot_p202611"


def test_rows_already_in_the_default_partition_move_to_their_new_month(org, other_org):
    _snapshot(org, date(2027, 3, 31))
    _snapshot(other_org, date(2027, 4, 1))
    assert _where(date(2027, 3, 31)) == snapshots.DEFAULT
    assert snapshots.prepare_partitions(as_of=date(2027, 3, 2), ahead=0) == [
        "metrics_caseratesnapshot_p202703"
    ]
    assert _where(date(2027, 3, 31)) == "metrics_caseratesnapshot_p202703"
    assert _where(date(2027, 4, 1)) == snapshots.DEFAULT
    assert CaseRateSnapshot.objects.count() == 2


def test_retention_keeps_daily_rows_36_months_then_each_organisations_last_of_the_month(
    org, other_org
):
    old = date(2023, 9, 1)  # ends before 2023-11-01, 36 months before TODAY's month
    kept = date(2023, 11, 1)
    snapshots.prepare_partitions(as_of=old, ahead=2)
    for day in range(30):
        _snapshot(org, old + timedelta(days=day), volume=day)
        _snapshot(org, kept + timedelta(days=day), volume=day)
    _snapshot(other_org, date(2023, 9, 12), volume=99)
    with connection.cursor() as cursor:  # a month 36 months old has no pending FK checks
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    removed = snapshots.apply_retention(as_of=TODAY)
    assert removed == 29
    assert sorted(
        CaseRateSnapshot.objects.filter(as_of__lt=kept).values_list(
            "organization_id", "as_of", "case_volume"
        )
    ) == [(org.pk, date(2023, 9, 30), 29), (other_org.pk, date(2023, 9, 12), 99)]
    assert CaseRateSnapshot.objects.filter(as_of__gte=kept).count() == 30  # still daily
    assert _where(date(2023, 9, 30)) == "metrics_caseratesnapshot_p202309_monthly"
    assert snapshots.apply_retention(as_of=TODAY) == 0  # a thinned month is left alone
    # A thinned month counts as created: no second partition for it.
    assert snapshots.prepare_partitions(as_of=old, ahead=0) == []


def test_a_rerun_of_the_same_day_rewrites_only_the_figures_that_changed(org, other_org):
    for organization in (org, other_org):
        MonthlyRollup.objects.create(
            organization=organization,
            month=date(2026, 3, 1),
            csp_case_count=3,
            csp_revenue_usd=Decimal("1000.00"),
        )
    first = services.nightly_case_rates(as_of=TODAY)
    assert (first.ran, first.snapshots, first.written) == (True, 2, 2)
    before = _versions()
    rerun = services.nightly_case_rates(as_of=TODAY)
    assert (rerun.snapshots, rerun.written) == (2, 0)
    assert _versions() == before  # not even locked: no new row version
    MonthlyRollup.objects.filter(organization=other_org).update(csp_case_count=4)
    changed = services.nightly_case_rates(as_of=TODAY)
    assert changed.written == 1
    after = _versions()
    assert after[org.pk] == before[org.pk] and after[other_org.pk] != before[other_org.pk]
    assert CaseRateSnapshot.objects.get(organization=other_org).case_volume == 4
    assert str(changed) == "Case rates for 2026-11-21: 2 organisations."


def test_the_nightly_job_skips_while_another_run_holds_the_lock(org):
    other = other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services._RECOMPUTE_LOCK])
        result = services.nightly_case_rates(as_of=TODAY)
        assert not result.ran and not CaseRateSnapshot.objects.exists()
        assert snapshots.partitions() == {snapshots.DEFAULT: "DEFAULT"}  # nothing created
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services._RECOMPUTE_LOCK])
    finally:
        other.close()
    assert services.nightly_case_rates(as_of=TODAY).ran
