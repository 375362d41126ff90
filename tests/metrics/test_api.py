"""API: the case rate (SPEC section 12) and the cases and revenue imports."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from metrics import selectors
from metrics.models import Case, ImportRecord, MonthlyRollup
from tests.metrics.conftest import CASES_HEADER, REVENUE_HEADER, TODAY, csv_bytes

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "cases.csv") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def _post(api_client, org, kind: str, data: bytes):
    url = reverse(f"api-{kind}-import", args=[org.pk])
    return api_client.post(url, _upload(data, f"{kind}.csv"), format="multipart")


@pytest.fixture
def as_admin(api_client, partner_admin):
    api_client.force_authenticate(partner_admin)
    return api_client


def test_cases_import_answers_the_counts(as_admin, org):
    data = csv_bytes(CASES_HEADER, "A-1,2026-01-02,CSP,,,", "A-2,2026-01-03,EA,,,")
    response = _post(as_admin, org, "cases", data)
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert _post(as_admin, org, "cases", data).json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    assert Case.objects.filter(organization=org).count() == 2


def test_revenue_import_answers_the_counts(as_admin, org):
    response = _post(as_admin, org, "revenue", csv_bytes(REVENUE_HEADER, "2026-02,ACR,12.5"))
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert MonthlyRollup.objects.get(organization=org).acr_revenue_usd == Decimal("12.50")


def test_a_bad_file_answers_400_with_every_error_and_changes_nothing(as_admin, org):
    data = csv_bytes(CASES_HEADER, "B-1,2026-01-02,CSP,,,", "B-2,2026-02-31,CSP,,,", "B-1,x,CSP,,,")
    response = _post(as_admin, org, "cases", data)
    assert response.status_code == 400
    body = response.json()
    assert body["error_count"] == 3
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (3, "opened_on"),
        (4, "case_id"),
        (4, "opened_on"),
    ]
    assert "nothing was changed" in body["detail"]
    assert not Case.objects.exists()
    assert ImportRecord.objects.get().outcome == "rejected"


def test_an_empty_file_and_a_missing_file_are_refused_clearly(as_admin, org):
    url = reverse("api-cases-import", args=[org.pk])
    empty = as_admin.post(url, _upload(b""), format="multipart")
    assert empty.status_code == 400
    # Django refuses an empty upload before the importer sees it; either way it says so.
    assert "empty" in str(empty.json()).lower()
    missing = as_admin.post(url, {}, format="multipart")
    assert missing.status_code == 400
    # In the import answer's own shape, as the schema says.
    assert [e["column"] for e in missing.json()["errors"]] == ["file"]
    assert missing.json()["error_count"] == 1


def test_a_file_over_the_limit_is_refused(as_admin, org):
    data = csv_bytes(CASES_HEADER, "C-1,2026-01-02,CSP,,,")
    with override_settings(IMPORT_MAX_BYTES=10):
        response = _post(as_admin, org, "cases", data)
    assert response.status_code == 400
    assert "larger than" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_partner_member_may_not_import(api_client, partner_member, org):
    api_client.force_authenticate(partner_member)
    response = _post(api_client, org, "cases", csv_bytes(CASES_HEADER, "D-1,2026-01-02,CSP,,,"))
    assert response.status_code == 403
    assert "partner admin" in response.json()["detail"]
    assert not Case.objects.exists() and not ImportRecord.objects.exists()


def test_another_organisations_import_and_case_rate_answer_404(as_admin, other_org):
    for kind in ("cases", "revenue"):
        assert _post(as_admin, other_org, kind, csv_bytes(CASES_HEADER)).status_code == 404
    url = reverse("api-case-rate", args=[other_org.pk])
    assert as_admin.get(url).status_code == 404
    assert not ImportRecord.objects.exists()


def test_anonymous_callers_get_401(api_client, org):
    assert api_client.get(reverse("api-case-rate", args=[org.pk])).status_code == 401


@pytest.fixture
def figures_data(as_admin, org):
    _post(
        as_admin,
        org,
        "cases",
        csv_bytes(CASES_HEADER, *[f"E-{n},2026-0{1 + n % 9}-05,CSP,,," for n in range(31)]),
    )
    _post(
        as_admin,
        org,
        "revenue",
        csv_bytes(REVENUE_HEADER, "2026-03,CSP,1000000.00", "2026-04,ACR,500000"),
    )
    return org


def test_case_rate_answers_the_spec_fields_with_strings_for_money(as_admin, figures_data):
    url = reverse("api-case-rate", args=[figures_data.pk])
    response = as_admin.get(url, {"as_of": "2026-11-21"})
    assert response.status_code == 200
    assert response.json() == {
        "organization": figures_data.pk,
        "as_of": "2026-11-21",
        "window_start": "2025-11-01",
        "window_end": "2026-10-31",
        "case_volume": 31,
        "billed_revenue_usd": "1500000.00",
        "case_rate": "20.67",
        "case_rate_target": "20.00",
        "meets_target": False,
    }


def test_case_rate_and_selector_return_the_same_figures(as_admin, figures_data):
    for as_of in (date(2026, 11, 21), date(2026, 4, 1), date(2025, 1, 1)):
        body = as_admin.get(
            reverse("api-case-rate", args=[figures_data.pk]), {"as_of": as_of.isoformat()}
        ).json()
        figures = selectors.case_rate_for(figures_data, as_of)
        assert body["case_volume"] == figures.case_volume
        assert Decimal(body["billed_revenue_usd"]) == figures.billed_revenue_usd
        expected = None if figures.case_rate is None else f"{figures.case_rate:.2f}"
        assert body["case_rate"] == expected
    # Before any revenue the rate is null, not zero.
    assert body["case_rate"] is None


def test_case_rate_defaults_to_today_and_refuses_a_bad_date(as_admin, org, time_machine):
    time_machine.move_to("2026-11-21 12:00Z")
    url = reverse("api-case-rate", args=[org.pk])
    assert as_admin.get(url).json()["as_of"] == TODAY.isoformat()
    bad = as_admin.get(url, {"as_of": "21/11/2026"})
    assert bad.status_code == 400
    assert "as_of" in bad.json()["errors"]


def test_reviewers_and_members_read_the_case_rate(api_client, reviewer, partner_member, org):
    for user in (reviewer, partner_member):
        api_client.force_authenticate(user)
        assert api_client.get(reverse("api-case-rate", args=[org.pk])).status_code == 200


def test_case_rate_runs_a_fixed_number_of_queries(
    as_admin, figures_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        as_admin.get(reverse("api-case-rate", args=[figures_data.pk]), {"as_of": "2026-11-21"})
