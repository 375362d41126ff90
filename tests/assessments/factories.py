"""Factories and shortcuts for audit records and evidence."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import AuditRecord, EvidenceFile, FeeSchedule
from tests.designation.factories import TODAY, UserFactory, enrollment_at


def one_page_pdf() -> bytes:
    """A real one-page PDF (evidence must parse as a PDF)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = one_page_pdf()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


def office_bytes(kind: str) -> bytes:
    """A minimal DOCX ("word") or XLSX ("xl") package libmagic recognises."""
    part = {"word": "word/document.xml", "xl": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"></Types>',
        )
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(part, "<document/>")
    return buffer.getvalue()


def pdf_upload(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def audit_for(enrollment, kind: str, *, auditor=None, **fields) -> AuditRecord:
    """An audit record as the journey opens it (claimed when an auditor is given)."""
    fee = FeeSchedule.objects.in_force(kind, TODAY)
    status = AuditRecord.Status.CLAIMED if auditor else AuditRecord.Status.UNASSIGNED
    return AuditRecord.objects.create(
        enrollment=enrollment,
        kind=kind,
        attempt=fields.pop("attempt", 1),
        created_at=timezone.now(),
        fee_schedule=fee,
        fee_amount=fee.amount,
        fee_currency=fee.currency,
        auditor=auditor,
        assigned_on=TODAY if auditor else None,
        status=fields.pop("status", status),
        **fields,
    )


def claimed_capability_audit(*, organization=None, auditor=None, with_evidence=True):
    """An enrollment at the capability step with a claimed audit and (optionally) evidence."""
    enrollment = enrollment_at(
        "capability", organization=organization, attempt_status="in_progress"
    )
    auditor = auditor or UserFactory(groups=["ISSI auditor"])
    audit = audit_for(enrollment, "capability", auditor=auditor)
    if with_evidence:
        for code, _label in audit_rules.CAPABILITY_COMPONENTS:
            EvidenceFile.objects.create(
                audit=audit,
                component=code,
                file=f"evidence/{code}.pdf",
                original_name=f"{code}.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256="0" * 64,
                uploaded_by=auditor,
            )
    return audit


PASSING_SCORES = {
    "support_function": 80,
    "support_staff_skills": 75,
    "support_performance_metrics": 70,
}


def survey_report(audit, by=None) -> EvidenceFile:
    """The survey report a CSAT audit needs before it is submitted (a row; no file written)."""
    return EvidenceFile.objects.create(
        audit=audit,
        component=audit_rules.SUPPORTING_DOCUMENT[0],
        file="survey-report.pdf",
        original_name="survey-report.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=by or audit.auditor,
    )
