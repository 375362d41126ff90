"""The whole journey in real Chromium, as the three roles, on the demo data: contoso applies, the
reviewer approves, contoso loads cases and revenue and starts the performance assessment, the
auditor claims and submits, the reviewer determines, the auditor records CSAT and capability with
evidence uploads, contoso sees the badge and downloads the letter, the directory lists contoso and
its verification page answers active."""

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from assessments import rules as audit_rules
from tests.assessments.factories import PDF_BYTES, png_bytes
from tests.e2e.conftest import sign_in, sign_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "designation-demo"
DOCS = Path(__file__).resolve().parents[2] / "docs"
PDF = PDF_BYTES  # evidence must parse as a PDF: a real one-page file


def write_data_files(folder: Path, today: date) -> tuple[Path, Path]:
    """cases.csv and revenue.csv for the last twelve complete months: a rate well under 20.00."""
    first = today.replace(day=1) - relativedelta(months=12)
    months = [first + relativedelta(months=n) for n in range(12)]
    cases = folder / "cases.csv"
    cases.write_text(
        "case_id,opened_on,program,customer_tenant_id,severity,title\n"
        + "".join(
            f"E2E-{n},{month.replace(day=10).isoformat()},CSP,tenant-{n},B,Backstop case {n}\n"
            for n, month in enumerate(months)
        )
        + f"E2E-EA,{months[0].replace(day=11).isoformat()},EA,,C,Not counted\n",
        encoding="utf-8",
    )
    revenue = folder / "revenue.csv"
    revenue.write_text(
        "billing_month,source,amount_usd\n"
        + "".join(f"{m:%Y-%m},CSP,300000.00\n{m:%Y-%m},ACR,100000.00\n" for m in months),
        encoding="utf-8",
    )
    return cases, revenue


def staff_page(browser, base_url: str, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in_staff(page, base_url, username, PASSWORD)
    return page


def claim(auditor, base_url: str, kind_label: str):
    auditor.goto(f"{base_url}/audits/")
    auditor.get_by_role("button", name=f"Claim the {kind_label} of Contoso Support").click()
    expect(auditor.get_by_text("Claimed: the audit is assigned to you.")).to_be_visible()


def upload(auditor, files: dict[str, Path]):
    """Choose files beside each component (by its label), then upload them in one submit."""
    form = auditor.locator("#evidence-form")
    for label, path in files.items():
        form.get_by_label(label, exact=True).set_input_files(str(path))
    expect(form.locator(".file-list li")).to_have_count(len(files))  # listed before sending
    form.get_by_role("button", name="Upload", exact=True).click()
    expect(auditor.get_by_text("Evidence uploaded.")).to_be_visible()


def test_the_whole_journey_in_the_browser(page, browser, live_server, demo, tmp_path, screenshot):
    base = live_server.url
    today = timezone.localdate()
    cases_csv, revenue_csv = write_data_files(tmp_path, today)
    pdf = tmp_path / "evidence.pdf"
    pdf.write_bytes(PDF)
    png = tmp_path / "evidence.png"
    png.write_bytes(png_bytes())

    # 1. Contoso applies with the pre-enrollment form.
    sign_in(page, base, "contoso", PASSWORD)
    page.wait_for_url("**/organizations/*/")
    contoso_home = page.url
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Enrollment").click()
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Contact name").fill("Casey Contoso")
    page.get_by_label("Contact email").fill("casey@contoso.example")
    page.get_by_label("Modern Work").check()
    page.get_by_label("CSP enrollment type").select_option("direct_bill")
    page.get_by_label("Support plan").select_option("psfp")
    page.get_by_label("I am authorised to represent").check()
    page.get_by_role("button", name="Submit for eligibility review").click()
    expect(
        page.get_by_text("Submitted: a Microsoft reviewer will decide eligibility.")
    ).to_be_visible()

    # 2. The reviewer (password, then two-factor) approves from the queue.
    reviewer = staff_page(browser, base, "reviewer")
    expect(reviewer.get_by_role("heading", name="Review queues")).to_be_visible()
    row = reviewer.get_by_role("row", name=re.compile("Contoso Support"))
    expect(row).to_be_visible()
    screenshot("reviewer-queue", reviewer)
    row.get_by_role("link", name="Approve").click()
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_text("Eligibility approved: the partner can now start")).to_be_visible()

    # 3. Contoso loads cases.csv and revenue.csv, then starts the performance assessment.
    page.goto(contoso_home)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Metrics").click()
    page.locator("#id_cases-file").set_input_files(str(cases_csv))
    page.get_by_role("button", name="Import cases.csv").click()
    expect(page.get_by_text("13 rows imported: 13 new")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Metrics").click()
    page.locator("#id_revenue-file").set_input_files(str(revenue_csv))
    page.get_by_role("button", name="Import revenue.csv").click()
    expect(page.get_by_text("24 rows imported")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Enrollment").click()
    page.get_by_role("link", name="Start the performance assessment").click()
    expect(page.get_by_text("USD 1,350.00")).to_be_visible()
    page.get_by_role("button", name="Start the performance assessment").click()
    expect(page.get_by_text("Performance window open until")).to_be_visible()

    # 4. The auditor claims the performance audit and submits the validated case volume.
    auditor = staff_page(browser, base, "auditor")
    claim(auditor, base, "performance assessment")
    auditor.get_by_label("Validated case volume").fill("10")
    auditor.get_by_label("Reason for the adjustment").fill("Two tickets merged into one case")
    auditor.get_by_label("Excluded cases").fill("E2E-0, duplicate of E2E-1")
    auditor.get_by_role("button", name="Submit", exact=True).click()
    auditor.get_by_role("button", name="Confirm and submit").click()  # the confirmation page
    expect(auditor.get_by_text("Submitted. A submitted audit is never edited.")).to_be_visible()

    # 5. The reviewer confirms the validated rate.
    reviewer.goto(f"{base}/queues/")
    reviewer.get_by_role("row", name=re.compile("Contoso Support")).get_by_role(
        "link", name="Determine"
    ).click()
    reviewer.get_by_role("button", name="Determine").click()
    expect(reviewer.get_by_text("The final case rate is determined.")).to_be_visible()

    # 6. The auditor records the CSAT result, with the survey report as evidence.
    claim(auditor, base, "customer success survey (csat)")
    upload(auditor, {"Supporting document": pdf})
    auditor.get_by_label("Accepted", exact=True).check()
    auditor.get_by_label("Final CSAT score").fill("4.6")
    auditor.get_by_role("button", name="Submit", exact=True).click()
    auditor.get_by_role("button", name="Confirm and submit").click()  # the confirmation page
    expect(auditor.get_by_text("Submitted. A submitted audit is never edited.")).to_be_visible()

    # 7. ... and the capability assessment, with evidence for every component.
    claim(auditor, base, "capability assessment")
    upload(
        auditor,
        {
            label: png if index % 2 else pdf
            for index, (_code, label) in enumerate(audit_rules.CAPABILITY_COMPONENTS)
        },
    )
    expect(auditor.get_by_text("Evidence still missing")).to_have_count(0)
    screenshot("audit-form", auditor)
    for dimension in ("Support function", "Support staff skills", "Support performance metrics"):
        auditor.get_by_label(dimension).fill("82")
    auditor.get_by_role("button", name="Submit", exact=True).click()
    auditor.get_by_role("button", name="Confirm and submit").click()  # the confirmation page
    expect(auditor.get_by_text("Submitted. A submitted audit is never edited.")).to_be_visible()

    # 8. Contoso sees the badge on its dashboard and downloads the letter.
    page.goto(contoso_home)
    expect(page.get_by_role("heading", name="Badge")).to_be_visible()
    expect(page.locator(".progress-done")).to_have_count(5)
    shots = screenshot("dashboard")
    # The README screenshot is refreshed on purpose only: a test run edits no tracked file.
    if os.environ.get("UPDATE_README_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shots[0], DOCS / "dashboard.png")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Badge").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate letter (PDF)").click()
    letter = Path(download_info.value.path()).read_bytes()
    assert letter.startswith(b"%PDF")

    # 9. Anyone finds contoso in the directory, and its badge verifies as active.
    public = browser.new_context().new_page()
    public.goto(f"{base}/directory/")
    public.get_by_label("Search by name or partner ID").fill("Contoso")
    public.get_by_role("button", name="Filter").click()
    public.get_by_role("link", name="Contoso Support", exact=True).click()
    expect(public.get_by_text("Status: active")).to_be_visible()
