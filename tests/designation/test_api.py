"""Organisations and prerequisites API: scoping, auth, and the prerequisite payload."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from tests.designation import factories

pytestmark = pytest.mark.django_db


def prerequisites_url(org) -> str:
    return reverse("organization-prerequisites", args=[org.pk])


@pytest.mark.parametrize(
    "name_and_args",
    [
        ("organization-list", []),
        ("organization-detail", ["org"]),
        ("organization-prerequisites", ["org"]),
    ],
)
def test_every_route_refuses_anonymous_callers(api_client, org, name_and_args):
    name, args = name_and_args
    url = reverse(name, args=[org.pk for _ in args])
    response = api_client.get(url)
    assert response.status_code == 401
    assert "credentials were not provided" in response.json()["detail"]


def test_partner_lists_only_their_own_organisation(api_client, partner_admin, org, other_org):
    api_client.force_authenticate(partner_admin)
    body = api_client.get(reverse("organization-list")).json()
    assert [item["id"] for item in body["results"]] == [org.pk]
    assert body["results"][0]["partner_id"] == org.partner_id


def test_another_organisation_and_its_prerequisites_answer_404(
    api_client, partner_admin, other_org
):
    api_client.force_authenticate(partner_admin)
    assert api_client.get(reverse("organization-detail", args=[other_org.pk])).status_code == 404
    response = api_client.get(prerequisites_url(other_org))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_reviewer_sees_every_organisation(api_client, reviewer, org, other_org):
    api_client.force_authenticate(reviewer)
    ids = {item["id"] for item in api_client.get(reverse("organization-list")).json()["results"]}
    assert ids == {org.pk, other_org.pk}
    assert api_client.get(prerequisites_url(other_org)).status_code == 200


def test_auditor_without_assigned_audits_sees_no_organisation(api_client, auditor, org):
    api_client.force_authenticate(auditor)
    assert api_client.get(reverse("organization-list")).json()["results"] == []
    assert api_client.get(prerequisites_url(org)).status_code == 404


def test_prerequisites_payload_on_a_given_day(api_client, partner_member, org):
    api_client.force_authenticate(partner_member)
    response = api_client.get(prerequisites_url(org), {"on": "2026-11-21"})
    assert response.status_code == 200
    body = response.json()
    assert body["on"] == "2026-11-21"
    assert body["all_met"] is True
    first = body["prerequisites"][0]
    assert set(first) >= {"code", "met", "detail", "next_action"}
    assert [p["code"] for p in body["prerequisites"]][:3] == [
        "solutions_partner",
        "csp",
        "support_plan",
    ]


def test_prerequisites_before_the_facts_existed_are_unmet(api_client, partner_admin, org):
    api_client.force_authenticate(partner_admin)
    body = api_client.get(prerequisites_url(org), {"on": "2025-06-01"}).json()
    assert body["all_met"] is False
    unmet = {p["code"]: p["next_action"] for p in body["prerequisites"] if not p["met"]}
    assert unmet["support_plan"] == "Subscribe to a support plan (ASfP or PSfP)."
    assert "code_of_conduct" in unmet


def test_a_malformed_day_is_a_400_that_names_the_parameter(api_client, partner_admin, org):
    api_client.force_authenticate(partner_admin)
    response = api_client.get(prerequisites_url(org), {"on": "21/11/2026"})
    assert response.status_code == 400
    assert "on" in response.json()["errors"]


def test_a_day_before_the_program_started_is_a_400_with_the_reason(api_client, reviewer, org):
    api_client.force_authenticate(reviewer)
    response = api_client.get(prerequisites_url(org), {"on": "2020-01-01"})
    assert response.status_code == 400
    assert "the program had not started" in response.json()["errors"]["on"][0]


def test_token_auth_issues_a_token_that_authenticates(api_client, partner_admin, org):
    response = api_client.post(
        reverse("api-token"),
        {"username": partner_admin.username, "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(user=partner_admin).token_key == token[:15]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("organization-detail", args=[org.pk])).json()["id"] == org.pk


def test_token_with_a_wrong_password_is_refused_with_a_message(api_client, partner_admin):
    response = api_client.post(
        reverse("api-token"), {"username": partner_admin.username, "password": "nope"}
    )
    assert response.status_code == 400
    assert "Unable to sign in with these credentials" in str(response.json())


def test_unified_counts_once_program_rules_make_it_generally_available(api_client, reviewer):
    from datetime import date

    from designation.models import ProgramRules, SupportContract

    org = factories.EligibleOrganizationFactory()
    org.support_contracts.all().delete()
    SupportContract.objects.create(
        organization=org, plan="unified", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31)
    )
    ProgramRules.objects.create(effective_from=date(2026, 12, 1), unified_generally_available=True)
    api_client.force_authenticate(reviewer)

    def support_plan_met(day: str) -> bool:
        body = api_client.get(prerequisites_url(org), {"on": day}).json()
        return next(p for p in body["prerequisites"] if p["code"] == "support_plan")["met"]

    assert support_plan_met("2026-11-30") is False
    assert support_plan_met("2026-12-01") is True


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organizations/{id}/prerequisites/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
