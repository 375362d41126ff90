"""An auditor sees only the audit records assigned to them (also once decided), with what those
audits need: the frozen figures, the excluded cases, their evidence, and the organisation's name,
partner ID and country. Nothing else of the organisation: SPEC section 1, issue 10 finding 3."""

from datetime import date

import pytest
from django.urls import reverse

from assessments import services as audit_services
from assessments.models import ExcludedCase
from designation.models import EnrollmentEvent, ProgramRules
from metrics.models import ImportRecord
from tests.assessments.factories import audit_for, pdf_upload
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db
CANARY = "CANARY-reviewer-reason-91c2"


@pytest.fixture
def history(org, settings, tmp_path):
    """The same enrollment audited by two auditors; an older enrollment audited by the second;
    the first auditor's performance audit finished (determined with a reviewer's reason)."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    first = factories.UserFactory(groups=["ISSI auditor"], username="auditor-one")
    second = factories.UserFactory(groups=["ISSI auditor"], username="auditor-two")
    reviewer = factories.UserFactory(groups=["Microsoft reviewer"])
    admin = factories.MembershipFactory(organization=org, role="admin").user
    older = enrollment_at("ineligible", organization=org)
    EnrollmentEvent.record(
        older,
        transition="reject_eligibility",
        from_state="eligibility_review",
        by=reviewer,
        rules_version=ProgramRules.objects.in_force(date(2026, 11, 21)),
        reason=CANARY,
    )
    current = enrollment_at("capability", organization=org, attempt_status="in_progress")
    finished = audit_for(
        current,
        "performance",
        auditor=first,
        status="determined",
        verdict="pass",
        frozen_as_of=date(2026, 10, 1),
        frozen_case_volume=14,
        frozen_billed_revenue_usd="2000000.00",
        frozen_case_rate="7.00",
        validated_case_volume=12,
        proposed_case_rate="6.00",
        final_case_rate="5.00",
        override_reason=CANARY,
        determined_by=reviewer,
    )
    ExcludedCase.objects.create(audit=finished, case_id="C-DUP-1", reason="duplicate of C-7")
    theirs = audit_for(current, "csat", auditor=second, status="submitted", verdict="pass")
    mine = audit_for(current, "capability", auditor=first)
    evidence = audit_services.evidence_upload(
        audit_id=mine.pk, by=admin, upload=pdf_upload(), component="processes_procedures"
    )
    ImportRecord.objects.create(organization=org, kind="cases", file_name="cases.csv")
    return {
        "first": first,
        "older": older,
        "current": current,
        "finished": finished,
        "theirs": theirs,
        "mine": mine,
        "evidence": evidence,
    }


def staff_client(user) -> PortalClient:
    client = PortalClient()
    client.force_login(user)
    return client


def test_the_finished_audit_shows_what_the_audit_needed_and_no_reviewer_reason(
    api_client, org, history
):
    api_client.force_authenticate(history["first"])
    body = api_client.get(reverse("audit-detail", args=[history["finished"].pk])).json()
    assert (body["organization_name"], body["organization_partner_id"]) == (
        org.legal_name,
        org.partner_id,
    )
    assert body["organization_country"] == org.country
    assert (body["frozen_case_volume"], body["frozen_case_rate"]) == (14, "7.00")
    assert body["excluded_cases"] == [{"case_id": "C-DUP-1", "reason": "duplicate of C-7"}]
    assert body["final_case_rate"] == "5.00" and body["override_reason"] == ""
    listed = api_client.get(reverse("audit-list")).content.decode()
    assert CANARY not in listed and str(history["finished"].pk) in listed
    page = staff_client(history["first"]).get(reverse("audit-page", args=[history["finished"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert org.legal_name in html and org.partner_id in html and "C-DUP-1" in html
    assert CANARY not in html
    assert "dana@example.com" not in html  # the enrollment's contact is not the auditor's
    assert reverse("organization-overview", args=[org.pk]) not in html


def test_the_auditor_downloads_the_evidence_of_their_audit(history):
    url = reverse("evidence-download", args=[history["evidence"].pk])
    assert staff_client(history["first"]).get(url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "organization-overview",
        "organization-settings",
        "organization-assessments",
        "metrics-overview",
        "badge",
        "enrollment-home",
    ],
)
def test_no_organisation_page_answers_an_auditor(org, history, name):
    response = staff_client(history["first"]).get(reverse(name, args=[org.pk]))
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


def test_no_timeline_or_import_answers_an_auditor(org, history):
    client = staff_client(history["first"])
    record = ImportRecord.objects.get()
    for url in (
        reverse("enrollment-page", args=[history["current"].pk]),
        reverse("enrollment-page", args=[history["older"].pk]),
        reverse("metrics-import-detail", args=[org.pk, record.pk]),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "name", ["organization-detail", "organization-prerequisites", "api-case-rate"]
)
def test_no_organisation_api_answers_an_auditor(api_client, org, history, name):
    api_client.force_authenticate(history["first"])
    assert api_client.get(reverse(name, args=[org.pk])).status_code == 404


def test_enrollments_are_invisible_to_an_auditor(api_client, history):
    api_client.force_authenticate(history["first"])
    assert api_client.get(reverse("enrollment-list")).json()["results"] == []
    for enrollment in (history["current"], history["older"]):
        detail = api_client.get(reverse("enrollment-detail", args=[enrollment.pk]))
        assert detail.status_code == 404
    assert api_client.get(reverse("organization-list")).json()["results"] == []


def test_the_audits_api_hides_another_auditors_audit(api_client, history):
    api_client.force_authenticate(history["first"])
    assert api_client.get(reverse("audit-detail", args=[history["theirs"].pk])).status_code == 404
    ids = {a["id"] for a in api_client.get(reverse("audit-list")).json()["results"]}
    assert history["theirs"].pk not in ids
    assert {history["mine"].pk, history["finished"].pk} <= ids


def test_a_reviewer_still_reads_the_reason(api_client, history):
    api_client.force_authenticate(factories.UserFactory(groups=["Microsoft reviewer"]))
    body = api_client.get(reverse("audit-detail", args=[history["finished"].pk])).json()
    assert body["override_reason"] == CANARY
