"""Evidence writes beyond one file: several files in one submit (all or none), and removing a
file uploaded by mistake before the audit is submitted (the file and its removal are kept)."""

from django.db import transaction

from assessments import services
from assessments.models import AuditRecord, EvidenceFile, EvidenceRemoval
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound


def evidence_upload_many(*, audit_id: int, by, uploads: list[tuple[str, object]]) -> list:
    """Keep every (component, file) of one submit, or none: a refused file names itself and
    the component's field, and the files stored before it are removed again."""
    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            for component, upload in uploads:
                try:
                    stored.append(
                        services.evidence_upload(
                            audit_id=audit_id, by=by, upload=upload, component=component
                        )
                    )
                except ConditionFailed as exc:
                    field = f"files_{component}" if exc.field in ("file", "component") else None
                    raise ConditionFailed(f"{upload.name}: {exc.message}", field=field) from exc
    except BaseException:
        for evidence in stored:  # their rows were rolled back: leave no orphan file
            evidence.file.delete(save=False)
        raise
    return stored


def open_for_evidence(audit: AuditRecord) -> bool:
    """Evidence can be added (or removed) until the audit is submitted."""
    return audit.status in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED)


def evidence_remove(*, evidence_id: int, by, reason: str = "") -> EvidenceRemoval:
    """Take a file uploaded by mistake out of an audit that is not yet submitted. The file and
    the removal (who, when, why) are kept; the file no longer counts as evidence."""
    with transaction.atomic():
        evidence = (
            EvidenceFile.objects.filter(
                pk=evidence_id, audit__in=AuditRecord.objects.visible_to(by)
            )
            .select_related("audit")
            .first()
        )
        if evidence is None:
            raise NotFound("No such evidence file among those you can see.")
        audit = AuditRecord.objects.select_for_update().get(pk=evidence.audit_id)
        if not by.has_perm("assessments.upload_evidence", audit):
            raise Forbidden(services.WHO_MAY["assessments.upload_evidence"])
        if not open_for_evidence(audit):
            raise Conflict("This audit was submitted; its evidence is kept as it was.")
        return EvidenceRemoval.objects.create(
            evidence=evidence, removed_by=by, reason=reason.strip()[:500]
        )


def removed_evidence(audit: AuditRecord) -> list[EvidenceFile]:
    """The files taken out of this audit, with who removed them and when (its log)."""
    return list(
        EvidenceFile.with_removed.filter(audit=audit, removal__isnull=False)
        .select_related("removal__removed_by")
        .order_by("removal__removed_at")
    )
