"""Team management: invitations, role changes, removals, the last-admin guard and the change log,
through the services, the pages and the API."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from designation.models import Invitation, Membership, MembershipChange
from designation.team import services
from designation.team.rules import leaves_no_admin
from portal.errors import ConditionFailed, Forbidden, NotFound
from tests.designation import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LINK = re.compile(r"https?://\S+/invitations/(\S+)/")


def link_token(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def invited(org, partner_admin, django_capture_on_commit_callbacks):
    """An invitation of lee@example.com as partner member, and the token its email carries."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.team_invite(
            organization_id=org.pk, by=partner_admin, email="Lee@Example.com", role="member"
        )
    return invitation, link_token(mail.outbox[-1])


# --- rules ---------------------------------------------------------------------------------


def test_only_the_last_admin_leaving_or_being_demoted_leaves_no_admin():
    assert leaves_no_admin(["admin", "member"], current_role="admin", new_role="member")
    assert leaves_no_admin(["admin"], current_role="admin", new_role=None)
    assert not leaves_no_admin(["admin", "admin"], current_role="admin", new_role=None)
    assert not leaves_no_admin(["admin", "member"], current_role="member", new_role=None)
    assert not leaves_no_admin(["admin"], current_role="admin", new_role="admin")


# --- invitations ---------------------------------------------------------------------------


def test_an_invitation_emails_a_link_that_creates_the_account_once(client, org, invited):
    invitation, token = invited
    message = mail.outbox[-1]
    assert message.to == ["lee@example.com"]
    assert org.legal_name in message.subject
    page = client.get(reverse("invitation-accept", args=[token]))
    assert page.status_code == 200
    assert (
        "sign in with <strong>lee@example.com</strong> as your user name" in page.content.decode()
    )
    answer = client.post(
        reverse("invitation-accept", args=[token]),
        {"first_name": "Lee", "last_name": "Colleague", "password": "a-long-fresh-passphrase"},
    )
    assert answer.status_code == 302
    user = User.objects.get(email="lee@example.com")
    assert user.get_full_name() == "Lee Colleague"
    assert Membership.objects.get(user=user, organization=org).role == "member"
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == user
    # Signed in, and shown by name.
    assert "Lee Colleague" in client.get(reverse("team", args=[org.pk])).content.decode()
    # The link works once.
    again = Client().get(reverse("invitation-accept", args=[token]))
    assert again.status_code == 400
    assert "already been accepted" in again.content.decode()


def test_a_weak_password_is_refused_when_accepting(client, invited):
    _, token = invited
    answer = client.post(
        reverse("invitation-accept", args=[token]),
        {"first_name": "Lee", "last_name": "C", "password": "12345678"},
    )
    assert answer.status_code == 200
    assert "too common" in answer.content.decode()
    assert not User.objects.filter(email="lee@example.com").exists()


def test_a_signed_in_person_adds_the_membership_to_their_account(client, invited, other_org):
    invitation, token = invited
    lee = factories.MembershipFactory(
        organization=other_org, role="admin", user__email="lee@example.com"
    ).user
    client.force_login(lee)
    assert client.post(reverse("invitation-accept", args=[token])).status_code == 302
    assert set(lee.memberships.values_list("organization_id", "role")) == {
        (other_org.pk, "admin"),
        (invitation.organization_id, "member"),
    }
    # Both organisations are in the header's switcher.
    header = client.get(reverse("team", args=[invitation.organization_id])).content.decode()
    assert other_org.legal_name in header and invitation.organization.legal_name in header


def test_a_link_expires_after_seven_days(client, invited):
    _, token = invited
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        answer = client.get(reverse("invitation-accept", args=[token]))
    assert answer.status_code == 400
    assert "expired" in answer.content.decode()


def test_a_tampered_link_is_refused(client, invited):
    _, token = invited
    answer = client.get(reverse("invitation-accept", args=[token[:-2] + "xx"]))
    assert answer.status_code == 400
    assert "not valid" in answer.content.decode()


def test_resending_kills_the_old_link_and_mails_a_new_one(
    client, invited, partner_admin, django_capture_on_commit_callbacks
):
    invitation, old = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation_id=invitation.pk, by=partner_admin)
    new = link_token(mail.outbox[-1])
    assert new != old
    assert "replaced by a newer one" in client.get(f"/invitations/{old}/").content.decode()
    assert client.get(f"/invitations/{new}/").status_code == 200


def test_a_revoked_invitation_link_stops_working(
    client, invited, partner_admin, django_capture_on_commit_callbacks
):
    invitation, token = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_revoke(invitation_id=invitation.pk, by=partner_admin)
    assert mail.outbox[-1].to == ["lee@example.com"]
    assert "was withdrawn" in mail.outbox[-1].subject
    answer = client.get(reverse("invitation-accept", args=[token]))
    assert answer.status_code == 400
    assert "revoked" in answer.content.decode()


def test_inviting_twice_or_inviting_a_member_is_refused(
    org, partner_admin, partner_member, invited
):
    with pytest.raises(ConditionFailed, match="already been invited"):
        services.team_invite(
            organization_id=org.pk, by=partner_admin, email="lee@EXAMPLE.com", role="admin"
        )
    with pytest.raises(ConditionFailed, match="already a member"):
        services.team_invite(
            organization_id=org.pk, by=partner_admin, email=partner_member.email, role="admin"
        )


def test_only_the_organisations_partner_admins_invite(org, partner_member, other_org):
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    with pytest.raises(Forbidden):
        services.team_invite(
            organization_id=org.pk, by=partner_member, email="a@b.co", role="member"
        )
    with pytest.raises(NotFound):
        services.team_invite(organization_id=org.pk, by=outsider, email="a@b.co", role="member")
    assert not Invitation.objects.exists()


# --- roles and removals --------------------------------------------------------------------


def test_the_last_partner_admin_cannot_be_demoted_or_removed(client, org, partner_admin):
    mine = partner_admin.memberships.get()
    client.force_login(partner_admin)
    answer = client.post(reverse("member-role", args=[org.pk, mine.pk]), {"role": "member"})
    assert answer.status_code == 200
    assert "is the last partner admin" in answer.content.decode()
    answer = client.post(reverse("member-remove", args=[org.pk, mine.pk]), follow=True)
    assert "is the last partner admin" in answer.content.decode()
    mine.refresh_from_db()
    assert mine.role == "admin"


def test_an_admin_changes_a_role_and_removes_a_member_and_both_are_told(
    client, org, partner_admin, partner_member, django_capture_on_commit_callbacks
):
    partner_admin.first_name, partner_admin.last_name = "Dana", "Admin"
    partner_admin.save()
    membership = partner_member.memberships.get()
    client.force_login(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("member-role", args=[org.pk, membership.pk]), {"role": "admin"}
        )
    assert answer.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert mail.outbox[-1].to == [partner_member.email]
    assert "Dana Admin made you partner admin" in mail.outbox[-1].body
    confirm = client.get(reverse("member-remove", args=[org.pk, membership.pk]))
    assert "will no longer see" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("member-remove", args=[org.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=partner_member.pk).exists()  # the account stays
    assert "removed you from" in mail.outbox[-1].body
    sentences = [c.sentence for c in MembershipChange.objects.order_by("at", "id")]
    name = partner_member.username
    assert sentences == [
        f"Dana Admin changed the role of {name}: Partner member → Partner admin",
        f"Dana Admin removed {name}",
    ]


def test_two_admins_can_demote_each_other_only_until_one_is_left(org, partner_admin):
    second = factories.MembershipFactory(organization=org, role="admin")
    services.member_change_role(membership_id=second.pk, by=partner_admin, role="member")
    with pytest.raises(ConditionFailed):
        services.member_change_role(
            membership_id=partner_admin.memberships.get().pk, by=partner_admin, role="member"
        )


# --- the Users page ------------------------------------------------------------------------


def test_the_users_page_shows_members_and_to_admins_invitations_and_changes(
    client, org, partner_admin, partner_member, invited, django_assert_max_num_queries
):
    factories.MembershipFactory.create_batch(3, organization=org, role="member")  # count is fixed
    client.force_login(partner_admin)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("team", args=[org.pk])).content.decode()
    assert partner_member.email in page and "Partner member" in page
    assert "lee@example.com" in page and "Waiting for an answer" in page
    assert "invited lee@example.com as Partner member" in page
    client.force_login(partner_member)
    page = client.get(reverse("team", args=[org.pk])).content.decode()
    assert partner_admin.email in page
    assert "lee@example.com" not in page and "Invite a colleague" not in page


def test_the_invite_page_sends_and_says_so(
    client, org, partner_admin, django_capture_on_commit_callbacks
):
    client.force_login(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("team-invite", args=[org.pk]),
            {"email": "new@example.com", "role": "admin"},
            follow=True,
        )
    assert "Invitation sent to new@example.com" in answer.content.decode()
    assert mail.outbox[-1].to == ["new@example.com"]
    bad = client.post(reverse("team-invite", args=[org.pk]), {"email": "nope", "role": "x"})
    assert bad.status_code == 200 and "Enter a valid email address" in bad.content.decode()


# --- API -----------------------------------------------------------------------------------


def test_members_api_reads_for_members_and_writes_for_admins(
    api_client, org, partner_admin, partner_member, django_assert_max_num_queries
):
    url = reverse("api-members", args=[org.pk])
    api_client.force_authenticate(partner_member)
    with django_assert_max_num_queries(5):
        body = api_client.get(url).json()
    assert {row["email"] for row in body["results"]} == {partner_admin.email, partner_member.email}
    assert body["results"][0]["role_label"] == "Partner admin"
    member_url = reverse("api-member-detail", args=[org.pk, partner_member.memberships.get().pk])
    assert api_client.patch(member_url, {"role": "admin"}).status_code == 403
    api_client.force_authenticate(partner_admin)
    answer = api_client.patch(member_url, {"role": "admin"})
    assert answer.status_code == 200 and answer.json()["role"] == "admin"
    assert api_client.patch(member_url, {"role": "owner"}).status_code == 400
    assert api_client.delete(member_url).status_code == 204


def test_the_api_refuses_demoting_the_last_admin_with_a_reason(api_client, org, partner_admin):
    api_client.force_authenticate(partner_admin)
    url = reverse("api-member-detail", args=[org.pk, partner_admin.memberships.get().pk])
    answer = api_client.patch(url, {"role": "member"})
    assert answer.status_code == 400
    assert "last partner admin" in answer.json()["detail"]


def test_invitations_api_invites_resends_and_revokes(
    api_client, org, partner_admin, partner_member, other_org, django_capture_on_commit_callbacks
):
    url = reverse("api-invitations", args=[org.pk])
    api_client.force_authenticate(partner_member)
    assert api_client.post(url, {"email": "x@example.com", "role": "member"}).status_code == 403
    api_client.force_authenticate(partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(url, {"email": "x@example.com", "role": "member"})
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert mail.outbox[-1].to == ["x@example.com"]
    pk = created.json()["id"]
    again = api_client.post(url, {"email": "x@example.com", "role": "member"})
    assert again.status_code == 400 and again.json()["field"] == "email"
    with django_capture_on_commit_callbacks(execute=True):
        resent = api_client.post(reverse("api-invitation-resend", args=[org.pk, pk]))
    assert resent.status_code == 200 and len(mail.outbox) == 2
    api_client.force_authenticate(partner_member)
    assert [row["email"] for row in api_client.get(url).json()["results"]] == ["x@example.com"]
    api_client.force_authenticate(partner_admin)
    assert api_client.delete(reverse("api-invitation-detail", args=[org.pk, pk])).status_code == 204
    assert api_client.get(url).json()["results"] == []
    # Another organisation's admin learns nothing.
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    api_client.force_authenticate(outsider)
    assert api_client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(monkeypatch):
    from tests.journey.test_race import run_together

    org = factories.EligibleOrganizationFactory()
    first, second = factories.MembershipFactory.create_batch(2, organization=org, role="admin")
    locked = services._locked_organization

    def slow(organization_id, by):
        organization = locked(organization_id, by)
        time.sleep(0.3)  # the second request really waits on the row lock
        return organization

    monkeypatch.setattr(services, "_locked_organization", slow)
    results = run_together(
        lambda: services.member_change_role(membership_id=second.pk, by=first.user, role="member"),
        lambda: services.member_change_role(membership_id=first.pk, by=second.user, role="member"),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    refusal = next(value for kind, value in results if kind == "error")
    assert isinstance(refusal, (ConditionFailed, Forbidden))
    assert list(org.memberships.values_list("role", flat=True)).count("admin") == 1


def test_the_account_page_and_the_invitations_api_have_fixed_query_counts(
    client, api_client, org, partner_admin, invited, django_assert_max_num_queries
):
    client.force_login(partner_admin)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("account")).status_code == 200
    api_client.force_authenticate(partner_admin)
    with django_assert_max_num_queries(5):
        rows = api_client.get(reverse("api-invitations", args=[org.pk])).json()["results"]
    assert [row["email"] for row in rows] == ["lee@example.com"]


def test_a_partner_with_two_factor_on_needs_a_code_for_an_api_token(api_client, partner_admin):
    TOTPDevice.objects.create(user=partner_admin, name="app", confirmed=True)
    answer = api_client.post(
        reverse("api-token"), {"username": partner_admin.username, "password": PASSWORD}
    )
    assert answer.status_code == 400
    (message,) = answer.json()["errors"]["non_field_errors"]
    assert "everyone who turned on two-factor sign-in" in message


def test_opening_a_link_one_already_accepted_goes_to_the_organisation(client, org, invited):
    invitation, token = invited
    lee = factories.UserFactory(email="lee@example.com")
    services.invitation_accept(token=token, user=lee)
    client.force_login(lee)
    answer = client.get(reverse("invitation-accept", args=[token]))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("organization-overview", args=[org.pk])
    client.force_login(factories.UserFactory())
    assert client.get(reverse("invitation-accept", args=[token])).status_code == 400
