"""Shared fixtures: users by role and an API client."""

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from portal.roles import requires_two_factor
from tests.designation import factories


def pytest_collection_modifyitems(items):
    """Give every transactional test a serialized rollback.

    A transactional test flushes the database when it ends, which also removes the rows the
    migrations created (staff groups, program rules, fee schedule); serialized rollback restores
    them before the next transactional test starts.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or {"live_server", "transactional_db"} & set(
            fixtures
        )
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


class PortalClient(Client):
    """Django's test client whose force_login also completes two-factor sign-in for staff.

    It does what the two-factor page does after a valid code: a confirmed authenticator and its
    id in the session. tests/designation/test_accounts.py drives the real page and proves that
    without it staff reach nothing.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if requires_two_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": "Test authenticator"}
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client() -> PortalClient:
    return PortalClient()


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle and lockout counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def org(db):
    """An organisation with every prerequisite met."""
    return factories.EligibleOrganizationFactory()


@pytest.fixture
def other_org(db):
    return factories.EligibleOrganizationFactory()


@pytest.fixture
def partner_admin(org):
    return factories.MembershipFactory(organization=org, role="admin").user


@pytest.fixture
def partner_member(org):
    return factories.MembershipFactory(organization=org, role="member").user


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(groups=["Microsoft reviewer"])


@pytest.fixture
def auditor(db):
    return factories.UserFactory(groups=["ISSI auditor"])


@pytest.fixture(autouse=True)
def celery_eager():
    """Every test runs Celery tasks in-process, even when REDIS_URL names a real broker (CI).

    The real-worker tests in tests/metrics switch this off for themselves.
    """
    from portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def today():
    """Freeze the clock on the day the factories are built around (2026-11-21, UTC noon)."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC), tick=False):
        yield factories.TODAY


def restore_reference_data() -> None:
    """Put back the rows the migrations create, which a transactional test's flush removes.

    (Serialized rollback cannot do it here: under Playwright's event loop Django hands the test a
    different connection object than the one holding the serialized snapshot.)
    """
    from django.apps import apps
    from django.db import connection

    migration_data = {
        ("designation", "0002_default_program_rules_and_groups"): "create",
        ("assessments", "0002_fee_schedule"): "create",
    }
    from importlib import import_module

    for (app_label, name), function in migration_data.items():
        module = import_module(f"{app_label}.migrations.{name}")
        getattr(module, function)(apps, connection.schema_editor())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's teardown (and so after its database flush), put the
    migrations' rows back for the tests that run after it: once a browser test has run, the
    serialized rollback cannot (see restore_reference_data)."""
    yield
    marker = item.get_closest_marker("django_db")
    if nextitem is None or not (marker and marker.kwargs.get("transaction")):
        return  # the last test: the test database is already gone
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        serialized = getattr(connection, "_test_serialized_contents", None)
        if serialized:  # the same rows, same keys, as the next serialized rollback loads
            connection.creation.deserialize_db_from_string(serialized)
        else:
            restore_reference_data()


TEST_SIGNING_KEY = None


@pytest.fixture(autouse=True)
def credential_signing_key(settings):
    """Tests run with DEBUG off, so no development key: one Ed25519 key for the whole run."""
    global TEST_SIGNING_KEY
    if TEST_SIGNING_KEY is None:
        from joserfc.jwk import OKPKey

        TEST_SIGNING_KEY = OKPKey.generate_key("Ed25519", private=True).as_pem(private=True)
    settings.CREDENTIAL_SIGNING_KEY = TEST_SIGNING_KEY.decode()
    return settings.CREDENTIAL_SIGNING_KEY
