"""Snapshots have no per-row foreign key: triggers and the recompute's guard stand in (issue 17).

The nightly recompute reads every organisation in its one statement and holds a guard that
deleting or re-keying an organisation waits for; any other write to metrics_caseratesnapshot is
checked row by row; an organisation that still has snapshots cannot be deleted, re-keyed or
truncated away behind the ORM's back.
"""

import threading
import time
from datetime import date
from decimal import Decimal

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction

from designation.models import Organization
from metrics import services
from metrics.models import CaseRateSnapshot
from tests.db import other_connection
from tests.designation import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _snapshot(org, as_of: date = TODAY) -> CaseRateSnapshot:
    return CaseRateSnapshot.objects.create(
        organization=org,
        as_of=as_of,
        window_start=date(2025, 11, 1),
        window_end=date(2026, 10, 31),
        case_volume=1,
        billed_revenue_usd=Decimal("10.00"),
    )


def test_the_snapshot_table_has_no_per_row_foreign_key():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'metrics_caseratesnapshot'::regclass"
        )
        assert cursor.fetchone()[0] == 0


def test_deleting_an_organisation_that_has_snapshots_in_sql_is_refused(org):
    _snapshot(org)
    with pytest.raises(IntegrityError, match="still has snapshots"), transaction.atomic():
        _sql("DELETE FROM designation_organization WHERE id = %s", [org.pk])
    assert Organization.objects.filter(pk=org.pk).exists()
    assert CaseRateSnapshot.objects.filter(organization=org).count() == 1


def test_re_keying_an_organisation_that_has_snapshots_is_refused(org):
    _snapshot(org)
    with pytest.raises(IntegrityError, match="still has snapshots"), transaction.atomic():
        _sql("UPDATE designation_organization SET id = id + 100000 WHERE id = %s", [org.pk])
    assert CaseRateSnapshot.objects.get().organization_id == org.pk


def test_an_organisation_without_snapshots_can_still_be_re_keyed_in_sql(other_org):
    _snapshot(other_org)
    bare = factories.OrganizationFactory()
    _sql("UPDATE designation_organization SET id = id + 100000 WHERE id = %s", [bare.pk])
    assert Organization.objects.filter(pk=bare.pk + 100000).exists()


def test_truncating_organisations_while_snapshots_remain_is_refused(org):
    _snapshot(org)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending foreign-key checks
    with pytest.raises(IntegrityError, match="truncated"), transaction.atomic():
        _sql("TRUNCATE designation_organization CASCADE")
    assert CaseRateSnapshot.objects.count() == 1


def test_the_orm_still_deletes_an_organisation_with_its_snapshots(org, other_org):
    _snapshot(org)
    _snapshot(other_org)
    org.delete()
    assert list(CaseRateSnapshot.objects.values_list("organization_id", flat=True)) == [
        other_org.pk
    ]


def test_a_snapshot_for_an_organisation_that_does_not_exist_is_refused(org):
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        _snapshot(Organization(pk=org.pk + 424242))
    assert not CaseRateSnapshot.objects.exists()


def test_moving_a_snapshot_to_an_organisation_that_does_not_exist_is_refused(org):
    snapshot = _snapshot(org)
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        CaseRateSnapshot.objects.filter(pk=snapshot.pk).update(organization_id=org.pk + 424242)
    snapshot.refresh_from_db()
    assert snapshot.organization_id == org.pk


def test_after_a_recompute_other_writes_in_its_transaction_are_still_checked(org):
    with transaction.atomic():
        assert services.recompute_case_rates(as_of=TODAY).written == 1
        with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
            _snapshot(Organization(pk=org.pk + 424242), as_of=date(2026, 11, 22))


@pytest.mark.django_db(transaction=True)
def test_a_delete_waits_for_a_recompute_in_progress_and_is_then_refused():
    """As the foreign key did: the recompute's organisations stay until it commits."""
    org = factories.OrganizationFactory()
    other = other_connection()
    outcome = {}

    def delete():
        try:
            with other.cursor() as cursor:
                cursor.execute("DELETE FROM designation_organization WHERE id = %s", [org.pk])
            other.commit()
            outcome["deleted"] = True
        except psycopg2.errors.ForeignKeyViolation as exc:
            other.rollback()
            outcome["refused"] = str(exc)

    try:
        with transaction.atomic():
            assert services.recompute_case_rates(as_of=TODAY).written == 1
            deleting = threading.Thread(target=delete)
            deleting.start()
            time.sleep(0.5)
            assert deleting.is_alive() and not outcome  # waiting for the guard
        deleting.join(10)
    finally:
        other.close()
    assert "still has snapshots" in outcome["refused"]
    assert CaseRateSnapshot.objects.filter(organization=org).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_recompute_waits_for_a_delete_in_progress_and_leaves_its_organisation_out():
    leaving, staying = factories.OrganizationFactory(), factories.OrganizationFactory()
    other = other_connection()
    done = {}

    def recompute():
        try:
            done["result"] = services.recompute_case_rates(as_of=TODAY)
        finally:
            connection.close()  # this thread's own connection

    try:
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM designation_organization WHERE id = %s", [leaving.pk])
        running = threading.Thread(target=recompute)
        running.start()
        time.sleep(0.5)
        assert running.is_alive() and not done  # waiting for the delete to commit
        other.commit()
        running.join(10)
    finally:
        other.close()
    assert done["result"].snapshots == 1
    assert list(CaseRateSnapshot.objects.values_list("organization_id", flat=True)) == [staying.pk]
