"""axe-core (bundled with axe-playwright-python) finds no WCAG 2.1 A/AA violation on any kind of
page, as each role would see it: labels, contrast, landmarks, alt text, ARIA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from designation.models import Designation, Enrollment, Organization
from tests.e2e.conftest import sign_in, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    result = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
    ]


def check(page, url: str) -> dict[str, list[str]]:
    page.goto(url)
    found = violations(page)
    return {url: found} if found else {}


def test_public_and_partner_pages_have_no_wcag_violations(page, live_server, demo):
    base = live_server.url
    tailspin = Organization.objects.get(legal_name="Tailspin Toys")
    credential = Designation.objects.get(organization=tailspin).credential_id
    problems = {}
    for url in ("/accounts/login/", "/directory/", f"/verify/{credential}/", "/verify/"):
        problems |= check(page, base + url)
    sign_in(page, base, "tailspin", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    org = f"{base}/organizations/{tailspin.pk}"
    for url in (
        "/",
        "/enrollment/",
        "/metrics/",
        "/assessments/",
        "/badge/",
        "/settings/",
        "/settings/partner-acts/",
        "/change-requests/new/support-contracts/",
    ):
        problems |= check(page, org + url)
    assert problems == {}


def test_reviewer_and_auditor_workspaces_have_no_wcag_violations(page, live_server, demo):
    base = live_server.url
    problems = {}
    sign_in_staff(page, base, "reviewer", "designation-demo")
    problems |= check(page, f"{base}/queues/")
    northwind = Organization.objects.get(legal_name="Northwind Traders")
    problems |= check(page, f"{base}/organizations/{northwind.pk}/")
    waiting = Enrollment.objects.get(state="eligibility_review")  # the declared-and-recorded panel
    problems |= check(page, f"{base}/enrollments/{waiting.pk}/")
    page.context.clear_cookies()
    sign_in_staff(page, base, "auditor", "designation-demo")
    problems |= check(page, f"{base}/audits/")
    page.goto(f"{base}/audits/")
    first_audit = page.locator("main a[href^='/audits/']").first
    first_audit.click()
    page.wait_for_url("**/audits/*/")
    problems |= {page.url: violations(page)} if violations(page) else {}
    assert problems == {}


def test_the_checker_catches_what_it_should(page):
    page.set_content(
        '<html lang="en"><body><main><img src="x.png"><input type="text">'
        '<p style="color:#bbb;background:#fff">faint</p></main></body></html>'
    )
    found = " ".join(violations(page))
    for rule in ("image-alt", "label", "color-contrast"):
        assert rule in found
