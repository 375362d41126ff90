"""The journey's steps, the one place that ties the apps together (STYLE.md):
a step begins → its ISSI audit record is created; the performance assessment starts → that day's
case-rate figures are frozen; an audit outcome → the enrollment moves on (or waits for a retake);
the last step passes → the designation is granted.

Callers hold the enrollment's row lock inside transaction.atomic().
"""

from datetime import date

from django.utils import timezone

from assessments.models import KIND_OF_STEP, PASS_TRANSITION, STEP_OF_KIND, AuditRecord, FeeSchedule
from designation import grants
from designation.models import Enrollment
from designation.permissions import is_reviewer
from designation.transitions import apply_transition, record_outcome
from journey import notify
from metrics import selectors as metrics_selectors
from portal.errors import ConditionFailed, Conflict


def open_audit(enrollment: Enrollment, *, kind: str, on: date, **fields) -> AuditRecord:
    """A new unassigned attempt in the ISSI queue, charged at the fee in force today."""
    fee = FeeSchedule.objects.in_force(kind, on)
    attempt = AuditRecord.objects.filter(enrollment=enrollment, kind=kind).current().count() + 1
    audit = AuditRecord.objects.create(
        enrollment=enrollment,
        kind=kind,
        attempt=attempt,
        created_at=timezone.now(),
        fee_schedule=fee,
        fee_amount=fee.amount,
        fee_currency=fee.currency,
        **fields,
    )
    notify.audit_queued(audit)
    return audit


def case_rate_figures(enrollment: Enrollment, *, on: date):
    """The organisation's TTM case-rate figures for day `on` (the metrics app computes them)."""
    return metrics_selectors.case_rate_for(enrollment.organization_id, on)


def performance_started(enrollment: Enrollment, *, on: date, figures=None) -> AuditRecord:
    """Freeze the day's TTM case-rate figures on a new performance audit record."""
    figures = figures or case_rate_figures(enrollment, on=on)
    return open_audit(
        enrollment,
        kind=AuditRecord.Kind.PERFORMANCE,
        on=on,
        performance_window_ends_on=enrollment.performance_window_ends_on,
        frozen_as_of=figures.as_of,
        frozen_window_start=figures.window_start,
        frozen_window_end=figures.window_end,
        frozen_case_volume=figures.case_volume,
        frozen_billed_revenue_usd=figures.billed_revenue_usd,
        frozen_case_rate=figures.case_rate,
    )


def retake_started(enrollment: Enrollment, *, on: date) -> AuditRecord:
    """A new attempt of the current CSAT or capability step (new record, new fee)."""
    return open_audit(enrollment, kind=KIND_OF_STEP[enrollment.state], on=on)


def audit_decided(audit: AuditRecord, *, on: date, by) -> Enrollment:
    """Move the enrollment on after a pass; after a fail, let the partner start a retake."""
    enrollment = Enrollment.objects.select_for_update().get(pk=audit.enrollment_id)
    if enrollment.state != STEP_OF_KIND[audit.kind]:
        raise Conflict(
            f"The enrollment is now “{enrollment.get_state_display()}”; "
            f"this {audit.get_kind_display().lower()} no longer decides it."
        )
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        notify.case_rate_determined(audit)
    else:
        notify.audit_decided(audit)
    if not audit.passed:
        enrollment.attempt_status = Enrollment.Attempt.FAILED
        record_outcome(
            enrollment,
            what="audit_failed",
            by=by,
            on=on,
            note=f"{audit.get_kind_display()} attempt {audit.attempt} failed; a retake may start.",
        )
        return enrollment
    transition = PASS_TRANSITION[audit.kind]
    args = {"on": on} if transition == "pass_capability" else {}
    note = f"{audit.get_kind_display()} attempt {audit.attempt} passed."
    apply_transition(enrollment, transition, by=None, on=on, note=note, args=args)
    enter_step(enrollment, on=on)
    return enrollment


def enter_step(enrollment: Enrollment, *, on: date) -> None:
    """Begin the enrollment's current step: skip it when its pass is carried over, open its
    audit otherwise; grant the designation on enrollment."""
    while True:
        state = enrollment.state
        if state == Enrollment.State.ENROLLED:
            grants.enrollment_completed(enrollment, on=on)
            return
        carried = {
            Enrollment.State.CUSTOMER_SUCCESS: enrollment.csat_carried_over,
            Enrollment.State.CAPABILITY: enrollment.capability_carried_over,
        }.get(state)
        if carried is None:
            return
        kind = KIND_OF_STEP[state]
        if not carried:
            open_audit(enrollment, kind=kind, on=on)
            enrollment.attempt_status = Enrollment.Attempt.IN_PROGRESS
            enrollment.save(update_fields=["attempt_status"])
            return
        transition = PASS_TRANSITION[kind]
        args = {"on": on} if transition == "pass_capability" else {}
        apply_transition(
            enrollment,
            transition,
            by=None,
            on=on,
            note="The previous pass is still valid on the anniversary: carried over.",
            args=args,
        )


def check_exclusions_frozen(audit: AuditRecord, data: dict) -> None:
    """Raise ConditionFailed unless every excluded case ID is among the CSP cases frozen for the
    performance assessment (opened in its frozen TTM window). Called inside the submit's
    transaction, so a refusal records nothing."""
    if audit.kind != AuditRecord.Kind.PERFORMANCE or audit.frozen_window_start is None:
        return
    ids = [str(item.get("case_id", "")).strip() for item in data.get("excluded_cases") or []]
    if not ids:
        return
    missing = metrics_selectors.case_ids_missing(
        audit.enrollment.organization_id, audit.frozen_window_start, audit.frozen_window_end, ids
    )
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ConditionFailed(
            f"Not among the {audit.frozen_case_volume} CSP cases frozen for this assessment "
            f"(opened {audit.frozen_window_start.isoformat()} to "
            f"{audit.frozen_window_end.isoformat()}): {shown}.",
            field="excluded_cases",
        )


def record_correction(audit: AuditRecord, *, by, on: date, journey_stays: bool = False) -> None:
    """Log a correction in the enrollment's hash-chained event log (shown in its timeline): who,
    in which role, why, and what it did to the journey."""
    enrollment = Enrollment.objects.select_for_update().get(pk=audit.enrollment_id)
    role = "Microsoft reviewer" if is_reviewer(by) else "assigned ISSI auditor"
    outcome = audit.get_verdict_display().lower() if audit.verdict else "awaiting determination"
    effect = (
        f"The outcome stands ({outcome}); the journey stays at “{enrollment.get_state_display()}”."
        if journey_stays
        else f"Outcome: {outcome}."
    )
    note = (
        f"{audit.get_kind_display()} attempt {audit.attempt}: record {audit.supersedes_id} "
        f"corrected by record {audit.pk} ({by.get_username()}, {role}). {effect}"
    )
    record_outcome(
        enrollment,
        what="audit_corrected",
        by=by,
        on=on,
        note=note[:2000],
        reason=audit.correction_reason[:2000],
    )
