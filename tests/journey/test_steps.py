"""The whole journey through the services: each step, the audit it opens, what it grants."""

from decimal import Decimal

import pytest
from django.core import mail

from assessments import services as audit_services
from assessments.models import AuditRecord
from designation.models import Designation, Enrollment, IncentiveGrant
from journey import services
from tests.assessments.factories import PASSING_SCORES, pdf_upload, survey_report
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY

pytestmark = pytest.mark.django_db


def upload_all_capability_evidence(audit, by):
    from assessments import rules as audit_rules

    for code, _label in audit_rules.CAPABILITY_COMPONENTS:
        audit_services.evidence_upload(
            audit_id=audit.pk, by=by, upload=pdf_upload(f"{code}.pdf"), component=code
        )


def test_first_attainment_from_draft_to_enrolled(
    org, partner_admin, reviewer, auditor, django_capture_on_commit_callbacks
):
    factories.rollups(org, cases_per_month=1, revenue_per_month="50000")
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    assert enrollment.state == "draft" and enrollment.step == 1
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    services.enrollment_approve_eligibility(enrollment_id=enrollment.pk, by=reviewer, on=TODAY)
    services.enrollment_start_performance(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    performance = AuditRecord.objects.get(enrollment=enrollment, kind="performance")
    assert performance.fee_amount == Decimal("1350.00") and performance.status == "unassigned"
    assert performance.performance_window_ends_on.isoformat() == "2026-12-20"
    assert performance.frozen_window_start.isoformat() == "2025-11-01"

    audit_services.audit_claim(audit_id=performance.pk, by=auditor, on=TODAY)
    services.audit_submit(
        audit_id=performance.pk,
        by=auditor,
        on=TODAY,
        data={
            "validated_case_volume": 10,
            "excluded_cases": [],
            "adjustment_reason": "Two cases were opened by Microsoft staff, not customers.",
        },
    )
    services.audit_determine(
        audit_id=performance.pk, by=reviewer, on=TODAY, final_case_rate="20.00", reason="demo"
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "customer_success"
    csat = AuditRecord.objects.get(enrollment=enrollment, kind="csat")
    assert csat.fee_amount == Decimal("500.00")
    audit_services.audit_claim(audit_id=csat.pk, by=auditor, on=TODAY)
    survey_report(csat, auditor)
    services.audit_submit(
        audit_id=csat.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.0"}
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "capability"
    capability = AuditRecord.objects.get(enrollment=enrollment, kind="capability")
    audit_services.audit_claim(audit_id=capability.pk, by=auditor, on=TODAY)
    upload_all_capability_evidence(capability, auditor)
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_submit(
            audit_id=capability.pk, by=auditor, on=TODAY, data={"scores": PASSING_SCORES}
        )
    enrollment.refresh_from_db()
    assert enrollment.state == "enrolled" and enrollment.enrolled_on == TODAY
    designation = Designation.objects.get(organization=org)
    assert designation.state == "active"
    assert designation.anniversary_on.isoformat() == "2027-11-21"
    assert IncentiveGrant.objects.get(organization=org).position == 1
    welcome = [m for m in mail.outbox if m.subject == "Your Support Services designation is active"]
    assert len(welcome) == 1
    assert designation.credential_id in welcome[0].body
    capability.refresh_from_db()
    assert capability.valid_until.isoformat() == "2028-11-20"
    transitions = list(enrollment.events.values_list("transition", flat=True))
    assert transitions == [
        "create",
        "submit",
        "approve_eligibility",
        "start_performance",
        "pass_performance",
        "pass_customer_success",
        "pass_capability",
    ]
    assert Enrollment.objects.get(pk=enrollment.pk).state == "enrolled"
