"""The database backend (portal/postgresql/base.py): a reused connection is health-checked at
most once a second, a dropped one is still found and replaced once that second has passed, and
one that saw an error is checked whatever the time."""

import pytest
from django.db import connection as test_connection
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def persistent():
    """A second connection to the test database, configured as production's."""
    wrapper = connections.create_connection("default")
    # Its own copy of the settings: the test's connection keeps its own.
    production = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    wrapper.settings_dict = {**wrapper.settings_dict, **production}
    checks = []
    real = wrapper.is_usable
    wrapper.is_usable = lambda: checks.append(1) or real()
    wrapper.checks = checks
    yield wrapper
    wrapper.close()


def request(wrapper) -> int:
    """What Django does around a request (close_old_connections), and one query in it: the
    backend's process id."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    wrapper.close_if_unusable_or_obsolete()
    return pid


def test_a_connection_checked_within_the_second_is_not_checked_again(persistent):
    assert type(persistent).__module__ == "portal.postgresql.base"
    first = request(persistent)
    for _ in range(5):
        assert request(persistent) == first
    assert persistent.checks == []  # new, then trusted: no SELECT 1 before any of them

    persistent.TRUSTED_SECONDS = 0  # the second has passed
    assert request(persistent) == first
    assert request(persistent) == first
    assert len(persistent.checks) == 2  # one before each request again


def test_a_dropped_connection_is_found_and_replaced_once_the_second_passed(persistent):
    first = request(persistent)
    with test_connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    persistent.TRUSTED_SECONDS = 0
    second = request(persistent)  # the check finds it dead: a new connection, no error
    assert second != first and persistent.checks == [1]


def test_a_connection_that_saw_an_error_is_checked_whatever_the_time(persistent):
    first = request(persistent)
    persistent.close_if_unusable_or_obsolete()
    persistent.errors_occurred = True  # as after a failed query in the request
    persistent.close_if_unusable_or_obsolete()
    assert persistent.checks == [1]  # Django's own end-of-request check, not skipped
    assert request(persistent) == first
