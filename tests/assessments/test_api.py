"""Audit API: scoping (another organisation's audit and evidence answer 404), evidence checks by
content, safe downloads."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import EvidenceFile
from portal.errors import ConditionFailed
from tests.assessments.factories import (
    PDF_BYTES,
    audit_for,
    office_bytes,
    pdf_upload,
    png_bytes,
)
from tests.designation import factories
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence-root"
    return settings.MEDIA_ROOT


@pytest.fixture
def capability(org, auditor):
    return audit_for(enrollment_at("capability", organization=org), "capability", auditor=auditor)


def upload(client, audit, name, content, component="processes_procedures"):
    return client.post(
        reverse("audit-evidence", args=[audit.pk]),
        {"component": component, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_a_pdf_is_stored_under_a_random_name_outside_the_web_root(
    api_client, partner_admin, capability, evidence_root
):
    api_client.force_authenticate(partner_admin)
    response = upload(api_client, capability, "Our processes.pdf", PDF_BYTES)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["original_name"], body["content_type"]) == ("Our processes.pdf", "application/pdf")
    stored = EvidenceFile.objects.get()
    assert stored.file.name.startswith("evidence/") and stored.file.name.endswith(".pdf")
    assert "processes" not in stored.file.name
    assert Path(stored.file.path).resolve().is_relative_to(Path(evidence_root).resolve())
    assert len(stored.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.docx", office_bytes("word"), "application/vnd.openxmlformats"),
        ("figures.xlsx", office_bytes("xl"), "application/vnd.openxmlformats"),
        ("chart.png", png_bytes(), "image/png"),
        ("cases.csv", b"case_id,opened_on\nC-1,2026-01-01\nC-2,2026-01-02\n", "text/csv"),
        ("notes.txt", b"Plain notes about the support desk.\n", "text/plain"),
    ],
)
def test_each_accepted_type_is_recognised_by_content(
    api_client, auditor, capability, name, content, expected
):
    api_client.force_authenticate(auditor)
    response = upload(api_client, capability, name, content)
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"].startswith(expected)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", b"<!DOCTYPE html><html><body>hi</body></html>", "This file is HTML"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG images are not accepted",
        ),
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "Executable files are not accepted"),
    ],
)
def test_dangerous_content_is_refused_whatever_its_name(
    api_client, partner_admin, capability, name, content, message
):
    api_client.force_authenticate(partner_admin)
    response = upload(api_client, capability, name, content)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert response.json()["field"] == "file"
    assert EvidenceFile.objects.count() == 0


def test_an_oversize_file_is_refused_before_it_is_stored(
    api_client, partner_admin, capability, settings, evidence_root
):
    settings.EVIDENCE_MAX_BYTES = 1024
    api_client.force_authenticate(partner_admin)
    response = upload(api_client, capability, "big.pdf", PDF_BYTES + b"0" * 1024)
    assert response.status_code == 400
    assert "evidence files may be at most" in response.json()["detail"]
    assert not Path(evidence_root).exists() or not any(Path(evidence_root).rglob("*.pdf"))


@pytest.mark.parametrize("name", ["..\\..\\windows\\evil.pdf", "reports\\x.pdf", ".hidden.pdf"])
def test_path_like_names_are_refused_by_the_service(capability, name):
    with pytest.raises(ConditionFailed, match="name"):
        services.evidence_upload(
            audit_id=capability.pk,
            by=capability.auditor,
            upload=SimpleUploadedFile(name, PDF_BYTES),
            component="processes_procedures",
        )
    assert EvidenceFile.objects.count() == 0


def test_a_traversal_name_through_the_api_never_leaves_the_evidence_root(
    api_client, partner_admin, capability, evidence_root
):
    api_client.force_authenticate(partner_admin)
    response = upload(api_client, capability, "../../../etc/passwd.pdf", PDF_BYTES)
    # Django keeps only the last path part; the file is stored under a random name anyway.
    assert response.status_code == 201
    stored = EvidenceFile.objects.get()
    assert stored.original_name == "passwd.pdf"
    assert Path(stored.file.path).resolve().is_relative_to(Path(evidence_root).resolve())


def test_wrong_component_and_wrong_uploader_are_refused(
    api_client, capability, partner_member, reviewer
):
    api_client.force_authenticate(capability.auditor)
    response = upload(api_client, capability, "a.pdf", PDF_BYTES, component="supporting")
    assert response.status_code == 400 and response.json()["field"] == "component"
    for user in (partner_member, reviewer):
        api_client.force_authenticate(user)
        assert upload(api_client, capability, "a.pdf", PDF_BYTES).status_code == 403


def test_download_is_an_attachment_with_nosniff_for_the_org_auditor_and_reviewer(
    client, capability, partner_member, reviewer
):
    evidence = services.evidence_upload(
        audit_id=capability.pk,
        by=capability.auditor,
        upload=pdf_upload("Процедуры.pdf"),
        component="processes_procedures",
    )
    url = reverse("evidence-download", args=[evidence.pk])
    for user in (partner_member, capability.auditor, reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_another_organisations_audit_and_evidence_answer_404(
    api_client, client, capability, other_org
):
    evidence = services.evidence_upload(
        audit_id=capability.pk,
        by=capability.auditor,
        upload=pdf_upload(),
        component="processes_procedures",
    )
    stranger = factories.MembershipFactory(organization=other_org).user
    other_auditor = factories.UserFactory(groups=["ISSI auditor"])
    for user in (stranger, other_auditor):
        api_client.force_authenticate(user)
        assert api_client.get(reverse("audit-detail", args=[capability.pk])).status_code == 404
        assert upload(api_client, capability, "a.pdf", PDF_BYTES).status_code == 404
        client.force_login(user)
        assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404
        assert client.get(reverse("audit-page", args=[capability.pk])).status_code == 404


def test_auditors_see_their_audits_and_the_unclaimed_queue_only(api_client, auditor, capability):
    unclaimed = audit_for(enrollment_at("customer_success"), "csat")
    someone_elses = audit_for(
        enrollment_at("customer_success"),
        "csat",
        auditor=factories.UserFactory(groups=["ISSI auditor"]),
    )
    api_client.force_authenticate(auditor)
    ids = {a["id"] for a in api_client.get(reverse("audit-list")).json()["results"]}
    assert ids == {capability.pk, unclaimed.pk}
    assert someone_elses.pk not in ids
    # The organisation itself is not theirs to browse: the audit record names it.
    assert api_client.get(reverse("organization-list")).json()["results"] == []
