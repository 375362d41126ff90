"""Corrections of submitted ISSI audit records: a new record supersedes the old one, with a
reason; the old one is never edited and stays readable.

Who corrects is one rule (assessments.rules.correction_refusal): the assigned auditor until the
journey has moved past the record's step; after that only a Microsoft reviewer, with a reason.
After the journey has moved past, a correction fixes the record but must keep its outcome
(rules.correction_outcome_refusal): otherwise nothing is recorded. Moving the journey while it is
still at the step is the journey's (journey/services.py calls this, then the journey).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import STEP_OF_KIND, AuditRecord, EvidenceFile, same_attempt
from assessments.services.audits import _locked, _record_result, determine
from designation.models import Enrollment
from designation.permissions import is_reviewer
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound

CORRECTABLE = (AuditRecord.Status.SUBMITTED, AuditRecord.Status.DETERMINED)


def moved_past(audit: AuditRecord) -> bool:
    """Whether the journey has moved past this record's step (the enrollment left it, or a later
    attempt of the step started)."""
    later = AuditRecord.objects.filter(
        enrollment_id=audit.enrollment_id, kind=audit.kind, attempt__gt=audit.attempt
    ).exists()
    return audit_rules.step_moved_past(
        enrollment_state=audit.enrollment.state,
        step_state=STEP_OF_KIND[audit.kind],
        later_attempt=later,
    )


def correction_refusal_for(user, audit: AuditRecord) -> str | None:
    """Why `user` may not correct this record now, in a sentence; None when they may."""
    return audit_rules.correction_refusal(
        assigned_auditor=user.has_perm("assessments.submit_audit", audit),
        reviewer=is_reviewer(user),
        moved_past=moved_past(audit),
        determined=audit.status == AuditRecord.Status.DETERMINED,
    )


def authorise_correction(*, audit_id: int, by) -> AuditRecord:
    """Scope (404), then who may correct now (403), before any input is read."""
    audit = (
        AuditRecord.objects.visible_to(by).select_related("enrollment").filter(pk=audit_id).first()
    )
    if audit is None:
        raise NotFound("No such audit among those you can see.")
    _require_current(audit)
    refusal = correction_refusal_for(by, audit)
    if refusal:
        raise Forbidden(refusal)
    return audit


def _require_current(audit: AuditRecord) -> None:
    """A superseded record is corrected by no one: its correction is the record that counts."""
    if AuditRecord.objects.filter(supersedes=audit).exists():
        raise Conflict("This record was already corrected; correct the newer record.")


def _decided_on(audit: AuditRecord) -> date:
    """The day the original outcome was decided: a correction after the journey moved on is
    judged by the rules of that day, and a pass keeps its validity."""
    at = audit.determined_at or audit.submitted_at
    return timezone.localdate(at) if at else timezone.localdate()


def audit_correct(*, audit_id: int, by, on: date, reason: str, data: dict) -> AuditRecord:
    """Correct a submitted record: a new record of the same attempt supersedes it, with a reason.

    While the journey is at the step, the new record decides again from `on`. After it moved on,
    the new record restates the original decision (its day's rules, a determined rate determined
    again by the reviewer) and must keep its outcome."""
    reason = (reason or "").strip()
    with transaction.atomic():
        old = _locked(audit_id, by)
        # Hold the enrollment still while deciding whether the journey moved past the step (a
        # retake starting meanwhile takes this lock too); audit, then enrollment, as everywhere.
        old.enrollment = Enrollment.objects.select_for_update().get(pk=old.enrollment_id)
        _require_current(old)
        refusal = correction_refusal_for(by, old)
        if refusal:
            raise Forbidden(refusal)
        if not reason:
            raise ConditionFailed("A correction needs a reason.", field="reason")
        if old.status not in CORRECTABLE:
            raise Conflict(f"This audit is {old.get_status_display().lower()}: not yet submitted.")
        past = moved_past(old)
        decided_on = _decided_on(old) if past else on
        new = _copy_for_correction(old, reason, by)
        _record_result(new, data=data, on=decided_on, by=by)
        if old.status == AuditRecord.Status.DETERMINED:
            determine(new, final=new.proposed_case_rate, reason="", by=by, on=decided_on)
        refusal = audit_rules.correction_outcome_refusal(
            moved_past=past, before=old.verdict, after=new.verdict
        )
        if refusal:
            raise Conflict(refusal)  # rolls the whole correction back
    return new


def _copy_for_correction(old: AuditRecord, reason: str, by) -> AuditRecord:
    """The same attempt (same fee, not charged again) as a new record; evidence carried along."""
    fields = same_attempt(old)
    new = AuditRecord.objects.create(
        **fields,
        status=AuditRecord.Status.CLAIMED,
        supersedes=old,
        correction_reason=reason,
        corrected_by=by,
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            audit=new,
            component=e.component,
            file=e.file.name,
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            uploaded_by=e.uploaded_by,
            revision=e.revision,
            effective_on=e.effective_on,
        )
        for e in old.evidence.all()
    )
    return new
