"""Facts of record: kept by reviewers and program admins, every change kept; the partner's own
acts; change requests proposed by partner admins and decided by reviewers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InternalError, transaction
from django.urls import reverse

from designation import facts
from designation.models import FactChange, FactChangeRequest
from tests.assessments.factories import PDF_BYTES
from tests.designation import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_admin(db):
    return factories.UserFactory(groups=["Program admin"])


def test_a_partner_admin_can_no_longer_change_any_fact_of_record(client, partner_admin, org):
    client.force_login(partner_admin)
    contract = org.support_contracts.get()
    attempts = [
        (reverse("account-facts-edit", args=[org.pk]), {"legal_name": "Microsoft Corporation"}),
        (
            reverse("fact-add", args=[org.pk, "solutions-partner"]),
            {"area": "modern_work", "attained_on": "2026-01-01", "anniversary_on": "2027-01-01"},
        ),
        (
            reverse("fact-edit", args=[org.pk, "support-contracts", contract.pk]),
            {"plan": "unified", "starts_on": "2026-01-01", "ends_on": "2030-01-01"},
        ),
        (reverse("fact-delete", args=[org.pk, "support-contracts", contract.pk]), {}),
    ]
    for url, data in attempts:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    org.refresh_from_db()
    assert org.legal_name != "Microsoft Corporation"
    assert org.solutions_partner_designations.count() == 1
    assert org.support_contracts.get().plan == "psfp"
    assert not FactChange.objects.exists()
    page = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert "Edit account facts" not in page
    assert "Propose a change" in page


def test_the_settings_page_shows_each_facts_source_and_last_confirmation(
    client, reviewer, partner_admin, org
):
    contract = org.support_contracts.get()
    client.force_login(reviewer)
    client.post(
        reverse("fact-edit", args=[org.pk, "support-contracts", contract.pk]),
        {"plan": "asfp", "starts_on": "2026-01-01", "ends_on": "2028-01-01", "reason": "Renewed"},
    )
    contract.refresh_from_db()
    assert (contract.plan, contract.source) == ("asfp", "reviewer")
    assert contract.confirmed_at is not None
    html = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert "Microsoft reviewer" in html  # the source
    assert contract.confirmed_at.strftime("%Y-%m-%d") in html
    assert "plan: psfp → asfp" in html and "Renewed" in html  # the history, for reviewers
    client.force_login(partner_admin)
    partner_view = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert "Microsoft reviewer" in partner_view
    assert "Changes to the facts of record" not in partner_view


def test_a_program_admin_keeps_facts_too_and_is_named_as_the_source(client, program_admin, org):
    client.force_login(program_admin)
    response = client.post(
        reverse("account-facts-edit", args=[org.pk]),
        {"legal_name": "Contoso Renamed", "country": "US", "in_good_standing": "on"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.legal_name, org.facts_source) == ("Contoso Renamed", "program_admin")
    change = FactChange.objects.get()
    assert set(change.fields_changed()) == {
        ("legal_name", change.before["legal_name"], "Contoso Renamed"),
        ("partner_center_registered", True, False),
        ("tax_billing_on_file", True, False),
    }


def test_an_unchanged_save_confirms_the_fact_without_a_change_row(reviewer, org):
    values = facts.snapshot(org, "account")
    assert (
        facts.record_fact(organization_id=org.pk, kind="account", values=values, by=reviewer)
        is None
    )
    org.refresh_from_db()
    assert org.facts_confirmed_at is not None
    assert not FactChange.objects.exists()


def test_the_change_history_cannot_be_edited_or_deleted(reviewer, org):
    change = facts.record_fact(
        organization_id=org.pk, kind="account", values={"legal_name": "New"}, by=reviewer
    )
    with pytest.raises(InternalError), transaction.atomic():
        FactChange.objects.filter(pk=change.pk).update(reason="rewritten")
    with pytest.raises(InternalError), transaction.atomic():
        FactChange.objects.filter(pk=change.pk).delete()


def test_partner_admin_accepts_the_code_of_conduct_and_attests_with_who_and_when(
    client, partner_admin, partner_member, today
):
    org = factories.OrganizationFactory()
    factories.MembershipFactory(organization=org, user=partner_admin, role="admin")
    url = reverse("partner-acts-edit", args=[org.pk])
    client.force_login(partner_admin)
    response = client.post(url, {"accept_code_of_conduct": "on", "attest": "on"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.code_of_conduct_accepted_on == today
    assert org.code_of_conduct_accepted_by == partner_admin
    assert (org.representative_attested, org.representative_attested_by) == (True, partner_admin)
    html = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert f"Accepted on 2026-11-21 by {partner_admin.username}" in html


def test_a_partner_member_cannot_accept_or_attest(client, partner_member, org):
    client.force_login(partner_member)
    url = reverse("partner-acts-edit", args=[org.pk])
    assert client.post(url, {"attest": ""}).status_code == 403
    org.refresh_from_db()
    assert org.representative_attested is True


def _propose_csp_change(client, org, **extra):
    csp = org.csp_enrollments.get()
    return client.post(
        reverse("change-request-new-for", args=[org.pk, "csp", csp.pk]),
        {
            "fact-kind": "distributor",
            "fact-enrolled_on": "2023-11-21",
            "reason": "We moved to the distributor model in 2023.",
            **extra,
        },
    )


def test_change_request_accepted_changes_the_fact_and_the_partner_sees_it(
    client, partner_admin, reviewer, org, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(partner_admin)
    evidence = SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = _propose_csp_change(client, org, evidence=evidence)
    change = FactChangeRequest.objects.get()
    assert response.status_code == 302
    assert (change.status, change.proposed["kind"], change.current["kind"]) == (
        "pending",
        "distributor",
        "direct_bill",
    )
    assert org.csp_enrollments.get().kind == "direct_bill"  # nothing changes before review

    client.force_login(reviewer)
    queues = client.get(reverse("review-queues")).content.decode()
    assert "Fact change requests" in queues and org.legal_name in queues
    page = client.get(reverse("change-request-page", args=[org.pk, change.pk])).content.decode()
    assert "letter.pdf" in page and "distributor" in page
    download = client.get(reverse("change-request-evidence", args=[org.pk, change.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    client.post(reverse("change-request-decide", args=[org.pk, change.pk]), {"decision": "accept"})
    csp = org.csp_enrollments.get()
    assert (csp.kind, csp.source) == ("distributor", "reviewer")
    recorded = FactChange.objects.get()
    assert (recorded.change_request, recorded.by) == (change, reviewer)
    assert recorded.before["kind"] == "direct_bill" and recorded.after["kind"] == "distributor"

    again = client.post(
        reverse("change-request-decide", args=[org.pk, change.pk]), {"decision": "accept"}
    )
    assert "already decided" in client.get(again.url).content.decode()
    assert FactChange.objects.count() == 1

    client.force_login(partner_admin)
    html = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert "Accepted: the fact was changed" in html


def test_a_decline_needs_a_reason_and_changes_nothing(client, partner_admin, reviewer, org):
    client.force_login(partner_admin)
    _propose_csp_change(client, org)
    change = FactChangeRequest.objects.get()
    client.force_login(reviewer)
    url = reverse("change-request-decide", args=[org.pk, change.pk])
    refused = client.post(url, {"decision": "decline", "reason": " "})
    assert refused.status_code == 400
    assert "Say why the change is declined" in refused.content.decode()
    client.post(url, {"decision": "decline", "reason": "Partner Center still says Direct Bill."})
    change.refresh_from_db()
    assert change.status == "declined"
    assert org.csp_enrollments.get().kind == "direct_bill"
    client.force_login(partner_admin)
    html = client.get(reverse("organization-settings", args=[org.pk])).content.decode()
    assert "Declined: Partner Center still says Direct Bill." in html


def test_a_partner_admin_cannot_decide_its_own_request(client, partner_admin, org):
    client.force_login(partner_admin)
    _propose_csp_change(client, org)
    change = FactChangeRequest.objects.get()
    url = reverse("change-request-decide", args=[org.pk, change.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 403
    assert org.csp_enrollments.get().kind == "direct_bill"


def test_evidence_that_is_html_renamed_to_pdf_is_refused(client, partner_admin, org):
    client.force_login(partner_admin)
    fake = SimpleUploadedFile("letter.pdf", b"<html><body>hi</body></html>", "application/pdf")
    response = _propose_csp_change(client, org, evidence=fake)
    assert response.status_code == 200
    assert "text/html, whatever its name says" in response.content.decode()
    assert not FactChangeRequest.objects.exists()


def test_a_proposal_with_invalid_values_is_refused_next_to_the_field(client, partner_admin, org):
    client.force_login(partner_admin)
    response = client.post(
        reverse("change-request-new", args=[org.pk, "support-contracts"]),
        {"fact-plan": "psfp", "fact-starts_on": "2026-05-01", "fact-ends_on": "2026-04-01"},
    )
    html = response.content.decode()
    assert "The contract cannot end before it starts." in html
    assert "This field is required." in html  # the reason
    assert not FactChangeRequest.objects.exists()


def test_a_removal_request_removes_the_fact_once_accepted(client, partner_admin, reviewer, org):
    contract = org.support_contracts.get()
    client.force_login(partner_admin)
    url = reverse("change-request-new-for", args=[org.pk, "support-contracts", contract.pk])
    client.post(url + "?remove=1", {"reason": "Cancelled in October."})
    change = FactChangeRequest.objects.get()
    assert change.action == "remove"
    client.force_login(reviewer)
    client.post(reverse("change-request-decide", args=[org.pk, change.pk]), {"decision": "accept"})
    assert not org.support_contracts.exists()
    assert FactChange.objects.get().action == "removed"


def test_another_organisations_change_requests_answer_404(client, partner_admin, other_org):
    other_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    client.force_login(other_admin)
    _propose_csp_change(client, other_org)
    change = FactChangeRequest.objects.get()
    client.force_login(partner_admin)
    for name in ("change-request-page", "change-request-evidence"):
        assert client.get(reverse(name, args=[other_org.pk, change.pk])).status_code == 404
    url = reverse("change-request-new", args=[other_org.pk, "account"])
    assert client.get(url).status_code == 404


def test_fact_pages_have_a_fixed_number_of_queries(
    client, partner_admin, reviewer, org, django_assert_max_num_queries
):
    client.force_login(partner_admin)
    for _ in range(3):
        _propose_csp_change(client, org)
    change = FactChangeRequest.objects.first()
    org.code_of_conduct_accepted_by = org.representative_attested_by = partner_admin
    org.save()
    client.force_login(reviewer)
    for _ in range(3):
        facts.record_fact(
            organization_id=org.pk, kind="account", values={"legal_name": f"N{_}"}, by=reviewer
        )
    with django_assert_max_num_queries(17):
        assert client.get(reverse("organization-settings", args=[org.pk])).status_code == 200
    with django_assert_max_num_queries(17):
        assert (
            client.get(reverse("change-request-page", args=[org.pk, change.pk])).status_code == 200
        )
