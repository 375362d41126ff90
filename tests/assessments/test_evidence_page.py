"""Evidence on the audit page: several files in one submit (one per component, or many for one),
all or none; a refused file is named at the top and next to its component; a file uploaded by
mistake can be removed until the audit is submitted, and stays in the audit's log."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import AuditRecord, EvidenceFile
from tests.assessments.factories import PDF_BYTES, audit_for, png_bytes
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def capability(org, auditor, today):
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    return audit_for(enrollment, "capability", auditor=auditor)


@pytest.fixture
def admin_client(client, partner_admin):
    client.force_login(partner_admin)
    return client


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def post_files(client, audit, files: dict):
    return client.post(reverse("audit-evidence-form", args=[audit.pk]), files)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_one_file_per_component_in_one_submit(admin_client, capability):
    response = post_files(
        admin_client,
        capability,
        {
            "files_processes_procedures": pdf("processes.pdf"),
            "files_case_management": SimpleUploadedFile("tracking.png", png_bytes()),
        },
    )
    assert response.status_code == 302
    assert sorted(capability.evidence.values_list("component", flat=True)) == [
        "case_management",
        "processes_procedures",
    ]


def test_many_files_for_one_component_in_one_submit(admin_client, capability):
    files = [pdf("one.pdf"), pdf("two.pdf"), pdf("three.pdf")]
    assert (
        post_files(admin_client, capability, {"files_quality_assurance": files}).status_code == 302
    )
    assert capability.evidence.filter(component="quality_assurance").count() == 3


def test_one_refused_file_keeps_none_and_is_named_next_to_its_component(
    admin_client, capability, settings
):
    response = post_files(
        admin_client,
        capability,
        {
            "files_processes_procedures": pdf("good.pdf"),
            "files_case_management": SimpleUploadedFile("page.pdf", b"<html><body>x</body></html>"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert not EvidenceFile.with_removed.exists()
    assert stored_files(settings) == []  # the good file stored first was removed again
    assert "No evidence was uploaded: one of the files was refused." in html  # at the top
    assert 'id="id_files_case_management_error">page.pdf: ' in html  # beside its component
    assert 'href="#id_files_case_management"' in html  # the error summary links to it
    assert html.index("No evidence was uploaded") < html.index('id="partner-heading"')


def test_an_upload_without_any_file_says_so(admin_client, capability):
    response = post_files(admin_client, capability, {})
    assert response.status_code == 400
    assert "No file was chosen" in response.content.decode()


def test_a_file_uploaded_by_mistake_is_removed_and_kept_in_the_log(
    admin_client, capability, partner_admin
):
    post_files(admin_client, capability, {"files_case_management": [pdf("wrong.pdf")]})
    evidence = EvidenceFile.objects.get()
    response = admin_client.post(reverse("evidence-remove", args=[evidence.pk]))
    assert response.url == reverse("audit-page", args=[capability.pk])
    assert capability.evidence.count() == 0  # no longer counts
    kept = EvidenceFile.with_removed.get()
    assert kept.removal.removed_by == partner_admin
    page = admin_client.get(response.url).content.decode()
    assert "1 file removed before submission" in page and "wrong.pdf" in page
    assert "Evidence still missing for" in page and "Case management" in page


def test_evidence_of_a_submitted_audit_cannot_be_removed(
    admin_client, org, auditor, today, partner_admin
):
    enrollment = enrollment_at("customer_success", organization=org, attempt_status="in_progress")
    csat = audit_for(enrollment, "csat", auditor=auditor)
    services.evidence_upload(
        audit_id=csat.pk, by=partner_admin, upload=pdf(), component="supporting"
    )
    AuditRecord.objects.filter(pk=csat.pk).update(status=AuditRecord.Status.SUBMITTED)
    evidence = EvidenceFile.objects.get()
    response = admin_client.post(
        reverse("evidence-remove", args=[evidence.pk]), {"audit": csat.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("audit-page", args=[csat.pk])
    assert "its evidence is kept as it was" in response.content.decode()
    assert EvidenceFile.objects.count() == 1
