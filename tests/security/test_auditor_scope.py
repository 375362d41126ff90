"""An auditor sees only the audits assigned to them (and the unclaimed queue), nothing else of
the organisation's audit history: SPEC section 1."""

import pytest
from django.urls import reverse

from tests.assessments.factories import audit_for
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(org):
    """The same enrollment audited by two auditors; an older enrollment audited by the second."""
    first = factories.UserFactory(groups=["ISSI auditor"], username="auditor-one")
    second = factories.UserFactory(groups=["ISSI auditor"], username="auditor-two")
    older = enrollment_at("withdrawn", organization=org)
    audit_for(older, "performance", auditor=second, status="submitted", verdict="fail")
    current = enrollment_at("capability", organization=org, attempt_status="in_progress")
    theirs = audit_for(current, "performance", auditor=second, status="submitted", verdict="pass")
    mine = audit_for(current, "capability", auditor=first)
    return {"first": first, "older": older, "current": current, "theirs": theirs, "mine": mine}


def test_the_assessments_page_and_dashboard_list_only_the_auditors_own_audits(client, org, history):
    client.force_login(history["first"])
    for name in ("organization-assessments", "organization-overview"):
        html = client.get(reverse(name, args=[org.pk])).content.decode()
        assert "Capability assessment" in html, name
        assert "auditor-two" not in html, name
        assert f"/audits/{history['theirs'].pk}/" not in html, name


def test_enrollments_without_an_audit_of_theirs_are_invisible_to_an_auditor(api_client, history):
    api_client.force_authenticate(history["first"])
    listed = api_client.get(reverse("enrollment-list")).json()["results"]
    assert [e["id"] for e in listed] == [history["current"].pk]
    older = api_client.get(reverse("enrollment-detail", args=[history["older"].pk]))
    assert older.status_code == 404
    detail = api_client.get(reverse("enrollment-detail", args=[history["current"].pk])).json()
    assert [a["id"] for a in detail["audits"]] == [history["mine"].pk]


def test_the_audits_api_hides_another_auditors_audit(api_client, history):
    api_client.force_authenticate(history["first"])
    assert api_client.get(reverse("audit-detail", args=[history["theirs"].pk])).status_code == 404
    ids = {a["id"] for a in api_client.get(reverse("audit-list")).json()["results"]}
    assert history["theirs"].pk not in ids and history["mine"].pk in ids
