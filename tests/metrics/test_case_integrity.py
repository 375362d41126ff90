"""Cases have no per-row foreign key: triggers guard their organisations instead (issue 17).

The importer checks and locks its organisation once per statement; every other write to
metrics_case is checked row by row; an organisation that still has cases cannot be deleted,
re-keyed or truncated away behind the ORM's back.
"""

from datetime import date

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction

from designation.models import Organization
from metrics.models import Case
from tests.db import other_connection
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _case(org, case_id="K-1") -> Case:
    return Case.objects.create(
        organization=org, case_id=case_id, opened_on=date(2026, 1, 5), program="CSP"
    )


def test_deleting_an_organisation_that_has_cases_in_sql_is_refused(org):
    _case(org)
    with pytest.raises(IntegrityError, match="still has cases"), transaction.atomic():
        _sql("DELETE FROM designation_organization WHERE id = %s", [org.pk])
    assert Organization.objects.filter(pk=org.pk).exists()
    assert Case.objects.filter(organization=org).count() == 1


def test_re_keying_an_organisation_that_has_cases_is_refused(org):
    _case(org)
    with pytest.raises(IntegrityError, match="still has cases"), transaction.atomic():
        _sql("UPDATE designation_organization SET id = id + 100000 WHERE id = %s", [org.pk])
    assert Case.objects.get().organization_id == org.pk


def test_an_organisation_without_cases_can_still_be_re_keyed_in_sql(other_org):
    _case(other_org)
    bare = factories.OrganizationFactory()  # nothing else points at it either
    _sql("UPDATE designation_organization SET id = id + 100000 WHERE id = %s", [bare.pk])
    assert Organization.objects.filter(pk=bare.pk + 100000).exists()


def test_truncating_organisations_while_cases_remain_is_refused(org):
    _case(org)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending foreign-key checks
    with pytest.raises(IntegrityError, match="truncated"), transaction.atomic():
        _sql("TRUNCATE designation_organization CASCADE")
    assert Case.objects.count() == 1


def test_the_orm_still_deletes_an_organisation_with_its_cases(org, other_org):
    _case(org)
    _case(other_org)
    org.delete()
    assert list(Case.objects.values_list("organization_id", flat=True)) == [other_org.pk]


def test_a_case_for_an_organisation_that_does_not_exist_is_refused(org):
    missing = org.pk + 424242
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        _sql(
            "INSERT INTO metrics_case (organization_id, case_id, opened_on, program, "
            "customer_tenant_id, severity, title) "
            "VALUES (%s, 'X', '2026-01-01', 'CSP', '', '', '')",
            [missing],
        )
    assert not Case.objects.exists()


def test_moving_a_case_to_an_organisation_that_does_not_exist_is_refused(org):
    case = _case(org)
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(organization_id=org.pk + 424242)
    case.refresh_from_db()
    assert case.organization_id == org.pk


def test_the_vouched_organisation_does_not_vouch_for_another(do_import, org):
    """After an import, the same transaction still checks cases of other organisations."""
    assert do_import("cases", csv_bytes(CASES_HEADER, "V-1,2026-01-01,CSP,,,")).ok
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        _case(Organization(pk=org.pk + 424242))


@pytest.mark.django_db(transaction=True)
def test_an_import_in_progress_keeps_its_organisation_from_being_deleted(do_import, org):
    """As the foreign key did: the import holds the organisation's row until it commits."""
    other = other_connection()
    try:
        with transaction.atomic():
            assert do_import("cases", csv_bytes(CASES_HEADER, "W-1,2026-01-01,CSP,,,")).ok
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
                with pytest.raises(psycopg2.errors.LockNotAvailable):
                    cursor.execute("DELETE FROM designation_organization WHERE id = %s", [org.pk])
            other.rollback()
        with other.cursor() as cursor, pytest.raises(psycopg2.errors.ForeignKeyViolation):
            cursor.execute("DELETE FROM designation_organization WHERE id = %s", [org.pk])
        other.rollback()
    finally:
        other.close()
    assert Case.objects.filter(organization=org).count() == 1
