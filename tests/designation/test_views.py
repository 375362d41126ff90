"""Pages: sign-in, overview checklist, facts of record kept by reviewers, scoping."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designation.models import SupportContract
from tests.journey.test_dashboard import DASHBOARD_QUERIES

pytestmark = pytest.mark.django_db


def test_pages_send_anonymous_visitors_to_sign_in(client, org):
    response = client.get(reverse("organization-overview", args=[org.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_rotates_the_session_and_sign_out_clears_it(client, partner_admin, org):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = client.post(
        reverse("login"), {"username": partner_admin.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    home = client.get(reverse("home"))
    assert home.url == reverse("organization-overview", args=[org.pk])
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_an_error_on_the_sign_in_page(client, partner_admin):
    response = client.post(reverse("login"), {"username": partner_admin.username, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_overview_shows_each_prerequisite_with_status_and_next_action(client, partner_admin, org):
    org.support_contracts.update(ends_on=date(2026, 12, 1))
    client.force_login(partner_admin)
    page = client.get(reverse("organization-overview", args=[org.pk]), {"on": "2026-11-21"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="check check-') == 8
    assert "check-warning" in html
    assert "Your support plan ends on 2026-12-01 (in 10 days)" in html
    org.support_contracts.update(ends_on=date(2026, 11, 1))
    html = client.get(
        reverse("organization-overview", args=[org.pk]), {"on": "2026-11-21"}
    ).content.decode()
    assert "Next action:</strong> Subscribe to a support plan" in html


def test_another_organisations_pages_answer_404(client, partner_admin, other_org):
    client.force_login(partner_admin)
    for name in ("organization-overview", "organization-settings", "account-facts-edit"):
        assert client.get(reverse(name, args=[other_org.pk])).status_code == 404
    contract = other_org.support_contracts.get()
    url = reverse("fact-delete", args=[other_org.pk, "support-contracts", contract.pk])
    assert client.post(url).status_code == 404
    assert SupportContract.objects.filter(pk=contract.pk).exists()


def test_partner_member_reads_but_cannot_edit(client, partner_member, org):
    client.force_login(partner_member)
    settings_page = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert org.legal_name in settings_page
    assert "Edit account facts" not in settings_page
    response = client.post(
        reverse("account-facts-edit", args=[org.pk]), {"legal_name": "Hijacked", "country": "US"}
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.legal_name != "Hijacked"


def test_a_reviewer_edits_account_facts_and_the_rename_is_kept(client, reviewer, org):
    client.force_login(reviewer)
    old_name = org.legal_name
    response = client.post(
        reverse("account-facts-edit", args=[org.pk]),
        {"legal_name": "Renamed Ltd", "country": "fr", "in_good_standing": "on"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.legal_name, org.country, org.in_good_standing) == ("Renamed Ltd", "FR", True)
    assert org.partner_center_registered is False
    change = org.fact_changes.get()
    assert (change.before["legal_name"], change.after["legal_name"]) == (old_name, "Renamed Ltd")
    assert (change.by, change.source) == (reviewer, "reviewer")


def test_invalid_contract_dates_are_shown_next_to_the_field(client, reviewer, org):
    client.force_login(reviewer)
    response = client.post(
        reverse("fact-add", args=[org.pk, "support-contracts"]),
        {"plan": "asfp", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_ends_on_error">The contract cannot end before it starts.' in html
    assert org.support_contracts.count() == 1


def test_a_reviewer_adds_and_removes_a_contract_after_confirmation(client, reviewer, org):
    client.force_login(reviewer)
    client.post(
        reverse("fact-add", args=[org.pk, "support-contracts"]),
        {"plan": "asfp", "starts_on": "2026-01-01", "ends_on": "2027-01-01"},
    )
    added = org.support_contracts.get(plan="asfp")
    delete_url = reverse("fact-delete", args=[org.pk, "support-contracts", added.pk])
    confirm = client.get(delete_url)
    assert "Remove this support contract?" in confirm.content.decode()
    assert org.support_contracts.filter(pk=added.pk).exists()
    client.post(delete_url, {"reason": "Cancelled"})
    assert not org.support_contracts.filter(pk=added.pk).exists()
    assert list(org.fact_changes.order_by("id").values_list("action", flat=True)) == [
        "added",
        "removed",
    ]


def test_organisation_list_for_reviewers_is_searchable(client, reviewer, org, other_org):
    client.force_login(reviewer)
    html = client.get(reverse("organization-index"), {"q": other_org.partner_id}).content.decode()
    assert other_org.legal_name in html
    assert org.legal_name not in html


def test_overview_query_count_does_not_grow_with_facts(
    client, partner_admin, org, django_assert_max_num_queries
):
    client.force_login(partner_admin)
    url = reverse("organization-overview", args=[org.pk])
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for _ in range(20):
        SupportContract.objects.create(
            organization=org, plan="asfp", starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31)
        )
    # The overview is now the whole dashboard (tests/designation/test_dashboard.py): more
    # queries than the checklist alone, still a fixed number.
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(before.captured_queries) <= DASHBOARD_QUERIES
