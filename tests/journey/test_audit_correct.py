"""Correcting an audit in the browser: the assigned auditor corrects a failed CSAT attempt; a new
record supersedes it and decides again; the original stays readable; outsiders cannot."""

import pytest
from django.urls import reverse

from assessments.models import AuditRecord
from journey import services
from portal.errors import Forbidden
from tests.assessments.factories import audit_for, survey_report
from tests.conftest import PortalClient
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_csat(auditor, today):
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
    body = {"methodology_ok": "yes", "score": "4.3", "correction_reason": "Typed the wrong wave."}
    confirm = client.post(url, body).content.decode()
    assert "Confirm the correction" in confirm
    assert f"Record {failed_csat.pk} stays readable exactly as it was" in confirm
    assert not AuditRecord.objects.filter(supersedes=failed_csat).exists()  # not yet
    response = client.post(url, {**body, "confirmed": "1"})
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
    body = {"methodology_ok": "yes", "score": "4.3", "correction_reason": "x", "confirmed": "1"}
    client.force_login(partner_admin)
    assert client.post(url, body).status_code in (403, 404)
    client.force_login(auditor)
    client.post(url, body)
    passed = AuditRecord.objects.get(supersedes=failed_csat)
    again = client.post(reverse("audit-correct-form", args=[passed.pk]), body)
    assert again.status_code == 403  # the journey moved on: a reviewer's now
    assert "Only a Microsoft reviewer can correct it now" in again.content.decode()
    assert not AuditRecord.objects.filter(supersedes=passed).exists()


# --- who corrects when: the assigned auditor until the journey moves past the step, then a reviewer


def _post_correction(client, audit, body):
    url = reverse("audit-correct-form", args=[audit.pk])
    return client.post(url, {**body, "confirmed": "1"})


def test_the_auditors_last_moment_is_before_the_retake_starts_then_a_reviewer_corrects(
    client, auditor, reviewer, failed_csat, today
):
    organization = failed_csat.enrollment.organization
    partner_admin = factories.MembershipFactory(organization=organization, role="admin").user
    body = {"methodology_ok": "yes", "score": "3.5", "correction_reason": "Wave 2, not wave 1."}
    client.force_login(auditor)
    page = client.get(reverse("audit-correct-form", args=[failed_csat.pk]))
    assert page.status_code == 200  # the last moment: failed, no retake started
    services.enrollment_retake(
        enrollment_id=failed_csat.enrollment_id, by=partner_admin, on=TODAY
    )  # the moment after: the journey has moved past this attempt
    refused = _post_correction(client, failed_csat, body)
    assert refused.status_code == 403
    assert "the journey has moved past this step" in refused.content.decode()
    html = client.get(reverse("audit-page", args=[failed_csat.pk])).content.decode()
    assert "Correct this record" not in html
    assert not AuditRecord.objects.filter(supersedes=failed_csat).exists()

    client.force_login(reviewer)
    assert (
        "Correct this record"
        in client.get(reverse("audit-page", args=[failed_csat.pk])).content.decode()
    )
    no_reason = _post_correction(client, failed_csat, {**body, "correction_reason": ""})
    assert no_reason.status_code == 400 and "This field is required" in no_reason.content.decode()
    confirm = client.post(reverse("audit-correct-form", args=[failed_csat.pk]), body)
    text = confirm.content.decode()
    assert "Confirm the correction" in text and "stays readable exactly as it was" in text
    assert "the outcome must stay as it was" in text
    response = _post_correction(client, failed_csat, body)
    new = AuditRecord.objects.get(supersedes=failed_csat)
    assert response.url == reverse("audit-page", args=[new.pk])
    assert (new.verdict, str(new.csat_score), new.corrected_by) == ("fail", "3.5", reviewer)
    enrollment = new.enrollment
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.attempt_status) == ("customer_success", "in_progress")
    assert AuditRecord.objects.filter(enrollment=enrollment, kind="csat").current().count() == 2
    event = enrollment.events.filter(transition="audit_corrected").latest("sequence")
    assert (event.actor, event.reason) == (reviewer, "Wave 2, not wave 1.")
    assert "Microsoft reviewer" in event.note and "The outcome stands (fail)" in event.note
    timeline = client.get(reverse("enrollment-page", args=[enrollment.pk])).content.decode()
    assert "Audit record corrected" in timeline and "Wave 2, not wave 1." in timeline
    old_page = client.get(reverse("audit-page", args=[failed_csat.pk])).content.decode()
    assert f"record {new.pk}</a> supersedes it. It stays here as it was." in old_page
    assert "3.4" in old_page  # the original stays readable


def test_a_reviewer_cannot_correct_while_the_journey_is_still_at_the_step(
    client, reviewer, failed_csat, today
):
    client.force_login(reviewer)
    body = {"methodology_ok": "yes", "score": "4.3", "correction_reason": "x"}
    refused = _post_correction(client, failed_csat, body)
    assert refused.status_code == 403
    assert "The assigned auditor corrects this record" in refused.content.decode()
    assert not AuditRecord.objects.filter(supersedes=failed_csat).exists()


@pytest.fixture
def passed_csat(auditor, today):
    enrollment = enrollment_at("customer_success", attempt_status="in_progress")
    audit = audit_for(enrollment, "csat", auditor=auditor)
    survey_report(audit)
    services.audit_submit(
        audit_id=audit.pk, by=auditor, on=TODAY, data={"methodology_ok": True, "score": "4.5"}
    )
    audit.refresh_from_db()
    assert audit.verdict == "pass" and audit.enrollment.state == "capability"
    return audit


def test_after_the_journey_moved_on_a_reviewer_corrects_a_pass_that_stays_a_pass(
    client, reviewer, passed_csat, today
):
    client.force_login(reviewer)
    body = {"methodology_ok": "yes", "score": "4.7", "correction_reason": "Rounded wrongly."}
    assert _post_correction(client, passed_csat, body).status_code == 302
    new = AuditRecord.objects.get(supersedes=passed_csat)
    assert (new.verdict, str(new.csat_score)) == ("pass", "4.7")
    assert new.valid_until == passed_csat.valid_until  # the pass keeps its validity
    assert new.enrollment.state == "capability"  # the journey stays where it is
    assert AuditRecord.objects.filter(enrollment=new.enrollment, kind="capability").count() == 1


def test_a_correction_that_would_turn_a_pass_into_a_fail_after_the_journey_moved_on_is_refused(
    client, api_client, reviewer, passed_csat, today
):
    events = passed_csat.enrollment.events.count()
    client.force_login(reviewer)
    body = {"methodology_ok": "yes", "score": "3.0", "correction_reason": "Misread the report."}
    refused = _post_correction(client, passed_csat, body)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Nothing was recorded: this correction would turn a pass into a fail" in text
    api_client.force_authenticate(reviewer)
    answer = api_client.post(
        reverse("audit-correct", args=[passed_csat.pk]),
        {"methodology_ok": True, "score": "3.0", "reason": "Misread the report."},
        format="json",
    )
    assert answer.status_code == 409 and "would turn a pass into a fail" in answer.json()["detail"]
    assert not AuditRecord.objects.filter(supersedes=passed_csat).exists()  # nothing half-applied
    passed_csat.enrollment.refresh_from_db()
    assert passed_csat.enrollment.state == "capability"
    assert passed_csat.enrollment.events.count() == events


def test_the_api_refuses_the_auditor_after_the_journey_moved_on_and_needs_the_reviewers_reason(
    api_client, auditor, reviewer, passed_csat, today
):
    url = reverse("audit-correct", args=[passed_csat.pk])
    body = {"methodology_ok": True, "score": "4.6", "reason": "Typo."}
    api_client.force_authenticate(auditor)
    refused = api_client.post(url, body, format="json")
    assert refused.status_code == 403
    assert "Only a Microsoft reviewer can correct it now" in refused.json()["detail"]
    api_client.force_authenticate(reviewer)
    no_reason = api_client.post(url, {**body, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    done = api_client.post(url, body, format="json")
    assert done.status_code == 201
    assert (done.json()["corrected_by"], done.json()["supersedes"]) == (
        reviewer.username,
        passed_csat.pk,
    )


# --- a performance determination corrected: by its reviewer once determined


@pytest.fixture
def performance(auditor, today):
    """Frozen: 12 cases on USD 500,000 (the target 20.00 is 10 cases)."""
    enrollment = enrollment_at("performance", attempt_status="in_progress")
    return audit_for(
        enrollment,
        "performance",
        auditor=auditor,
        frozen_case_volume=12,
        frozen_billed_revenue_usd="500000.00",
    )


def _submit(audit, volume, reason="Two merged tickets."):
    data = {"validated_case_volume": volume, "adjustment_reason": reason}
    return services.audit_submit(audit_id=audit.pk, by=audit.auditor, on=TODAY, data=data)


def test_a_determined_pass_corrected_after_the_journey_moved_on_is_determined_again(
    api_client, reviewer, performance, today
):
    _submit(performance, 10)
    services.audit_determine(audit_id=performance.pk, by=reviewer, on=TODAY)
    enrollment = performance.enrollment
    enrollment.refresh_from_db()
    assert enrollment.state == "customer_success"
    url = reverse("audit-correct", args=[performance.pk])
    body = {"validated_case_volume": 9, "adjustment_reason": "Three merged.", "reason": "Recount."}
    api_client.force_authenticate(performance.auditor)
    assert api_client.post(url, body, format="json").status_code == 403
    api_client.force_authenticate(reviewer)
    answer = api_client.post(url, body, format="json")
    assert answer.status_code == 201, answer.content
    new = AuditRecord.objects.get(supersedes=performance)
    assert (new.status, str(new.final_case_rate), new.verdict) == ("determined", "18.00", "pass")
    assert (new.determined_by, new.volume_adjustment, new.adjustment_reason) == (
        reviewer,
        -3,
        "Three merged.",
    )
    enrollment.refresh_from_db()
    assert enrollment.state == "customer_success"  # the journey stays
    assert AuditRecord.objects.filter(enrollment=enrollment, kind="csat").count() == 1
    # Turning the pass into a fail now would need the journey to move back: refused, nothing kept.
    worse = {"validated_case_volume": 12, "reason": "Count them all."}
    refused = api_client.post(reverse("audit-correct", args=[new.pk]), worse, format="json")
    assert refused.status_code == 409
    assert "would turn a pass into a fail" in refused.json()["detail"]
    assert not AuditRecord.objects.filter(supersedes=new).exists()


def test_a_determined_fail_still_at_its_step_is_the_reviewers_to_correct_and_moves_the_journey(
    reviewer, performance, today
):
    _submit(performance, 12)
    services.audit_determine(audit_id=performance.pk, by=reviewer, on=TODAY)
    performance.refresh_from_db()
    assert performance.verdict == "fail" and performance.enrollment.state == "performance"
    data = {"validated_case_volume": 10, "adjustment_reason": "Two were Microsoft's own."}
    with pytest.raises(Forbidden, match="Microsoft determined it"):
        services.audit_correct(
            audit_id=performance.pk, by=performance.auditor, on=TODAY, reason="x", data=data
        )
    new = services.audit_correct(
        audit_id=performance.pk, by=reviewer, on=TODAY, reason="Recount.", data=data
    )
    assert (new.verdict, new.corrected_by) == ("pass", reviewer)
    enrollment = new.enrollment
    enrollment.refresh_from_db()
    assert enrollment.state == "customer_success"  # still at its step: it decides again
    assert enrollment.events.filter(transition="audit_corrected").count() == 1
