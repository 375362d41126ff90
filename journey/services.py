"""Writes of the journey: one service per enrollment transition, and the audit decisions that
move the enrollment on (STYLE.md).

Each locks the enrollment row, checks who may (403), whether the state still allows it (409)
and which condition fails (400), applies the transition, saves and records the event, and hands
follow-up work to journey/steps.py. An audit decision calls the assessments service, then the
journey, in one transaction. Pages and the API call these and nothing else.
"""

from datetime import date

from django.db import IntegrityError, transaction

from assessments import services as audit_services
from assessments.models import AuditRecord
from designation import selectors
from designation.declarations import check_declaration
from designation.models import Designation, Enrollment, EnrollmentEvent, Organization, ProgramRules
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS
from designation.permissions import is_partner_admin
from designation.transitions import apply_transition
from journey import notify, steps
from portal.errors import Conflict, Forbidden, NotFound


def _locked(enrollment_id: int, by) -> Enrollment:
    """The enrollment, row-locked; NotFound when it is not the caller's to see."""
    if not Enrollment.objects.visible_to(by).filter(pk=enrollment_id).exists():
        raise NotFound("No such enrollment among those you can see.")
    return (
        Enrollment.objects.select_for_update().select_related("organization").get(pk=enrollment_id)
    )


def enrollment_create(
    *, organization_id: int, by, on: date, form: dict, kind: str = Enrollment.Kind.FIRST
) -> Enrollment:
    """Partner admin registers interest: a draft enrollment holding the pre-enrollment form."""
    organization = Organization.objects.visible_to(by).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("No such organisation among those you can see.")
    if not is_partner_admin(by, organization):
        raise Forbidden("Only a partner admin of this organisation can apply.")
    check_declaration(organization_id=organization.pk, form=form, on=on)  # facts of record
    with transaction.atomic():
        open_one = Enrollment.objects.filter(organization=organization).open().first()
        if open_one is not None:
            raise Conflict(
                f"This organisation already has an open enrollment (#{open_one.pk}, "
                f"{open_one.get_state_display()})."
            )
        held = Designation.objects.filter(organization=organization).first()
        if kind == Enrollment.Kind.FIRST and held is not None and held.is_valid:
            raise Conflict(
                "This organisation already holds the Support Services designation (anniversary "
                f"{held.anniversary_on.isoformat()}): it is kept by the renewal enrollment that "
                "opens with the renewal window, not by applying again."
            )
        enrollment = Enrollment(
            organization=organization,
            kind=kind,
            created_by=by,
            **{name: form[name] for name in PRE_ENROLLMENT_FIELDS if name in form},
        )
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError as exc:  # another request opened one a moment ago
            raise Conflict("This organisation already has an open enrollment.") from exc
        EnrollmentEvent.record(
            enrollment,
            transition="create",
            from_state="",
            by=by,
            rules_version=ProgramRules.objects.in_force(on),
        )
        enrollment.save(update_fields=["last_event_hash"])
    return enrollment


def enrollment_update_form(*, enrollment_id: int, by, form: dict) -> Enrollment:
    """Partner admin edits the pre-enrollment form of a draft."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        if not is_partner_admin(by, enrollment.organization_id):
            raise Forbidden("Only a partner admin of this organisation can edit the form.")
        if enrollment.state != Enrollment.State.DRAFT:
            raise Conflict("The form can be changed only while the enrollment is a draft.")
        for name in PRE_ENROLLMENT_FIELDS:
            if name in form:
                setattr(enrollment, name, form[name])
        enrollment.save()
    return enrollment


def enrollment_submit(*, enrollment_id: int, by, on: date, note: str = "") -> Enrollment:
    """Send the form for eligibility review; every prerequisite must hold on `on`."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        if enrollment.state == Enrollment.State.DRAFT:
            organization = selectors.organization_for_journey(enrollment.organization_id)
            enrollment.record_prerequisites(selectors.prerequisites_for(organization, on), on)
            if is_partner_admin(by, enrollment.organization_id):  # 403 before 400 otherwise
                declared = {name: getattr(enrollment, name) for name in PRE_ENROLLMENT_FIELDS}
                check_declaration(organization_id=organization.pk, form=declared, on=on)
        apply_transition(enrollment, "submit", by=by, on=on, note=note, args={"on": on})
        notify.eligibility_submitted(enrollment)
    return enrollment


def enrollment_approve_eligibility(
    *, enrollment_id: int, by, on: date, note: str = ""
) -> Enrollment:
    """A reviewer approves eligibility: the performance step may start."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        apply_transition(
            enrollment, "approve_eligibility", by=by, on=on, note=note, args={"on": on}
        )
        notify.eligibility_decided(enrollment)
    return enrollment


def enrollment_reject_eligibility(*, enrollment_id: int, by, on: date, reason: str) -> Enrollment:
    """A reviewer rejects eligibility, with the reason the partner will read."""
    reason = (reason or "").strip()
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        apply_transition(
            enrollment,
            "reject_eligibility",
            by=by,
            on=on,
            reason=reason,
            extra=[(bool(reason), "A reason is required to reject eligibility.")],
            args={"on": on, "reason": reason},
        )
        notify.eligibility_decided(enrollment)
    return enrollment


def enrollment_start_performance(*, enrollment_id: int, by, on: date) -> Enrollment:
    """Partner admin starts (or retakes) the performance assessment: the window opens and the
    day's case-rate figures are frozen on a new audit record."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        days = ProgramRules.objects.in_force(on).performance_window_days
        figures = steps.case_rate_figures(enrollment, on=on)
        apply_transition(
            enrollment,
            "start_performance",
            by=by,
            on=on,
            note=f"Performance window open for {days} days.",
            # With no revenue the case rate is undefined and cannot pass: do not charge for it.
            extra=[
                (
                    figures.billed_revenue_usd > 0,
                    f"No billed revenue in the TTM window {figures.window_start.isoformat()} to "
                    f"{figures.window_end.isoformat()}: the case rate would be undefined and the "
                    "assessment could not pass. Load your revenue data first.",
                )
            ],
            args={"on": on, "window_days": days},
        )
        steps.performance_started(enrollment, on=on, figures=figures)
    return enrollment


def enrollment_retake(*, enrollment_id: int, by, on: date) -> Enrollment:
    """Partner admin starts a new attempt of the failed CSAT or capability step (new fee)."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        apply_transition(enrollment, "retake", by=by, on=on)
        steps.retake_started(enrollment, on=on)
    return enrollment


def enrollment_withdraw(*, enrollment_id: int, by, on: date, reason: str = "") -> Enrollment:
    """Partner admin withdraws before enrollment."""
    with transaction.atomic():
        enrollment = _locked(enrollment_id, by)
        apply_transition(
            enrollment, "withdraw", by=by, on=on, reason=reason, args={"reason": reason}
        )
    return enrollment


def run_transition(name: str, *, enrollment_id: int, by, on: date, data: dict) -> Enrollment:
    """The API's entry: one public transition by name, with its inputs."""
    note = str(data.get("note", ""))
    reason = str(data.get("reason", ""))
    services = {
        "submit": lambda: enrollment_submit(enrollment_id=enrollment_id, by=by, on=on, note=note),
        "approve_eligibility": lambda: enrollment_approve_eligibility(
            enrollment_id=enrollment_id, by=by, on=on, note=note
        ),
        "reject_eligibility": lambda: enrollment_reject_eligibility(
            enrollment_id=enrollment_id, by=by, on=on, reason=reason
        ),
        "start_performance": lambda: enrollment_start_performance(
            enrollment_id=enrollment_id, by=by, on=on
        ),
        "retake": lambda: enrollment_retake(enrollment_id=enrollment_id, by=by, on=on),
        "withdraw": lambda: enrollment_withdraw(
            enrollment_id=enrollment_id, by=by, on=on, reason=reason
        ),
    }
    if name not in services:
        raise NotFound(f"No transition called “{name}”. Use one of: {', '.join(services)}.")
    return services[name]()


# --- Audit decisions -------------------------------------------------------------------------


def _decided(audit: AuditRecord, *, on: date, by) -> AuditRecord:
    """A verdict moves the enrollment on (a pass) or lets the partner retake (a fail); a submitted
    performance audit has none until a reviewer determines the case rate."""
    if audit.verdict:
        steps.audit_decided(audit, on=on, by=by)
    return audit


def audit_claim(*, audit_id: int, by, on: date) -> AuditRecord:
    """An ISSI auditor claims an audit from the queue; the partner is told."""
    with transaction.atomic():
        audit = audit_services.audit_claim(audit_id=audit_id, by=by, on=on)
        notify.audit_claimed(audit)
    return audit


def audit_submit(*, audit_id: int, by, on: date, data: dict) -> AuditRecord:
    """The assigned auditor records the result; a CSAT or capability verdict moves the journey."""
    with transaction.atomic():
        audit = audit_services.audit_submit(audit_id=audit_id, by=by, on=on, data=data)
        steps.check_exclusions_frozen(audit, data)  # excluded IDs are among the frozen cases
        notify.audit_submitted(audit)
        return _decided(audit, on=on, by=by)


def audit_determine(
    *, audit_id: int, by, on: date, final_case_rate=None, reason: str = ""
) -> AuditRecord:
    """A reviewer determines the final case rate; pass or fail moves the journey."""
    with transaction.atomic():
        audit = audit_services.audit_determine(
            audit_id=audit_id, by=by, on=on, final_case_rate=final_case_rate, reason=reason
        )
        return _decided(audit, on=on, by=by)


def audit_correct(*, audit_id: int, by, on: date, reason: str, data: dict) -> AuditRecord:
    """A correction: the assigned auditor's while the journey is at the step (the new record's
    verdict moves it, as a submission would); a reviewer's after it moved on (the outcome must
    stand, and the journey stays where it is)."""
    with transaction.atomic():
        audit = audit_services.audit_correct(
            audit_id=audit_id, by=by, on=on, reason=reason, data=data
        )
        steps.check_exclusions_frozen(audit, data)
        moved_on = audit_services.moved_past(audit)
        steps.record_correction(audit, by=by, on=on, journey_stays=moved_on)
        if moved_on:
            return audit
        notify.audit_submitted(audit)
        return _decided(audit, on=on, by=by)
