"""Pages: the metrics page, browser imports with their errors, import progress."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Case, ImportRecord, MonthlyRollup
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, partner_admin):
    client.force_login(partner_admin)
    return client


def _upload(client, org, kind: str, data: bytes):
    return client.post(
        reverse("metrics-import", args=[org.pk, kind]),
        {f"{kind}-file": SimpleUploadedFile(f"{kind}.csv", data, content_type="text/csv")},
    )


def test_browser_import_runs_and_shows_its_counts(admin_client, org):
    response = _upload(admin_client, org, "cases", csv_bytes(CASES_HEADER, "W-1,2026-01-05,CSP,,,"))
    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metrics-import-detail", args=[org.pk, record.pk])
    page = admin_client.get(response.url).content.decode()
    assert "1 row imported: 1 new, 0 changed, 0 unchanged." in page
    assert Case.objects.filter(organization=org).count() == 1


def test_browser_import_errors_are_shown_as_a_table(admin_client, org):
    data = csv_bytes(REVENUE_HEADER, "2026-01,CSP,10", "2026-02,XYZ,-4")
    page = admin_client.get(_upload(admin_client, org, "revenue", data).url).content.decode()
    assert '<th scope="col" class="num">Row</th>' in page
    assert (
        '<td class="num">3</td><td>source</td><td>“XYZ” is not a source: use CSP or ACR.</td>'
        in page
    )
    assert (
        "“-4” is out of range: give an amount in USD from 0 to 999,999,999,999.99 "
        "with at most two decimal places" in page
    )
    assert "nothing was changed" in page
    assert not MonthlyRollup.objects.exists()


def test_metrics_page_shows_the_rate_against_the_target_and_the_trend(admin_client, org):
    _upload(
        admin_client,
        org,
        "cases",
        csv_bytes(CASES_HEADER, *[f"V-{n},2026-03-0{1 + n % 9},CSP,,," for n in range(30)]),
    )
    _upload(
        admin_client,
        org,
        "revenue",
        csv_bytes(REVENUE_HEADER, "2026-03,CSP,1234567.8", "2026-04,ACR,0"),
    )
    page = admin_client.get(
        reverse("metrics-overview", args=[org.pk]), {"as_of": "2026-11-21"}
    ).content.decode()
    assert '<dd data-figure="case_rate">24.30</dd>' in page
    assert '<dd data-figure="case_rate_target">20.00</dd>' in page
    assert '<dd data-figure="case_volume">30</dd>' in page
    assert '<dd data-figure="billed_revenue_usd">USD 1,234,567.80</dd>' in page
    assert "2025-11-01 to 2026-10-31" in page
    assert "is above the target of at most 20.00" in page
    assert (
        "It would meet it with 6 fewer CSP cases, or with USD 265,057.30 more billed revenue"
        in page
    )
    assert page.count('<tr><th scope="row">') == 24
    march = '<tr><th scope="row">2026-03</th><td class="num">30</td>'
    assert march + '<td class="num">USD 1,234,567.80</td>' in page
    assert f'action="/organizations/{org.pk}/metrics/import/cases/"' in page
    assert "cases.csv" in page and "Recent imports" in page


def test_metrics_page_says_when_there_is_no_revenue(admin_client, org):
    page = admin_client.get(reverse("metrics-overview", args=[org.pk])).content.decode()
    assert "No billed revenue in the window: the case rate is undefined" in page
    assert '<dd data-figure="case_rate">–</dd>' in page


def test_a_partner_member_reads_but_may_not_import(client, partner_member, org):
    client.force_login(partner_member)
    page = client.get(reverse("metrics-overview", args=[org.pk])).content.decode()
    assert "Only a partner admin" in page
    assert "metrics/import/cases/" not in page
    response = _upload(client, org, "cases", csv_bytes(CASES_HEADER, "U-1,2026-01-05,CSP,,,"))
    assert response.status_code == 403
    assert not Case.objects.exists() and not ImportRecord.objects.exists()


def test_another_organisations_metrics_pages_answer_404(admin_client, other_org):
    assert admin_client.get(reverse("metrics-overview", args=[other_org.pk])).status_code == 404
    response = _upload(
        admin_client, other_org, "cases", csv_bytes(CASES_HEADER, "T-1,2026-01-05,CSP,,,")
    )
    assert response.status_code == 404
    record = ImportRecord.objects.create(organization=other_org, kind="cases", file_name="x.csv")
    for name in ("metrics-import-detail", "metrics-import-status"):
        assert admin_client.get(reverse(name, args=[other_org.pk, record.pk])).status_code == 404


def test_a_running_import_shows_a_progress_bar_fed_by_its_status(admin_client, org, partner_admin):
    record = ImportRecord.objects.create(
        organization=org,
        kind="cases",
        file_name="big.csv",
        imported_by=partner_admin,
        status=ImportRecord.Status.VALIDATING,
        progress=40,
    )
    page = admin_client.get(
        reverse("metrics-import-detail", args=[org.pk, record.pk])
    ).content.decode()
    assert '<progress id="import-progress-bar" max="100" value="40">' in page
    assert "js/import-progress.js" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
    status = admin_client.get(reverse("metrics-import-status", args=[org.pk, record.pk])).json()
    assert status == {
        "status": "validating",
        "status_label": "Checking every row",
        "progress": 40,
        "finished": False,
    }


def test_recent_imports_are_listed_newest_first_and_paginated(admin_client, org, partner_admin):
    ImportRecord.objects.bulk_create(
        ImportRecord(
            organization=org, kind="cases", file_name=f"file-{n:02}.csv", imported_by=partner_admin
        )
        for n in range(12)
    )
    page = admin_client.get(reverse("metrics-overview", args=[org.pk])).content.decode()
    assert "file-11.csv" in page and "file-02.csv" in page and "file-01.csv" not in page
    assert "Page 1 of 2" in page
    second = admin_client.get(
        reverse("metrics-overview", args=[org.pk]), {"page": 2}
    ).content.decode()
    assert "file-01.csv" in second and "file-00.csv" in second


def _page_queries(client, org) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert (
            client.get(
                reverse("metrics-overview", args=[org.pk]), {"as_of": "2026-11-21"}
            ).status_code
            == 200
        )
    return len(captured.captured_queries)


def test_metrics_page_query_count_is_fixed_whatever_the_data(admin_client, org, partner_admin):
    ImportRecord.objects.create(organization=org, kind="cases", file_name="f.csv")
    small = _page_queries(admin_client, org)
    MonthlyRollup.objects.bulk_create(
        MonthlyRollup(organization=org, month=date(2024 + n // 12, 1 + n % 12, 1), csp_case_count=n)
        for n in range(36)
    )
    ImportRecord.objects.bulk_create(
        ImportRecord(organization=org, kind="cases", file_name="f.csv", imported_by=partner_admin)
        for _ in range(25)
    )
    assert _page_queries(admin_client, org) == small
    assert small <= 14


def test_the_left_navigation_links_to_metrics(admin_client, org):
    page = admin_client.get(reverse("organization-overview", args=[org.pk])).content.decode()
    assert reverse("metrics-overview", args=[org.pk]) in page
