"""/healthz/: one round trip to the database per probe (its SELECT 1 is the persistent
connection's health check too), 503 when the database does not answer."""

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext

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


def test_the_middleware_answers_the_route_the_urls_name():
    from django.urls import reverse

    from portal import health

    assert reverse("healthz") == health.PATH


def test_a_probe_reads_no_session_and_no_user_only_its_select(client, partner_admin):
    """Answered before the session and sign-in middleware: a signed-in caller's probe costs the
    one SELECT 1 and nothing else, and the answer does not vary by cookie."""
    client.force_login(partner_admin)
    client.get("/healthz/")  # the connection is open
    connection = connections["default"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache, as before


def test_a_probe_with_a_host_not_allowed_is_refused(client):
    assert client.get("/healthz/", headers={"host": "evil.example.com"}).status_code == 400


def test_other_methods_still_reach_the_view_and_are_refused(client):
    assert client.post("/healthz/").status_code == 405
    assert client.head("/healthz/").status_code == 405
