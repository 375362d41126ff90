"""Writes of the audit conversation: the assigned auditor requests changes on a claimed audit
(per evidence component or for the whole audit, by a day); the partner admin answers each with
a reply and, optionally, a new evidence revision. The journey records both in the event log and
tells the other side (journey/conversation.py)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import AuditRecord, ChangeRequest
from assessments.services.audits import _locked, _require_step
from assessments.services.evidence import evidence_upload
from designation.models import ProgramRules
from designation.permissions import is_partner_admin
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound


def changes_request(
    *, audit_id: int, by, on: date, component: str, note: str, due_on: date | None = None
) -> ChangeRequest:
    """The assigned auditor asks for a change instead of deciding; due in the program's days
    (14 by default) unless a later day is given."""
    note = (note or "").strip()
    with transaction.atomic():
        audit = _locked(audit_id, by)
        if not by.has_perm("assessments.submit_audit", audit):
            raise Forbidden("Only the auditor assigned to this audit can request changes.")
        if audit.status != AuditRecord.Status.CLAIMED:
            raise Conflict(
                f"This audit is {audit.get_status_display().lower()}: changes can be requested "
                "only on a claimed audit."
            )
        _require_step(audit)
        allowed = dict(audit_rules.components_for(audit.kind))
        if component and component not in allowed:
            raise ConditionFailed(
                f"Choose one of these components, or none for the whole audit: "
                f"{', '.join(allowed)}.",
                field="component",
            )
        if not note:
            raise ConditionFailed("Say what is missing or needs changing.", field="note")
        if due_on is None:
            due_on = on + timedelta(days=ProgramRules.objects.in_force(on).changes_due_days)
        if due_on < on:
            raise ConditionFailed("The answer cannot be due before today.", field="due_on")
        return ChangeRequest.objects.create(
            audit=audit, component=component, note=note, due_on=due_on, requested_by=by
        )


def changes_answer(
    *,
    request_id: int,
    by,
    reply: str,
    upload=None,
    component: str = "",
    effective_on: date | None = None,
) -> ChangeRequest:
    """A partner admin answers one request: a reply and, optionally, a new evidence revision
    (for the request's component, or the one chosen when it concerns the whole audit)."""
    reply = (reply or "").strip()
    with transaction.atomic():
        found = ChangeRequest.objects.filter(
            pk=request_id, audit__in=AuditRecord.objects.visible_to(by).values("pk")
        ).first()
        if found is None:
            raise NotFound("No such change request among those you can see.")
        audit = _locked(found.audit_id, by)
        change = ChangeRequest.objects.select_for_update().get(pk=request_id)
        if not is_partner_admin(by, audit.enrollment.organization_id):
            raise Forbidden("Only a partner admin of the organisation can answer.")
        if change.answered:
            raise Conflict("This request was already answered.")
        if audit.status != AuditRecord.Status.CLAIMED:
            raise Conflict("This audit was decided meanwhile; the request is closed.")
        if not reply:
            raise ConditionFailed("Write a reply to the auditor.", field="reply")
        if upload is not None:
            change.evidence = evidence_upload(
                audit_id=audit.pk,
                by=by,
                upload=upload,
                component=change.component or component,
                effective_on=effective_on,
            )
        change.reply, change.answered_by, change.answered_at = reply, by, timezone.now()
        change.save()
    return change
