"""The badge in Chromium: the partner downloads the baked PNG from the badge page; an
independent Open Badges verifier accepts it against the live portal's keys; anyone checks the
same image on the public verification page."""

import urllib.request
from pathlib import Path

import pytest
from openbadgeslib.ob3.verifier import OB3Verifier
from playwright.sync_api import expect

from designation.credentials import keys
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "https://tailspin-portal.example.test"


@pytest.fixture
def published_site(settings):
    """The portal's public address, set before the demo data is issued its credentials; a
    verifier resolves did:web against it and live_server answers for it."""
    settings.SITE_URL = SITE
    return SITE


def test_downloaded_badge_verifies_and_the_public_page_checks_the_upload(
    published_site, page, live_server, demo, screenshot, browser
):

    def fetch(url: str) -> bytes:
        assert url.startswith(SITE + "/"), url
        with urllib.request.urlopen(live_server.url + url[len(SITE) :], timeout=10) as answer:  # noqa: S310
            return answer.read()

    sign_in(page, live_server.url, "tailspin", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Badge").click()
    expect(page.get_by_role("heading", name="Your verifiable badge")).to_be_visible()
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
    screenshot("badge")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Badge image (PNG)").click()
    png_path = Path(download_info.value.path())
    token = OB3Verifier.extract_token_from_png(png_path.read_bytes())
    verifier = OB3Verifier.for_issuer_did(keys.issuer_did(), download=fetch)
    credential = verifier.verify(token, check_status=True, download=fetch)
    assert credential.achievement.name == "Support Services designation"

    public = browser.new_context().new_page()
    public.goto(f"{live_server.url}/verify/")
    public.get_by_label("…or upload a badge image (SVG or PNG)").set_input_files(str(png_path))
    public.get_by_role("button", name="Check").click()
    expect(public.get_by_text("Valid signature; the designation is active.")).to_be_visible()
    screenshot("verify-credential", public)
