"""Everyone's own account: profile, password change and reset, opt-in two-factor with recovery
codes, and signing out everywhere."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from tests.conftest import PortalClient

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_the_display_name_replaces_the_user_name_in_the_header(client, partner_admin):
    client.force_login(partner_admin)
    answer = client.post(
        reverse("account"),
        {"first_name": "Dana", "last_name": "Scully", "email": partner_admin.email},
        follow=True,
    )
    page = answer.content.decode()
    assert "Your profile was saved" in page
    assert re.search(r'class="user-name"[^>]*>Dana Scully<', page)


def test_changing_the_email_needs_the_password_and_a_free_address(
    client, partner_admin, partner_member
):
    client.force_login(partner_admin)
    fields = {"first_name": "Dana", "last_name": "", "email": "dana@example.net"}
    refused = client.post(reverse("account"), fields)
    assert "Enter your current password" in refused.content.decode()
    taken = client.post(
        reverse("account"), {**fields, "email": partner_member.email, "current_password": PASSWORD}
    )
    assert "Another account uses this email address" in taken.content.decode()
    client.post(reverse("account"), {**fields, "current_password": PASSWORD})
    partner_admin.refresh_from_db()
    assert partner_admin.email == "dana@example.net"


def test_password_change_applies_the_validators(client, partner_admin):
    client.force_login(partner_admin)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert "too short" in weak.content.decode()
    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-one",
            "new_password2": "a-new-long-one",
        },
    )
    assert done.status_code == 302
    partner_admin.refresh_from_db()
    assert partner_admin.check_password("a-new-long-one")
    assert client.get(reverse("account")).status_code == 200  # still signed in here


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(client, partner_admin):
    url = reverse("password_reset")
    known = client.post(url, {"email": partner_admin.email})
    unknown = client.post(url, {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [partner_admin.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-9", "new_password2": "brand-new-secret-9"},
    )
    assert done.status_code == 302
    assert sign_in(Client(), partner_admin, "brand-new-secret-9").status_code == 302
    # The link worked once.
    assert "cannot be used" in client.get(link, follow=True).content.decode()


def test_password_reset_is_rate_limited_per_address_and_per_email(client, partner_admin, settings):
    url = reverse("password_reset")
    for _ in range(5):
        assert client.post(url, {"email": partner_admin.email}).status_code == 302
    limited = client.post(url, {"email": partner_admin.email})
    assert limited.status_code == 429
    assert "Too many password reset requests" in limited.content.decode()
    # Another address asking for the same email is limited too (no mail-bombing a person).
    other = Client(REMOTE_ADDR="10.9.9.9").post(url, {"email": partner_admin.email})
    assert other.status_code == 429
    assert len(mail.outbox) == 5


def test_a_partner_turns_on_two_factor_and_then_needs_it_with_recovery_codes(partner_admin):
    client = Client()
    sign_in(client, partner_admin)
    setup = client.get(reverse("two-factor-setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=partner_admin, confirmed=False)
    shown = client.post(reverse("two-factor-setup"), {"otp_token": code_of(device)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(codes) == 10
    # The next sign-in asks for the second factor; a recovery code works, once.
    later = Client()
    sign_in(later, partner_admin)
    assert "/accounts/two-factor/" in later.get(reverse("home"))["Location"]
    used = later.post(reverse("two-factor"), {"recovery_code": codes[0], "next": "/"})
    assert used.status_code == 302 and used["Location"] == "/"
    again = Client()
    sign_in(again, partner_admin)
    reused = again.post(reverse("two-factor"), {"recovery_code": codes[0]})
    assert reused.status_code == 200 and "not valid" in reused.content.decode()


def test_partners_may_turn_two_factor_off_staff_may_not(partner_admin, reviewer):
    TOTPDevice.objects.create(user=partner_admin, name="app", confirmed=True)
    client = PortalClient()
    client.force_login(partner_admin)
    client.post(reverse("two-factor-disable"))
    assert not TOTPDevice.objects.filter(user=partner_admin).exists()
    client.force_login(reviewer)
    answer = client.post(reverse("two-factor-disable"), follow=True)
    assert "mandatory for program staff" in answer.content.decode()
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()


def test_staff_reach_their_account_page_only_after_the_second_factor(reviewer):
    client = Client()
    sign_in(client, reviewer)
    answer = client.get(reverse("account"))
    assert answer.status_code == 302 and "/accounts/two-factor/" in answer["Location"]


def test_sign_out_everywhere_ends_every_session_and_the_api_token(partner_admin):
    here, elsewhere = Client(), Client()
    sign_in(here, partner_admin)
    sign_in(elsewhere, partner_admin)
    AuthToken.objects.create(user=partner_admin)
    assert elsewhere.get(reverse("account")).status_code == 200
    wrong = here.post(reverse("sign-out-everywhere"), {"password": "nope"}, follow=True)
    assert "that is not your password" in wrong.content.decode()
    here.post(reverse("sign-out-everywhere"), {"password": PASSWORD})
    for client in (here, elsewhere):
        assert client.get(reverse("account"))["Location"].startswith(reverse("login"))
    assert not AuthToken.objects.filter(user=partner_admin).exists()
    assert User.objects.get(pk=partner_admin.pk).check_password(PASSWORD)
