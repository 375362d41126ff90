"""Journey pages: apply, follow, act with confirmation, review queues, audit forms, badge,
letter and public verification; scoping and fixed query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import rules as audit_rules
from assessments.models import AuditRecord, EvidenceFile
from designation.models import Designation, Enrollment
from tests.assessments.factories import PASSING_SCORES, audit_for, claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def page(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    return response, response.content.decode()


def test_partner_admin_applies_with_the_pre_enrollment_form(client, today, org, partner_admin):
    # The areas offered are the organisation's active Solutions Partner designations.
    org.solutions_partner_designations.create(
        area="modern_work", attained_on=date(2026, 1, 1), anniversary_on=date(2027, 1, 1)
    )
    client.force_login(partner_admin)
    response, html = page(client, "enrollment-home", org.pk)
    assert "Apply" in html and html.count('class="check check-') == 5
    response = client.post(
        reverse("enrollment-apply", args=[org.pk]),
        {
            "contact_name": "Dana",
            "contact_email": "dana@example.com",
            "solution_areas": ["security", "modern_work"],
            "csp_type": "direct_bill",
            "support_plan": "psfp",
            "attested": "on",
        },
    )
    enrollment = Enrollment.objects.get(organization=org)
    assert response.status_code == 302
    assert response.url == reverse("enrollment-page", args=[enrollment.pk])
    assert enrollment.state == "eligibility_review"
    assert enrollment.solution_areas == ["security", "modern_work"]
    _, html = page(client, "enrollment-page", enrollment.pk)
    assert "Eligibility review" in html and "step 1 of 5" in html
    assert "Withdraw this enrollment" in html


def test_apply_form_shows_errors_next_to_the_field_and_unmet_prerequisites(
    client, today, org, partner_admin
):
    client.force_login(partner_admin)
    response = client.post(reverse("enrollment-apply", args=[org.pk]), {"contact_name": "Dana"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_contact_email_error"' in html and 'id="id_attested_error"' in html
    org.support_contracts.update(ends_on=TODAY.replace(day=1))
    form = {
        "contact_name": "Dana",
        "contact_email": "dana@example.com",
        "solution_areas": ["security"],
        "csp_type": "direct_bill",
        "support_plan": "psfp",
        "attested": "on",
    }
    html = client.post(reverse("enrollment-apply", args=[org.pk]), form).content.decode()
    assert "Prerequisites not met on 2026-11-21: Partner support plan" in html
    assert Enrollment.objects.get(organization=org).state == "draft"


def test_withdraw_asks_for_confirmation_first(client, today, org, partner_admin):
    enrollment = enrollment_at("performance", organization=org)
    client.force_login(partner_admin)
    url = reverse("enrollment-transition", args=[enrollment.pk, "withdraw"])
    html = client.get(url).content.decode()
    assert "Withdraw this enrollment?" in html
    assert Enrollment.objects.get(pk=enrollment.pk).state == "performance"
    response = client.post(url, {"reason": "Not this year"})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).state == "withdrawn"


def test_start_performance_page_quotes_the_fee(client, today, org, partner_admin):
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000")
    enrollment = enrollment_at("performance", organization=org)
    client.force_login(partner_admin)
    url = reverse("enrollment-transition", args=[enrollment.pk, "start_performance"])
    assert "USD 1,350.00" in client.get(url).content.decode()
    client.post(url)
    assert AuditRecord.objects.get(enrollment=enrollment).kind == "performance"
    html = client.post(url).content.decode()  # a second start: refused, said on the page
    assert "already under way" in html


def test_reviewer_queue_is_oldest_first_and_reject_needs_a_reason(client, today, reviewer):
    newer = enrollment_at("eligibility_review", submitted_on=TODAY)
    older = enrollment_at("eligibility_review", submitted_on=TODAY.replace(day=1))
    client.force_login(reviewer)
    _, html = page(client, "review-queues")
    assert html.index(older.organization.legal_name) < html.index(newer.organization.legal_name)
    url = reverse("enrollment-transition", args=[older.pk, "reject_eligibility"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()
    client.post(url, {"reason": "Indirect reseller."})
    assert Enrollment.objects.get(pk=older.pk).reason == "Indirect reseller."


def test_queues_are_for_reviewers_only(client, partner_admin, auditor):
    for user in (partner_admin, auditor):
        client.force_login(user)
        assert client.get(reverse("review-queues")).status_code == 403


def test_auditor_claims_from_the_queue_and_submits_the_capability_form(client, today, auditor):
    queued = audit_for(enrollment_at("customer_success"), "csat")
    client.force_login(auditor)
    _, html = page(client, "audit-index")
    assert queued.enrollment.organization.legal_name in html
    client.post(reverse("audit-claim-form", args=[queued.pk]))
    assert AuditRecord.objects.get(pk=queued.pk).auditor == auditor

    capability = claimed_capability_audit(auditor=auditor)
    _, html = page(client, "audit-page", capability.pk)
    assert "Support staff skills" in html and "Total (mean of the dimensions)" in html
    assert "It passes at 70 total and 50 in every dimension." in html  # quoted before typing
    url = reverse("audit-submit-form", args=[capability.pk])
    confirm = client.post(url, PASSING_SCORES)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "this would pass" in html
    assert "never edited" in html and "supersedes" in html
    assert AuditRecord.objects.get(pk=capability.pk).status == "claimed"  # not yet
    response = client.post(url, {**PASSING_SCORES, "confirmed": "1"})
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=capability.enrollment_id).state == "enrolled"


def test_capability_submission_without_evidence_shows_what_is_missing(client, today, auditor):
    capability = claimed_capability_audit(auditor=auditor, with_evidence=False)
    client.force_login(auditor)
    html = client.post(
        reverse("audit-submit-form", args=[capability.pk]), PASSING_SCORES
    ).content.decode()
    assert "Evidence is required for every component" in html
    assert AuditRecord.objects.get(pk=capability.pk).status == "claimed"


def test_a_csat_confirmation_says_what_the_score_would_decide(client, today, auditor):
    from tests.assessments.factories import survey_report

    enrollment = enrollment_at("customer_success", attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    client.force_login(auditor)
    _, html = page(client, "audit-page", audit.pk)
    assert "it passes at or above 4.0 with the survey methodology accepted" in html
    url = reverse("audit-submit-form", args=[audit.pk])
    missing = client.post(url, {"methodology_ok": "yes", "score": "3.9"}).content.decode()
    assert "customer success survey report" in missing
    survey_report(audit)
    html = client.post(url, {"methodology_ok": "yes", "score": "3.9"}).content.decode()
    assert (
        "A score of 3.9 with the methodology accepted against the minimum 4.0: this would fail"
        in html
    )
    assert 'name="confirmed" value="1"' in html
    assert AuditRecord.objects.get(pk=audit.pk).status == "claimed"


def test_the_determine_page_shows_the_figures_and_the_outcome(client, today, reviewer, auditor):
    enrollment = enrollment_at("performance", attempt_status="in_progress")
    audit = audit_for(
        enrollment,
        "performance",
        auditor=auditor,
        status="submitted",
        frozen_case_volume=58,
        frozen_billed_revenue_usd="2000000.00",
        validated_case_volume=50,
        proposed_case_rate="25.00",
    )
    client.force_login(reviewer)
    _, html = page(client, "audit-page", audit.pk)
    for words in (
        "Frozen case volume",
        "58 CSP cases",
        "Validated case volume",
        "2000000.00",
        "25.00",
        "at or below 20.00",
        "fail (the rate is above the target)",
    ):
        assert words in html, words


def test_partner_uploads_evidence_from_the_audit_page(client, today, partner_admin, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.assessments.factories import PDF_BYTES

    capability = audit_for(enrollment_at("capability", organization=org), "capability")
    client.force_login(partner_admin)
    response = client.post(
        reverse("audit-evidence-form", args=[capability.pk]),
        {"files_case_management": SimpleUploadedFile("cases.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    assert EvidenceFile.objects.get().component == "case_management"
    html = client.post(
        reverse("audit-evidence-form", args=[capability.pk]),
        {"files_case_management": SimpleUploadedFile("x.pdf", b"<html></html>")},
    ).content.decode()
    assert "This file is HTML" in html


def test_badge_letter_and_public_verification(client, today, org, partner_member):
    enrollment = enrollment_at("enrolled", organization=org)
    designation = Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=TODAY,
        anniversary_on=TODAY.replace(year=2027),
    )
    client.force_login(partner_member)
    _, html = page(client, "badge", org.pk)
    assert designation.credential_id in html and "2027-11-21" in html
    letter = client.get(reverse("badge-letter", args=[org.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment;")
    assert letter.content.startswith(b"%PDF")
    assert org.legal_name.encode() in letter.content and b"2027-11-21" in letter.content
    assert f"/verify/{designation.credential_id}/".encode() in letter.content
    client.logout()
    _, html = page(client, "verify-page", designation.credential_id)
    assert "Status: active" in html and org.legal_name in html


def test_another_organisations_journey_pages_answer_404(client, partner_admin, other_org):
    enrollment = enrollment_at("performance", organization=other_org)
    audit = audit_for(enrollment, "performance")
    client.force_login(partner_admin)
    for name, args in [
        ("enrollment-home", [other_org.pk]),
        ("enrollment-page", [enrollment.pk]),
        ("enrollment-transition", [enrollment.pk, "withdraw"]),
        ("organization-assessments", [other_org.pk]),
        ("badge", [other_org.pk]),
        ("badge-letter", [other_org.pk]),
        ("audit-page", [audit.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_journey_pages_have_a_fixed_query_count(
    client, today, org, partner_admin, reviewer, auditor, django_assert_max_num_queries
):
    enrollment = enrollment_at("capability", organization=org)
    audit = audit_for(enrollment, "capability", auditor=auditor)
    urls = [
        reverse("enrollment-page", args=[enrollment.pk]),
        reverse("audit-page", args=[audit.pk]),
        reverse("organization-assessments", args=[org.pk]),
        reverse("badge", args=[org.pk]),
    ]
    client.force_login(partner_admin)
    before = [_queries(client, url) for url in urls]
    for attempt, kind in enumerate(("performance", "csat", "performance", "csat"), start=2):
        audit_for(enrollment, kind, attempt=attempt)
    for code, _label in audit_rules.CAPABILITY_COMPONENTS:
        EvidenceFile.objects.create(
            audit=audit,
            component=code,
            file=f"evidence/{code}.pdf",
            original_name=f"{code}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=partner_admin,
        )
    assert [_queries(client, url) for url in urls] == before
    for url, limit in zip(urls, (17, 20, 15, 14), strict=True):
        with django_assert_max_num_queries(limit):
            client.get(url)
    for user, url in ((reviewer, reverse("review-queues")), (auditor, reverse("audit-index"))):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            client.get(url)
