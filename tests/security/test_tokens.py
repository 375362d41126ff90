"""API tokens (issue 10, finding 5 and 8): hashed at rest, expiring, listed and revoked by their
owner, never shown in Django admin; authenticator secrets not readable there either; the token
endpoint says nothing about the password until the code is right too."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PortalClient
from tests.designation import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def issue(user, **extra) -> dict:
    response = APIClient().post(
        reverse("api-token"), {"username": user.username, "password": PASSWORD, **extra}
    )
    assert response.status_code == 200, response.json()
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_only_as_a_hash(partner_admin):
    token = issue(partner_admin)["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])
    assert AuthToken.objects.get().digest != token
    assert with_token(token).get(reverse("organization-list")).status_code == 200


def test_a_token_expires(partner_admin, settings):
    answer = issue(partner_admin)
    expiry = datetime.datetime.fromisoformat(answer["expiry"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(days=29) < expiry - now <= datetime.timedelta(days=30)
    with time_machine.travel(expiry + datetime.timedelta(seconds=1)):
        refused = with_token(answer["token"]).get(reverse("organization-list"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_the_owner_lists_and_revokes_their_tokens_and_nobody_elses(partner_admin):
    first, second = issue(partner_admin), issue(partner_admin)
    stranger = issue(factories.UserFactory())
    client = with_token(first["token"])
    listed = client.get(reverse("api-token-list")).json()["results"]
    assert {t["id"] for t in listed} == {first["id"], second["id"]}
    assert [t["current"] for t in listed if t["id"] == first["id"]] == [True]
    assert first["token"] not in str(listed) and second["token"] not in str(listed)
    url = reverse("api-token-detail", args=[stranger["id"]])
    assert client.delete(url).status_code == 404
    assert with_token(stranger["token"]).get(reverse("organization-list")).status_code == 200
    assert client.delete(reverse("api-token-detail", args=[second["id"]])).status_code == 204
    assert with_token(second["token"]).get(reverse("organization-list")).status_code == 401
    assert client.get(reverse("organization-list")).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Token " + "z" * 64, "Token " + "0" * 63, "Token abc\x00def", "Token 0123456789abcdef\xe9"],
)
def test_a_malformed_token_is_a_401(api_client, header):
    response = api_client.get(reverse("organization-list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_the_answer_is_the_same_until_both_password_and_code_are_right(reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    url = reverse("api-token")
    wrong_code = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    attempts = [
        {"username": reviewer.username, "password": "wrong"},
        {"username": reviewer.username, "password": "wrong", "otp_token": current_code(device)},
        {"username": reviewer.username, "password": PASSWORD},
        {"username": reviewer.username, "password": PASSWORD, "otp_token": wrong_code},
        {"username": "nobody", "password": PASSWORD},
    ]
    answers = [APIClient().post(url, body) for body in attempts]
    assert {a.status_code for a in answers} == {400}
    assert len({str(a.json()) for a in answers}) == 1
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code held the device back for a second
    right = {"username": reviewer.username, "password": PASSWORD, "otp_token": current_code(device)}
    assert APIClient().post(url, right).status_code == 200


@pytest.fixture
def superuser_client(db):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    client = PortalClient()
    client.force_login(superuser)
    return client


def test_django_admin_shows_no_api_tokens(superuser_client, partner_admin):
    issue(partner_admin)
    index = superuser_client.get("/admin/").content.decode()
    assert "authtoken" not in index.lower() and "knox" not in index.lower()
    assert superuser_client.get("/admin/knox/authtoken/").status_code == 404
    assert superuser_client.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_django_admin_never_shows_an_authenticator_secret(superuser_client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    base = "/admin/otp_totp/totpdevice/"
    pages = ["", f"{device.pk}/change/", f"{device.pk}/config/", f"{device.pk}/qrcode/"]
    for page in pages:
        response = superuser_client.get(base + page, follow=True)
        assert device.key not in response.content.decode(), page
        assert "image/svg" not in response["Content-Type"], page
    assert superuser_client.get(f"{base}{device.pk}/change/").status_code == 200
    assert superuser_client.get(f"{base}add/").status_code == 403
