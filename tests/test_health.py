"""/healthz/: one round trip to the database per probe (its SELECT 1 is the persistent
connection's health check too), 503 when the database does not answer."""

import pytest
from django.db import connections
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_sends_one_select_not_a_health_check_before_it(client, monkeypatch):
    client.get("/healthz/")  # the connection is open
    connection = connections["default"]
    pings = []
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or True)
    monkeypatch.setattr(connection, "health_check_enabled", True)  # as in production
    monkeypatch.setattr(connection, "health_check_done", False)  # a new request's state
    response = client.get("/healthz/")
    assert (response.status_code, response.json(), pings) == (200, {"status": "ok"}, [])


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    connection = connections["default"]
    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(connection, "close", lambda: None)  # the test's own connection stays
    response = client.get("/healthz/")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
