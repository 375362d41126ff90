"""Queue search (organisation name, partner ID), filters (country, solution area, age), sort and
CSV export, on the reviewer queues and the auditor's audits; bad input is a message."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.assessments.factories import audit_for
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def test_reviewer_queue_search_filter_sort_and_csv(client, today, reviewer):
    contoso = factories.EligibleOrganizationFactory(legal_name="Contoso Support")
    fabrikam = factories.EligibleOrganizationFactory(legal_name="=Fabrikam", country="DE")
    enrollment_at("eligibility_review", organization=contoso)
    enrollment_at("eligibility_review", organization=fabrikam, submitted_on=TODAY - timedelta(10))
    client.force_login(reviewer)
    url = reverse("review-queues")
    html = client.get(url, {"q": "contoso"}).content.decode()
    assert "Contoso Support" in html and "=Fabrikam" not in html
    html = client.get(url, {"country": "de"}).content.decode()
    assert "=Fabrikam" in html and "Contoso Support" not in html
    assert "Contoso" not in client.get(url, {"older_than_days": "5"}).content.decode()
    newest = client.get(url, {"sort": "newest"}).content.decode()
    assert newest.index("Contoso Support") < newest.index("=Fabrikam")
    csv = client.get(url, {"sort": "oldest", "export": "eligibility"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "organisation,partner_id,country,waiting_since,link"
    assert lines[1].startswith("'=Fabrikam,") and lines[2].startswith("Contoso Support,")
    assert lines[1].split(",")[3] == (TODAY - timedelta(10)).isoformat()
    bad = client.get(url, {"older_than_days": "soon", "sort": "random"})
    assert bad.status_code == 200
    assert "older_than_days: give a whole number of days" in bad.content.decode()


def test_auditor_queue_filters_and_exports(client, today, auditor):
    contoso = factories.EligibleOrganizationFactory(legal_name="Contoso Support")
    litware = factories.EligibleOrganizationFactory(legal_name="Litware")
    audit_for(enrollment_at("capability", organization=contoso), "capability")
    audit_for(enrollment_at("capability", organization=litware), "capability")
    client.force_login(auditor)
    html = client.get(reverse("audit-index"), {"q": "litware"}).content.decode()
    assert "Litware" in html and "Contoso Support" not in html
    csv = client.get(reverse("audit-index"), {"export": "unclaimed"}).content.decode()
    assert "Contoso Support" in csv and "Litware" in csv


def test_the_api_gives_the_same_filters(api_client, today, reviewer, auditor):
    contoso = factories.EligibleOrganizationFactory(legal_name="Contoso Support", country="US")
    enrollment_at("eligibility_review", organization=factories.EligibleOrganizationFactory())
    enrollment_at("eligibility_review", organization=contoso)
    api_client.force_authenticate(reviewer)
    body = api_client.get("/api/v1/queues/eligibility/", {"q": "Contoso"}).json()
    assert [r["organization_name"] for r in body["results"]] == ["Contoso Support"]
    bad = api_client.get("/api/v1/queues/eligibility/", {"older_than_days": "x"})
    assert bad.status_code == 400 and "older_than_days" in bad.json()["detail"]
    assert api_client.get("/api/v1/queues/nothing/").status_code == 404
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/queues/eligibility/").status_code == 403
    assert api_client.get("/api/v1/queues/unclaimed/").status_code == 200
