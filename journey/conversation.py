"""The audit conversation across apps: changes requested and answered are assessments' records;
the journey writes each into the enrollment's hash-chained event log, in words, and tells the
other side (journey/notify.py)."""

from datetime import date

from django.db import transaction

from assessments import rules as audit_rules
from assessments import selectors as audit_selectors
from assessments.models import AuditRecord, ChangeRequest, Comment
from assessments.services import attachments, changes
from designation.models import Enrollment, Membership
from designation.permissions import is_auditor, is_program_admin, is_reviewer
from designation.transitions import record_outcome
from journey import notify
from portal.errors import ConditionFailed, Forbidden, NotFound


def audit_request_changes(
    *, audit_id: int, by, on: date, component: str, note: str, due_on: date | None = None
) -> ChangeRequest:
    """The assigned auditor requests a change; logged, and the partner is told."""
    with transaction.atomic():
        change = changes.changes_request(
            audit_id=audit_id,
            by=by,
            on=on,
            component=component,
            note=note,
            due_on=due_on,
        )
        audit = change.audit
        _log(
            audit,
            what="changes_requested",
            by=by,
            on=on,
            note=f"ISSI requested changes to the {audit.get_kind_display().lower()} "
            f"({change.subject_label.lower()}): {change.note} Answer due by "
            f"{change.due_on.isoformat()}.",
        )
        notify.changes_requested(audit, [change])
    return change


def audit_answer_change(
    *,
    request_id: int,
    by,
    on: date,
    reply: str,
    upload=None,
    component: str = "",
    effective_on: date | None = None,
) -> ChangeRequest:
    """A partner admin answers a request (reply, optional new revision); logged, the auditor
    is told."""
    with transaction.atomic():
        change = changes.changes_answer(
            request_id=request_id,
            by=by,
            reply=reply,
            upload=upload,
            component=component,
            effective_on=effective_on,
        )
        audit = change.audit
        revision = ""
        if change.evidence is not None:
            e = change.evidence
            revision = (
                f" New evidence: {e.original_name}, revision {e.revision} of "
                f"{e.get_component_display().lower()} (SHA-256 {e.sha256})."
            )
        _log(
            audit,
            what="changes_answered",
            by=by,
            on=on,
            note=f"The partner answered the request on the {audit.get_kind_display().lower()} "
            f"({change.subject_label.lower()}): {change.reply}{revision}",
        )
        notify.changes_answered(audit, [change])
    return change


def _log(audit, *, what: str, by, on: date, note: str) -> None:
    enrollment = Enrollment.objects.select_for_update().get(pk=audit.enrollment_id)
    record_outcome(enrollment, what=what, by=by, on=on, note=note)


def clocks(audit, requests: list[ChangeRequest], *, on: date, due_on: date) -> dict:
    """Both clocks of an audit: ISSI's due date (paused while the partner held the ball) and the
    partner's earliest open deadline; each request's overdue flag."""
    held = audit_rules.days_held(
        [
            (r.requested_at.date(), r.answered_at.date() if r.answered_at else None)
            for r in requests
        ],
        on,
    )
    open_requests = [r for r in requests if not r.answered]
    return {
        "issi_due_on": audit_rules.paused_due_on(due_on, held),
        "days_held": held,
        "partner_due_on": min((r.due_on for r in open_requests), default=None),
        "partner_holds_ball": any(not r.overdue(on) for r in open_requests),
        "overdue": [r for r in open_requests if r.overdue(on)],
    }


# --- Comment threads -------------------------------------------------------------------------


def is_staff_viewer(user) -> bool:
    """Microsoft reviewers, program admins and ISSI auditors read internal notes."""
    return is_reviewer(user) or is_auditor(user) or is_program_admin(user)


def thread_for(user, *, enrollment_id: int, audit_id: int | None = None):
    """The comments of an enrollment's own thread (audit_id None) or of one audit, oldest first;
    internal notes only for staff. NotFound when the caller cannot see the thing."""
    _thread_subject(user, enrollment_id=enrollment_id, audit_id=audit_id)
    return audit_selectors.comments_of(
        enrollment_id=enrollment_id, audit_id=audit_id, staff=is_staff_viewer(user)
    )


def _thread_subject(user, *, enrollment_id: int, audit_id: int | None):
    if audit_id is not None:
        audit = AuditRecord.objects.visible_to(user).filter(pk=audit_id).first()
        if audit is None or audit.enrollment_id != enrollment_id:
            raise NotFound("No such audit among those you can see.")
        return audit.enrollment, audit
    enrollment = Enrollment.objects.visible_to(user).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound("No such enrollment among those you can see.")
    return enrollment, None


def comment_add(
    *,
    by,
    enrollment_id: int,
    audit_id: int | None = None,
    body: str,
    internal: bool = False,
    upload=None,
) -> Comment:
    """Add a plain-text comment to a thread, optionally with a file (checked as evidence is);
    participants (not the author) are told."""
    body = (body or "").strip()
    with transaction.atomic():
        enrollment, audit = _thread_subject(by, enrollment_id=enrollment_id, audit_id=audit_id)
        staff = is_staff_viewer(by)
        member = Membership.objects.filter(
            user=by, organization_id=enrollment.organization_id
        ).exists()
        auditor_only = is_auditor(by) and not is_reviewer(by)
        if audit is not None and auditor_only and audit.auditor_id != by.pk:
            raise Forbidden("Only the auditor assigned to this audit can comment on it.")
        if not (staff or member):
            raise Forbidden("Only the organisation's users, its auditor and reviewers comment.")
        if internal and not staff:
            raise Forbidden("Only Microsoft and ISSI staff can write internal notes.")
        if not body:
            raise ConditionFailed("Write a comment.", field="body")
        if len(body) > 5000:
            raise ConditionFailed("A comment is at most 5,000 characters.", field="body")
        comment = Comment.objects.create(
            enrollment=enrollment, audit=audit, author=by, body=body, internal=internal
        )
        if upload is not None:
            attachments.attachment_add(upload=upload, by=by, comment=comment)
        notify.comment_added(comment)
    return comment
