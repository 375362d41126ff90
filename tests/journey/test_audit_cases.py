"""The frozen case list of a performance assessment: the assigned auditor pages, searches and
downloads it; outsiders get 404; the page's query count is fixed."""

from datetime import date

import pytest
from django.urls import reverse

from assessments import services as audit_services
from assessments.models import AuditRecord
from journey import services
from metrics.models import Case
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(org, partner_admin, auditor):
    factories.rollups(org, cases_per_month=5, revenue_per_month="60000")
    cases = [
        Case(organization=org, case_id=f"C-{n:03}", opened_on=date(2026, 3, 1), program="CSP")
        for n in range(60)
    ]
    cases += [
        Case(organization=org, case_id="EA-1", opened_on=date(2026, 3, 1), program="EA"),
        Case(organization=org, case_id="OLD-1", opened_on=date(2024, 3, 1), program="CSP"),
        Case(
            organization=org,
            case_id="=HYPERLINK(1)",
            opened_on=date(2026, 4, 1),
            program="CSP",
            title="-2+3",
        ),
    ]
    Case.objects.bulk_create(cases)
    enrollment = enrollment_at("performance", organization=org)
    services.enrollment_start_performance(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    audit = AuditRecord.objects.get(enrollment=enrollment, kind="performance")
    audit_services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)
    return audit


def test_the_assigned_auditor_pages_and_searches_the_frozen_cases(client, auditor, frozen):
    client.force_login(auditor)
    url = reverse("audit-cases", args=[frozen.pk])
    html = client.get(url).content.decode()
    assert "(61)" in html  # 60 + the formula-looking one; not EA, not outside the window
    assert "C-000" in html and "C-049" in html and "C-050" not in html  # 50 a page
    assert "EA-1" not in html and "OLD-1" not in html
    assert "C-055" in client.get(url, {"page": 2}).content.decode()
    found = client.get(url, {"q": "c-05"}).content.decode()
    assert "(10 matching" in found and "C-051" in found and "C-001" not in found


def test_the_frozen_cases_download_as_csv_without_formulas(client, auditor, frozen):
    client.force_login(auditor)
    response = client.get(reverse("audit-cases", args=[frozen.pk]), {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "case_id,opened_on,severity,customer_tenant_id,title"
    assert len(lines) == 62
    assert "'=HYPERLINK(1),2026-04-01,,,'-2+3" in lines


def test_outsiders_get_404(client, frozen, other_org):
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    unassigned = factories.UserFactory(groups=["ISSI auditor"])
    for user in (outsider, unassigned):
        client.force_login(user)
        assert client.get(reverse("audit-cases", args=[frozen.pk])).status_code == 404


def test_the_case_list_has_a_fixed_number_of_queries(
    client, auditor, frozen, django_assert_max_num_queries
):
    client.force_login(auditor)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("audit-cases", args=[frozen.pk])).status_code == 200
