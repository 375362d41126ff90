"""Screenshots of every kind of page at 1440 and 390 px, as each role sees it, into
tests/e2e/screenshots/ (look at them after a change of the templates or the stylesheet); each
page is also checked for the defects a newcomer saw: nothing wider than the phone screen, no
raw state codes, no Django form defaults."""

import re

import pytest

from assessments.models import AuditRecord
from designation.models import Designation, Enrollment, Organization
from tests.e2e.conftest import SCREENSHOTS, sign_in, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "designation-demo"
WIDTHS = (("desktop", 1440, 900), ("phone", 390, 844))
RAW_CODES = re.compile(
    r"\b(eligibility_review|customer_success|approve_eligibility|reject_eligibility|"
    r"start_performance|pass_performance|first_attainment|direct_bill|indirect_reseller|"
    r"renewal_open|in_progress|not_started)\b"
)


def shoot(page, name: str) -> list[str]:
    """Both widths of the page that is open; the defects found on it."""
    page.wait_for_load_state("networkidle")
    problems = []
    text = page.locator("main").inner_text()
    if RAW_CODES.search(text):
        problems.append(f"{name}: raw code {RAW_CODES.search(text).group(0)!r}")
    if re.search(r"\w\.\.(\s|$)", text):
        problems.append(f"{name}: a double period")
    if not name.startswith("admin") and (
        "---------" in page.content() or re.search(r"\w:\s*$", _labels(page), re.M)
    ):
        problems.append(f"{name}: Django form defaults (dashes or label colons)")
    for label, width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"page-{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if label == "phone" and overflow > 1:
            problems.append(f"{name}: {overflow}px wider than a phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    return problems


def _labels(page) -> str:
    return "\n".join(page.locator("main label").all_inner_texts())


def visit(page, base: str, pages: dict[str, str]) -> list[str]:
    problems = []
    for name, url in pages.items():
        page.goto(base + url)
        problems += shoot(page, name)
    return problems


def test_every_page_at_desktop_and_phone_width(page, browser, live_server, demo):
    SCREENSHOTS.mkdir(exist_ok=True)
    base = live_server.url
    orgs = {o.legal_name: o.pk for o in Organization.objects.all()}
    tailspin, fabrikam = orgs["Tailspin Toys"], orgs["Fabrikam"]
    credential = Designation.objects.get(organization_id=tailspin).credential_id
    fabrikam_enrollment = Enrollment.objects.filter(organization_id=fabrikam).latest("pk").pk
    problems = visit(
        page,
        base,
        {
            "public-sign-in": "/accounts/login/",
            "public-directory": "/directory/",
            "public-verify": f"/verify/{credential}/",
            "public-verify-not-found": "/verify/NO-SUCH-CREDENTIAL/",
            "public-not-found": "/no-such-page/",
        },
    )

    sign_in(page, base, "tailspin", PASSWORD)
    page.wait_for_url("**/organizations/*/")
    org = f"/organizations/{tailspin}"
    problems += visit(
        page,
        base,
        {
            "partner-overview": f"{org}/",
            "partner-enrollment": f"{org}/enrollment/",
            "partner-metrics": f"{org}/metrics/",
            "partner-assessments": f"{org}/assessments/",
            "partner-badge": f"{org}/badge/",
            "partner-settings": f"{org}/settings/",
            "partner-propose-support-contract": f"{org}/change-requests/new/support-contracts/",
            "partner-not-found": "/organizations/999999/",
        },
    )
    # Facts of record are the program's: a partner proposes a change (issue 11).
    page.goto(f"{base}{org}/change-requests/new/support-contracts/")
    page.get_by_role("button", name="Send to Microsoft").click()
    problems += shoot(page, "partner-form-errors")

    page.context.clear_cookies()
    sign_in(page, base, "contoso", PASSWORD)
    page.wait_for_url("**/organizations/*/")
    contoso = orgs["Contoso Support"]
    problems += visit(page, base, {"partner-apply": f"/organizations/{contoso}/enrollment/apply/"})
    page.get_by_role("button", name="Submit for eligibility review").click()
    problems += shoot(page, "partner-apply-errors")

    for username in ("adatum", "litware"):  # a prerequisite unmet: support plan, CSP type
        page.context.clear_cookies()
        sign_in(page, base, username, PASSWORD)
        page.wait_for_url("**/organizations/*/")
        problems += shoot(page, f"partner-unmet-{username}")

    page.context.clear_cookies()
    sign_in(page, base, "fabrikam", PASSWORD)
    page.wait_for_url("**/organizations/*/")
    problems += visit(
        page,
        base,
        {
            "partner-waiting-overview": f"/organizations/{fabrikam}/",
            "partner-waiting-enrollment": f"/enrollments/{fabrikam_enrollment}/",
        },
    )

    page.context.clear_cookies()
    sign_in_staff(page, base, "reviewer", PASSWORD)
    problems += visit(
        page,
        base,
        {
            "reviewer-queues": "/queues/",
            "reviewer-organisations": "/organizations/",
            "reviewer-partner-overview": f"/organizations/{fabrikam}/",
            "reviewer-enrollment": f"/enrollments/{fabrikam_enrollment}/",
            "reviewer-approve": f"/enrollments/{fabrikam_enrollment}/approve_eligibility/",
            "reviewer-reject": f"/enrollments/{fabrikam_enrollment}/reject_eligibility/",
            "reviewer-timeline": "/enrollments/"
            f"{Enrollment.objects.filter(organization_id=tailspin).latest('pk').pk}/",
        },
    )

    page.context.clear_cookies()
    sign_in_staff(page, base, "auditor", PASSWORD)
    problems += visit(page, base, {"auditor-audits": "/audits/"})
    for audit in AuditRecord.objects.filter(status__in=["claimed", "unassigned"]):
        problems += visit(
            page, base, {f"auditor-{audit.kind}-{audit.status}": f"/audits/{audit.pk}/"}
        )

    # A refused evidence file: the banner at the top, the error beside its component.
    csat = AuditRecord.objects.get(kind="csat", status="claimed")
    page.goto(f"{base}/audits/{csat.pk}/")
    form = page.locator("#evidence-form")
    form.get_by_label("Supporting document", exact=True).set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}]
    )
    form.get_by_role("button", name="Upload", exact=True).click()
    assert page.locator(".banner-danger", has_text="No evidence was uploaded").is_visible()
    problems += shoot(page, "auditor-evidence-refused")

    page.context.clear_cookies()
    sign_in_staff(page, base, "admin", PASSWORD)
    problems += visit(
        page,
        base,
        {
            "admin-index": "/admin/",
            "admin-program-rules": "/admin/designation/programrules/",
            "admin-organisations": "/admin/designation/organization/",
        },
    )
    shots = list(SCREENSHOTS.glob("page-*.png"))
    assert len(shots) >= 2 * 30
    assert not problems, "\n".join(problems)
