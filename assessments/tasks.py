"""Celery tasks for assessments: thin, take ids, call one service."""

from celery import shared_task

from assessments import services
from assessments.services.attachments import attachment_scan


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def scan_evidence(evidence_id: int) -> str:
    """Scan one evidence file for malware (clamd can be slow, so it runs on the worker)."""
    scan = services.evidence_scan(evidence_id=evidence_id)
    return f"evidence {evidence_id}: {'clean' if scan.clean else 'infected'}"


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def scan_attachment(attachment_id: int) -> str:
    """Scan one comment or appeal attachment for malware on the worker."""
    attachment = attachment_scan(attachment_id=attachment_id)
    return f"attachment {attachment_id}: {'clean' if attachment.clean else 'infected'}"
