"""Sign-in protection: lockout after repeated wrong passwords, two-factor sign-in for staff."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_the_sixth_wrong_password_in_a_row_locks_the_account_from_that_address(partner_admin):
    client = Client()
    for _ in range(5):
        response = attempt(client, partner_admin.username, "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = attempt(client, partner_admin.username, "wrong")
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    # Even the right password is refused while locked, from that address...
    assert attempt(client, partner_admin.username, PASSWORD).status_code == 429
    # ...but the same account from another address can still sign in.
    assert attempt(Client(), partner_admin.username, PASSWORD, "10.0.0.2").status_code == 302


def test_a_successful_sign_in_resets_the_count_of_wrong_passwords(partner_admin):
    client = Client()
    for _ in range(5):
        attempt(client, partner_admin.username, "wrong")
    assert attempt(client, partner_admin.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(5):
        assert attempt(client, partner_admin.username, "wrong").status_code == 200


def test_token_endpoint_is_locked_too_and_answers_json(api_client, partner_admin):
    url = reverse("api-token")
    for _ in range(6):
        response = api_client.post(url, {"username": partner_admin.username, "password": "x"})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.json()["detail"]


def test_staff_without_a_second_factor_reach_only_the_two_factor_page(reviewer, org):
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("organization-index"))
    assert page.status_code == 302
    assert page.url == reverse("two-factor") + "?next=%2Forganizations%2F"
    api = client.get(reverse("organization-list"))
    assert api.status_code == 403
    assert "Two-factor sign-in required" in api.json()["detail"]


def test_partner_users_are_not_asked_for_a_second_factor(partner_admin, org):
    client = Client()
    client.force_login(partner_admin)
    assert client.get(reverse("organization-overview", args=[org.pk])).status_code == 200


def test_staff_set_up_an_authenticator_then_reach_their_pages(reviewer, org):
    client = Client()
    client.force_login(reviewer)
    setup = client.get(reverse("two-factor"), {"next": "/organizations/"})
    html = setup.content.decode()
    assert "Scan this code" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.confirmed is False

    wrong = client.post(reverse("two-factor"), {"otp_token": "000000", "next": "/organizations/"})
    assert 'id="id_otp_token_error">That code is not valid' in wrong.content.decode()
    too_soon = client.post(
        reverse("two-factor"), {"otp_token": current_code(device), "next": "/organizations/"}
    )
    assert "Too many wrong codes" in too_soon.content.decode()  # django-otp's back-off

    time.sleep(1.1)  # the back-off after one wrong code is one second
    right = client.post(
        reverse("two-factor"), {"otp_token": current_code(device), "next": "/organizations/"}
    )
    assert right.status_code == 302 and right.url == "/organizations/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert org.legal_name in client.get(reverse("organization-index")).content.decode()


def test_two_factor_page_never_redirects_off_site(reviewer):
    client = Client()
    client.force_login(reviewer)
    client.get(reverse("two-factor"))
    device = TOTPDevice.objects.get(user=reviewer)
    response = client.post(
        reverse("two-factor"), {"otp_token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/"


def test_staff_tokens_need_the_current_two_factor_code(api_client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    url = reverse("api-token")
    without = api_client.post(url, {"username": reviewer.username, "password": PASSWORD})
    assert without.status_code == 400
    assert "also send `otp_token`" in str(without.json())
    with_code = api_client.post(
        url,
        {"username": reviewer.username, "password": PASSWORD, "otp_token": current_code(device)},
    )
    assert with_code.status_code == 200 and len(with_code.json()["token"]) == 64
