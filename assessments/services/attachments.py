"""Writes for the files attached to comments and appeals: the same checks as evidence (name,
size, type by content, archives and PDFs), a random stored name, SHA-256, the malware scan."""

import logging

from django.db import transaction

from assessments.conversation import Appeal, Attachment, Comment
from assessments.scanning import Scanner, get_scanner
from assessments.services.evidence import _checked_upload, store_and_scan

logger = logging.getLogger(__name__)


def attachment_add(
    *, upload, by, comment: Comment | None = None, appeal: Appeal | None = None
) -> Attachment:
    """Keep the file attached to a comment or an appeal (inside the caller's transaction); a
    refused file is a ConditionFailed on `file` and nothing is kept."""
    checked = _checked_upload(upload)
    attachment = Attachment(
        comment=comment,
        appeal=appeal,
        original_name=checked.name,
        content_type=checked.content_type,
        size=upload.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    return store_and_scan(
        attachment,
        upload,
        checked,
        folder="attachments",
        scan=lambda pk, scanner: attachment_scan(attachment_id=pk, scanner=scanner),
        task="scan_attachment",
    )


def attachment_scan(*, attachment_id: int, scanner: Scanner | None = None) -> Attachment:
    """Record the malware scanner's verdict on one attachment (once; later calls keep it)."""
    scanner = scanner or get_scanner()
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().get(pk=attachment_id)
        if attachment.clean is not None:
            return attachment
        with attachment.file.open("rb") as stream:
            verdict = scanner.scan(stream)
        attachment.clean = verdict.clean
        attachment.scan_detail = verdict.detail[:300]
        attachment.save(update_fields=["clean", "scan_detail"])
    if not verdict.clean:
        logger.warning("Attachment %s quarantined by %s", attachment_id, scanner.name)
    return attachment
