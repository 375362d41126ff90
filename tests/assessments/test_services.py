"""ISSI audit services: claim, submit, determine; pass marks at their thresholds; retakes after
each kind of failure; fees from the dated schedule; submitted records kept by the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import InternalError, connection, transaction

from assessments import services
from assessments.models import AuditRecord, FeeSchedule
from designation.models import Enrollment
from journey import services as enrollment_services
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound
from tests.assessments.factories import (
    PASSING_SCORES,
    audit_for,
    claimed_capability_audit,
    survey_report,
)
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def state_of(enrollment) -> tuple[str, str]:
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    return fresh.state, fresh.attempt_status


@pytest.fixture
def performance_audit(org, auditor):
    """A claimed performance audit with frozen figures: 12 cases on USD 600,000 (rate 20.00)."""
    enrollment = enrollment_at("performance", organization=org, attempt_status="in_progress")
    return audit_for(
        enrollment,
        "performance",
        auditor=auditor,
        frozen_case_volume=12,
        frozen_billed_revenue_usd=Decimal("600000.00"),
        frozen_case_rate=Decimal("20.00"),
    )


def submit_performance(audit, volume, excluded=()):
    return enrollment_services.audit_submit(
        audit_id=audit.pk,
        by=audit.auditor,
        on=TODAY,
        data={"validated_case_volume": volume, "excluded_cases": list(excluded)},
    )


# --- claim ---------------------------------------------------------------------------------------


def test_an_auditor_claims_an_unassigned_audit_once(org, auditor):
    enrollment = enrollment_at("customer_success", organization=org)
    audit = audit_for(enrollment, "csat")
    services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)
    audit.refresh_from_db()
    assert (audit.status, audit.auditor, audit.assigned_on) == ("claimed", auditor, TODAY)
    second = factories.UserFactory(groups=["ISSI auditor"])
    with pytest.raises(NotFound):  # claimed by someone else: no longer in their view
        services.audit_claim(audit_id=audit.pk, by=second, on=TODAY)
    with pytest.raises(Conflict, match=f"already claimed by {auditor.username}"):
        services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)


def test_only_auditors_claim(org, partner_admin, reviewer):
    audit = audit_for(enrollment_at("customer_success", organization=org), "csat")
    for user in (partner_admin, reviewer):
        with pytest.raises(Forbidden, match="Only an ISSI auditor"):
            services.audit_claim(audit_id=audit.pk, by=user, on=TODAY)


def test_an_audit_of_a_withdrawn_enrollment_leaves_the_queue(org, auditor):
    audit = audit_for(enrollment_at("withdrawn", organization=org), "csat")
    with pytest.raises(NotFound):
        services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)


def test_a_claimed_audit_of_a_withdrawn_enrollment_cannot_be_submitted(org, auditor):
    audit = audit_for(enrollment_at("withdrawn", organization=org), "csat", auditor=auditor)
    survey_report(audit)
    with pytest.raises(Conflict, match="this audit is closed"):
        enrollment_services.audit_submit(
            audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4"}
        )


# --- performance -------------------------------------------------------------------------------


def test_auditor_records_validated_volume_with_excluded_cases(performance_audit):
    submit_performance(performance_audit, 11, [{"case_id": "C-7", "reason": "Duplicate of C-6"}])
    performance_audit.refresh_from_db()
    assert performance_audit.status == "submitted"
    assert performance_audit.proposed_case_rate == Decimal("18.33")
    assert list(performance_audit.excluded_cases.values_list("case_id", "reason")) == [
        ("C-7", "Duplicate of C-6")
    ]
    assert performance_audit.verdict == ""  # the reviewer decides


def test_performance_passes_exactly_at_the_target(performance_audit, reviewer):
    submit_performance(performance_audit, 12)
    enrollment_services.audit_determine(audit_id=performance_audit.pk, by=reviewer, on=TODAY)
    performance_audit.refresh_from_db()
    assert (performance_audit.final_case_rate, performance_audit.verdict) == (
        Decimal("20.00"),
        "pass",
    )
    assert performance_audit.judged_against["case_rate_target"] == "20.00"
    assert performance_audit.judged_against["program_rules_version"] > 0
    assert state_of(performance_audit.enrollment)[0] == "customer_success"
    assert performance_audit.enrollment.audits.get(kind="csat").status == "unassigned"


def test_overriding_the_rate_needs_a_reason_and_then_decides(performance_audit, reviewer):
    submit_performance(performance_audit, 12)
    with pytest.raises(ConditionFailed, match="needs a reason"):
        enrollment_services.audit_determine(
            audit_id=performance_audit.pk, by=reviewer, on=TODAY, final_case_rate="20.01"
        )
    assert AuditRecord.objects.get(pk=performance_audit.pk).status == "submitted"
    enrollment_services.audit_determine(
        audit_id=performance_audit.pk,
        by=reviewer,
        on=TODAY,
        final_case_rate="20.01",
        reason="Two escalations were wrongly closed as duplicates.",
    )
    performance_audit.refresh_from_db()
    assert performance_audit.verdict == "fail"
    assert performance_audit.override_reason.startswith("Two escalations")
    assert state_of(performance_audit.enrollment) == ("performance", "failed")


def test_only_a_reviewer_determines(performance_audit, partner_admin):
    submit_performance(performance_audit, 12)
    for user in (partner_admin, performance_audit.auditor):
        with pytest.raises(Forbidden, match="Microsoft reviewer"):
            enrollment_services.audit_determine(audit_id=performance_audit.pk, by=user, on=TODAY)


def test_a_rate_undefined_for_lack_of_revenue_fails(org, auditor, reviewer):
    enrollment = enrollment_at("performance", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "performance", auditor=auditor, frozen_billed_revenue_usd=0)
    submit_performance(audit, 3)
    enrollment_services.audit_determine(audit_id=audit.pk, by=reviewer, on=TODAY)
    audit.refresh_from_db()
    assert (audit.final_case_rate, audit.verdict) == (None, "fail")


def test_retake_after_a_failed_performance_is_a_new_record_and_a_new_fee(
    performance_audit, reviewer, partner_admin, org
):
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000")
    submit_performance(performance_audit, 12)  # at most the 12 frozen cases
    enrollment_services.audit_determine(
        audit_id=performance_audit.pk,
        by=reviewer,
        on=TODAY,
        final_case_rate="21.67",
        reason="Revenue credited back after the window was frozen.",
    )
    assert state_of(performance_audit.enrollment) == ("performance", "failed")
    enrollment_services.enrollment_start_performance(
        enrollment_id=performance_audit.enrollment_id, by=partner_admin, on=TODAY
    )
    attempts = AuditRecord.objects.filter(kind="performance").order_by("attempt")
    assert [(a.attempt, a.status, str(a.fee_amount)) for a in attempts] == [
        (1, "determined", "1350.00"),
        (2, "unassigned", "1350.00"),
    ]
    assert attempts[1].frozen_case_volume == 12


# --- CSAT -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "methodology_ok", "verdict", "state"),
    [
        ("4.0", True, "pass", ("capability", "in_progress")),
        ("3.9", True, "fail", ("customer_success", "failed")),
        ("5.0", False, "fail", ("customer_success", "failed")),
    ],
)
def test_csat_is_judged_on_submission(org, auditor, score, methodology_ok, verdict, state):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk,
        by=auditor,
        on=TODAY,
        data={"methodology_ok": methodology_ok, "score": score},
    )
    audit.refresh_from_db()
    assert audit.verdict == verdict
    assert audit.valid_until == (date(2027, 11, 20) if verdict == "pass" else None)
    assert state_of(enrollment) == state


def test_csat_score_outside_1_to_5_is_refused(org, auditor):
    audit = audit_for(enrollment_at("customer_success", organization=org), "csat", auditor=auditor)
    survey_report(audit)
    with pytest.raises(ConditionFailed, match="from 1.0 to 5.0"):
        enrollment_services.audit_submit(
            audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "5.5"}
        )
    assert AuditRecord.objects.get(pk=audit.pk).status == "claimed"


def test_retake_after_a_failed_csat(org, auditor, partner_admin):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "3.0"}
    )
    enrollment_services.enrollment_retake(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    retake = AuditRecord.objects.get(enrollment=enrollment, attempt=2)
    survey_report(retake, auditor)
    services.audit_claim(audit_id=retake.pk, by=auditor, on=TODAY)
    enrollment_services.audit_submit(
        audit_id=retake.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.5"}
    )
    assert state_of(enrollment) == ("capability", "in_progress")


def test_only_the_assigned_auditor_submits(org, auditor, partner_admin):
    audit = audit_for(enrollment_at("customer_success", organization=org), "csat", auditor=auditor)
    survey_report(audit)
    with pytest.raises(Forbidden, match="auditor who claimed"):
        enrollment_services.audit_submit(audit_id=audit.pk, by=partner_admin, on=TODAY, data={})
    other = factories.UserFactory(groups=["ISSI auditor"])
    with pytest.raises(NotFound):
        enrollment_services.audit_submit(audit_id=audit.pk, by=other, on=TODAY, data={})


# --- capability ----------------------------------------------------------------------------------


def test_capability_needs_evidence_for_every_component_before_submitting():
    audit = claimed_capability_audit(with_evidence=False)
    with pytest.raises(ConditionFailed) as refused:
        enrollment_services.audit_submit(
            audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": PASSING_SCORES}
        )
    assert refused.value.message.count(";") == 10  # eleven components listed
    assert "Support processes and procedures" in refused.value.message


def test_capability_at_exactly_the_minimums_passes_and_enrolls():
    audit = claimed_capability_audit()
    scores = {"support_function": 90, "support_staff_skills": 70, "support_performance_metrics": 50}
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": scores}
    )
    audit.refresh_from_db()
    assert (audit.capability_total, audit.verdict) == (Decimal("70.00"), "pass")
    assert audit.valid_until == date(2028, 11, 20)
    assert state_of(audit.enrollment)[0] == "enrolled"


def test_retake_after_a_failed_capability_assessment(partner_admin, org):
    audit = claimed_capability_audit(organization=org)
    scores = {**PASSING_SCORES, "support_performance_metrics": 49}
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": scores}
    )
    assert state_of(audit.enrollment) == ("capability", "failed")
    enrollment_services.enrollment_retake(
        enrollment_id=audit.enrollment_id, by=partner_admin, on=TODAY
    )
    retake = AuditRecord.objects.get(enrollment=audit.enrollment, attempt=2)
    assert (retake.kind, str(retake.fee_amount), retake.status) == (
        "capability",
        "1500.00",
        "unassigned",
    )


# --- records and fees -------------------------------------------------------------------------


def test_a_submitted_record_is_never_edited_nor_deleted_at_the_database(org, auditor):
    audit = audit_for(enrollment_at("customer_success", organization=org), "csat", auditor=auditor)
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "3.0"}
    )
    with pytest.raises(InternalError, match="Cannot update"), transaction.atomic():
        AuditRecord.objects.filter(pk=audit.pk).update(csat_score=Decimal("4.5"))
    # In SQL: the ORM would stop earlier at the evidence's protected foreign key.
    deleting = pytest.raises(InternalError, match="Cannot delete")
    with deleting, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_auditrecord WHERE id = %s", [audit.pk])
    assert AuditRecord.objects.get(pk=audit.pk).csat_score == Decimal("3.0")


def test_a_determined_record_cannot_change_and_a_submitted_one_only_by_determination(
    performance_audit, reviewer
):
    submit_performance(performance_audit, 12)
    with pytest.raises(InternalError), transaction.atomic():
        AuditRecord.objects.filter(pk=performance_audit.pk).update(
            status="determined", validated_case_volume=1
        )
    enrollment_services.audit_determine(audit_id=performance_audit.pk, by=reviewer, on=TODAY)
    with pytest.raises(InternalError), transaction.atomic():
        AuditRecord.objects.filter(pk=performance_audit.pk).update(verdict="fail")


def test_each_record_keeps_the_fee_in_force_when_it_was_created(org, partner_admin):
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000", as_of=date(2027, 2, 1))
    FeeSchedule.objects.create(kind="performance", effective_from=date(2027, 1, 1), amount=1400)
    enrollment = enrollment_at("performance", organization=org)
    enrollment_services.enrollment_start_performance(
        enrollment_id=enrollment.pk, by=partner_admin, on=date(2027, 2, 1)
    )
    assert str(AuditRecord.objects.get(enrollment=enrollment).fee_amount) == "1400.00"
    assert str(FeeSchedule.objects.in_force("performance", TODAY).amount) == "1350.00"


# --- corrections -------------------------------------------------------------------------------


def test_a_failed_csat_corrected_by_its_auditor_supersedes_the_record_and_decides_again(
    org, auditor
):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "3.4"}
    )
    with pytest.raises(ConditionFailed, match="needs a reason"):
        enrollment_services.audit_correct(
            audit_id=audit.pk, by=auditor, on=TODAY, reason="", data={}
        )
    correction = enrollment_services.audit_correct(
        audit_id=audit.pk,
        by=auditor,
        on=TODAY,
        reason="Score typed from the wrong survey wave.",
        data={"methodology_ok": True, "score": "4.3"},
    )
    audit.refresh_from_db()
    assert (audit.csat_score, audit.verdict) == (Decimal("3.4"), "fail")  # untouched
    assert (correction.supersedes, correction.attempt, correction.verdict) == (audit, 1, "pass")
    assert correction.fee_amount == audit.fee_amount
    assert state_of(enrollment) == ("capability", "in_progress")
    with pytest.raises(Conflict, match="already corrected"):
        enrollment_services.audit_correct(
            audit_id=audit.pk, by=auditor, on=TODAY, reason="again", data={"score": "4"}
        )


def test_a_determined_rate_is_not_its_auditors_to_correct(performance_audit, reviewer, org):
    submit_performance(performance_audit, 12)
    corrected = enrollment_services.audit_correct(
        audit_id=performance_audit.pk,
        by=performance_audit.auditor,
        on=TODAY,
        reason="One more case was a duplicate.",
        data={
            "validated_case_volume": 11,
            "excluded_cases": [],
            "adjustment_reason": "A duplicate without its own case ID.",
        },
    )
    assert (corrected.volume_adjustment, corrected.corrected_by) == (-1, corrected.auditor)
    assert corrected.proposed_case_rate == Decimal("18.33")
    with pytest.raises(Conflict, match="determine the correction"):
        enrollment_services.audit_determine(audit_id=performance_audit.pk, by=reviewer, on=TODAY)
    enrollment_services.audit_determine(audit_id=corrected.pk, by=reviewer, on=TODAY)
    with pytest.raises(Forbidden, match="Only a Microsoft reviewer can correct it now"):
        enrollment_services.audit_correct(
            audit_id=corrected.pk,
            by=corrected.auditor,
            on=TODAY,
            reason="late",
            data={"validated_case_volume": 1},
        )


def test_a_pass_is_not_its_auditors_to_correct_once_the_journey_moved_on(org, auditor):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.5"}
    )
    with pytest.raises(Forbidden, match="the journey has moved past this step"):
        enrollment_services.audit_correct(
            audit_id=audit.pk, by=auditor, on=TODAY, reason="x", data={"score": "3.0"}
        )
    assert AuditRecord.objects.count() == 2  # the CSAT pass and the capability audit it opened


def test_a_validated_volume_above_the_frozen_cases_is_refused(performance_audit):
    with pytest.raises(ConditionFailed) as refused:
        submit_performance(performance_audit, 100)
    assert refused.value.field == "validated_case_volume"
    assert "at most 12: 12 cases were frozen" in refused.value.message
    performance_audit.refresh_from_db()
    assert (performance_audit.status, performance_audit.validated_case_volume) == ("claimed", None)


def test_csat_needs_its_survey_report_before_submit(org, auditor):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    with pytest.raises(ConditionFailed) as refused:
        enrollment_services.audit_submit(
            audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.5"}
        )
    assert refused.value.field == "evidence"
    assert "customer success survey report" in refused.value.message
    audit.refresh_from_db()
    assert (audit.status, audit.verdict) == ("claimed", "")
    survey_report(audit)
    enrollment_services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.5"}
    )
    audit.refresh_from_db()
    assert audit.verdict == "pass"
