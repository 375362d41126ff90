"""Correcting an audit in the browser: the assigned auditor corrects a failed CSAT attempt; a new
record supersedes it and decides again; the original stays readable; outsiders cannot."""

import pytest
from django.urls import reverse

from assessments.models import AuditRecord
from journey import services
from tests.assessments.factories import audit_for, survey_report
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_csat(auditor):
    enrollment = enrollment_at("customer_success", attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "3.4"}
    )
    audit.refresh_from_db()
    assert audit.verdict == "fail"
    return audit


def test_the_assigned_auditor_corrects_a_failed_attempt_in_the_browser(
    client, auditor, failed_csat, today
):
    client.force_login(auditor)
    page = client.get(reverse("audit-page", args=[failed_csat.pk])).content.decode()
    assert "Correct this record" in page
    url = reverse("audit-correct-form", args=[failed_csat.pk])
    refused = client.post(url, {"methodology_ok": "yes", "score": "4.3"})
    assert refused.status_code == 400  # the reason is required
    response = client.post(
        url,
        {"methodology_ok": "yes", "score": "4.3", "correction_reason": "Typed the wrong wave."},
    )
    new = AuditRecord.objects.get(supersedes=failed_csat)
    assert response.url == reverse("audit-page", args=[new.pk])
    assert (new.verdict, str(new.csat_score), new.correction_reason) == (
        "pass",
        "4.3",
        "Typed the wrong wave.",
    )
    failed_csat.refresh_from_db()
    assert (failed_csat.verdict, str(failed_csat.csat_score)) == ("fail", "3.4")  # kept
    html = client.get(response.url).content.decode()
    assert f"record {failed_csat.pk}</a> (kept as it was): Typed the wrong wave." in html
    assert new.enrollment.state == "capability"  # decided again
    event = new.enrollment.events.get(transition="audit_corrected")
    assert f"record {failed_csat.pk} corrected by record {new.pk}" in event.note
    assert event.actor == auditor
    # The enrollment's timeline is not the auditor's to read (SPEC section 1); a reviewer reads it.
    reviewer = PortalClient()
    reviewer.force_login(factories.UserFactory(groups=["Microsoft reviewer"]))
    timeline = reviewer.get(reverse("enrollment-page", args=[new.enrollment_id])).content.decode()
    assert "Audit record corrected" in timeline


def test_a_pass_cannot_be_corrected_and_others_may_not_try(
    client, auditor, partner_admin, failed_csat, today
):
    url = reverse("audit-correct-form", args=[failed_csat.pk])
    body = {"methodology_ok": "yes", "score": "4.3", "correction_reason": "x"}
    client.force_login(partner_admin)
    assert client.post(url, body).status_code in (403, 404)
    client.force_login(auditor)
    client.post(url, body)
    passed = AuditRecord.objects.get(supersedes=failed_csat)
    again = client.post(reverse("audit-correct-form", args=[passed.pk]), body)
    assert again.status_code == 400
    assert "this audit is closed" in again.content.decode()  # the journey moved on
    assert not AuditRecord.objects.filter(supersedes=passed).exists()
