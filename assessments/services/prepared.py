"""Writes for the evidence library: prepare a file per capability component (the same checks as
audit evidence), attach what is prepared to a capability audit once it opens."""

import uuid

from django.core.files import File
from django.db import transaction

from assessments import rules as audit_rules
from assessments.models import AuditRecord, EvidenceFile, PreparedEvidence
from assessments.services.evidence import _checked_upload, evidence_upload
from designation.permissions import is_partner_admin
from portal.errors import ConditionFailed, Conflict, Forbidden

ADMINS_ONLY = "Only a partner admin of this organisation can prepare evidence."


def prepared_evidence_upload(
    *, organization_id: int, by, upload, component: str
) -> PreparedEvidence:
    """Keep one prepared file for a capability component: name, size and content checked as
    for audit evidence, stored under a random name outside the web root."""
    if not is_partner_admin(by, organization_id):
        raise Forbidden(ADMINS_ONLY)
    allowed = dict(audit_rules.CAPABILITY_COMPONENTS)
    if component not in allowed:
        raise ConditionFailed("Choose one of the capability components.", field="component")
    checked = _checked_upload(upload)
    prepared = PreparedEvidence(
        organization_id=organization_id,
        component=component,
        original_name=checked.name,
        content_type=checked.content_type,
        size=upload.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    prepared.file.save(f"prepared/{uuid.uuid4().hex}{checked.extension}", upload, save=False)
    try:
        with transaction.atomic():
            prepared.save()
    except BaseException:
        prepared.file.delete(save=False)
        raise
    return prepared


def prepared_evidence_attach(*, audit_id: int, by) -> list[EvidenceFile]:
    """Attach every prepared file not yet attached to this open capability audit, each through
    the audit's own evidence upload (checked and scanned again); all or nothing."""
    with transaction.atomic():
        audit = AuditRecord.objects.visible_to(by).filter(pk=audit_id).first()
        if audit is None or not is_partner_admin(by, audit.enrollment.organization_id):
            raise Forbidden("Only a partner admin of this organisation can attach evidence.")
        if audit.kind != AuditRecord.Kind.CAPABILITY:
            raise Conflict("Prepared evidence is attached to a capability audit only.")
        pending = list(
            PreparedEvidence.objects.select_for_update()
            .filter(organization_id=audit.enrollment.organization_id, attached_to=None)
            .order_by("component", "id")
        )
        attached = []
        for prepared in pending:
            with prepared.file.open("rb") as stream:
                upload = File(stream, name=prepared.original_name)
                evidence = evidence_upload(
                    audit_id=audit.pk, by=by, upload=upload, component=prepared.component
                )
            prepared.attached_to = evidence
            prepared.save(update_fields=["attached_to"])
            attached.append(evidence)
        return attached
