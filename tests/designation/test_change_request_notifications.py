"""Fact change requests tell people: reviewers of each request, the organisation's admins of
each decision (with the outcome and the reviewer's reason); once in-app and once by email per
event and recipient; never the author of the act; each kind's email can be turned off."""

import pytest
from django.core import mail
from django.urls import reverse

from designation import change_requests, notifications
from designation.models import Notification
from tests.designation import factories

pytestmark = pytest.mark.django_db


def told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def emails_to(user, words=""):
    return [m for m in mail.outbox if m.to == [user.email] and words in m.subject]


def _propose_through_the_api(api_client, org, by):
    api_client.force_authenticate(by)
    body = {
        "organization": org.pk,
        "kind": "support_contract",
        "fact_id": org.support_contracts.get().pk,
        "proposed": {"plan": "asfp"},
        "reason": "We moved to Advanced Support in May.",
    }
    response = api_client.post("/api/v1/fact-change-requests/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _propose(org, by):
    return change_requests.change_request_create(
        organization_id=org.pk,
        kind="support_contract",
        action="change",
        fact_id=org.support_contracts.get().pk,
        proposed={"plan": "asfp"},
        reason="We moved to Advanced Support in May.",
        by=by,
    )


def test_a_request_tells_each_reviewer_once_in_app_and_by_email(
    api_client, org, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    second_reviewer = factories.UserFactory(groups=["Microsoft reviewer"])
    member = factories.MembershipFactory(organization=org, role="member").user
    with django_capture_on_commit_callbacks(execute=True):
        pk = _propose_through_the_api(api_client, org, partner_admin)
    link = reverse("change-request-page", args=[org.pk, pk])
    for user in (reviewer, second_reviewer):
        [note] = told(user, "fact_change_requested")
        assert note.title == f"{org.legal_name} asks to change the support contract"
        assert note.body == "Why: We moved to Advanced Support in May."
        assert note.link == link
        [email] = emails_to(user, "asks to change the support contract")
        assert link in email.body and "We moved to Advanced Support" in email.body
    assert Notification.objects.filter(kind="fact_change_requested").count() == 2
    for user in (partner_admin, member):  # the author and the organisation are not told
        assert told(user, "fact_change_requested") == [] and emails_to(user) == []


def test_a_decision_tells_the_organisations_admins_with_the_outcome_and_reason(
    api_client, org, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    other_admin = factories.MembershipFactory(organization=org, role="admin").user
    member = factories.MembershipFactory(organization=org, role="member").user
    pk = _propose_through_the_api(api_client, org, partner_admin)
    mail.outbox.clear()
    api_client.force_authenticate(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            f"/api/v1/fact-change-requests/{pk}/decline/",
            {"reason": "Partner Center still shows PSfP."},
            format="json",
        )
    for user in (partner_admin, other_admin):
        [note] = told(user, "fact_change_decided")
        assert note.title == "Declined: your request to change the support contract"
        assert note.body == "Reviewer's reason: Partner Center still shows PSfP."
        assert len(emails_to(user, "Declined: your request")) == 1
    assert told(member, "fact_change_decided") == []  # admins act on facts; members read
    assert told(reviewer, "fact_change_decided") == [] and emails_to(reviewer) == []


def test_an_acceptance_says_the_fact_changed_and_a_retried_task_sends_nothing_twice(
    client, org, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    request = _propose(org, partner_admin)
    mail.outbox.clear()
    client.force_login(reviewer)  # the reviewer's page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("change-request-decide", args=[org.pk, request.pk]),
            {"decision": "accept", "reason": "Seen"},
        )
    [note] = told(partner_admin, "fact_change_decided")
    assert (
        note.title == "Accepted: your request to change the support contract (the fact was changed)"
    )
    assert note.body == "Reviewer's reason: Seen"
    key = f"fact-change-request:{request.pk}:decided"
    with django_capture_on_commit_callbacks(execute=True):  # the same event announced again
        notifications.deliver(
            kind="fact_change_decided", key=key, recipient_ids=[partner_admin.pk], title="Again"
        )
    assert notifications.send_emails(key=key) == 0
    assert len(told(partner_admin, "fact_change_decided")) == 1
    assert len(emails_to(partner_admin, "Accepted: your request")) == 1


def test_a_reviewer_who_turned_the_kind_off_is_told_in_app_only(
    org, partner_admin, reviewer, django_capture_on_commit_callbacks
):
    notifications.set_email_preferences(user=reviewer, email={"fact_change_requested": False})
    with django_capture_on_commit_callbacks(execute=True):
        _propose(org, partner_admin)
    assert len(told(reviewer, "fact_change_requested")) == 1
    assert emails_to(reviewer) == []
    labels = notifications.email_preferences(reviewer)
    assert labels["fact_change_decided"] is True


def test_the_preferences_page_names_both_kinds_in_words(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("notification-preferences-page")).content.decode()
    assert "A change to a fact of record was requested" in html
    assert "A fact change request was accepted or declined" in html
    assert "fact_change_requested" not in html.replace('value="fact_change_requested"', "")
