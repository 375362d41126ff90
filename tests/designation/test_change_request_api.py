"""Fact change requests through the API: partner admins propose (members read), reviewers list
the queue and accept or decline; scoped as the pages are; a decided request stays decided."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from designation import change_requests
from designation.models import FactChange, FactChangeRequest
from portal import bounds
from portal.errors import Conflict
from tests.assessments.factories import PDF_BYTES
from tests.designation import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/fact-change-requests/"


def _propose(api_client, org, **extra):
    csp = org.csp_enrollments.get()
    body = {
        "organization": org.pk,
        "kind": "csp",
        "action": "change",
        "fact_id": csp.pk,
        "proposed": {"kind": "distributor"},
        "reason": "We moved to the distributor model in 2023.",
        **extra,
    }
    return api_client.post(URL, body, format="json")


def test_a_partner_admin_proposes_and_only_the_named_values_change_on_acceptance(
    api_client, partner_admin, reviewer, org
):
    api_client.force_authenticate(partner_admin)
    response = _propose(api_client, org)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["status_label"]) == ("pending", "Waiting for a reviewer")
    assert body["current"]["kind"] == "direct_bill"
    assert body["proposed"]["kind"] == "distributor"  # the rest kept from the fact
    assert body["proposed"]["enrolled_on"] == org.csp_enrollments.get().enrolled_on.isoformat()
    assert org.csp_enrollments.get().kind == "direct_bill"  # nothing changes before review

    api_client.force_authenticate(reviewer)
    queue = api_client.get(URL, {"status": "pending"}).json()
    assert [r["id"] for r in queue["results"]] == [body["id"]]
    accepted = api_client.post(f"{URL}{body['id']}/accept/", {"note": "Checked"}, format="json")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["decided_by"]) == (
        "accepted",
        reviewer.username,
    )
    csp = org.csp_enrollments.get()
    assert (csp.kind, csp.source) == ("distributor", "reviewer")
    change = FactChange.objects.get()
    assert (change.by, change.change_request_id, change.action) == (reviewer, body["id"], "changed")
    assert (change.before["kind"], change.after["kind"]) == ("direct_bill", "distributor")
    assert api_client.get(URL, {"status": "pending"}).json()["count"] == 0


def test_a_decided_request_cannot_be_decided_again(api_client, partner_admin, reviewer, org):
    api_client.force_authenticate(partner_admin)
    pk = _propose(api_client, org).json()["id"]
    api_client.force_authenticate(reviewer)
    declined = api_client.post(f"{URL}{pk}/decline/", {"reason": "Still Direct Bill."}, "json")
    assert declined.status_code == 200
    for name, body in (("accept", {}), ("decline", {"reason": "Again"})):
        again = api_client.post(f"{URL}{pk}/{name}/", body, format="json")
        assert again.status_code == 409
        assert again.json()["detail"] == "This change request was already decided: Declined."
    assert org.csp_enrollments.get().kind == "direct_bill"
    assert not FactChange.objects.exists()


def test_a_decline_needs_a_reason_the_partner_then_reads(
    api_client, partner_admin, partner_member, reviewer, org
):
    api_client.force_authenticate(partner_admin)
    pk = _propose(api_client, org).json()["id"]
    api_client.force_authenticate(reviewer)
    for body in ({}, {"reason": "   "}):
        refused = api_client.post(f"{URL}{pk}/decline/", body, format="json")
        assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    api_client.post(f"{URL}{pk}/decline/", {"reason": "Partner Center says Direct Bill."}, "json")
    api_client.force_authenticate(partner_member)
    [mine] = api_client.get(URL).json()["results"]
    assert (mine["status_label"], mine["decision_reason"]) == (
        "Declined",
        "Partner Center says Direct Bill.",
    )


def test_members_read_but_do_not_propose_and_partners_do_not_decide(
    api_client, partner_admin, partner_member, org
):
    api_client.force_authenticate(partner_admin)
    pk = _propose(api_client, org).json()["id"]
    api_client.force_authenticate(partner_member)
    assert api_client.get(f"{URL}{pk}/").status_code == 200
    refused = _propose(api_client, org)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only a partner admin of this organisation can propose a change."
    )
    for user in (partner_member, partner_admin):
        api_client.force_authenticate(user)
        assert api_client.post(f"{URL}{pk}/accept/", {}, format="json").status_code == 403
    assert FactChangeRequest.objects.get().status == "pending"


def test_another_organisations_requests_answer_404(api_client, partner_admin, org, other_org):
    other_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    api_client.force_authenticate(other_admin)
    pk = _propose(api_client, other_org).json()["id"]
    auditor = factories.UserFactory(groups=["ISSI auditor"])
    for user in (partner_admin, auditor):
        api_client.force_authenticate(user)
        assert api_client.get(URL).json()["count"] == 0
        assert api_client.get(f"{URL}{pk}/").status_code == 404
        assert api_client.post(f"{URL}{pk}/accept/", {}, format="json").status_code == 404
        assert api_client.post(f"{URL}{pk}/decline/", {"reason": "x"}, "json").status_code == 404
    api_client.force_authenticate(partner_admin)
    assert _propose(api_client, other_org).status_code == 404
    assert FactChangeRequest.objects.count() == 1


def test_a_proposal_with_evidence_goes_through_the_pages_file_checks(
    api_client, partner_admin, reviewer, org
):
    api_client.force_authenticate(partner_admin)
    account = {
        "organization": org.pk,
        "kind": "account",
        "proposed": '{"legal_name": "Contoso Holdings Ltd"}',
        "reason": "Renamed in October; the registry letter is attached.",
    }
    fake = SimpleUploadedFile("letter.pdf", b"<html><body>hi</body></html>", "application/pdf")
    refused = api_client.post(URL, {**account, "evidence": fake}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["field"] == "evidence"
    assert "text/html, whatever its name says" in refused.json()["detail"]
    letter = SimpleUploadedFile("letter.pdf", PDF_BYTES, "application/pdf")
    created = api_client.post(URL, {**account, "evidence": letter}, format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["has_evidence"], body["evidence_name"]) == (True, "letter.pdf")
    assert body["proposed"]["legal_name"] == "Contoso Holdings Ltd"
    assert body["proposed"]["country"] == org.country  # kept
    org.refresh_from_db()
    assert org.legal_name != "Contoso Holdings Ltd"


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"proposed": {"ended_on": "2001-01-01"}}, "proposed.ended_on", "cannot be before"),
        ({"proposed": {"kind": "reseller"}}, "proposed.kind", "Select a valid choice"),
        ({"proposed": {"colour": "red"}}, "proposed", "Unknown fields"),
        ({"proposed": {"kind": ["distributor"]}}, "proposed.kind", "give one value"),
        ({"proposed": {"enrolled_on": "99999-01-01"}}, "proposed.enrolled_on", "valid date"),
        ({"fact_id": None}, "fact_id", "Say which fact"),
        ({"kind": "account", "action": "remove"}, "action", "can only be changed"),
    ],
)
def test_a_proposal_that_the_fact_form_refuses_is_a_400_naming_the_field(
    api_client, partner_admin, org, extra, field, words
):
    api_client.force_authenticate(partner_admin)
    response = _propose(api_client, org, **extra)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert not FactChangeRequest.objects.exists()


def test_a_proposal_not_an_object_or_for_another_organisations_fact_is_refused(
    api_client, partner_admin, org, other_org
):
    api_client.force_authenticate(partner_admin)
    response = _propose(api_client, org, proposed=["kind"])
    assert response.status_code == 400 and "proposed" in response.json()["detail"]
    foreign = other_org.csp_enrollments.get()
    assert _propose(api_client, org, fact_id=foreign.pk).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_accept_and_decline_one_wins_the_other_is_refused(monkeypatch):
    org = factories.EligibleOrganizationFactory()
    admin = factories.MembershipFactory(organization=org, role="admin").user
    first, second = (factories.UserFactory(groups=["Microsoft reviewer"]) for _ in range(2))
    request = change_requests.change_request_create(
        organization_id=org.pk,
        kind="csp",
        action="change",
        fact_id=org.csp_enrollments.get().pk,
        proposed={"kind": "distributor"},
        reason="Moved.",
        by=admin,
    )
    locked = change_requests._locked_pending

    def slow(request_id, by):
        found = locked(request_id, by)
        time.sleep(0.3)  # hold the row lock so the other really waits on it
        return found

    monkeypatch.setattr(change_requests, "_locked_pending", slow)
    barrier, results = threading.Barrier(2), {}

    def run(name, call):
        try:
            barrier.wait()
            results[name] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each got
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "accept",
                lambda: change_requests.change_request_accept(request_id=request.pk, by=first),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "decline",
                lambda: change_requests.change_request_decline(
                    request_id=request.pk, by=second, reason="No."
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = [name for name, got in results.items() if isinstance(got, Conflict)]
    won = [name for name, got in results.items() if isinstance(got, FactChangeRequest)]
    assert len(refused) == 1 and len(won) == 1, results
    assert "already decided" in results[refused[0]].message
    final = FactChangeRequest.objects.get(pk=request.pk)
    assert final.status == {"accept": "accepted", "decline": "declined"}[won[0]]
    assert FactChange.objects.count() == (1 if won[0] == "accept" else 0)
    assert org.csp_enrollments.get().kind == (
        "distributor" if won[0] == "accept" else "direct_bill"
    )


@pytest.mark.parametrize("points", ["99999999999999999999", "-1", "4.55", "abc", 10**30, -5, 1.5])
def test_proposed_points_out_of_range_are_a_400_giving_the_range(
    api_client, partner_admin, org, points
):
    api_client.force_authenticate(partner_admin)
    designation = org.solutions_partner_designations.get()
    response = _propose(
        api_client,
        org,
        kind="solutions_partner",
        fact_id=designation.pk,
        proposed={"performance_points": points},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "proposed.performance_points"
    assert bounds.CAPABILITY_POINTS.words() in response.json()["detail"]
    assert "Ensure that there are no more than" not in response.json()["detail"]


def test_a_program_admin_lists_the_queue_and_decides_too(api_client, partner_admin, org):
    program_admin = factories.UserFactory(groups=["Program admin"])
    api_client.force_authenticate(partner_admin)
    pk = _propose(api_client, org).json()["id"]
    api_client.force_authenticate(program_admin)
    [row] = api_client.get(URL, {"status": "pending", "organization": org.pk}).json()["results"]
    assert (row["id"], row["organization_name"], row["kind_label"]) == (
        pk,
        org.legal_name,
        "CSP enrollment",
    )
    accepted = api_client.post(f"{URL}{pk}/accept/", {}, format="json")
    assert accepted.json()["status_label"] == "Accepted: the fact was changed"
    assert org.csp_enrollments.get().source == "program_admin"
