"""What the live schemathesis run found on the conversation's API (make schemathesis with
SCHEMATHESIS_PATHS): each answer is now a 4xx inside the schema, never a 500."""

import pytest
from rest_framework.test import APIClient

from designation.models import Notification
from tests.designation import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller():
    client = APIClient(raise_request_exception=False)
    user = factories.UserFactory(groups=["Microsoft reviewer"])
    client.force_authenticate(user)
    return client, user


@pytest.mark.parametrize(
    "path", ["/api/v1/notifications/null,null/read/", "/api/v1/appeals/null,null/decide/"]
)
def test_an_id_that_is_not_a_number_is_a_404(caller, path):
    client, _user = caller
    response = client.post(path, {"outcome": "uphold", "reason": "0"}, format="json")
    assert response.status_code == 404


def test_unread_takes_only_true_or_false(caller):
    client, user = caller
    Notification.objects.create(recipient=user, kind="audit_claimed", key="k", title="Claimed")
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.get("/api/v1/notifications/", {"unread": "false"}).json()["count"] == 1
    refused = client.get("/api/v1/notifications/", {"unread": "null"})
    assert refused.status_code == 400 and "unread" in refused.json()["detail"]


def test_preferences_answer_options_and_form_bodies_without_a_server_error(caller):
    client, _user = caller
    options = client.options(
        "/api/v1/notifications/preferences/", '{"email": {}}', content_type="application/json"
    )
    assert options.status_code == 405
    form = client.put(
        "/api/v1/notifications/preferences/",
        "errors=email",
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 415
    assert client.get("/api/v1/notifications/preferences/").status_code == 200


def test_preferences_take_email_and_nothing_else(caller):
    client, _user = caller
    path = "/api/v1/notifications/preferences/"
    extra = client.put(path, {"email": {}, "errors": {}}, format="json")
    assert extra.status_code == 400 and "errors" in extra.json()["detail"]
    unknown = client.put(path, {"email": {"no_such_kind": True}}, format="json")
    assert unknown.status_code == 400
    saved = client.put(path, {"email": {"comment_added": False}}, format="json")
    assert saved.status_code == 200 and saved.json()["email"]["comment_added"] is False
