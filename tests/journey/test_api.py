"""The whole journey through the API as partner admin, reviewer and auditor; error answers."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from assessments import rules as audit_rules
from assessments.models import AuditRecord
from designation.models import Designation
from metrics.models import Case
from tests.assessments.factories import PASSING_SCORES, pdf_upload, survey_report
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, enrollment_at

pytestmark = pytest.mark.django_db


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def transition(client, enrollment_id, name, **data):
    url = reverse("enrollment-transitions", args=[enrollment_id, name])
    return client.post(url, data, format="json")


def audit_action(client, audit_id, name, data=None, **kwargs):
    return client.post(reverse(f"audit-{name}", args=[audit_id]), data or {}, **kwargs)


def test_the_whole_journey_through_the_api(
    api_client, today, org, partner_admin, reviewer, auditor, django_capture_on_commit_callbacks
):
    factories.rollups(org, cases_per_month=1, revenue_per_month="60000")  # 12 / 720k = 16.67
    Case.objects.create(organization=org, case_id="C-3", opened_on=date(2026, 5, 4), program="CSP")
    admin = as_user(api_client, partner_admin)
    created = admin.post(
        reverse("enrollment-list"), {"organization": org.pk, **PRE_ENROLLMENT_FORM}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    enrollment_id = body["id"]
    assert (body["state"], body["step"]) == ("draft", 1)
    assert body["available_transitions"] == ["submit", "withdraw"]

    body = transition(admin, enrollment_id, "submit").json()
    assert (body["state"], body["available_transitions"]) == ("eligibility_review", ["withdraw"])

    reviewer_client = as_user(type(api_client)(), reviewer)
    detail = reviewer_client.get(reverse("enrollment-detail", args=[enrollment_id])).json()
    assert detail["available_transitions"] == ["approve_eligibility", "reject_eligibility"]
    body = transition(reviewer_client, enrollment_id, "approve_eligibility", note="OK").json()
    assert (body["state"], body["step"]) == ("performance", 2)

    body = transition(admin, enrollment_id, "start_performance").json()
    performance = body["audits"][0]
    assert (performance["kind"], performance["status"], performance["fee_amount"]) == (
        "performance",
        "unassigned",
        "1350.00",
    )

    auditor_client = as_user(type(api_client)(), auditor)
    queue = auditor_client.get(reverse("audit-list")).json()["results"]
    assert [a["id"] for a in queue] == [performance["id"]]
    assert queue[0]["frozen_case_volume"] == 12 and queue[0]["frozen_case_rate"] == "16.67"
    assert audit_action(auditor_client, performance["id"], "claim").json()["status"] == "claimed"
    submitted = audit_action(
        auditor_client,
        performance["id"],
        "submit",
        {
            "validated_case_volume": 11,
            "excluded_cases": [{"case_id": "C-3", "reason": "Customer not in CSP"}],
        },
        format="json",
    )
    assert submitted.json()["proposed_case_rate"] == "15.28"
    determined = audit_action(reviewer_client, performance["id"], "determine", format="json")
    assert (determined.json()["verdict"], determined.json()["final_case_rate"]) == ("pass", "15.28")

    detail = admin.get(reverse("enrollment-detail", args=[enrollment_id])).json()
    assert (detail["state"], detail["step"]) == ("customer_success", 3)
    csat = next(a for a in detail["audits"] if a["kind"] == "csat")
    audit_action(auditor_client, csat["id"], "claim")
    survey_report(AuditRecord.objects.get(pk=csat["id"]))  # CSAT needs its survey report
    response = audit_action(
        auditor_client,
        csat["id"],
        "submit",
        {"methodology_ok": True, "score": "4.6"},
        format="json",
    )
    assert response.json()["valid_until"] == "2027-11-20"

    detail = admin.get(reverse("enrollment-detail", args=[enrollment_id])).json()
    assert (detail["state"], detail["step"]) == ("capability", 4)
    capability = next(a for a in detail["audits"] if a["kind"] == "capability")
    audit_action(auditor_client, capability["id"], "claim")
    for index, (code, _label) in enumerate(audit_rules.CAPABILITY_COMPONENTS):
        uploader = admin if index % 2 else auditor_client  # both may upload
        uploaded = audit_action(
            uploader,
            capability["id"],
            "evidence",
            {"component": code, "file": pdf_upload(f"{code}.pdf")},
            format="multipart",
        )
        assert uploaded.status_code == 201, uploaded.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = audit_action(
            auditor_client, capability["id"], "submit", {"scores": PASSING_SCORES}, format="json"
        )
    assert response.json()["verdict"] == "pass" and response.json()["capability_total"] == "75.00"

    detail = admin.get(reverse("enrollment-detail", args=[enrollment_id])).json()
    assert (detail["state"], detail["step"], detail["available_transitions"]) == ("enrolled", 5, [])
    assert [e["transition"] for e in detail["events"]][-3:] == [
        "pass_performance",
        "pass_customer_success",
        "pass_capability",
    ]
    designation = Designation.objects.get(organization=org)
    assert designation.anniversary_on.isoformat() == "2027-11-21"
    welcome = [m for m in mail.outbox if m.subject == "Your Support Services designation is active"]
    assert len(welcome) == 1 and welcome[0].to == ["dana@example.com", partner_admin.email]

    verified = type(api_client)().get(reverse("api-verify", args=[designation.credential_id]))
    body = verified.json()
    expected = {
        "credential_id": designation.credential_id,
        "organization": org.legal_name,
        "partner_id": org.partner_id,
        "designation": "Support Services",
        "status": "active",
        "state": "active",
        "attained_on": "2026-11-21",
        "valid_until": "2027-11-21",
        "signature": "valid",
        "credential_status": "active",
    }
    assert {key: body[key] for key in expected} == expected
    assert [(c["valid_from"], c["valid_until"]) for c in body["credentials"]] == [
        ("2026-11-21", "2027-11-21")
    ]


def test_errors_are_json_with_400_403_409(api_client, today, org, partner_admin, reviewer):
    enrollment = enrollment_at("eligibility_review", organization=org)
    admin = as_user(api_client, partner_admin)
    forbidden = transition(admin, enrollment.pk, "approve_eligibility")
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "Only a Microsoft reviewer can decide eligibility."
    reviewer_client = as_user(type(api_client)(), reviewer)
    no_reason = transition(reviewer_client, enrollment.pk, "reject_eligibility", reason="")
    assert no_reason.status_code == 400
    assert no_reason.json()["detail"] == "A reason is required to reject eligibility."
    assert transition(reviewer_client, enrollment.pk, "approve_eligibility").status_code == 200
    moved = transition(reviewer_client, enrollment.pk, "approve_eligibility")
    assert moved.status_code == 409 and "now “Performance assessment”" in moved.json()["detail"]
    unknown = transition(reviewer_client, enrollment.pk, "teleport")
    assert unknown.status_code == 404 and "Use one of: submit" in unknown.json()["detail"]


def test_another_organisations_enrollment_answers_404(api_client, today, partner_admin, other_org):
    enrollment = enrollment_at("performance", organization=other_org)
    admin = as_user(api_client, partner_admin)
    assert admin.get(reverse("enrollment-detail", args=[enrollment.pk])).status_code == 404
    response = transition(admin, enrollment.pk, "withdraw")
    assert response.status_code == 404 and response.json()["detail"]
    assert admin.get(reverse("enrollment-list")).json()["results"] == []
    created = admin.post(
        reverse("enrollment-list"),
        {"organization": other_org.pk, **PRE_ENROLLMENT_FORM},
        format="json",
    )
    assert created.status_code == 404


def test_pre_enrollment_form_errors_name_the_field(api_client, today, org, partner_admin):
    admin = as_user(api_client, partner_admin)
    response = admin.post(
        reverse("enrollment-list"),
        {**PRE_ENROLLMENT_FORM, "organization": org.pk, "attested": False, "csp_type": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"attested", "csp_type"}


def test_submit_with_an_unmet_prerequisite_answers_400_with_the_reason(
    api_client, today, org, partner_admin
):
    org.csp_enrollments.update(kind="indirect_reseller")
    enrollment = enrollment_at("draft", organization=org, submitted_on=None)
    response = transition(as_user(api_client, partner_admin), enrollment.pk, "submit")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "CSP Direct Bill or Distributor: Indirect resellers are not eligible" in detail
    assert "csp:" not in detail


def test_verification_of_an_unknown_credential_is_404(api_client):
    assert api_client.get(reverse("api-verify", args=["nope"])).status_code == 404


def test_excluded_cases_must_be_among_the_frozen_cases(api_client, org, partner_admin, auditor):
    from journey import services

    factories.rollups(org, cases_per_month=1, revenue_per_month="60000")
    Case.objects.create(organization=org, case_id="C-3", opened_on=date(2026, 5, 4), program="CSP")
    Case.objects.create(organization=org, case_id="EA-1", opened_on=date(2026, 5, 4), program="EA")
    enrollment = enrollment_at("performance", organization=org)
    services.enrollment_start_performance(
        enrollment_id=enrollment.pk, by=partner_admin, on=factories.TODAY
    )
    audit = AuditRecord.objects.get(enrollment=enrollment, kind="performance")
    client = as_user(type(api_client)(), auditor)
    audit_action(client, audit.pk, "claim")
    body = {
        "validated_case_volume": 9,  # 12 frozen, 3 excluded
        "excluded_cases": [
            {"case_id": "C-3", "reason": "Duplicate"},
            {"case_id": "EA-1", "reason": "Not CSP"},
            {"case_id": "NOPE", "reason": "Typo"},
        ],
    }
    refused = audit_action(client, audit.pk, "submit", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "excluded_cases"
    assert "EA-1, NOPE" in refused.json()["detail"]
    audit.refresh_from_db()
    assert (audit.status, audit.excluded_cases.count()) == ("claimed", 0)
    body["excluded_cases"] = body["excluded_cases"][:1]
    body["validated_case_volume"] = 11
    assert audit_action(client, audit.pk, "submit", body, format="json").status_code == 200
