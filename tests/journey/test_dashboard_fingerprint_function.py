"""The dashboard's fingerprint as each connection's own PL/pgSQL function
(journey/dashboard_cache.py): created on every new connection, the same value as the expression
it is made of, and the page still cached when a connection has no function."""

import pytest
from django.db import connection
from django.utils import timezone

from journey import dashboard_cache
from metrics.models import MonthlyRollup
from tests.designation import factories
from tests.designation.factories import rollups
from tests.journey.test_dashboard_cache import WARM_QUERIES, content, get

committed = pytest.mark.django_db(transaction=True)


def value(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


def both(org, user) -> tuple[str, str]:
    on = timezone.localdate()
    call = dashboard_cache.fingerprint_call(org.pk, user.pk, on)
    assert call[0].startswith(dashboard_cache.FUNCTION)  # the function is used
    return value(*call), value(*dashboard_cache.fingerprint_expression(org.pk, user.pk, on))


@committed
def test_every_new_connection_has_the_function(org):
    connection.close()
    connection.ensure_connection()
    assert connection.dashboard_fingerprint_function is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.provolatile, p.proconfig FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE p.proname = 'dashboard_fingerprint' "
            "AND n.oid = pg_my_temp_schema()"
        )
        [(volatility, config)] = cursor.fetchall()
    assert volatility == "s"  # STABLE: it reads the calling query's snapshot
    assert config == ["plan_cache_mode=force_generic_plan"]


@committed
def test_the_function_gives_the_expressions_value_before_and_after_a_change(org, partner_admin):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    before, expression = both(org, partner_admin)
    assert before == expression and len(before) == 32
    for _ in range(6):  # past the plan cache's first custom plans: the generic plan's answers
        assert both(org, partner_admin) == (before, before)
    MonthlyRollup.objects.filter(organization=org).update(csp_case_count=7)
    after, expression = both(org, partner_admin)
    assert after == expression and after != before


@pytest.mark.django_db
def test_inside_a_transaction_that_wrote_the_function_is_null_too(org, partner_admin):
    MonthlyRollup.objects.filter(organization=org).delete()  # a write: an xid is assigned
    assert both(org, partner_admin) == (None, None)


@committed
def test_a_connection_without_the_function_still_caches_the_page(client, org, partner_admin):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    client.force_login(partner_admin)
    connection.ensure_connection()
    connection.dashboard_fingerprint_function = False  # as after a failed CREATE FUNCTION
    try:
        cold, _ = get(client, org)
        warm, queries = get(client, org)
    finally:
        connection.close()  # the next test's connection has the function again
    assert queries == WARM_QUERIES and content(warm) == content(cold)


@pytest.mark.django_db
def test_the_compiled_organisation_query_answers_as_the_orm_does(
    org, other_org, partner_admin, reviewer
):
    from django.http import Http404

    from designation import selectors
    from portal.roles import remember_roles_per_request

    on = timezone.localdate()
    factories.MembershipFactory(user=partner_admin, organization=factories.OrganizationFactory())
    for user, visible in ((partner_admin, org), (reviewer, org), (reviewer, other_org)):
        remember_roles_per_request(user)
        for _ in range(2):  # compiled, then bound again
            found = dashboard_cache.organization_for_dashboard(user, visible.pk, on)
            [orm] = selectors.organization_named_for(
                user,
                visible.pk,
                dashboard_fingerprint=dashboard_cache._fingerprint(visible.pk, user.pk, on),
            )
            assert (found.pk, found.legal_name) == (visible.pk, visible.legal_name)
            assert found.dashboard_fingerprint == orm.dashboard_fingerprint
            assert found.get_deferred_fields() == orm.get_deferred_fields()
    with pytest.raises(Http404):  # another organisation's: 404, compiled or not
        dashboard_cache.organization_for_dashboard(partner_admin, other_org.pk, on)
    with pytest.raises(Http404):
        dashboard_cache.organization_for_dashboard(partner_admin, other_org.pk, on)
    for missing in (2_000_000_000, 10**20, -(10**20)):  # none, and beyond the column's range
        with pytest.raises(Http404):
            dashboard_cache.organization_for_dashboard(reviewer, missing, on)
