"""Writes for evidence files: upload (name, size and content checked, stored under a random
name) and the malware scanner's verdict."""

import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from assessments import evidence as evidence_checks
from assessments import rules as audit_rules
from assessments.models import AuditRecord, EvidenceFile, EvidenceScan
from assessments.scanning import Scanner, get_scanner
from assessments.services.audits import WHO_MAY, _locked
from portal.errors import ConditionFailed, Conflict, Forbidden

logger = logging.getLogger(__name__)


def evidence_upload(
    *, audit_id: int, by, upload, component: str, effective_on=None
) -> EvidenceFile:
    """Keep one evidence file: name, size and content type checked, stored under a random name;
    a further upload for the same component is its next revision (never an overwrite)."""
    with transaction.atomic():
        audit = _locked(audit_id, by)
        if not by.has_perm("assessments.upload_evidence", audit):
            raise Forbidden(WHO_MAY["assessments.upload_evidence"])
        if audit.status not in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED):
            raise Conflict("This audit was submitted; submitted audits are never edited.")
        allowed = dict(audit_rules.components_for(audit.kind))
        if component not in allowed:
            raise ConditionFailed(
                f"Choose one of these components: {', '.join(allowed)}.", field="component"
            )
        checked = _checked_upload(upload)
        evidence = EvidenceFile(
            audit=audit,
            component=component,
            original_name=checked.name,
            content_type=checked.content_type,
            size=upload.size,
            sha256=checked.sha256,
            uploaded_by=by,
            revision=audit.evidence.filter(component=component).count() + 1,
            effective_on=effective_on,
        )
        return store_and_scan(
            evidence,
            upload,
            checked,
            folder="evidence",
            scan=lambda pk, scanner: evidence_scan(evidence_id=pk, scanner=scanner),
            task="scan_evidence",
        )


def store_and_scan(row, upload, checked, *, folder: str, scan, task: str):
    """Save a checked upload under a random name with its row, then have it scanned: by
    `scan(pk, scanner)` when the scanner is inline, else by the `task` of assessments.tasks after
    commit. A failure leaves no orphan file (the row is rolled back with the caller's
    transaction)."""
    row.file.save(f"{folder}/{uuid.uuid4().hex}{checked.extension}", upload, save=False)
    try:
        row.save()
        scanner = get_scanner()
        if scanner.inline:
            scan(row.pk, scanner)
        else:
            from assessments import tasks

            getattr(tasks, task).delay_on_commit(row.pk)
    except BaseException:
        row.file.delete(save=False)
        raise
    return row


def evidence_scan(*, evidence_id: int, scanner: Scanner | None = None) -> EvidenceScan:
    """Record the malware scanner's verdict on one evidence file (once; later calls reuse it)."""
    scanner = scanner or get_scanner()
    with transaction.atomic():
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence_id)
        existing = EvidenceScan.objects.filter(evidence=evidence).first()
        if existing is not None:
            return existing
        with evidence.file.open("rb") as stream:
            verdict = scanner.scan(stream)
        scan = EvidenceScan.objects.create(
            evidence=evidence,
            clean=verdict.clean,
            scanner=scanner.name,
            detail=verdict.detail[:300],
        )
    if not verdict.clean:
        logger.warning("Evidence %s quarantined by %s", evidence_id, scanner.name)
    return scan


@dataclass(frozen=True)
class _Checked:
    name: str
    content_type: str
    extension: str
    sha256: str


def _checked_upload(upload) -> _Checked:
    try:
        name = evidence_checks.clean_original_name(upload.name)
    except evidence_checks.EvidenceRefused as exc:
        raise ConditionFailed(str(exc), field="file") from exc
    refusal = evidence_checks.size_refusal(upload.size, settings.EVIDENCE_MAX_BYTES)
    if refusal:
        raise ConditionFailed(refusal, field="file")
    upload.seek(0)
    head = upload.read(evidence_checks.SNIFF_BYTES)
    content_type = evidence_checks.detect_content_type(head)
    refusal = evidence_checks.type_refusal(content_type)
    if refusal:
        raise ConditionFailed(refusal, field="file")
    refusal = evidence_checks.content_refusal(content_type, upload)  # archives and PDFs
    if refusal:
        raise ConditionFailed(refusal, field="file")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return _Checked(name, content_type, evidence_checks.ACCEPTED[content_type], digest.hexdigest())
