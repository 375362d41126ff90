"""Files attached to comments and appeals: the evidence checks, SHA-256, uploader and time; shown
under the comment with name and size; downloaded only by those who can see the comment or appeal
(an internal note's file never reaches a partner), another organisation 404."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Attachment, Comment
from journey import conversation, services
from tests.assessments.factories import PDF_BYTES, claimed_capability_audit, pdf_upload
from tests.designation import factories
from tests.designation.factories import TODAY

pytestmark = pytest.mark.django_db

FAILING = {"support_function": 40, "support_staff_skills": 75, "support_performance_metrics": 70}


@pytest.fixture
def audit(org):
    return claimed_capability_audit(organization=org)


def _download(client, attachment):
    return client.get(reverse("attachment-download", args=[attachment.pk]))


def test_a_comment_with_a_file_keeps_its_hash_and_shows_it_under_the_comment(
    client, audit, partner_admin, partner_member
):
    client.force_login(partner_admin)
    response = client.post(
        reverse("audit-comment-form", args=[audit.pk]),
        {"body": "Here is the QA export", "file": pdf_upload("qa export.pdf")},
    )
    assert response.status_code == 302
    [attachment] = Attachment.objects.all()
    assert attachment.comment.body == "Here is the QA export"
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (attachment.uploaded_by, attachment.original_name) == (partner_admin, "qa export.pdf")
    assert attachment.uploaded_at is not None and attachment.clean is True
    client.force_login(partner_member)
    html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
    assert "qa export.pdf" in html and reverse("attachment-download", args=[attachment.pk]) in html
    assert f"({len(PDF_BYTES)}\xa0bytes)" in html or "KB)" in html
    downloaded = _download(client, attachment)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF_BYTES
    assert downloaded["Content-Disposition"].startswith("attachment;")
    assert downloaded["X-Content-Type-Options"] == "nosniff"


def test_an_internal_notes_file_never_reaches_a_partner(
    client, api_client, audit, partner_admin, reviewer
):
    api_client.force_authenticate(reviewer)
    created = api_client.post(
        f"/api/v1/audits/{audit.pk}/comments/",
        {"body": "Staff: compare with last year", "internal": True, "file": pdf_upload()},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    attachment = Attachment.objects.get(pk=created.json()["attachment"]["id"])
    assert created.json()["attachment"]["sha256"] == attachment.sha256
    client.force_login(partner_admin)
    assert _download(client, attachment).status_code == 404
    api_client.force_authenticate(partner_admin)
    listed = api_client.get(f"/api/v1/audits/{audit.pk}/comments/").json()["results"]
    assert listed == []
    client.force_login(audit.auditor)
    assert _download(client, attachment).status_code == 200


def test_another_organisation_gets_404_for_an_attachment(client, audit, partner_admin, other_org):
    comment = conversation.comment_add(
        by=partner_admin, enrollment_id=audit.enrollment_id, body="see file", upload=pdf_upload()
    )
    outsider = factories.MembershipFactory(organization=other_org, role="admin").user
    client.force_login(outsider)
    assert _download(client, comment.attachment).status_code == 404
    client.force_login(factories.UserFactory(groups=["ISSI auditor"]))  # not this audit's
    assert _download(client, comment.attachment).status_code == 404


def test_a_refused_file_keeps_neither_the_comment_nor_the_file(api_client, audit, partner_admin):
    api_client.force_authenticate(partner_admin)
    html = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    refused = api_client.post(
        f"/api/v1/enrollments/{audit.enrollment_id}/comments/",
        {"body": "see file", "file": html},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "HTML" in refused.json()["detail"]
    assert Comment.objects.count() == 0 and Attachment.objects.count() == 0


def test_an_enrollment_comment_without_a_file_still_takes_json(api_client, audit, partner_admin):
    api_client.force_authenticate(partner_admin)
    created = api_client.post(
        f"/api/v1/enrollments/{audit.enrollment_id}/comments/", {"body": "hi"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["attachment"] is None


def test_an_infected_file_is_kept_but_not_handed_out(settings, client, audit, partner_admin):
    settings.EVIDENCE_SCANNER = "tests.assessments.doubles.InfectedScanner"
    comment = conversation.comment_add(
        by=partner_admin, enrollment_id=audit.enrollment_id, body="see file", upload=pdf_upload()
    )
    client.force_login(partner_admin)
    response = _download(client, comment.attachment)
    assert response.status_code == 409
    assert "quarantined" in response.content.decode()


def test_an_appeal_carries_its_supporting_evidence(
    today, client, api_client, org, partner_admin, partner_member, other_org
):
    audit = claimed_capability_audit(organization=org)
    failed = services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": FAILING}
    )
    api_client.force_authenticate(partner_admin)
    filed = api_client.post(
        f"/api/v1/audits/{failed.pk}/appeal/",
        {"statement": "The scorer missed our QA file.", "file": pdf_upload("qa.pdf")},
        format="multipart",
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()["attachment"]
    assert (body["original_name"], body["size"]) == ("qa.pdf", len(PDF_BYTES))
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.appeal_id == filed.json()["id"]
    note = failed.enrollment.events.get(transition="appeal_filed").note
    assert attachment.sha256 in note
    client.force_login(partner_member)
    page = client.get(reverse("appeal-page", args=[attachment.appeal_id])).content.decode()
    assert "qa.pdf" in page
    assert _download(client, attachment).status_code == 200
    client.force_login(factories.MembershipFactory(organization=other_org, role="admin").user)
    assert _download(client, attachment).status_code == 404


def test_an_appeal_form_takes_a_file(today, client, org, partner_admin):
    audit = claimed_capability_audit(organization=org)
    failed = services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": FAILING}
    )
    client.force_login(partner_admin)
    page = client.get(reverse("audit-page", args=[failed.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        reverse("audit-appeal-form", args=[failed.pk]),
        {"statement": "See the attached QA file.", "file": pdf_upload("qa.pdf")},
    )
    assert response.status_code == 302
    [attachment] = Attachment.objects.all()
    assert attachment.appeal.statement == "See the attached QA file."
    assert "qa.pdf" in client.get(response["Location"]).content.decode()
