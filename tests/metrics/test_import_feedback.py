"""What a partner admin is told about an import: the forms come first on the Metrics page, a
file refused for any reason (even an empty one) is recorded with what was wrong, a missing file
is said next to the field, and a good import shows what changed per month and the case rate
before and after."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import ImportRecord
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, partner_admin, today):
    client.force_login(partner_admin)
    return client


def upload(client, org, kind: str, data: bytes | None, name: str = ""):
    files = {}
    if data is not None:
        files[f"{kind}-file"] = SimpleUploadedFile(
            name or f"{kind}.csv", data, content_type="text/csv"
        )
    return client.post(reverse("metrics-import", args=[org.pk, kind]), files)


def test_import_forms_come_before_the_figures(admin_client, org):
    html = admin_client.get(reverse("metrics-overview", args=[org.pk])).content.decode()
    assert html.index('id="import-heading"') < html.index('id="rate-heading"')
    assert html.index('id="import-heading"') < html.index('id="trend-heading"')


def test_an_empty_file_is_recorded_and_says_it_is_empty(admin_client, org):
    response = upload(admin_client, org, "cases", b"")
    record = ImportRecord.objects.get(organization=org)
    assert response.url == reverse("metrics-import-detail", args=[org.pk, record.pk])
    assert record.outcome == ImportRecord.Outcome.REJECTED
    page = admin_client.get(response.url).content.decode()
    assert "The file is empty. Upload cases.csv with a header row" in page
    assert "Choose a cases.csv file" not in page
    history = admin_client.get(reverse("metrics-overview", args=[org.pk])).content.decode()
    assert "Rejected, nothing changed" in history


def test_no_file_is_said_next_to_the_field_and_nothing_is_recorded(admin_client, org):
    response = upload(admin_client, org, "revenue", None)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_revenue-file_error">No file was chosen' in html
    assert 'href="#id_revenue-file"' in html  # the error summary links to the field
    assert not ImportRecord.objects.exists()


def test_a_good_import_shows_what_changed_per_month_and_the_rate_before_and_after(
    admin_client, org, today
):
    months = ["2026-03", "2026-04"]
    revenue = [f"{m},CSP,100000.00" for m in months]
    upload(admin_client, org, "revenue", csv_bytes(REVENUE_HEADER, *revenue))
    cases = [f"C-{n},{months[n % 2]}-0{1 + n % 9},CSP,,," for n in range(6)]
    upload(admin_client, org, "cases", csv_bytes(CASES_HEADER, *cases))
    # Again, with one case changed and two new ones in April.
    cases[1] = cases[1].replace(",CSP,,,", ",CSP,,A,")
    cases += ["C-10,2026-04-20,CSP,,,", "C-11,2026-04-21,CSP,,,"]
    response = upload(admin_client, org, "cases", csv_bytes(CASES_HEADER, *cases))
    record = ImportRecord.objects.filter(kind="cases").first()
    assert record.changes["months"] == [
        {"month": "2026-03", "created": 0, "updated": 0, "unchanged": 3},
        {"month": "2026-04", "created": 2, "updated": 1, "unchanged": 2},
    ]
    assert (record.changes["case_rate_before"], record.changes["case_rate_after"]) == (
        "30.00",
        "40.00",
    )
    page = admin_client.get(response.url).content.decode()
    assert "30.00 before this import, 40.00 after it" in page
    assert '<th scope="row">2026-04</th><td class="num">2</td><td class="num">1</td>' in page


def test_reimporting_the_same_file_says_the_rate_is_unchanged(admin_client, org):
    data = csv_bytes(REVENUE_HEADER, "2026-05,ACR,5000.00")
    upload(admin_client, org, "revenue", data)
    response = upload(admin_client, org, "revenue", data)
    page = admin_client.get(response.url).content.decode()
    assert "Unchanged at" in page
    assert '<td class="num">0</td><td class="num">0</td><td class="num">1</td>' in page
