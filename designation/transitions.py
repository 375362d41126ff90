"""Applying one enrollment transition: the one code path every service and the journey share.

The caller has locked the enrollment row (select_for_update) inside transaction.atomic().
"""

from datetime import date

from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from designation.models import Enrollment, EnrollmentEvent, ProgramRules
from designation.permissions import WHO_MAY
from portal.errors import ConditionFailed, Conflict, Forbidden

LABELS = {
    "submit": "submitting the pre-enrollment form",
    "approve_eligibility": "approving eligibility",
    "reject_eligibility": "rejecting eligibility",
    "start_performance": "starting the performance assessment",
    "retake": "starting a retake",
    "withdraw": "withdrawing",
    "reopen_eligibility": "reopening the eligibility review after an appeal",
    "pass_performance": "passing the performance assessment",
    "pass_customer_success": "passing the customer success survey",
    "pass_capability": "passing the capability assessment",
}


def check_permission(enrollment: Enrollment, name: str, *, by) -> None:
    """Raise Forbidden when `by` may not run this transition; checked before any input is read,
    so that an outsider learns nothing from validation errors."""
    method = getattr(enrollment, name, None)
    meta = getattr(method, "_django_fsm", None)
    transition = meta.get_transition(enrollment.state) if meta else None
    if transition is not None and not transition.has_perm(enrollment, by):
        raise Forbidden(WHO_MAY.get(transition.permission, "You may not do this."))


def check_transition(
    enrollment: Enrollment, name: str, *, by, extra: list[tuple[bool, str]] = ()
) -> None:
    """Raise Conflict (state moved), Forbidden (who may), Conflict (an attempt moved on) or
    ConditionFailed (which condition), in that order; return when the transition may run.
    `by=None` is the system."""
    method = getattr(enrollment, name)
    if not can_proceed(method, check_conditions=False):
        raise Conflict(
            f"This enrollment is now “{enrollment.get_state_display()}”: "
            f"{LABELS.get(name, name)} is not possible from there."
        )
    transition = method._django_fsm.get_transition(enrollment.state)
    if by is not None and not transition.has_perm(enrollment, by):
        raise Forbidden(WHO_MAY.get(transition.permission, "You may not do this."))
    failed = [c for c in transition.conditions if not c(enrollment)]
    moved = [c.explain(enrollment) for c in failed if c.conflict]
    if moved:
        raise Conflict(" ".join(moved))
    failed = [c.explain(enrollment) for c in failed]
    failed += [message for holds, message in extra if not holds]
    if failed:
        raise ConditionFailed(" ".join(failed))
    # django-fsm does not check permissions when a transition is called: this is that check.
    if by is not None and not has_transition_perm(method, by):
        raise Forbidden(WHO_MAY.get(transition.permission, "You may not do this."))


def apply_transition(
    enrollment: Enrollment,
    name: str,
    *,
    by,
    on: date,
    reason: str = "",
    note: str = "",
    extra: list[tuple[bool, str]] = (),
    args: dict | None = None,
) -> EnrollmentEvent:
    """Check, run the transition with `args`, record its event and save the enrollment."""
    check_transition(enrollment, name, by=by, extra=extra)
    from_state = enrollment.state
    getattr(enrollment, name)(**(args or {}))
    event = EnrollmentEvent.record(
        enrollment,
        transition=name,
        from_state=from_state,
        by=by,
        rules_version=ProgramRules.objects.in_force(on),
        reason=reason,
        note=note,
    )
    try:
        enrollment.save()
    except ConcurrentTransition as exc:  # a stale copy: someone moved it since it was read
        raise Conflict("This enrollment changed meanwhile; reload it and try again.") from exc
    return event


def record_outcome(
    enrollment: Enrollment, *, what: str, by, on: date, note: str = "", reason: str = ""
) -> None:
    """Log something that happened without a state change (an audit failed, a step began)."""
    EnrollmentEvent.record(
        enrollment,
        transition=what,
        from_state="" if enrollment.last_event_hash == "" else enrollment.state,
        by=by,
        rules_version=ProgramRules.objects.in_force(on),
        reason=reason,
        note=note,
    )
    enrollment.save()
