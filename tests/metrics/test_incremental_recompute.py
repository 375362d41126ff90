"""The nightly recompute of a day after the last one copies what did not change (issue 17).

Every day of a month has the same TTM window, so the day after the last recompute copies the
figures of organisations whose rollups were not written since (migration 0012 records the
writes) and sums the others' rollups. Each incremental day here is compared, every column of
every organisation, with a full recompute of the same day.
"""

import io
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from designation.models import ProgramRules
from metrics import recompute, services
from metrics.models import Case, CaseRateSnapshot, MonthlyRollup
from tests.db import other_connection
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, TODAY, csv_bytes

pytestmark = pytest.mark.django_db

NEXT = TODAY + timedelta(days=1)
COLUMNS = (
    "organization_id",
    "window_start",
    "window_end",
    "case_volume",
    "billed_revenue_usd",
    "case_rate",
    "case_rate_target",
)


def _sql(statement: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _rows(as_of: date) -> list[tuple]:
    return sorted(CaseRateSnapshot.objects.filter(as_of=as_of).values_list(*COLUMNS))


def _full_rows(as_of: date) -> list[tuple]:
    """The day recomputed again on the full path, from nothing (the rows stored are kept)."""
    with transaction.atomic():
        sid = transaction.savepoint()
        _sql("DELETE FROM metrics_caseratesnapshot WHERE as_of = %s", [as_of])
        _sql("DELETE FROM metrics_caseraterun")
        result = services.recompute_case_rates(as_of=as_of)
        assert result.recomputed == result.snapshots  # the full path
        rows = _rows(as_of)
        transaction.savepoint_rollback(sid)
    return rows


def _stale() -> set[int]:
    return {row[0] for row in _sql("SELECT organization_id FROM metrics_stalecaserate")}


def _assert_exact(as_of: date) -> None:
    assert _rows(as_of) == _full_rows(as_of)


@pytest.fixture
def orgs(db):
    """Three organisations with a year of rollups each, and one without any."""
    made = []
    for n in range(1, 4):
        org = factories.OrganizationFactory()
        factories.rollups(org, cases_per_month=n, revenue_per_month=f"{n * 10000}")
        made.append(org)
    made.append(factories.OrganizationFactory())
    return made


@pytest.fixture
def computed(orgs):
    """TODAY recomputed (the full path): the day the next one starts from."""
    result = services.recompute_case_rates(as_of=TODAY)
    assert result.recomputed == result.snapshots
    assert _stale() == set()
    return orgs


def test_the_next_day_copies_every_figure_and_equals_a_full_recompute(computed):
    result = services.recompute_case_rates(as_of=NEXT)
    assert (result.ran, result.snapshots, result.written, result.recomputed) == (True, 4, 4, 0)
    assert [row[3:] for row in _rows(NEXT)] == [row[3:] for row in _rows(TODAY)]
    _assert_exact(NEXT)
    assert _sql("SELECT as_of FROM metrics_caseraterun") == [(NEXT,)]


def test_an_import_between_the_days_is_recomputed(do_import, org, computed):
    do_import("cases", csv_bytes(CASES_HEADER, "A,2026-03-05,CSP,,,"))
    do_import("revenue", csv_bytes(REVENUE_HEADER, "2026-04,ACR,500"))
    assert _stale() == {org.pk}
    result = services.recompute_case_rates(as_of=NEXT)
    assert result.recomputed == 1
    assert _stale() == set()
    _assert_exact(NEXT)
    mine = CaseRateSnapshot.objects.get(organization=org, as_of=NEXT)
    assert (mine.case_volume, mine.billed_revenue_usd) == (1, Decimal("500.00"))


def test_a_rollup_rebuild_between_the_days_is_recomputed(computed):
    org = computed[1]
    Case.objects.create(organization=org, case_id="X", opened_on=date(2026, 2, 2), program="CSP")
    assert services.rebuild_rollups(organization_ids=[org.pk]) > 0
    assert _stale() == {org.pk}
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 1
    _assert_exact(NEXT)


def test_rollups_updated_or_deleted_in_sql_are_recomputed(computed):
    first, second, third, fourth = computed
    MonthlyRollup.objects.filter(organization=first, month=date(2026, 1, 1)).update(
        csp_case_count=99
    )
    MonthlyRollup.objects.filter(organization=second).delete()
    MonthlyRollup.objects.filter(organization=third, month=date(2026, 5, 1)).update(
        organization=fourth
    )
    assert _stale() == {first.pk, second.pk, third.pk, fourth.pk}
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 4
    _assert_exact(NEXT)


def test_rollups_copied_in_are_recorded(computed):
    org = computed[3]
    # Through the driver's copy_expert: Django's cursor.execute cannot feed COPY.
    raw = connection.connection.cursor()
    raw.copy_expert(
        "COPY metrics_monthlyrollup (organization_id, month, csp_case_count, csp_revenue_usd,"
        " acr_revenue_usd) FROM STDIN",
        io.StringIO(f"{org.pk}\t2026-06-01\t7\t1000\t0\n"),
    )
    assert _stale() == {org.pk}
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 1
    assert CaseRateSnapshot.objects.get(organization=org, as_of=NEXT).case_volume == 7
    _assert_exact(NEXT)


def test_a_new_organisation_gets_its_row_and_a_deleted_one_none(computed):
    new = factories.OrganizationFactory()
    factories.rollups(new, cases_per_month=5, revenue_per_month="1000")
    gone = computed[2]
    gone.delete()
    result = services.recompute_case_rates(as_of=NEXT)
    assert (result.snapshots, result.recomputed) == (4, 1)  # `gone`'s rollups: recorded too
    ids = {row[0] for row in _rows(NEXT)}
    assert new.pk in ids and gone.pk not in ids
    _assert_exact(NEXT)


def test_a_new_organisation_without_rollups_is_recomputed(computed):
    new = factories.OrganizationFactory()
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 1
    assert CaseRateSnapshot.objects.get(organization=new, as_of=NEXT).case_rate is None
    _assert_exact(NEXT)


def test_a_target_that_takes_effect_on_the_next_day_is_attached_to_copied_rows(computed):
    ProgramRules.objects.create(effective_from=NEXT, case_rate_target="15.00")
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 0
    assert {row[6] for row in _rows(NEXT)} == {Decimal("15.00")}
    assert {row[6] for row in _rows(TODAY)} != {Decimal("15.00")}
    _assert_exact(NEXT)


def test_the_first_day_of_a_month_and_a_gap_take_the_full_path(orgs):
    services.recompute_case_rates(as_of=date(2026, 11, 30))
    assert services.recompute_case_rates(as_of=date(2026, 12, 1)).recomputed == 4
    assert services.recompute_case_rates(as_of=date(2026, 12, 3)).recomputed == 4
    assert services.recompute_case_rates(as_of=date(2026, 12, 4)).recomputed == 0
    _assert_exact(date(2026, 12, 4))


def test_carries_over_only_from_the_day_before_in_the_same_window():
    assert recompute.carries_over(last=date(2026, 11, 20), as_of=TODAY)
    assert not recompute.carries_over(last=date(2026, 11, 19), as_of=TODAY)
    assert not recompute.carries_over(last=TODAY, as_of=TODAY)
    assert not recompute.carries_over(last=None, as_of=TODAY)
    assert not recompute.carries_over(last=date(2026, 11, 30), as_of=date(2026, 12, 1))


def test_carries_over_across_a_leap_day_but_not_into_march():
    assert recompute.carries_over(last=date(2028, 2, 28), as_of=date(2028, 2, 29))
    assert not recompute.carries_over(last=date(2028, 2, 29), as_of=date(2028, 3, 1))
    assert not recompute.carries_over(last=date(2027, 2, 28), as_of=date(2027, 3, 1))
    assert not recompute.carries_over(last=date(2026, 12, 31), as_of=date(2027, 1, 1))


def test_a_backfill_of_an_older_day_then_the_next_day_stays_exact(computed):
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 0
    MonthlyRollup.objects.filter(organization=computed[0]).update(csp_case_count=9)
    assert services.recompute_case_rates(as_of=date(2026, 11, 10)).recomputed == 4
    # The writes were covered by the backfill's own figures only: the next day is full.
    assert services.recompute_case_rates(as_of=NEXT + timedelta(days=1)).recomputed == 4
    _assert_exact(NEXT + timedelta(days=1))
    MonthlyRollup.objects.filter(organization=computed[1]).update(csp_case_count=8)
    assert services.recompute_case_rates(as_of=NEXT + timedelta(days=2)).recomputed == 1
    _assert_exact(NEXT + timedelta(days=2))


def test_a_recompute_of_the_day_before_an_existing_day_then_that_day_is_a_rerun(computed):
    services.recompute_case_rates(as_of=NEXT)
    MonthlyRollup.objects.filter(organization=computed[0]).update(csp_case_count=9)
    services.recompute_case_rates(as_of=TODAY)  # the day before NEXT, again
    rerun = services.recompute_case_rates(as_of=NEXT)  # NEXT has rows: the full path
    assert (rerun.recomputed, rerun.written) == (4, 1)
    again = services.recompute_case_rates(as_of=NEXT)
    assert again.written == 0
    _assert_exact(NEXT)


def test_truncating_the_rollups_forgets_the_last_run(computed):
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign-key check pending on the rollups
    _sql("TRUNCATE metrics_monthlyrollup")
    assert _sql("SELECT count(*) FROM metrics_caseraterun") == [(0,)]
    result = services.recompute_case_rates(as_of=NEXT)
    assert result.recomputed == 4
    assert {row[3] for row in _rows(NEXT)} == {0}


def test_the_nightly_job_runs_the_incremental_day(computed):
    result = services.nightly_case_rates(as_of=NEXT)
    assert (result.snapshots, result.written, result.recomputed) == (4, 4, 0)


def _bump(cursor, org_id: int, cases: int) -> None:
    cursor.execute(
        "UPDATE metrics_monthlyrollup SET csp_case_count = %s"
        " WHERE organization_id = %s AND month = '2026-01-01'",
        [cases, org_id],
    )


@pytest.mark.django_db(transaction=True)
def test_a_recompute_waits_for_a_rollup_writer_in_progress_and_sees_its_write():
    org = factories.OrganizationFactory()
    factories.rollups(org, cases_per_month=1, revenue_per_month="1000")
    services.recompute_case_rates(as_of=TODAY)
    other = other_connection()
    done = {}

    def run():
        try:
            done["result"] = services.recompute_case_rates(as_of=NEXT)
        finally:
            connection.close()  # this thread's own connection

    try:
        with other.cursor() as cursor:
            _bump(cursor, org.pk, 50)
        running = threading.Thread(target=run)
        running.start()
        time.sleep(0.5)
        assert running.is_alive() and not done  # waiting for the writer to commit
        other.commit()
        running.join(10)
    finally:
        other.close()
    assert done["result"].recomputed == 1
    assert CaseRateSnapshot.objects.get(as_of=NEXT).case_volume == 61
    assert _stale() == set()


@pytest.mark.django_db(transaction=True)
def test_a_rollup_writer_during_a_recompute_is_kept_for_the_next_day():
    org = factories.OrganizationFactory()
    factories.rollups(org, cases_per_month=1, revenue_per_month="1000")
    other = other_connection()
    outcome = {}

    def write():
        with other.cursor() as cursor:
            _bump(cursor, org.pk, 50)
        other.commit()
        outcome["written"] = True

    try:
        with transaction.atomic():
            services.recompute_case_rates(as_of=TODAY)
            writing = threading.Thread(target=write)
            writing.start()
            time.sleep(0.5)
            assert writing.is_alive() and not outcome  # its trigger waits for the guard
        writing.join(10)
    finally:
        other.close()
    assert outcome == {"written": True}
    assert CaseRateSnapshot.objects.get(as_of=TODAY).case_volume == 12
    assert _stale() == {org.pk}
    assert services.recompute_case_rates(as_of=NEXT).recomputed == 1
    assert CaseRateSnapshot.objects.get(as_of=NEXT).case_volume == 61
