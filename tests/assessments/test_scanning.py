"""Evidence hardening: zip bombs refused, downloads wait for a clean malware scan."""

import io
import socket
import struct
import threading
import zipfile

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import evidence as evidence_checks
from assessments.models import EvidenceFile, EvidenceScan
from assessments.scanning import ClamdScanner
from assessments.tasks import scan_evidence
from tests.assessments.factories import PDF_BYTES, audit_for, office_bytes
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence-root"


@pytest.fixture
def capability(org, auditor):
    return audit_for(enrollment_at("capability", organization=org), "capability", auditor=auditor)


def upload(client, audit, name, content):
    return client.post(
        reverse("audit-evidence", args=[audit.pk]),
        {"component": "processes_procedures", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def docx_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", "<Relationships/>")
        for name, content in members.items():
            package.writestr(name, content)
    return buffer.getvalue()


def test_a_real_office_file_passes_the_archive_check():
    assert evidence_checks.archive_refusal(io.BytesIO(office_bytes("word"))) is None


def test_an_archive_that_unpacks_past_the_limit_is_refused_as_a_zip_bomb():
    bomb = docx_with({"word/document.xml": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 20_000  # three megabytes of zeros pack into a few kilobytes
    refusal = evidence_checks.archive_refusal(io.BytesIO(bomb), max_unpacked=2 * 1024 * 1024)
    assert "possible zip bomb" in refusal


def test_an_archive_with_too_many_parts_is_refused():
    many = docx_with({f"word/part{i}.xml": b"<p/>" for i in range(30)})
    refusal = evidence_checks.archive_refusal(io.BytesIO(many), max_members=20)
    assert refusal == "This Office file holds 32 parts; at most 20 are accepted."


def test_a_damaged_archive_is_refused():
    damaged = office_bytes("xl")[:-40]
    assert "damaged" in evidence_checks.archive_refusal(io.BytesIO(damaged))


def test_a_zip_bomb_upload_is_refused_and_nothing_is_stored(
    api_client, partner_admin, capability, monkeypatch
):
    monkeypatch.setattr(evidence_checks, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    api_client.force_authenticate(partner_admin)
    bomb = docx_with({"word/document.xml": b"\0" * (3 * 1024 * 1024)})
    response = upload(api_client, capability, "procedures.docx", bomb)
    assert response.status_code == 400
    assert "possible zip bomb" in str(response.json())
    assert EvidenceFile.objects.count() == 0


def test_the_development_scanner_marks_files_clean_and_they_download(
    client, partner_admin, capability, api_client
):
    api_client.force_authenticate(partner_admin)
    assert upload(api_client, capability, "ok.pdf", PDF_BYTES).status_code == 201
    evidence = EvidenceFile.objects.get()
    assert evidence.scan.clean is True and evidence.scan.scanner == "none"
    client.force_login(partner_admin)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_infected_file_is_quarantined_and_cannot_be_downloaded(
    client, api_client, partner_admin, capability, settings
):
    settings.EVIDENCE_SCANNER = "tests.assessments.doubles.InfectedScanner"
    api_client.force_authenticate(partner_admin)
    assert upload(api_client, capability, "eicar.pdf", PDF_BYTES).status_code == 201
    evidence = EvidenceFile.objects.get()
    assert evidence.scan.clean is False
    client.force_login(partner_admin)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 409
    assert "quarantined by the malware scan" in response.content.decode()
    assert "Eicar-Test-Signature" in response.content.decode()


def test_a_file_pending_its_scan_waits_then_downloads_once_the_worker_scans_it(
    client, api_client, partner_admin, capability, settings, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_SCANNER = "tests.assessments.doubles.SlowScanner"
    api_client.force_authenticate(partner_admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert upload(api_client, capability, "later.pdf", PDF_BYTES).status_code == 201
    assert len(queued) == 1  # the scan is queued for the worker, after the upload commits
    evidence = EvidenceFile.objects.get()
    client.force_login(partner_admin)
    waiting = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert waiting.status_code == 409
    assert "waiting for its malware scan" in waiting.content.decode()
    assert scan_evidence(evidence.pk) == f"evidence {evidence.pk}: clean"
    assert scan_evidence(evidence.pk) == f"evidence {evidence.pk}: clean"  # once only
    assert EvidenceScan.objects.filter(evidence=evidence).count() == 1
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 200


class FakeClamd:
    """A loopback server speaking clamd's INSTREAM protocol, flagging the EICAR marker."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.received = b""
        self.thread = threading.Thread(target=self.serve_one, daemon=True)
        self.thread.start()

    def serve_one(self):
        connection, _ = self.server.accept()
        with connection:
            command = b""
            while not command.endswith(b"\0"):
                command += connection.recv(1)
            assert command == b"zINSTREAM\0"
            while True:
                (length,) = struct.unpack("!L", self._exactly(connection, 4))
                if length == 0:
                    break
                self.received += self._exactly(connection, length)
            infected = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in self.received
            reply = b"stream: Eicar-Test-Signature FOUND\0" if infected else b"stream: OK\0"
            connection.sendall(reply)
        self.server.close()

    @staticmethod
    def _exactly(connection, size):
        data = b""
        while len(data) < size:
            data += connection.recv(size - len(data))
        return data


@pytest.mark.parametrize(
    ("content", "clean", "detail"),
    [
        (PDF_BYTES * 3000, True, "clamd: no threat found"),
        (
            b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
            False,
            "clamd: Eicar-Test-Signature FOUND",
        ),
    ],
)
def test_the_clamd_scanner_streams_the_file_and_reads_the_verdict(content, clean, detail):
    clamd = FakeClamd()
    verdict = ClamdScanner(clamd.address, timeout=5).scan(io.BytesIO(content))
    clamd.thread.join(timeout=5)
    assert clamd.received == content  # every byte, in INSTREAM chunks
    assert (verdict.clean, verdict.detail) == (clean, detail)


def test_deploy_check_warns_until_a_real_scanner_is_configured(settings):
    settings.EVIDENCE_SCANNER = "assessments.scanning.NoopScanner"
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "assessments.W001" in ids
    settings.EVIDENCE_SCANNER = "assessments.scanning.ClamdScanner"
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "assessments.W001" not in ids


class BrokenScanner:
    name = "broken"
    inline = True

    def scan(self, stream):
        raise OSError("scanner unreachable")


def test_a_failed_upload_leaves_no_file_behind(api_client, partner_admin, capability, settings):
    settings.EVIDENCE_SCANNER = "tests.assessments.test_scanning.BrokenScanner"
    api_client.force_authenticate(partner_admin)
    with pytest.raises(OSError):
        upload(api_client, capability, "ok.pdf", PDF_BYTES)
    assert EvidenceFile.objects.count() == 0
    stored = settings.MEDIA_ROOT / "evidence"
    assert not stored.exists() or list(stored.iterdir()) == []
