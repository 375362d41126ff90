"""Badge credentials checked by an independent Open Badges 3.0 verifier (openbadgeslib, which
nobody here wrote) against the keys and status lists this portal publishes."""

import base64
import io
import json
import urllib.request
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openbadgeslib.ob3.status import decode_encoded_list, set_indices
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

from designation import grants
from designation.credentials import status
from designation.credentials.status import revoke_lapsed
from designation.models import Designation, Enrollment, IssuedCredential
from journey.renewal import refresh_designations
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import enrollment_at

SITE = "https://badges.example.test"
DID = "did:web:badges.example.test"


@pytest.fixture
def issuer_site(settings):
    """The portal as published at SITE; the independent verifier resolves did:web from there."""
    settings.SITE_URL = SITE
    return SITE


def client_fetch():
    """The verifier's `download`: issuer URLs answered by this portal in-process."""
    client = Client()

    def fetch(url: str) -> bytes:
        assert url.startswith(SITE + "/"), url
        response = client.get(url[len(SITE) :])
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return fetch


def enrolled(org, *, on):
    """A first attainment completed on `on` through the real grant (credential issued)."""
    with transaction.atomic():
        enrollment = enrollment_at("enrolled", organization=org, enrolled_on=on)
        return grants.enrollment_completed(enrollment, on=on)


def member_client(org) -> PortalClient:
    client = PortalClient()
    client.force_login(factories.MembershipFactory(organization=org, role="member").user)
    return client


def download(client, name: str, org) -> bytes:
    response = client.get(reverse(name, args=[org.pk]))
    assert response.status_code == 200, response.status_code
    return response.content


def tamper(token: str, **changes) -> str:
    """The same signature over a changed payload."""
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{signature}"


@pytest.mark.django_db(transaction=True)
def test_downloaded_credential_verifies_against_the_live_servers_did_web(live_server, issuer_site):
    """The Done-when path: badge page download -> independent verifier -> keys and status list
    fetched over HTTP from a running portal."""

    def live_fetch(url: str) -> bytes:
        assert url.startswith(SITE + "/"), url
        with urllib.request.urlopen(live_server.url + url[len(SITE) :], timeout=10) as answer:  # noqa: S310
            return answer.read()

    org = factories.EligibleOrganizationFactory(legal_name="Contoso Support")
    enrolled(org, on=timezone.localdate() - timedelta(days=10))
    client = member_client(org)
    token = download(client, "badge-credential-jwt", org).decode()

    verifier = OB3Verifier.for_issuer_did(DID, download=live_fetch)
    credential = verifier.verify(token, check_status=True, download=live_fetch)

    assert credential.issuer.id == DID
    assert credential.achievement.name == "Support Services designation"
    assert "ISSI" in credential.achievement.criteria_narrative
    assert [i.identity_hash for i in credential.identifiers] == [org.partner_id, "Contoso Support"]
    designation = Designation.objects.get(organization=org)
    assert credential.expiration_date.date() == designation.anniversary_on
    assert credential.issuance_date.date() == designation.attained_on

    # The baked images carry exactly the same credential.
    png = download(client, "badge-png", org)
    svg = download(client, "badge-svg", org)
    assert OB3Verifier.extract_token_from_png(png) == token
    assert OB3Verifier.extract_token_from_svg(svg) == token

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        verifier.verify(tamper(token, name="Support Services designation: Fabrikam"))


@pytest.mark.django_db
def test_a_lapsed_designation_shows_revoked_in_the_signed_status_list(issuer_site):
    fetch = client_fetch()
    org = factories.EligibleOrganizationFactory()
    designation = enrolled(org, on=timezone.localdate() - timedelta(days=10))
    token = download(member_client(org), "badge-credential-jwt", org).decode()
    verifier = OB3Verifier.for_issuer_did(DID, download=fetch)
    credential = verifier.verify(token, check_status=True, download=fetch)

    # The nightly job walks past the renewal window: lapsed, its credential stamped revoked with
    # the reason in the same run (one statement for all), and the list says so.
    refresh_designations(today=designation.anniversary_on + timedelta(days=31))
    assert Designation.objects.get().state == "lapsed"
    assert IssuedCredential.objects.get().revoked_at is not None
    assert revoke_lapsed() == 0  # nothing left for a second run
    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.check_status(credential, verify_list=True, download=fetch)
    answer = Client().get(reverse("api-verify", args=[designation.credential_id])).json()
    assert (answer["status"], answer["credential_status"]) == ("expired", "revoked")
    assert answer["credentials"][0]["revocation_reason"] == status.LAPSED_REASON


@pytest.mark.django_db
def test_renewal_issues_a_fresh_credential_and_revokes_nothing_still_valid(issuer_site):
    fetch = client_fetch()
    org = factories.EligibleOrganizationFactory()
    attained = timezone.localdate() - timedelta(days=340)
    designation = enrolled(org, on=attained)
    first = IssuedCredential.objects.get()
    renewal = enrollment_at(
        "enrolled",
        organization=org,
        kind=Enrollment.Kind.RENEWAL,
        renewal_of=designation,
        renewal_for_anniversary=designation.anniversary_on,
    )
    grants.enrollment_completed(renewal, on=timezone.localdate())

    first.refresh_from_db()
    fresh = IssuedCredential.objects.exclude(pk=first.pk).get()
    assert first.revoked_at is None
    assert (fresh.valid_from, fresh.valid_until) == (
        first.valid_until,
        first.valid_until.replace(year=first.valid_until.year + 1),
    )
    assert fresh.status_index != first.status_index
    # The credential of the running term still verifies; the fresh one waits for its term.
    verifier = OB3Verifier.for_issuer_did(DID, download=fetch)
    verifier.verify(first.jwt, check_status=True, download=fetch)
    with pytest.raises(OB3VerificationError, match="not yet valid"):
        verifier.verify(fresh.jwt)
    answer = Client().get(reverse("api-verify", args=[designation.credential_id])).json()
    assert [c["status"] for c in answer["credentials"]] == ["not yet valid", "active"]
    assert answer["current_credential"] == first.urn


@pytest.mark.django_db
def test_rotating_the_key_keeps_older_credentials_verifiable(issuer_site, settings):
    from joserfc.jwk import OKPKey

    fetch = client_fetch()
    old_org, new_org = (
        factories.EligibleOrganizationFactory(),
        factories.EligibleOrganizationFactory(),
    )
    on = timezone.localdate() - timedelta(days=5)
    enrolled(old_org, on=on)
    settings.CREDENTIAL_SIGNING_KEY = (
        OKPKey.generate_key("Ed25519", private=True).as_pem(private=True).decode()
    )
    enrolled(new_org, on=on)

    document = Client().get("/.well-known/did.json").json()
    assert len(document["verificationMethod"]) == 2
    assert len(Client().get("/.well-known/jwks.json").json()["keys"]) == 2
    for credential in IssuedCredential.objects.all():
        verifier = OB3Verifier.for_issuer_did(DID, download=fetch)
        verifier.verify(credential.jwt, check_status=True, download=fetch)


@pytest.mark.django_db
def test_status_list_encodes_exactly_the_revoked_indices(issuer_site):
    orgs = [factories.EligibleOrganizationFactory() for _ in range(3)]
    designations = [enrolled(o, on=timezone.localdate()) for o in orgs]
    IssuedCredential.objects.filter(designation=designations[1]).update(
        revoked_at=timezone.now(), revocation_reason="test"
    )
    credentials = list(IssuedCredential.objects.order_by("id"))
    assert len({c.status_index for c in credentials}) == 3  # random, distinct
    token = Client().get(reverse("credential-status-list", args=[credentials[0].status_list_id]))
    claims = json.loads(base64.urlsafe_b64decode(token.content.split(b".")[1] + b"==").decode())
    subject = claims["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    bits = decode_encoded_list(subject["encodedList"])
    assert len(bits) * 8 == 131_072
    assert set_indices(bits) == {credentials[1].status_index}


@pytest.mark.django_db
def test_revoke_lapsed_is_one_statement_for_any_number(django_assert_num_queries):
    for _ in range(4):
        designation = enrolled(factories.EligibleOrganizationFactory(), on=timezone.localdate())
        Designation.objects.filter(pk=designation.pk).update(state="lapsed")
    with django_assert_num_queries(1):
        assert revoke_lapsed() == 4
    assert revoke_lapsed() == 0


@pytest.mark.django_db
def test_issue_credentials_backfills_designations_without_one(issuer_site):
    org = factories.EligibleOrganizationFactory()
    today = timezone.localdate()
    designation = Designation.objects.create(
        organization=org,
        enrollment=enrollment_at("enrolled", organization=org),
        attained_on=today - timedelta(days=400),
        anniversary_on=today + timedelta(days=330),
    )
    call_command("issue_credentials", stdout=io.StringIO())
    call_command("issue_credentials", stdout=io.StringIO())  # a second run issues nothing
    credential = IssuedCredential.objects.get()
    assert credential.designation == designation
    assert credential.valid_from == designation.anniversary_on.replace(
        year=designation.anniversary_on.year - 1
    )
    verifier = OB3Verifier.for_issuer_did(DID, download=client_fetch())
    verifier.verify(credential.jwt)
