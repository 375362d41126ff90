"""Each enrollment transition: allowed, refused by a condition, refused by permission; a refusal
leaves the enrollment as it was. Plus the database's own guards."""

from datetime import date

import pytest
from django.db import IntegrityError, InternalError, transaction

from assessments.models import AuditRecord
from designation.models import Enrollment
from journey import services
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound
from tests.assessments.factories import audit_for
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY, enrollment_at

pytestmark = pytest.mark.django_db


def unchanged(enrollment, state: str, events: int) -> bool:
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    return fresh.state == state and fresh.events.count() == events


def draft_for(org, admin, **form):
    return services.enrollment_create(
        organization_id=org.pk, by=admin, on=TODAY, form={**PRE_ENROLLMENT_FORM, **form}
    )


# --- create / submit ---------------------------------------------------------------------------


def test_submit_moves_a_complete_draft_to_eligibility_review(org, partner_admin):
    enrollment = draft_for(org, partner_admin)
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    enrollment.refresh_from_db()
    assert enrollment.state == "eligibility_review"
    assert enrollment.submitted_on == TODAY
    assert enrollment.prerequisites_checked_on == TODAY
    assert len(enrollment.prerequisite_snapshot) == 8
    last = enrollment.events.last()
    assert (last.transition, last.from_state, last.to_state, last.actor) == (
        "submit",
        "draft",
        "eligibility_review",
        partner_admin,
    )


def test_submit_refused_when_support_plan_expired_names_the_prerequisite(org, partner_admin):
    enrollment = draft_for(org, partner_admin)
    org.support_contracts.update(ends_on=date(2026, 11, 1))
    with pytest.raises(ConditionFailed) as refused:
        services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    assert "Partner support plan: Your support plan ended on 2026-11-01." in refused.value.message
    assert "Next action: Subscribe to a support plan" in refused.value.message
    assert unchanged(enrollment, "draft", 1)
    assert Enrollment.objects.get(pk=enrollment.pk).prerequisites_checked_on is None


def test_submit_refused_when_the_form_lacks_the_attestation(org, partner_admin):
    enrollment = draft_for(org, partner_admin, attested=False, solution_areas=[])
    with pytest.raises(ConditionFailed) as refused:
        services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    assert "incomplete: solution areas, attestation" in refused.value.message
    assert unchanged(enrollment, "draft", 1)


def test_submit_refused_to_a_partner_member_and_a_reviewer(
    org, partner_admin, partner_member, reviewer
):
    enrollment = draft_for(org, partner_admin)
    for user in (partner_member, reviewer):
        with pytest.raises(Forbidden, match="Only a partner admin"):
            services.enrollment_submit(enrollment_id=enrollment.pk, by=user, on=TODAY)
    assert unchanged(enrollment, "draft", 1)


def test_another_organisations_admin_gets_not_found(org, partner_admin, other_org):
    enrollment = draft_for(org, partner_admin)
    stranger = factories.MembershipFactory(organization=other_org).user
    with pytest.raises(NotFound):
        services.enrollment_submit(enrollment_id=enrollment.pk, by=stranger, on=TODAY)
    with pytest.raises(NotFound):
        services.enrollment_create(
            organization_id=org.pk, by=stranger, on=TODAY, form=PRE_ENROLLMENT_FORM
        )


def test_a_second_open_enrollment_is_refused_by_the_service_and_the_database(org, partner_admin):
    draft_for(org, partner_admin)
    with pytest.raises(Conflict, match="already has an open enrollment"):
        draft_for(org, partner_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(organization=org, state="performance")
    # A closed one does not count.
    Enrollment.objects.create(organization=org, state="withdrawn")


def test_state_cannot_be_assigned_nor_updated_around_the_machine(org):
    enrollment = enrollment_at("draft", organization=org)
    with pytest.raises(AttributeError):
        enrollment.state = "enrolled"
    with pytest.raises(InternalError, match="Invalid transition"), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(state="enrolled")


# --- eligibility -------------------------------------------------------------------------------


def test_reviewer_approves_eligibility_and_the_partner_cannot(org, partner_admin, reviewer):
    enrollment = enrollment_at("eligibility_review", organization=org)
    with pytest.raises(Forbidden, match="Microsoft reviewer"):
        services.enrollment_approve_eligibility(
            enrollment_id=enrollment.pk, by=partner_admin, on=TODAY
        )
    services.enrollment_approve_eligibility(
        enrollment_id=enrollment.pk, by=reviewer, on=TODAY, note="All in order."
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "performance" and enrollment.step == 2
    assert enrollment.events.get().note == "All in order."


def test_approving_an_enrollment_no_longer_in_review_is_a_conflict(org, reviewer):
    enrollment = enrollment_at("performance", organization=org)
    with pytest.raises(Conflict, match="now “Performance assessment”"):
        services.enrollment_approve_eligibility(enrollment_id=enrollment.pk, by=reviewer, on=TODAY)


def test_reject_needs_a_reason_and_a_reviewer(org, partner_admin, reviewer):
    enrollment = enrollment_at("eligibility_review", organization=org)
    with pytest.raises(ConditionFailed, match="A reason is required"):
        services.enrollment_reject_eligibility(
            enrollment_id=enrollment.pk, by=reviewer, on=TODAY, reason="  "
        )
    with pytest.raises(Forbidden):
        services.enrollment_reject_eligibility(
            enrollment_id=enrollment.pk, by=partner_admin, on=TODAY, reason="x"
        )
    assert unchanged(enrollment, "eligibility_review", 0)
    services.enrollment_reject_eligibility(
        enrollment_id=enrollment.pk, by=reviewer, on=TODAY, reason="CSP is indirect."
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "ineligible" and enrollment.reason == "CSP is indirect."
    assert enrollment.events.get().reason == "CSP is indirect."
    # The partner may register again.
    draft_for(org, partner_admin)


# --- performance, retakes, withdrawal -----------------------------------------------------------


def test_start_performance_opens_the_window_and_freezes_the_days_figures(org, partner_admin):
    factories.rollups(org, cases_per_month=2, revenue_per_month="100000")
    enrollment = enrollment_at("performance", organization=org)
    services.enrollment_start_performance(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    enrollment.refresh_from_db()
    assert enrollment.attempt_status == "in_progress"
    assert enrollment.performance_window_ends_on == date(2026, 12, 20)
    audit = AuditRecord.objects.get(enrollment=enrollment)
    assert (audit.kind, audit.attempt, audit.status) == ("performance", 1, "unassigned")
    assert (audit.frozen_case_volume, str(audit.frozen_billed_revenue_usd)) == (24, "1200000.00")
    assert str(audit.frozen_case_rate) == "20.00"
    assert (str(audit.fee_amount), audit.fee_currency) == ("1350.00", "USD")


def test_start_performance_refused_without_revenue_in_the_ttm_window(org, partner_admin):
    enrollment = enrollment_at("performance", organization=org)
    with pytest.raises(ConditionFailed) as refused:
        services.enrollment_start_performance(
            enrollment_id=enrollment.pk, by=partner_admin, on=TODAY
        )
    assert "No billed revenue in the TTM window 2025-11-01 to 2026-10-31" in refused.value.message
    assert AuditRecord.objects.count() == 0
    assert unchanged(enrollment, "performance", 0)


def test_start_performance_while_an_attempt_is_under_way_is_a_conflict(org, partner_admin):
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000")
    enrollment = enrollment_at("performance", organization=org, attempt_status="in_progress")
    with pytest.raises(Conflict, match="already under way"):
        services.enrollment_start_performance(
            enrollment_id=enrollment.pk, by=partner_admin, on=TODAY
        )
    assert AuditRecord.objects.count() == 0


def test_start_performance_refused_to_members_and_auditors(org, partner_member, auditor):
    enrollment = enrollment_at("performance", organization=org)
    with pytest.raises(Forbidden):
        services.enrollment_start_performance(
            enrollment_id=enrollment.pk, by=partner_member, on=TODAY
        )
    with pytest.raises(NotFound):  # an auditor with no audit there cannot even see it
        services.enrollment_start_performance(enrollment_id=enrollment.pk, by=auditor, on=TODAY)


def test_retake_after_a_failed_csat_opens_attempt_two_at_the_current_fee(org, partner_admin):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="failed")
    audit_for(enrollment, "csat", status="unassigned")
    with pytest.raises(Forbidden):
        services.enrollment_retake(
            enrollment_id=enrollment.pk,
            by=factories.UserFactory(groups=["Microsoft reviewer"]),
            on=TODAY,
        )
    services.enrollment_retake(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    retake = AuditRecord.objects.get(enrollment=enrollment, attempt=2)
    assert (retake.kind, str(retake.fee_amount)) == ("csat", "500.00")
    with pytest.raises(Conflict, match="only after a failed attempt"):
        services.enrollment_retake(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)


def test_withdraw_before_enrollment_keeps_the_step_it_stopped_at(
    org, partner_admin, partner_member
):
    enrollment = enrollment_at("customer_success", organization=org)
    with pytest.raises(Forbidden):
        services.enrollment_withdraw(enrollment_id=enrollment.pk, by=partner_member, on=TODAY)
    services.enrollment_withdraw(
        enrollment_id=enrollment.pk, by=partner_admin, on=TODAY, reason="Not this year."
    )
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.step, enrollment.reason) == (
        "withdrawn",
        3,
        "Not this year.",
    )


def test_withdraw_after_enrollment_is_a_conflict(org, partner_admin):
    enrollment = enrollment_at("enrolled", organization=org)
    with pytest.raises(Conflict):
        services.enrollment_withdraw(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    assert unchanged(enrollment, "enrolled", 0)


def test_saving_a_stale_copy_is_a_conflict_and_writes_nothing(org, reviewer):
    from designation.transitions import apply_transition

    enrollment = enrollment_at("eligibility_review", organization=org)
    stale = Enrollment.objects.get(pk=enrollment.pk)
    services.enrollment_approve_eligibility(enrollment_id=enrollment.pk, by=reviewer, on=TODAY)
    with pytest.raises(Conflict, match="changed meanwhile"), transaction.atomic():
        apply_transition(
            stale, "reject_eligibility", by=reviewer, on=TODAY, args={"on": TODAY, "reason": "x"}
        )
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    assert (fresh.state, fresh.events.count()) == ("performance", 1)
