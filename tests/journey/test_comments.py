"""Comment threads on enrollments and audits: the organisation's users, the assigned auditor and
reviewers; internal notes never reach a partner (pages, API, notifications); plain text."""

import pytest
from django.urls import reverse

from assessments.models import Comment
from designation.models import Notification
from journey import conversation
from portal.errors import Forbidden, NotFound
from tests.assessments.factories import claimed_capability_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(org):
    return claimed_capability_audit(organization=org)


def test_internal_notes_never_reach_a_partner(
    client, api_client, audit, partner_admin, partner_member, reviewer
):
    enrollment = audit.enrollment
    conversation.comment_add(
        by=partner_member, enrollment_id=enrollment.pk, audit_id=audit.pk, body="Is it enough?"
    )
    conversation.comment_add(
        by=reviewer,
        enrollment_id=enrollment.pk,
        audit_id=audit.pk,
        body="Staff only: check the export dates",
        internal=True,
    )
    for partner in (partner_admin, partner_member):
        client.force_login(partner)
        html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
        assert "Is it enough?" in html and "check the export dates" not in html
        assert "Internal note" not in html  # not even the checkbox
        api_client.force_authenticate(partner)
        listed = api_client.get(f"/api/v1/audits/{audit.pk}/comments/").json()["results"]
        assert [c["body"] for c in listed] == ["Is it enough?"]
        assert not Notification.objects.filter(recipient=partner, body__contains="export dates")
    client.force_login(audit.auditor)
    html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
    assert "check the export dates" in html and "Internal note" in html
    [told] = Notification.objects.filter(recipient=audit.auditor, title__contains="internal")
    assert told.kind == "comment_added"


def test_a_partner_cannot_write_an_internal_note(api_client, audit, partner_admin):
    api_client.force_authenticate(partner_admin)
    refused = api_client.post(
        f"/api/v1/audits/{audit.pk}/comments/", {"body": "x", "internal": True}, format="json"
    )
    assert refused.status_code == 403
    assert Comment.objects.count() == 0


def test_comments_are_plain_text_and_participants_not_the_author_are_told(
    client, audit, partner_admin, partner_member
):
    client.force_login(partner_admin)
    response = client.post(
        reverse("enrollment-comment-form", args=[audit.enrollment_id]),
        {"body": "<script>alert(1)</script> see the export"},
    )
    assert response.status_code == 302
    html = client.get(reverse("enrollment-page", args=[audit.enrollment_id])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; see the export" in html
    assert "<script>alert(1)</script>" not in html
    assert Notification.objects.filter(recipient=partner_member, kind="comment_added").count()
    assert Notification.objects.filter(recipient=audit.auditor, kind="comment_added").count()
    assert not Notification.objects.filter(recipient=partner_admin, kind="comment_added")


def test_another_organisation_sees_no_thread(audit, other_org, api_client):
    from tests.designation import factories

    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    with pytest.raises(NotFound):
        conversation.comment_add(by=outsider, enrollment_id=audit.enrollment_id, body="hello")
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/enrollments/{audit.enrollment_id}/comments/").status_code == 404


def test_an_auditor_comments_only_on_their_own_audit(audit, auditor):
    from assessments.models import AuditRecord

    AuditRecord.objects.filter(pk=audit.pk).update(status="unassigned", auditor=None)
    with pytest.raises(Forbidden):
        conversation.comment_add(
            by=auditor, enrollment_id=audit.enrollment_id, audit_id=audit.pk, body="mine?"
        )
