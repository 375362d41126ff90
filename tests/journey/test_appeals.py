"""Appeals: a partner admin appeals within the window, once per decision; a reviewer other than
the one who decided upholds or overturns it; overturning reopens eligibility or records a pass
that moves the journey on; fees stay charged."""

from datetime import timedelta

import pytest

from assessments.models import Appeal, AuditRecord, charged
from designation.models import Enrollment, Notification
from journey import appeals, services
from portal.errors import ConditionFailed, Conflict, Forbidden
from tests.assessments.factories import claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY

pytestmark = pytest.mark.django_db

FAILING = {"support_function": 40, "support_staff_skills": 75, "support_performance_metrics": 70}


@pytest.fixture
def failed(org, partner_admin):
    audit = claimed_capability_audit(organization=org)
    return services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": FAILING}
    )


def test_a_failed_capability_overturned_by_a_reviewer_moves_the_journey_on(
    today, failed, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    fees_before = charged(AuditRecord.objects.filter(enrollment=failed.enrollment))
    appeal = appeals.appeal_file(
        by=partner_admin, on=TODAY, audit_id=failed.pk, statement="The scorer missed our QA file."
    )
    assert (appeal.subject, appeal.closes_on) == ("assessment", TODAY + timedelta(days=30))
    assert Notification.objects.filter(recipient=reviewer, kind="appeal_filed").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        decided = appeals.appeal_decide(
            appeal_id=appeal.pk, by=reviewer, on=TODAY, overturn=True, reason="QA file was there"
        )
    enrollment = Enrollment.objects.get(pk=failed.enrollment_id)
    assert enrollment.state == "enrolled"
    new = decided.superseding_audit
    assert (new.supersedes_id, new.verdict, new.attempt) == (failed.pk, "pass", failed.attempt)
    assert "QA file was there" in new.correction_reason
    assert charged(AuditRecord.objects.filter(enrollment=enrollment)) == fees_before
    moves = list(enrollment.events.values_list("transition", flat=True))
    assert moves[-3:] == ["appeal_filed", "appeal_overturned", "pass_capability"]
    [told] = Notification.objects.filter(recipient=partner_admin, kind="appeal_decided")
    assert told.title == "Your appeal of the failed assessment was overturned"


def test_an_ineligible_decision_is_decided_by_another_reviewer_and_reopens_review(
    today, org, partner_admin, reviewer
):
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    services.enrollment_reject_eligibility(
        enrollment_id=enrollment.pk, by=reviewer, on=TODAY, reason="Indirect reseller"
    )
    appeal = appeals.appeal_file(
        by=partner_admin, on=TODAY, enrollment_id=enrollment.pk, statement="We are direct bill."
    )
    assert Notification.objects.filter(recipient=reviewer, kind="appeal_filed").count() == 0
    with pytest.raises(Forbidden):
        appeals.appeal_decide(appeal_id=appeal.pk, by=reviewer, on=TODAY, overturn=True, reason="x")
    second = factories.UserFactory(groups=["Microsoft reviewer"])
    with pytest.raises(ConditionFailed):
        appeals.appeal_decide(appeal_id=appeal.pk, by=second, on=TODAY, overturn=True, reason="")
    appeals.appeal_decide(
        appeal_id=appeal.pk, by=second, on=TODAY, overturn=True, reason="Direct bill confirmed"
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "eligibility_review" and enrollment.reason == ""
    assert enrollment.events.last().transition == "reopen_eligibility"


def test_once_per_decision_and_an_upheld_appeal_changes_nothing(
    today, failed, partner_admin, reviewer
):
    appeal = appeals.appeal_file(by=partner_admin, on=TODAY, audit_id=failed.pk, statement="a")
    with pytest.raises(Conflict):
        appeals.appeal_file(by=partner_admin, on=TODAY, audit_id=failed.pk, statement="again")
    appeals.appeal_decide(
        appeal_id=appeal.pk, by=reviewer, on=TODAY, overturn=False, reason="Scores stand"
    )
    assert Appeal.objects.get().status == "upheld"
    enrollment = Enrollment.objects.get(pk=failed.enrollment_id)
    assert (enrollment.state, enrollment.attempt_status) == ("capability", "failed")
    with pytest.raises(Conflict):
        appeals.appeal_decide(
            appeal_id=appeal.pk, by=reviewer, on=TODAY, overturn=True, reason="changed my mind"
        )


def test_a_late_appeal_is_a_400_giving_the_day_it_closed(
    api_client, failed, partner_admin, partner_member, time_machine
):
    api_client.force_authenticate(partner_member)
    url = f"/api/v1/audits/{failed.pk}/appeal/"
    assert api_client.post(url, {"statement": "x"}, format="json").status_code == 403
    api_client.force_authenticate(partner_admin)
    closes = (failed.submitted_at.date() + timedelta(days=30)).isoformat()
    time_machine.move_to(failed.submitted_at + timedelta(days=31))
    late = api_client.post(url, {"statement": "We were on holiday"}, format="json")
    assert late.status_code == 400
    assert f"closed on {closes}" in late.json()["detail"]
    assert Appeal.objects.count() == 0


def test_the_api_files_lists_and_decides(
    today, api_client, failed, partner_admin, reviewer, other_org
):
    api_client.force_authenticate(partner_admin)
    filed = api_client.post(
        f"/api/v1/audits/{failed.pk}/appeal/", {"statement": "Recheck"}, format="json"
    )
    assert filed.status_code == 201, filed.json()
    appeal_id = filed.json()["id"]
    refused = api_client.post(
        f"/api/v1/appeals/{appeal_id}/decide/", {"outcome": "overturn", "reason": "x"}
    )
    assert refused.status_code == 403
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/appeals/{appeal_id}/").status_code == 404
    api_client.force_authenticate(reviewer)
    assert [a["id"] for a in api_client.get("/api/v1/appeals/?status=open").json()["results"]] == [
        appeal_id
    ]
    decided = api_client.post(
        f"/api/v1/appeals/{appeal_id}/decide/",
        {"outcome": "overturn", "reason": "Recounted"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "overturned" and decided.json()["superseding_audit"]
