"""Appeals (issue 12): a partner admin appeals an ineligible decision, a failed assessment or a
case-rate determination within the program's window (30 days), once per decision; a reviewer
other than the one who decided upholds or overturns it, with a reason. Overturning an ineligible
decision reopens the eligibility review; overturning an audit outcome records a pass as a
superseding record and moves the journey on as a pass would. Fees already charged stay charged.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import STEP_OF_KIND, Appeal, AuditRecord, same_attempt
from assessments.services import attachments, judged_against
from designation.models import Enrollment, ProgramRules
from designation.permissions import is_partner_admin, is_reviewer
from designation.rules import pass_valid_until
from designation.transitions import apply_transition, record_outcome
from journey import notify, steps
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound


def _window(decision_on: date) -> date:
    days = ProgramRules.objects.in_force(decision_on).appeal_window_days
    return audit_rules.appeal_closes_on(decision_on, days=days)


def _eligibility_decision(enrollment: Enrollment) -> tuple[str, str, date, int | None]:
    if enrollment.state != Enrollment.State.INELIGIBLE:
        raise Conflict("Only an ineligible decision can be appealed on an enrollment.")
    event = enrollment.events.filter(transition="reject_eligibility").order_by("-sequence").first()
    return (
        Appeal.Subject.INELIGIBLE,
        f"eligibility:{enrollment.pk}:{event.sequence if event else 0}",
        enrollment.eligibility_decided_on,
        event.actor_id if event else None,
    )


def _audit_decision(audit: AuditRecord) -> tuple[str, str, date, int | None]:
    if audit.verdict != AuditRecord.Verdict.FAIL:
        raise Conflict("Only a failed assessment or case-rate determination can be appealed.")
    if AuditRecord.objects.filter(supersedes=audit).exists():
        raise Conflict("This record was superseded; appeal the newer record.")
    if audit.enrollment.state != STEP_OF_KIND[audit.kind]:
        raise Conflict("The enrollment has moved on; this outcome no longer decides it.")
    newer = AuditRecord.objects.filter(
        enrollment_id=audit.enrollment_id, kind=audit.kind, attempt__gt=audit.attempt
    )
    if newer.exists():
        raise Conflict("A retake has started: the failed attempt can no longer be appealed.")
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        return (
            Appeal.Subject.DETERMINATION,
            f"audit:{audit.pk}",
            timezone.localdate(audit.determined_at),
            audit.determined_by_id,
        )
    return (
        Appeal.Subject.ASSESSMENT,
        f"audit:{audit.pk}",
        timezone.localdate(audit.submitted_at),
        audit.auditor_id,
    )


def appeal_file(
    *,
    by,
    on: date,
    statement: str,
    enrollment_id: int | None = None,
    audit_id: int | None = None,
    upload=None,
) -> Appeal:
    """A partner admin appeals a decision, within the window; once per decision; optionally
    with a file (checked as evidence is)."""
    statement = (statement or "").strip()
    with transaction.atomic():
        audit = None
        if audit_id is not None:
            audit = AuditRecord.objects.visible_to(by).filter(pk=audit_id).first()
            if audit is None:
                raise NotFound("No such audit among those you can see.")
            enrollment_id = audit.enrollment_id
        if not Enrollment.objects.visible_to(by).filter(pk=enrollment_id).exists():
            raise NotFound("No such enrollment among those you can see.")
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if not is_partner_admin(by, enrollment.organization_id):
            raise Forbidden("Only a partner admin of the organisation can appeal.")
        subject, key, decision_on, decision_by = (
            _audit_decision(audit) if audit else _eligibility_decision(enrollment)
        )
        closes_on = _window(decision_on)
        if on > closes_on:
            raise ConditionFailed(
                f"The appeal window for this decision closed on {closes_on.isoformat()} "
                f"({(closes_on - decision_on).days} days after it)."
            )
        if Appeal.objects.filter(decision_key=key).exists():
            raise Conflict("This decision was already appealed; each decision is appealed once.")
        if not statement:
            raise ConditionFailed("Say why the decision should change.", field="statement")
        appeal = Appeal.objects.create(
            enrollment=enrollment,
            audit=audit,
            subject=subject,
            decision_key=key,
            decision_on=decision_on,
            closes_on=closes_on,
            decision_by_id=decision_by,
            statement=statement,
            filed_by=by,
        )
        attached = ""
        if upload is not None:
            file = attachments.attachment_add(upload=upload, by=by, appeal=appeal)
            attached = f" Attached: {file.original_name} (SHA-256 {file.sha256})."
        record_outcome(
            enrollment,
            what="appeal_filed",
            by=by,
            on=on,
            note=f"The partner appealed the {appeal.get_subject_display().lower()} of "
            f"{decision_on.isoformat()}: {statement}{attached}",
        )
        notify.appeal_filed(appeal)
    return appeal


def appeal_decide(*, appeal_id: int, by, on: date, overturn: bool, reason: str) -> Appeal:
    """A reviewer other than the one who decided upholds or overturns the appeal, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        if not is_reviewer(by):
            if not Appeal.objects.filter(pk=appeal_id, enrollment__in=_visible(by)).exists():
                raise NotFound("No such appeal among those you can see.")
            raise Forbidden("Only a Microsoft reviewer decides appeals.")
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("No such appeal.")
        if appeal.status != Appeal.Status.OPEN:
            raise Conflict(f"This appeal was already decided: {appeal.get_status_display()}.")
        if appeal.decision_by_id == by.pk:
            raise Forbidden("A reviewer other than the one who made the decision decides.")
        if not reason:
            raise ConditionFailed("A reason is required to decide an appeal.", field="reason")
        enrollment = Enrollment.objects.select_for_update().get(pk=appeal.enrollment_id)
        appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
        appeal.decided_by, appeal.decided_at, appeal.reason = by, timezone.now(), reason
        words = "overturned" if overturn else "upheld"
        record_outcome(
            enrollment,
            what=f"appeal_{words}",
            by=by,
            on=on,
            note=f"Appeal of the {appeal.get_subject_display().lower()} {words}: {reason}",
        )
        if overturn:
            _overturn(appeal, enrollment, by=by, on=on)
        appeal.save()
        notify.appeal_decided(appeal)
    return appeal


def _visible(user):
    return Enrollment.objects.visible_to(user).values("pk")


def _overturn(appeal: Appeal, enrollment: Enrollment, *, by, on: date) -> None:
    if appeal.subject == Appeal.Subject.INELIGIBLE:
        if Enrollment.objects.filter(organization_id=enrollment.organization_id).open().exists():
            raise Conflict("The organisation has another open enrollment; withdraw it first.")
        apply_transition(
            enrollment,
            "reopen_eligibility",
            by=None,
            on=on,
            note=f"Reopened for eligibility review by the appeal decided by {by.get_username()}.",
        )
        return
    old = AuditRecord.objects.select_for_update().get(pk=appeal.audit_id)
    if AuditRecord.objects.filter(supersedes=old).exists():
        raise Conflict("This record was superseded meanwhile.")
    appeal.superseding_audit = _passing_record(old, appeal, by=by, on=on)
    steps.audit_decided(appeal.superseding_audit, on=on, by=by)


def _passing_record(old: AuditRecord, appeal: Appeal, *, by, on: date) -> AuditRecord:
    """The same attempt (same fee: not charged again) with a pass, superseding the failed one."""
    rules = ProgramRules.objects.in_force(on)
    fields = same_attempt(
        old,
        "submitted_at",
        "validated_case_volume",
        "proposed_case_rate",
        "final_case_rate",
        "methodology_ok",
        "csat_score",
        "scores",
        "capability_total",
    )
    years = {
        AuditRecord.Kind.CSAT: rules.csat_validity_years,
        AuditRecord.Kind.CAPABILITY: rules.capability_validity_years,
    }.get(old.kind)
    performance = old.kind == AuditRecord.Kind.PERFORMANCE
    return AuditRecord.objects.create(
        **fields,
        status=AuditRecord.Status.DETERMINED if performance else AuditRecord.Status.SUBMITTED,
        verdict=AuditRecord.Verdict.PASS,
        judged_against={**judged_against(on), "appeal": appeal.pk},
        valid_until=pass_valid_until(on, years) if years else None,
        determined_by=by if performance else None,
        determined_at=timezone.now() if performance else None,
        override_reason=f"Appeal overturned: {appeal.reason}" if performance else "",
        supersedes=old,
        correction_reason=f"Appeal #{appeal.pk} overturned by {by.get_username()}: {appeal.reason}",
    )
