"""Required actions say who acts next and by when, for the viewer's role: an enrollment waiting
for eligibility review is the reviewer's to decide and the partner's to wait for; an ISSI audit
is the auditor's; a renewal window that closed before the day shown is not upcoming."""

from datetime import date
from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from journey import waiting
from journey.rules import RequiredAction
from tests.assessments.factories import audit_for
from tests.designation.factories import enrollment_at


def row(status: str, kind: str = "capability", auditor_id=None, due_on=date(2026, 12, 20)):
    audit = SimpleNamespace(
        status=status, kind=kind, auditor_id=auditor_id, get_kind_display=lambda: kind.title()
    )
    return SimpleNamespace(audit=audit, due_on=due_on)


def test_a_closed_renewal_window_is_not_upcoming():
    past = RequiredAction("Renewal window closes", "", due_on=date(2027, 12, 31))
    kept = RequiredAction("Support plan ends", "", due_on=date(2031, 1, 10))
    enrollment = SimpleNamespace(state="enrolled")
    actions = waiting.with_who_acts(
        [past, kept],
        enrollment=enrollment,
        rows=[],
        role=waiting.PARTNER,
        viewer_id=1,
        on=date(2030, 6, 1),
    )
    assert [a.title for a in actions] == ["Support plan ends"]


def test_an_auditor_reads_their_own_audit_as_theirs_to_submit():
    actions = [
        waiting._audit(row("claimed", auditor_id=7), waiting.AUDITOR, viewer_id=7),
        waiting._audit(row("claimed", auditor_id=7), waiting.PARTNER, viewer_id=1),
        waiting._audit(row("submitted", kind="performance"), waiting.REVIEWER, viewer_id=2),
    ]
    assert actions[0].title == "Submit the capability" and actions[0].due_on
    assert actions[1].title == "ISSI audits the capability"
    assert actions[2].title == "Determine the final case rate"


@pytest.mark.django_db
def test_eligibility_review_is_the_reviewers_to_decide_and_the_partners_to_wait_for(
    client, today, org, partner_admin, reviewer
):
    enrollment_at("eligibility_review", organization=org)
    url = reverse("organization-overview", args=[org.pk])
    client.force_login(partner_admin)
    html = client.get(url).content.decode()
    assert "Waiting for Microsoft's eligibility review" in unescape(html)
    assert "Nothing to do right now" not in html
    client.force_login(reviewer)
    html = client.get(url).content.decode()
    assert "Decide eligibility" in html and "Nothing to do right now" not in html


@pytest.mark.django_db
def test_the_partner_sees_the_audit_under_way_with_its_due_day(client, today, org, partner_admin):
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    audit_for(enrollment, "capability")
    client.force_login(partner_admin)
    html = client.get(reverse("organization-overview", args=[org.pk])).content.decode()
    assert "ISSI audits the capability assessment" in html
    assert "The audit is in the ISSI queue" in html
