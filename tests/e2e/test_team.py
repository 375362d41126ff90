"""In Chromium: contoso invites a colleague, who accepts from the emailed link, signs in and is
shown by name; contoso changes their role and removes them; a forgotten password is reset."""

import re

import pytest
from django.core import mail

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
COLLEAGUE = "lee.colleague@contoso.example"


def link_in_last_email(pattern: str) -> str:
    return re.search(pattern, mail.outbox[-1].body)[0]


def test_contoso_invites_a_colleague_changes_their_role_and_removes_them(
    page, browser, live_server, demo, settings, screenshot
):
    settings.SITE_URL = live_server.url
    sign_in(page, live_server.url, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_label("Email address").fill(COLLEAGUE)
    page.get_by_label("Partner member").check()
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text(f"Invitation sent to {COLLEAGUE}").is_visible()
    assert page.get_by_role("cell", name=COLLEAGUE, exact=True).is_visible()

    # The colleague opens the link from the email in their own browser and creates the account.
    assert mail.outbox[-1].to == [COLLEAGUE]
    link = link_in_last_email(r"http://\S+/invitations/\S+/")
    colleague = browser.new_context().new_page()
    colleague.goto(link)
    colleague.get_by_label("First name").fill("Lee")
    colleague.get_by_label("Last name").fill("Colleague")
    colleague.get_by_label("Choose a password").fill("a-fresh-long-passphrase")
    colleague.get_by_role("button", name="Create account and join").click()
    colleague.wait_for_url("**/organizations/*/")
    assert colleague.locator(".user-name").inner_text() == "Lee Colleague"
    # Signs out, and in again with the invited address: shown by name, not user name.
    colleague.get_by_role("button", name="Sign out").click()
    sign_in(colleague, live_server.url, COLLEAGUE, "a-fresh-long-passphrase")
    colleague.wait_for_url("**/organizations/*/")
    assert colleague.locator(".user-name").inner_text() == "Lee Colleague"
    screenshot("team-colleague-signed-in", colleague)

    # Contoso sees them, makes them a partner admin, then removes them.
    page.reload()
    row = page.get_by_role("row", name=re.compile("Lee Colleague"))
    assert "Partner member" in row.inner_text()
    row.get_by_role("link", name="Change role").click()
    page.get_by_label("Partner admin").check()
    page.get_by_role("button", name="Save role").click()
    row = page.get_by_role("row", name=re.compile("Lee Colleague"))
    assert "Partner admin" in row.inner_text()
    assert "made you partner admin" in mail.outbox[-1].body
    screenshot("team-users")
    row.get_by_role("link", name="Remove").click()
    assert page.get_by_role("heading", name="Remove Lee Colleague?").is_visible()
    page.get_by_role("button", name="Remove").click()
    assert page.get_by_text("Lee Colleague was removed from the organisation").is_visible()
    assert page.get_by_role("row", name=re.compile("Lee Colleague")).count() == 0
    changes = page.locator("#changes-heading + ul").inner_text()
    assert "removed Lee Colleague" in changes and "changed the role of Lee Colleague" in changes
    # The removed colleague no longer sees the organisation.
    assert colleague.reload().status == 404


def test_a_forgotten_password_is_reset_from_the_email_link(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("contoso-member@example.com")
    page.get_by_role("button", name="Send reset link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    link = link_in_last_email(r"http://\S+/accounts/password/reset/\S+/")
    page.goto(link)
    page.locator("input[name=new_password1]").fill("a-brand-new-passphrase")
    page.locator("input[name=new_password2]").fill("a-brand-new-passphrase")
    page.get_by_role("button", name="Set password").click()
    assert page.get_by_role("heading", name="Your password is set").is_visible()
    sign_in(page, live_server.url, "contoso-member", "a-brand-new-passphrase")
    page.wait_for_url("**/organizations/*/")
    assert page.locator(".user-name").inner_text() == "Contoso Reader"


def test_team_and_account_pages_have_no_wcag_violations(page, live_server, demo):
    from datetime import timedelta

    from django.utils import timezone

    from designation.models import Invitation, Organization
    from designation.team.tokens import token_for
    from tests.e2e.test_accessibility import check

    base = live_server.url
    contoso = Organization.objects.get(legal_name="Contoso Support")
    invitation = Invitation.objects.create(
        organization=contoso,
        email=COLLEAGUE,
        role="member",
        expires_at=timezone.now() + timedelta(days=7),
    )
    problems = {}
    for url in ("/accounts/password/reset/", f"/invitations/{token_for(invitation)}/"):
        problems |= check(page, base + url)
    sign_in(page, base, "contoso", "designation-demo")
    page.wait_for_url("**/organizations/*/")
    member = contoso.memberships.get(user__username="contoso-member")
    for url in (
        f"/organizations/{contoso.pk}/users/",
        f"/organizations/{contoso.pk}/users/invite/",
        f"/organizations/{contoso.pk}/users/{member.pk}/role/",
        f"/organizations/{contoso.pk}/users/{member.pk}/remove/",
        "/accounts/profile/",
        "/accounts/password/",
        "/accounts/two-factor/setup/",
    ):
        problems |= check(page, base + url)
    assert problems == {}
