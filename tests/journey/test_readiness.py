"""The readiness page, its dashboard card and API, and the evidence library."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import rules as audit_rules
from assessments.models import EvidenceFile, PreparedEvidence
from tests.assessments.factories import audit_for, pdf_upload
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at, rollups

pytestmark = pytest.mark.django_db

# Session, user, the one role lookup, the organisation with its facts and the readiness figures.
READINESS_QUERIES = 12  # the bell and the navigation come with the one role lookup


def readiness_url(org, **query):
    url = reverse("readiness-page", args=[org.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_readiness_page_gives_each_steps_outlook_and_the_fees_with_retakes(
    client, today, org, partner_admin
):
    rollups(org, cases_per_month=25, revenue_per_month="100000.00")  # 300 / USD 1.2M = 250.00
    client.force_login(partner_admin)
    html = client.get(readiness_url(org)).content.decode()
    assert "Case rate 250.00" in html and "above the target of at most 20.00" in html
    assert "Missing: Support processes and procedures" in html
    assert "No survey on record yet" in html
    # Performance looks likely to fail: priced with a retake (1,350 x 2 + 500 + 1,500).
    assert "USD 4,700.00" in html and "1 expected retake" in html


def test_a_support_plan_ending_before_the_capability_audit_puts_prerequisites_at_risk(
    client, today, org, partner_admin
):
    org.support_contracts.update(ends_on=TODAY + timedelta(days=40))
    client.force_login(partner_admin)
    html = client.get(readiness_url(org, start_on=TODAY.isoformat())).content.decode()
    assert "Partner support plan holds on 2026-11-21 but not on 2027-02-18" in html
    assert "Your support plan ended on 2026-12-31." in html


def test_a_start_day_ahead_says_how_much_of_the_window_is_still_to_come(
    client, today, org, partner_admin
):
    client.force_login(partner_admin)
    html = client.get(readiness_url(org, start_on="2027-03-15")).content.decode()
    assert "TTM window 2026-03-01 to 2027-02-28" in html
    assert "4 months of this window are still to come" in html


def test_a_bad_start_day_shows_today_with_a_message(client, today, org, partner_admin):
    client.force_login(partner_admin)
    response = client.get(readiness_url(org, start_on="not-a-day"))
    assert response.status_code == 200
    assert "is not a date in the form YYYY-MM-DD" in response.content.decode()


def test_readiness_page_query_count_is_fixed(
    client, today, org, partner_admin, django_assert_max_num_queries
):
    rollups(org, cases_per_month=1, revenue_per_month="100000.00")
    client.force_login(partner_admin)
    client.get(readiness_url(org))
    with django_assert_max_num_queries(READINESS_QUERIES):
        assert client.get(readiness_url(org)).status_code == 200
    # A longer history (attempts, prepared files, an open audit with evidence) adds none.
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    for attempt in range(1, 4):
        audit_for(enrollment, "csat", attempt=attempt, status="submitted")
    audit = audit_for(enrollment, "capability")
    for code, _label in audit_rules.CAPABILITY_COMPONENTS[:4]:
        client.post(
            reverse("evidence-library", args=[org.pk]), {"component": code, "file": pdf_upload()}
        )
    client.post(reverse("evidence-library-attach", args=[org.pk]))
    assert EvidenceFile.objects.filter(audit=audit).count() == 4
    with django_assert_max_num_queries(READINESS_QUERIES):
        html = client.get(readiness_url(org)).content.decode()
    assert "Passed</span>" in html and html.count("(attached)") == 4


def test_partner_admin_prepares_evidence_and_attaches_it_when_the_audit_opens(
    client, today, org, partner_admin
):
    client.force_login(partner_admin)
    url = reverse("evidence-library", args=[org.pk])
    response = client.post(url, {"component": "service_levels", "file": pdf_upload("sla.pdf")})
    assert response.status_code == 302
    prepared = PreparedEvidence.objects.get(organization=org)
    assert (prepared.component, prepared.original_name) == ("service_levels", "sla.pdf")
    html = client.get(readiness_url(org)).content.decode()
    assert "Evidence ready for 1 of 11 components." in html
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "capability")
    response = client.post(reverse("evidence-library-attach", args=[org.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/audits/{audit.pk}/")
    evidence = EvidenceFile.objects.get(audit=audit)
    assert evidence.component == "service_levels" and evidence.sha256 == prepared.sha256
    prepared.refresh_from_db()
    assert prepared.attached_to == evidence
    # Attaching again adds nothing: each prepared file is attached once.
    client.post(reverse("evidence-library-attach", args=[org.pk]))
    assert EvidenceFile.objects.filter(audit=audit).count() == 1


def test_prepared_evidence_goes_through_the_same_content_checks(client, today, org, partner_admin):
    client.force_login(partner_admin)
    fake = SimpleUploadedFile("report.pdf", b"<html><body>hi</body></html>", "application/pdf")
    response = client.post(
        reverse("evidence-library", args=[org.pk]), {"component": "service_levels", "file": fake}
    )
    assert response.status_code == 400
    assert "This file is HTML" in response.content.decode()
    assert not PreparedEvidence.objects.exists()


def test_attaching_without_an_open_capability_audit_keeps_evidence_prepared(
    client, today, org, partner_admin
):
    client.force_login(partner_admin)
    client.post(
        reverse("evidence-library", args=[org.pk]),
        {"component": "service_levels", "file": pdf_upload()},
    )
    response = client.post(reverse("evidence-library-attach", args=[org.pk]), follow=True)
    assert "No capability audit is open yet" in response.content.decode()
    assert PreparedEvidence.objects.get().attached_to is None


def test_a_partner_member_cannot_prepare_evidence(client, today, org, partner_member):
    client.force_login(partner_member)
    response = client.post(
        reverse("evidence-library", args=[org.pk]),
        {"component": "service_levels", "file": pdf_upload()},
    )
    assert response.status_code == 403 and not PreparedEvidence.objects.exists()


def test_dashboard_shows_the_compact_readiness_card(client, today, org, partner_admin):
    rollups(org, cases_per_month=1, revenue_per_month="100000.00")  # 12 / 1.2M = 10.00
    for code, _label in audit_rules.CAPABILITY_COMPONENTS:
        PreparedEvidence.objects.create(
            organization=org,
            component=code,
            file="prepared/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=partner_admin,
        )
    client.force_login(partner_admin)
    html = client.get(reverse("organization-overview", args=[org.pk])).content.decode()
    assert "Readiness if you start on 2026-11-21" in html
    card = html.split('id="readiness-heading"')[1].split("</section>")[0]
    assert card.count("Ready</span>") == 3  # prerequisites, performance, capability
    assert "Not known yet</span> Customer success survey" in card
    assert "Fees ahead: USD 3,350.00." in card


def test_readiness_api_answers_the_outlook_scoped_to_the_caller(
    api_client, today, org, other_org, partner_member
):
    rollups(org, cases_per_month=1, revenue_per_month="100000.00")
    api_client.force_authenticate(partner_member)
    url = f"/api/v1/organizations/{org.pk}/readiness/"
    body = api_client.get(url, {"start_on": "2026-12-01"}).json()
    assert body["start_on"] == "2026-12-01" and body["expected_end_on"] == "2027-02-28"
    assert body["case_rate"] == "10.00" and body["overall"] == "at_risk"
    assert [s["outlook"] for s in body["steps"]] == ["likely", "likely", "unknown", "at_risk"]
    assert body["fee_totals"] == ["USD 3,350.00"] and body["expected_retakes"] == 0
    assert api_client.get(f"/api/v1/organizations/{other_org.pk}/readiness/").status_code == 404
    bad = api_client.get(url, {"start_on": "2026-13-01"})
    assert bad.status_code == 400 and "start_on" in bad.json()["errors"]
    assert api_client.get(url, {"start_on": "2000-01-01"}).status_code == 400  # no rules yet


def test_a_step_already_passed_is_marked_and_not_charged(api_client, today, org, partner_admin):
    enrollment_at("customer_success", organization=org)
    api_client.force_authenticate(partner_admin)
    body = api_client.get(f"/api/v1/organizations/{org.pk}/readiness/").json()
    assert [s["outlook"] for s in body["steps"]][:2] == ["done", "done"]
    assert [f["kind"] for f in body["fees"]] == ["csat", "capability"]


def test_other_organisations_admin_gets_404_on_the_readiness_page(client, today, org):
    other_admin = factories.MembershipFactory(role="admin").user
    client.force_login(other_admin)
    assert client.get(readiness_url(org)).status_code == 404
