"""The badge page and its downloads, the locations that show the badge, the certificate letter,
the verification of a pasted or uploaded credential, and the integration API."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from designation import grants
from designation.models import IssuedCredential, Location
from tests.conftest import PortalClient
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db
SITE = "https://portal.example.com"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def designation(site, org):
    with transaction.atomic():
        on = timezone.localdate() - timedelta(days=20)
        enrollment = enrollment_at("enrolled", organization=org, enrolled_on=on)
        return grants.enrollment_completed(enrollment, on=on)


def signed_in(user) -> PortalClient:
    client = PortalClient()
    client.force_login(user)
    return client


def test_badge_page_offers_every_download_linkedin_and_an_embed_snippet(
    designation, org, partner_member, django_assert_max_num_queries
):
    client = signed_in(partner_member)
    with django_assert_max_num_queries(13):
        html = client.get(reverse("badge", args=[org.pk])).content.decode()
    for name in ("badge-svg", "badge-png", "badge-credential-jwt", "badge-credential-json"):
        assert reverse(name, args=[org.pk]) in html
    linkedin = re.search(r'href="(https://www.linkedin.com/profile/add\?[^"]+)"', html).group(1)
    query = parse_qs(urlsplit(linkedin.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["certId"] == [designation.credential_id]
    assert query["certUrl"] == [f"{SITE}/verify/{designation.credential_id}/"]
    assert query["issueYear"] == [str(designation.attained_on.year)]
    assert query["expirationYear"] == [str(designation.anniversary_on.year)]
    # The snippet (shown escaped in a textarea) links the public image to the verification page.
    assert f"&lt;a href=&quot;{SITE}/verify/{designation.credential_id}/&quot;" in html
    assert f"{SITE}/verify/{designation.credential_id}/badge.svg" in html
    assert "Credential history" in html


def test_downloads_carry_the_credential(designation, org, partner_member):
    client = signed_in(partner_member)
    credential = IssuedCredential.objects.get()
    svg = client.get(reverse("badge-svg", args=[org.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert f'verify="{credential.jwt}"' in svg.content.decode()
    assert org.legal_name in svg.content.decode()
    png = client.get(reverse("badge-png", args=[org.pk]))
    assert png.content.startswith(b"\x89PNG") and b"openbadgecredential" in png.content
    document = client.get(reverse("badge-credential-json", args=[org.pk])).json()
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == credential.urn and "jti" not in document
    jwt = client.get(reverse("badge-credential-jwt", args=[org.pk]))
    assert jwt.content.decode() == credential.jwt
    assert jwt["Content-Disposition"].endswith(f'-{org.partner_id}.jwt"')


def test_the_admin_chooses_locations_and_the_directory_shows_the_badge_on_them(
    designation, org, partner_admin, partner_member, client
):
    shown = Location.objects.create(organization=org, name="Contoso Lisbon", country="PT")
    hidden = Location.objects.create(organization=org, name="Contoso Oslo", country="NO")
    admin = signed_in(partner_admin)
    answer = admin.post(reverse("badge-locations", args=[org.pk]), {"locations": [shown.pk]})
    assert answer.status_code == 302
    assert Location.objects.get(pk=shown.pk).shows_badge
    assert not Location.objects.get(pk=hidden.pk).shows_badge
    directory = client.get(reverse("directory")).content.decode()
    assert "Badge shown at: Contoso Lisbon (PT)" in directory and "Contoso Oslo" not in directory
    member = signed_in(partner_member)
    refused = member.post(reverse("badge-locations", args=[org.pk]), {"locations": [hidden.pk]})
    assert refused.status_code == 403
    assert not Location.objects.get(pk=hidden.pk).shows_badge


def test_certificate_letter_is_one_landscape_page_with_badge_qr_and_site_url(
    designation, org, partner_member
):
    letter = signed_in(partner_member).get(reverse("badge-letter", args=[org.pk])).content
    assert letter.count(b"/Type /Page\n") + letter.count(b"/Type /Page ") <= 1
    assert re.search(rb"/MediaBox \[\s*0 0 841\.8898\d* 595\.2756\d*\s*\]", letter)
    assert len(re.findall(rb"/Subtype /Image", letter)) >= 2  # the badge art and the QR code
    # Text is drawn as text (selectable): the verification URL from SITE_URL, never a default.
    assert f"({SITE}/verify/{designation.credential_id}/)".encode() in letter
    assert b"127.0.0.1" not in letter
    assert IssuedCredential.objects.get().urn.encode() in letter


def post_check(client, **data):
    response = client.post(reverse("verify-credential"), data)
    assert response.status_code == 200
    return response.content.decode()


def test_a_pasted_or_uploaded_credential_is_checked_in_words(designation, org, partner_member):
    client = PortalClient()
    token = IssuedCredential.objects.get().jwt
    assert "Valid signature; the designation is active." in post_check(client, credential=token)
    png = signed_in(partner_member).get(reverse("badge-png", args=[org.pk])).content
    upload = SimpleUploadedFile("badge.png", png, content_type="image/png")
    assert "Valid signature; the designation is active." in post_check(client, badge=upload)
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload[:-4]}AAAA.{signature}"
    assert "signature does not match" in post_check(client, credential=forged)
    assert "not a badge credential" in post_check(client, credential="hello")
    assert "Paste a credential or choose a badge image." in post_check(client)
    blank = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "No credential found" in post_check(client, badge=blank)


def test_verification_page_checks_signature_and_lists_history(
    designation, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        html = client.get(reverse("verify-page", args=[designation.credential_id])).content.decode()
    assert "Valid signature" in html and "Credential history" in html
    assert IssuedCredential.objects.get().urn in html


def test_verification_api_query_count_is_fixed(designation, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = client.get(reverse("api-verify", args=[designation.credential_id])).json()
    assert (body["signature"], body["credential_status"]) == ("valid", "active")


def test_a_huge_png_is_refused_before_it_is_decoded(client):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")
    upload = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
    assert "far larger than a badge" in post_check(client, badge=upload)


def test_organization_designation_api_is_scoped_and_links_everything(
    designation, org, partner_member, other_org, api_client, django_assert_max_num_queries
):
    api_client.force_authenticate(partner_member)
    url = reverse("organization-designation", args=[org.pk])
    with django_assert_max_num_queries(8):
        body = api_client.get(url).json()
    assert body["credential_id"] == designation.credential_id
    assert (body["state"], body["signature"], body["credential_status"]) == (
        "active",
        "valid",
        "active",
    )
    assert body["links"]["verification"] == f"{SITE}/verify/{designation.credential_id}/"
    assert body["links"]["badge_png"] == f"{SITE}/organizations/{org.pk}/badge/badge.png"
    assert (
        api_client.get(reverse("organization-designation", args=[other_org.pk])).status_code == 404
    )


def test_did_web_and_jwks_are_built_from_site_url(settings, client):
    settings.SITE_URL = "http://127.0.0.1:8000"
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    kid = document["verificationMethod"][0]["id"].split("#")[1]
    assert client.get("/.well-known/jwks.json").json()["keys"][0]["kid"] == kid
    assert document["assertionMethod"] == [document["verificationMethod"][0]["id"]]
