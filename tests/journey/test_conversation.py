"""Changes requested and answered: the auditor asks per component (or for the whole audit) by a
day, the partner answers with a reply and a new evidence revision, both clocks, overdue
requests, the event log in words and who is told."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import ChangeRequest, EvidenceFile
from designation.models import Notification, ProgramRules
from journey import conversation, services
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound
from tests.assessments.factories import PASSING_SCORES, claimed_capability_audit, pdf_upload
from tests.designation.factories import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return claimed_capability_audit(organization=org)


def request(audit, **fields):
    values = {"component": "case_management", "note": "The tracking export is missing."}
    return conversation.audit_request_changes(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, **{**values, **fields}
    )


def test_days_held_counts_overlapping_requests_once():
    d = date(2026, 11, 1)
    holds = [(d, d + timedelta(days=5)), (d + timedelta(days=3), d + timedelta(days=8))]
    assert audit_rules.days_held(holds, d + timedelta(days=20)) == 8
    assert audit_rules.days_held([(d, None)], d + timedelta(days=4)) == 4
    assert audit_rules.paused_due_on(d, 8) == date(2026, 11, 9)
    assert audit_rules.request_overdue(d, answered=False, on=d) is False
    assert audit_rules.request_overdue(d, answered=False, on=d + timedelta(days=1)) is True
    assert audit_rules.request_overdue(d, answered=True, on=d + timedelta(days=9)) is False


def test_a_request_is_due_in_the_programs_days_logged_in_words_and_told_to_the_partner(
    audit, partner_admin, django_capture_on_commit_callbacks
):
    assert ProgramRules.objects.in_force(TODAY).changes_due_days == 14
    with django_capture_on_commit_callbacks(execute=True):
        change = request(audit)
    assert change.due_on == TODAY + timedelta(days=14)
    event = audit.enrollment.events.last()
    assert event.transition == "changes_requested"
    assert "case management and tracking systems" in event.note
    assert "The tracking export is missing. Answer due by 2026-12-05." in event.note
    [told] = Notification.objects.filter(recipient=partner_admin, kind="changes_requested")
    assert "Case management and tracking systems: The tracking export is missing." in told.body


def test_only_the_assigned_auditor_requests_and_a_note_is_required(audit, auditor, partner_admin):
    with pytest.raises(NotFound):  # another auditor does not even see it
        conversation.audit_request_changes(
            audit_id=audit.pk, by=auditor, on=TODAY, component="", note="x"
        )
    with pytest.raises(Forbidden):
        conversation.audit_request_changes(
            audit_id=audit.pk, by=partner_admin, on=TODAY, component="", note="x"
        )
    with pytest.raises(ConditionFailed) as refused:
        request(audit, note="  ")
    assert refused.value.field == "note"
    with pytest.raises(ConditionFailed):
        request(audit, due_on=TODAY - timedelta(days=1))
    assert ChangeRequest.objects.count() == 0


def test_the_auditor_waits_while_the_partner_holds_the_ball(audit):
    request(audit)
    with pytest.raises(ConditionFailed) as refused:
        services.audit_submit(
            audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": PASSING_SCORES}
        )
    assert "awaiting an answer until 2026-12-05" in refused.value.message
    # Once the deadline passed unanswered, the auditor may decide on what is there.
    late = TODAY + timedelta(days=15)
    decided = services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=late, data={"scores": PASSING_SCORES}
    )
    assert decided.verdict == "pass"


def test_the_partner_answers_with_a_new_revision_beside_the_old(
    audit, partner_admin, partner_member, django_capture_on_commit_callbacks
):
    change = request(audit)
    with pytest.raises(Forbidden):
        conversation.audit_answer_change(
            request_id=change.pk, by=partner_member, on=TODAY, reply="here"
        )
    with django_capture_on_commit_callbacks(execute=True):
        answered = conversation.audit_answer_change(
            request_id=change.pk,
            by=partner_admin,
            on=TODAY,
            reply="Attached the October export.",
            upload=pdf_upload("export.pdf"),
            effective_on=date(2026, 10, 31),
        )
    revisions = list(
        EvidenceFile.objects.filter(audit=audit, component="case_management").order_by("id")
    )
    assert [e.revision for e in revisions] == [1, 2]
    assert revisions[1] == answered.evidence and revisions[1].effective_on == date(2026, 10, 31)
    assert len(revisions[1].sha256) == 64 and revisions[1].uploaded_by == partner_admin
    event = audit.enrollment.events.last()
    assert event.transition == "changes_answered"
    assert "Attached the October export." in event.note and "revision 2" in event.note
    assert Notification.objects.filter(recipient=audit.auditor, kind="changes_answered").count()
    with pytest.raises(Conflict):
        conversation.audit_answer_change(
            request_id=change.pk, by=partner_admin, on=TODAY, reply="again"
        )
    # Answered: the auditor may decide now.
    decided = services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": PASSING_SCORES}
    )
    assert decided.verdict == "pass"


def test_the_audit_page_shows_both_clocks_and_the_dashboard_puts_it_first(
    client, audit, org, partner_admin, today, django_assert_max_num_queries
):
    request(audit)
    client.force_login(partner_admin)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
    assert "Changes requested: the partner holds the ball" in html
    assert "Partner's answer due</dt><dd>2026-12-05" in html
    assert "Answer this request" in html
    overview = client.get(reverse("organization-overview", args=[org.pk])).content.decode()
    actions = overview[overview.index("Required actions") :]
    first = actions[actions.index('class="action-item') :][:600]
    assert "Answer the changes ISSI requested on the capability assessment" in first
    assert "2026-12-05" in first


def test_an_unanswered_request_past_its_deadline_shows_overdue_to_the_auditor(
    client, audit, reviewer
):
    change = request(audit)
    ChangeRequest.objects.filter(pk=change.pk).update(due_on=TODAY - timedelta(days=1))
    for viewer in (audit.auditor, reviewer):
        client.force_login(viewer)
        html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
        assert "1 request overdue: the auditor may decide on what is there." in html
        assert '<span class="status-badge status-unmet">Overdue</span>' in html


def test_answering_through_the_page_uploads_a_revision(client, audit, partner_admin):
    change = request(audit)
    client.force_login(partner_admin)
    response = client.post(
        reverse("audit-answer-change-form", args=[audit.pk, change.pk]),
        {f"r{change.pk}-reply": "New export attached", f"r{change.pk}-file": pdf_upload()},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.answered and change.evidence.revision == 2


def test_the_api_requests_lists_and_answers_changes(api_client, audit, partner_admin, other_org):
    api_client.force_authenticate(audit.auditor)
    url = f"/api/v1/audits/{audit.pk}/changes/"
    created = api_client.post(url, {"component": "", "note": "Sign the attestation"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["subject"] == "The whole audit"
    assert body["due_on"] == (timezone.localdate() + timedelta(days=14)).isoformat()
    api_client.force_authenticate(partner_admin)
    assert [c["note"] for c in api_client.get(url).json()["results"]] == ["Sign the attestation"]
    refused = api_client.post(url, {"note": "x"}, format="json")
    assert refused.status_code == 403
    answered = api_client.post(
        f"{url}{body['id']}/answer/",
        {"reply": "Signed", "file": pdf_upload(), "component": "quality_assurance"},
        format="multipart",
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["reply"] == "Signed" and answered.json()["evidence"]
    outsider = other_org.memberships.create(
        user=type(partner_admin).objects.create(username="outsider"), role="admin"
    ).user
    api_client.force_authenticate(outsider)
    assert api_client.get(url).status_code == 404
