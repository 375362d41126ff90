"""portal/compiled.py: a queryset compiled once per thread and shape, bound per call, answers as
the ORM does; a value that never reaches the SQL's parameters is refused. Its SQL is prepared
once per connection, survives a rollback, and is prepared afresh when the connection lost it."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.test.utils import CaptureQueriesContext

from designation.models import Designation, Enrollment, Organization
from designation.models.organizations import Scope
from portal import compiled
from tests.designation.factories import MembershipFactory, OrganizationFactory, enrollment_at

pytestmark = pytest.mark.django_db


def test_each_call_binds_its_own_values(partner_admin, reviewer):
    def build(user_id):
        return get_user_model().objects.filter(pk=user_id).values("id", "username")

    for user in (partner_admin, reviewer, partner_admin):
        assert compiled.rows(("test users",), build, user_id=user.pk) == [
            {"id": user.pk, "username": user.username}
        ]
    assert compiled.rows(("test users",), build, user_id=-1) == []


def test_days_and_ids_bind_in_their_places(org):
    enrollment = enrollment_at("performance", organization=org)

    def build(organization_id, since):
        return Enrollment.objects.filter(
            organization_id=organization_id, created_at__date__gte=since
        ).values("id")

    shape = ("test enrollments",)
    assert compiled.rows(shape, build, organization_id=org.pk, since=date(2000, 1, 1)) == [
        {"id": enrollment.pk}
    ]
    assert compiled.rows(shape, build, organization_id=org.pk, since=date(2999, 1, 1)) == []


def test_a_value_not_in_the_parameters_is_refused(partner_admin):
    def build(user_id):
        return get_user_model().objects.filter(pk=partner_admin.pk).values("id")  # ignores it

    with pytest.raises(ValueError, match="user_id"):
        compiled.rows(("test refused",), build, user_id=partner_admin.pk)


def test_a_shape_that_matches_nothing_answers_no_rows(partner_admin):
    def build(user_id):
        return get_user_model().objects.filter(pk=user_id, pk__in=[]).values("id")

    assert compiled.rows(("test empty",), build, user_id=partner_admin.pk) == []


# --- Model instances -------------------------------------------------------------------------


def _organizations(organization_id):
    enrollments = Enrollment.objects.filter(organization=OuterRef("pk")).order_by("-id")
    return (
        Organization.objects.filter(pk=organization_id)
        .select_related("designation", "code_of_conduct_accepted_by")
        .annotate(latest_enrollment=Subquery(enrollments.values("id")[:1]))
    )


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_instances_are_what_the_orm_makes(org, partner_admin):
    """The row, its select_related rows (a forward key and a reverse one-to-one) and its
    annotations, as iterating the queryset gives them."""
    enrollment = enrollment_at("enrolled", organization=org)
    Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=date(2026, 1, 15),
        anniversary_on=date(2027, 1, 15),
    )
    Organization.objects.filter(pk=org.pk).update(code_of_conduct_accepted_by=partner_admin)
    shape = ("test organisations",)
    [made] = compiled.instances(shape, _organizations, organization_id=org.pk)
    [expected] = list(_organizations(org.pk))
    assert type(made) is Organization and made._state.adding is False
    assert _fields(made) == _fields(expected)
    assert made.latest_enrollment == enrollment.pk == expected.latest_enrollment
    with CaptureQueriesContext(connection) as captured:
        assert _fields(made.designation) == _fields(expected.designation)
        assert made.designation.organization is made  # as the ORM links them
        assert made.code_of_conduct_accepted_by.username == partner_admin.username
    assert captured.captured_queries == []  # read with the row


def test_a_missing_reverse_one_to_one_is_missing_without_a_query(org):
    other = OrganizationFactory()
    for organization in (org, other):  # the second call binds another id to the same SQL
        [made] = compiled.instances(
            ("test organisations",), _organizations, organization_id=organization.pk
        )
        assert made.pk == organization.pk and made.latest_enrollment is None
        missing = pytest.raises(Organization.designation.RelatedObjectDoesNotExist)
        with CaptureQueriesContext(connection) as captured, missing:
            made.designation  # noqa: B018 (the access is the test)
        assert captured.captured_queries == []
    assert compiled.instances(("test organisations",), _organizations, organization_id=-5) == []


def test_each_call_makes_new_instances(org):
    first = compiled.instances(("test organisations",), _organizations, organization_id=org.pk)
    first[0].legal_name = "changed in memory"
    second = compiled.instances(("test organisations",), _organizations, organization_id=org.pk)
    assert second[0] is not first[0] and second[0].legal_name == org.legal_name


def test_only_querysets_of_instances_that_prefetch_nothing_compile(org):
    def prefetching(organization_id):
        return Organization.objects.filter(pk=organization_id).prefetch_related("enrollments")

    def of_dicts(organization_id):
        return Organization.objects.filter(pk=organization_id).values("id")

    for build in (prefetching, of_dicts):
        with pytest.raises(ValueError, match="prefetches nothing"):
            compiled.instances(("test refused", build), build, organization_id=org.pk)


def test_instances_of_a_shape_that_matches_nothing(org):
    def build(organization_id):
        return Organization.objects.filter(pk=organization_id).none()

    assert compiled.instances(("test none",), build, organization_id=org.pk) == []


def test_an_id_beyond_the_column_is_out_of_range():
    assert Organization._meta.pk.get_internal_type() == "BigAutoField"
    assert compiled.in_id_range(Organization, 2**63 - 1) and compiled.in_id_range(Organization, "7")
    for value in (2**63, -(2**63) - 1, "12x", None):
        assert not compiled.in_id_range(Organization, value)


def test_the_least_recently_used_shape_goes_first(org, monkeypatch):
    monkeypatch.setattr(compiled, "_MOST", 2)
    monkeypatch.setitem(compiled._THREAD.__dict__, "compiled", {})  # also on a fresh thread
    built = []

    def build(organization_id):
        built.append(organization_id)
        return Organization.objects.filter(pk=organization_id).values("id")

    for shape in ("a", "b", "a", "c", "a", "b"):  # "c" evicts "b" (not "a", just used)
        assert compiled.rows(("test lru", shape), build, organization_id=org.pk)
    assert len(built) == 4  # a, b, c compiled, then b again; a never twice
    assert list(compiled._THREAD.compiled) == [
        ("rows", ("test lru", "a")),
        ("rows", ("test lru", "b")),
    ]


def test_a_scope_names_what_of_its_user_the_sql_holds(org, partner_admin, reviewer, auditor):
    """Scope.compiled_shape, the part of every compiled visible_to() query's key that comes from
    the user: the same organisations in any order are one shape; an auditor's id is in it."""
    other = OrganizationFactory()
    MembershipFactory(user=partner_admin, organization=other, role="member")
    colleague = MembershipFactory(organization=other, role="admin").user
    MembershipFactory(user=colleague, organization=org, role="member")
    first, second = Scope.of(partner_admin), Scope.of(colleague)
    assert (
        first.compiled_shape()
        == second.compiled_shape()
        == (False, False, *sorted([org.pk, other.pk]))
    )
    assert Scope.of(reviewer).compiled_shape() == (True, False)
    assert Scope.of(auditor).compiled_shape() == (False, auditor.pk)


# --- Prepared on each connection ---------------------------------------------------------------


def _prepared(name: str) -> list[str]:
    """The connection's prepared statements of that name (none or one)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        return [row[0] for row in cursor.fetchall()]


def _statement_name(sql: str) -> str:
    return re.match(r"(?:PREPARE|EXECUTE) (portal_compiled_\w+)", sql).group(1)


def _own(*columns):
    """A build whose SQL no other test (nor the role lookup) has prepared on this connection."""

    def build(user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).values(*columns)

    return build


def test_the_sql_is_prepared_once_per_connection_and_each_call_is_one_query(partner_admin):
    build, shape = _own("id", "date_joined"), ("test prepared",)
    with CaptureQueriesContext(connection) as first:
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    with CaptureQueriesContext(connection) as second:
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    assert len(first) == len(second) == 1
    assert first[0]["sql"].startswith("PREPARE portal_compiled_")
    assert second[0]["sql"].startswith("EXECUTE portal_compiled_")
    name = _statement_name(first[0]["sql"])
    assert _statement_name(second[0]["sql"]) == name
    assert len(_prepared(name)) == 1


def test_a_literal_percent_sign_survives_preparing(partner_admin, reviewer):
    def build(user_id):  # LIKE '%' || username || '%': the SQL itself holds a percent sign
        return (
            get_user_model()
            .objects.filter(pk=user_id, username__contains=F("username"))
            .values("id")
        )

    for _ in range(2):  # prepared, then executed
        assert compiled.rows(("test percent",), build, user_id=reviewer.pk) == [{"id": reviewer.pk}]


def test_a_rolled_back_transaction_keeps_the_statement(partner_admin):
    build, shape = _own("id", "last_login"), ("test rollback",)
    with transaction.atomic():
        sid = transaction.savepoint()
        with CaptureQueriesContext(connection) as inside:
            compiled.rows(shape, build, user_id=partner_admin.pk)
        transaction.savepoint_rollback(sid)
    assert inside[0]["sql"].startswith("PREPARE ")
    with CaptureQueriesContext(connection) as again:
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    assert again[0]["sql"].startswith("EXECUTE ")


@pytest.mark.django_db(transaction=True)
def test_a_statement_gone_from_the_connection_is_prepared_afresh(partner_admin):
    build, shape = _own("id", "first_name"), ("test discarded",)
    with CaptureQueriesContext(connection) as first:
        compiled.rows(shape, build, user_id=partner_admin.pk)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        with CaptureQueriesContext(connection) as after:
            found = compiled.rows(shape, build, user_id=partner_admin.pk)
        assert found[0]["id"] == partner_admin.pk
        assert [q["sql"][:8] for q in after] == ["EXECUTE ", "PREPARE "]  # failed, then afresh
        renamed = _statement_name(after[1]["sql"])
        assert renamed != _statement_name(first[0]["sql"]) and len(_prepared(renamed)) == 1
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    finally:
        connection.close()  # the role lookup's statement went too: the next test starts afresh


@pytest.mark.django_db(transaction=True)
def test_another_error_is_the_callers_and_the_statement_is_kept(partner_admin):
    def build(user_id):  # takes 50 ms: a statement timeout of 10 ms cancels it
        return (
            get_user_model()
            .objects.filter(pk=user_id)
            .annotate(slept=Func(Value(0.05), function="pg_sleep", output_field=TextField()))
            .values("id", "slept")
        )

    shape = ("test timeout",)
    compiled.rows(shape, build, user_id=partner_admin.pk)  # prepared
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 10")
    try:
        with (
            CaptureQueriesContext(connection) as cancelled,
            pytest.raises(OperationalError, match="statement timeout"),
        ):
            compiled.rows(shape, build, user_id=partner_admin.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert [q["sql"][:8] for q in cancelled] == ["EXECUTE "]  # not run a second time
    with CaptureQueriesContext(connection) as after:
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    assert after[0]["sql"].startswith("EXECUTE ")  # still prepared: nothing prepared anew


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_it_again(partner_admin):
    build, shape = _own("id", "email"), ("test reconnect",)
    compiled.rows(shape, build, user_id=partner_admin.pk)
    connection.close()
    with CaptureQueriesContext(connection) as after:
        assert compiled.rows(shape, build, user_id=partner_admin.pk)[0]["id"] == partner_admin.pk
    assert [q["sql"][:8] for q in after if "portal_compiled_" in q["sql"]] == ["PREPARE "]
