"""The journey tells each person when it is their turn or an outcome is decided: once per event
and recipient, in-app and by email after commit."""

import pytest
from django.core import mail

from designation.models import Notification
from journey import services
from tests.assessments.factories import PASSING_SCORES, claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY

pytestmark = pytest.mark.django_db


def told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def emails_to(user, words):
    return [m for m in mail.outbox if m.to == [user.email] and words in m.subject]


def test_eligibility_submitted_tells_reviewers_and_the_decision_tells_the_partner(
    org, partner_admin, partner_member, reviewer, django_capture_on_commit_callbacks
):
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    [submitted] = told(reviewer, "eligibility_submitted")
    assert submitted.link == f"/enrollments/{enrollment.pk}/"
    assert told(partner_admin, "eligibility_submitted") == []
    assert len(emails_to(reviewer, "eligibility review")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_reject_eligibility(
            enrollment_id=enrollment.pk, by=reviewer, on=TODAY, reason="CSP indirect reseller"
        )
    for user in (partner_admin, partner_member):
        [rejected] = told(user, "eligibility_decided")
        assert rejected.title == "Eligibility rejected"
        assert "CSP indirect reseller" in rejected.body
        assert len(emails_to(user, "Eligibility rejected")) == 1


def test_claim_and_a_passed_capability_tell_the_partner_and_the_auditor(
    org, partner_admin, django_capture_on_commit_callbacks
):
    audit = claimed_capability_audit(organization=org)
    audit.status, audit.auditor, audit.assigned_on = "unassigned", None, None
    audit.save()
    auditor = factories.UserFactory(groups=["ISSI auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_claim(audit_id=audit.pk, by=auditor, on=TODAY)
    assert len(told(partner_admin, "audit_claimed")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_submit(
            audit_id=audit.pk, by=auditor, on=TODAY, data={"scores": PASSING_SCORES}
        )
    [decided] = told(partner_admin, "audit_decided")
    assert decided.title == "The capability assessment passed"
    assert len(told(auditor, "audit_decided")) == 1
    assert len(emails_to(partner_admin, "capability assessment passed")) == 1
    assert len(emails_to(auditor, "capability assessment passed")) == 1


def test_a_new_audit_in_the_queue_tells_every_auditor(
    org, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    auditors = [factories.UserFactory(groups=["ISSI auditor"]) for _ in range(2)]
    factories.rollups(org, cases_per_month=1, revenue_per_month="50000")
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    services.enrollment_approve_eligibility(enrollment_id=enrollment.pk, by=reviewer, on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_start_performance(
            enrollment_id=enrollment.pk, by=partner_admin, on=TODAY
        )
    for auditor in auditors:
        [queued] = told(auditor, "audit_queued")
        assert "Performance assessment" in queued.title
    assert told(partner_admin, "audit_queued") == []
