"""Sign in with Microsoft, end to end against a real OpenID Connect provider.

django-oauth-toolkit runs as the provider in a second process on loopback (tests/oidc_provider/),
the portal in pytest-django's live server. The portal finds the provider by discovery, sends the
person there with an authorization code request carrying a PKCE challenge (the provider requires
it) and a nonce, exchanges the code server to server, and checks the ID token's signature against
the provider's JWKS, its audience, issuer and nonce.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from designation.models import ExternalIdentity, Invitation, Membership
from designation.team.oidc import PortalOIDCBackend
from tests.designation import factories

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "portal-test-client", "portal-test-secret-0123456789"
PROVIDER_PASSWORD = "provider-password-1"
PEOPLE = {
    "existing": ("Erin", "Existing", "erin@contoso.example"),
    "invitee": ("Ivy", "Invited", "ivy@contoso.example"),
    "stranger": ("Sam", "Stranger", "sam@elsewhere.example"),
    "unverified-erin": ("Erin", "Impostor", "erin@contoso.example"),
    "staff": ("Rae", "Reviewer", "rae@microsoft.example"),
    "mfa-staff": ("Max", "Reviewer", "max@microsoft.example"),
}


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider's issuer URL, its process running until the module's tests end."""
    seed = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/oidc/callback/",
        "users": [
            {
                "username": u,
                "password": PROVIDER_PASSWORD,
                "email": e,
                "first_name": f,
                "last_name": n,
            }
            for u, (f, n, e) in PEOPLE.items()
        ],
    }
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "db.sqlite3"),
        "OIDC_PROVIDER_SEED": json.dumps(seed),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), "the test OpenID Connect provider did not start"
        yield f"http://127.0.0.1:{port}/o"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def portal(provider, live_server, settings):
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ENABLED = True
    return live_server.url


def sign_in_with_microsoft(portal: str, username: str, *, tamper=None, next_page="/"):
    """A browser's round trip: portal -> provider sign-in -> portal callback. Returns the
    session, the authorization request's parameters and the callback's answer."""
    browser = requests.Session()
    start = browser.get(
        f"{portal}/oidc/authenticate/", params={"next": next_page}, allow_redirects=False
    )
    authorize = start.headers["Location"]
    parameters = parse_qs(urlparse(authorize).query)
    to_login = browser.get(authorize, allow_redirects=False)
    login_url = urljoin(authorize, to_login.headers["Location"])
    browser.get(login_url)
    signed_in = browser.post(
        login_url,
        data={
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        },
        headers={"Referer": login_url},
        allow_redirects=False,
    )
    back = browser.get(urljoin(login_url, signed_in.headers["Location"]), allow_redirects=False)
    callback = back.headers["Location"]
    assert callback.startswith(f"{portal}/oidc/callback/?code="), callback
    if tamper:
        tamper(browser, parameters)
    answer = browser.get(callback, allow_redirects=False)
    return browser, parameters, answer


def signed_in_user(browser, portal) -> User | None:
    key = browser.cookies.get("sessionid")
    user_id = SessionStore(key).get("_auth_user_id") if key else None
    return User.objects.filter(pk=user_id).first()


@pytest.mark.django_db(transaction=True)
def test_discovery_and_the_authorization_request_carry_pkce_and_a_nonce(portal, provider):
    factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin")
    browser, parameters, answer = sign_in_with_microsoft(portal, "existing")
    assert parameters["response_type"] == ["code"]
    assert parameters["code_challenge_method"] == ["S256"]
    assert len(parameters["code_challenge"][0]) == 43
    assert len(parameters["nonce"][0]) == 32 and parameters["state"]
    assert urlparse(parameters["redirect_uri"][0]).path == "/oidc/callback/"
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    # The provider itself refuses a code request without PKCE.
    bare = {k: v[0] for k, v in parameters.items() if not k.startswith("code_challenge")}
    refused = browser.get(f"{provider}/authorize/", params=bare, allow_redirects=False)
    assert "error=invalid_request" in refused.headers.get("Location", "")


@pytest.mark.django_db(transaction=True)
def test_an_existing_account_signs_in_by_verified_email_and_is_linked(portal, provider):
    erin = factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin").user
    browser, _, answer = sign_in_with_microsoft(portal, "existing", next_page="/accounts/profile/")
    assert answer.headers["Location"] == "/accounts/profile/"
    assert signed_in_user(browser, portal) == erin
    identity = ExternalIdentity.objects.get(user=erin)
    assert identity.issuer == provider and identity.subject
    page = browser.get(f"{portal}/accounts/profile/").text
    assert erin.username in page


@pytest.mark.django_db(transaction=True)
def test_a_stranger_is_refused_and_no_account_is_created(portal):
    before = User.objects.count()
    browser, _, answer = sign_in_with_microsoft(portal, "stranger")
    assert answer.headers["Location"] == "/accounts/login/"
    assert signed_in_user(browser, portal) is None
    assert User.objects.count() == before
    page = browser.get(f"{portal}/accounts/login/").text
    assert "no portal account or invitation for this Microsoft account" in page


@pytest.mark.django_db(transaction=True)
def test_an_unverified_email_does_not_match_an_account(portal):
    factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin")
    browser, _, answer = sign_in_with_microsoft(portal, "unverified-erin")
    assert answer.headers["Location"] == "/accounts/login/"
    assert signed_in_user(browser, portal) is None


@pytest.mark.django_db(transaction=True)
def test_an_invited_person_gets_their_account_and_membership(portal):
    org = factories.EligibleOrganizationFactory()
    Invitation.objects.create(
        organization=org,
        email=PEOPLE["invitee"][2],
        role="member",
        expires_at=timezone.now() + timedelta(days=7),
    )
    browser, _, answer = sign_in_with_microsoft(portal, "invitee")
    ivy = signed_in_user(browser, portal)
    assert ivy is not None and ivy.get_full_name() == "Ivy Invited"
    assert not ivy.has_usable_password()
    assert Membership.objects.get(user=ivy, organization=org).role == "member"
    assert Invitation.objects.get(organization=org).status == "accepted"
    page = browser.get(f"{portal}/organizations/{org.pk}/").text
    assert "Ivy Invited" in page


@pytest.mark.django_db(transaction=True)
def test_a_forged_nonce_is_refused(portal):
    factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin")

    def replace_nonce(browser, parameters):
        session = SessionStore(browser.cookies["sessionid"])
        states = session["oidc_states"]
        states[parameters["state"][0]]["nonce"] = "not-the-nonce-sent"
        session["oidc_states"] = states
        session.save()

    browser, _, answer = sign_in_with_microsoft(portal, "existing", tamper=replace_nonce)
    assert answer.headers["Location"] == "/accounts/login/"
    assert signed_in_user(browser, portal) is None


@pytest.mark.django_db(transaction=True)
def test_a_token_signed_with_another_key_is_refused(portal, provider):
    backend = PortalOIDCBackend()
    backend.configure()
    kid = requests.get(backend.OIDC_OP_JWKS_ENDPOINT, timeout=5).json()["keys"][0]["kid"]
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": provider, "aud": CLIENT_ID, "sub": "1", "iat": now, "exp": now + 300}
    forged = jwt.encode({**claims, "nonce": "n"}, forger, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(SuspiciousOperation, match="Signature verification failed"):
        backend.verify_token(forged, nonce="n")


@pytest.mark.django_db(transaction=True)
def test_staff_still_need_their_second_factor_unless_the_token_says_mfa(portal):
    reviewers = Group.objects.get(name="Microsoft reviewer")
    for name in ("staff", "mfa-staff"):
        factories.UserFactory(email=PEOPLE[name][2]).groups.add(reviewers)
    browser, _, _ = sign_in_with_microsoft(portal, "staff", next_page="/queues/")
    queues = browser.get(f"{portal}/queues/", allow_redirects=False)
    assert queues.status_code == 302 and "/accounts/two-factor/" in queues.headers["Location"]
    browser, _, _ = sign_in_with_microsoft(portal, "mfa-staff", next_page="/queues/")
    assert browser.get(f"{portal}/queues/", allow_redirects=False).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_with_the_mfa_claim_not_trusted_staff_enter_their_code_anyway(portal, settings):
    settings.OIDC_TRUST_MFA_CLAIM = False
    reviewer = factories.UserFactory(email=PEOPLE["mfa-staff"][2])
    reviewer.groups.add(Group.objects.get(name="Microsoft reviewer"))
    browser, _, _ = sign_in_with_microsoft(portal, "mfa-staff", next_page="/queues/")
    queues = browser.get(f"{portal}/queues/", allow_redirects=False)
    assert queues.status_code == 302 and "/accounts/two-factor/" in queues.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_once_linked_the_account_is_found_by_subject_even_after_its_email_changed(portal):
    erin = factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin").user
    sign_in_with_microsoft(portal, "existing")
    User.objects.filter(pk=erin.pk).update(email="erin.new@contoso.example")
    browser, _, answer = sign_in_with_microsoft(portal, "existing")
    assert answer.headers["Location"] == "/"
    assert signed_in_user(browser, portal) == erin


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_account_loses_its_microsoft_session(portal):
    erin = factories.MembershipFactory(user__email=PEOPLE["existing"][2], role="admin").user
    browser, _, _ = sign_in_with_microsoft(portal, "existing")
    assert browser.get(f"{portal}/accounts/profile/", allow_redirects=False).status_code == 200
    User.objects.filter(pk=erin.pk).update(is_active=False)
    answer = browser.get(f"{portal}/accounts/profile/", allow_redirects=False)
    assert answer.status_code == 302 and "/accounts/login/" in answer.headers["Location"]
