"""Writes for ISSI audit records: claim, evidence, submit, determine (one service each).

Each locks the audit row, answers NotFound for an audit the caller cannot see, Forbidden for
one they may see but not act on, Conflict when the record moved meanwhile, ConditionFailed
naming what is wrong. Moving the enrollment on after a verdict is the journey's (journey/services.py
calls these, then the journey); these services never call up into it.
"""

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from assessments import rules as audit_rules
from assessments.models import STEP_OF_KIND, AuditRecord, ChangeRequest, ExcludedCase
from designation.models import ProgramRules
from designation.rules import case_rate, meets_target, pass_valid_until
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound

logger = logging.getLogger(__name__)


WHO_MAY = {
    "assessments.claim_audit": "Only an ISSI auditor can claim audits.",
    "assessments.upload_evidence": (
        "Only a partner admin of the organisation or the assigned auditor can upload."
    ),
    "assessments.submit_audit": "Only the auditor who claimed this audit can submit it.",
    "assessments.determine_audit": "Only a Microsoft reviewer can determine the final case rate.",
}


def authorise(*, audit_id: int, by, permission: str) -> AuditRecord:
    """Scope (404), then permission (403), before any input is read or validated."""
    audit = AuditRecord.objects.visible_to(by).filter(pk=audit_id).first()
    if audit is None:
        raise NotFound("No such audit among those you can see.")
    if not by.has_perm(permission, audit):
        raise Forbidden(WHO_MAY[permission])
    return audit


def _locked(audit_id: int, by) -> AuditRecord:
    if not AuditRecord.objects.visible_to(by).filter(pk=audit_id).exists():
        raise NotFound("No such audit among those you can see.")
    return (
        AuditRecord.objects.select_for_update(of=("self",))
        .select_related("enrollment")
        .get(pk=audit_id)
    )


def _require_step(audit: AuditRecord) -> None:
    """The enrollment must still be at this audit's step (not withdrawn or moved on)."""
    enrollment = audit.enrollment
    if enrollment.state != STEP_OF_KIND[audit.kind]:
        raise Conflict(
            f"The enrollment is now “{enrollment.get_state_display()}”; this audit is closed."
        )


def audit_claim(*, audit_id: int, by, on: date) -> AuditRecord:
    """An ISSI auditor takes an unassigned audit from the queue."""
    with transaction.atomic():
        audit = _locked(audit_id, by)
        if not by.has_perm("assessments.claim_audit", audit):
            raise Forbidden(WHO_MAY["assessments.claim_audit"])
        if audit.status != AuditRecord.Status.UNASSIGNED:
            who = audit.auditor.get_username() if audit.auditor else "someone"
            raise Conflict(f"This audit was already claimed by {who}.")
        _require_step(audit)
        audit.auditor = by
        audit.assigned_on = on
        audit.status = AuditRecord.Status.CLAIMED
        audit.save(update_fields=["auditor", "assigned_on", "status"])
    return audit


def audit_submit(*, audit_id: int, by, on: date, data: dict) -> AuditRecord:
    """The assigned auditor records the result; CSAT and capability are judged at once."""
    with transaction.atomic():
        audit = _locked(audit_id, by)
        if not by.has_perm("assessments.submit_audit", audit):
            raise Forbidden(WHO_MAY["assessments.submit_audit"])
        if audit.status != AuditRecord.Status.CLAIMED:
            raise Conflict(f"This audit is {audit.get_status_display().lower()}; not submittable.")
        _require_step(audit)
        _require_no_pending_changes(audit, on)
        _record_result(audit, data=data, on=on, by=by)
    return audit


def _require_no_pending_changes(audit: AuditRecord, on: date) -> None:
    """While the partner holds the ball (a request not answered and not overdue), ISSI waits."""
    waiting = ChangeRequest.objects.filter(audit=audit).awaiting(on).order_by("due_on").first()
    if waiting is not None:
        raise ConditionFailed(
            "Changes requested from the partner are awaiting an answer until "
            f"{waiting.due_on.isoformat()}; decide once they are answered or overdue."
        )


def _record_result(audit: AuditRecord, *, data: dict, on: date, by) -> None:
    """Judge the auditor's result against the rules in force and submit it; CSAT and capability
    get their verdict at once (performance waits for the reviewer's determination)."""
    recorders = {
        AuditRecord.Kind.PERFORMANCE: _record_performance,
        AuditRecord.Kind.CSAT: _record_csat,
        AuditRecord.Kind.CAPABILITY: _record_capability,
    }
    recorders[audit.kind](audit, data, ProgramRules.objects.in_force(on), on)
    audit.status = AuditRecord.Status.SUBMITTED
    audit.submitted_at = timezone.now()
    audit.save()


def _record_performance(audit: AuditRecord, data: dict, rules, on: date) -> None:
    excluded = [
        audit_rules.ExcludedCaseInput(str(item.get("case_id", "")), str(item.get("reason", "")))
        for item in data.get("excluded_cases") or []
    ]
    raw = data.get("validated_case_volume")
    explicit = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if raw not in (None, "") and explicit is None:
        raise ConditionFailed(
            "Give the validated case volume as a whole number.", field="validated_case_volume"
        )
    reason = str(data.get("adjustment_reason") or "").strip()
    result = audit_rules.performance_volume(audit.frozen_case_volume, excluded, explicit, reason)
    if result.errors:
        field, message = next(iter(result.errors.items()))
        raise ConditionFailed(message, field=field)
    audit.validated_case_volume = result.volume
    audit.volume_adjustment = result.adjustment
    audit.adjustment_reason = reason if result.adjustment is not None else ""
    revenue = audit.frozen_billed_revenue_usd or Decimal("0")
    audit.proposed_case_rate = case_rate(result.volume, revenue)
    audit.save()
    ExcludedCase.objects.bulk_create(
        ExcludedCase(audit=audit, case_id=item.case_id.strip(), reason=item.reason.strip())
        for item in excluded
    )


def _record_csat(audit: AuditRecord, data: dict, rules, on: date) -> None:
    methodology_ok = data.get("methodology_ok")
    if not isinstance(methodology_ok, bool):
        raise ConditionFailed(
            "Say whether ISSI accepts the survey methodology (true or false).",
            field="methodology_ok",
        )
    score = audit_rules.parse_csat_score(data.get("score"))
    if score is None:
        raise ConditionFailed("Give the final CSAT score from 1.0 to 5.0.", field="score")
    _require_evidence(audit)
    passed = audit_rules.csat_passes(
        methodology_ok=methodology_ok, score=score, minimum=rules.csat_minimum
    )
    audit.methodology_ok, audit.csat_score = methodology_ok, score
    _judge(audit, passed, on, validity_years=rules.csat_validity_years)


def _record_capability(audit: AuditRecord, data: dict, rules, on: date) -> None:
    scores = data.get("scores")
    if not isinstance(scores, dict):
        raise ConditionFailed("Give `scores` for every capability dimension.", field="scores")
    errors = audit_rules.capability_score_errors(scores)
    if errors:
        raise ConditionFailed(" ".join(errors.values()), field="scores")
    _require_evidence(audit)
    passed = audit_rules.capability_passes(
        scores,
        minimum_total=rules.capability_minimum_total,
        minimum_dimension=rules.capability_minimum_dimension,
    )
    audit.scores = {name: scores[name] for name in audit_rules.CAPABILITY_DIMENSIONS}
    audit.capability_total = audit_rules.capability_total(scores)
    _judge(audit, passed, on, validity_years=rules.capability_validity_years)


def _require_evidence(audit: AuditRecord) -> None:
    """Capability needs evidence for every component, CSAT the survey report."""
    missing = audit_rules.missing_components(
        audit.kind, audit.evidence.values_list("component", flat=True)
    )
    if missing:
        raise ConditionFailed(
            "Evidence is required for every component before submitting. Missing: "
            + "; ".join(missing)
            + ".",
            field="evidence",
        )


def _judge(audit: AuditRecord, passed: bool, on: date, *, validity_years: int | None) -> None:
    audit.verdict = AuditRecord.Verdict.PASS if passed else AuditRecord.Verdict.FAIL
    audit.judged_against = judged_against(on)
    if passed and validity_years:
        audit.valid_until = pass_valid_until(on, validity_years)


def judged_against(on: date) -> dict:
    """The program-rule values an audit decided on `on` is judged against (quoted on it)."""
    rules = ProgramRules.objects.in_force(on)
    return {
        "program_rules_version": rules.pk,
        "effective_from": rules.effective_from.isoformat(),
        "case_rate_target": str(rules.case_rate_target),
        "csat_minimum": str(rules.csat_minimum),
        "capability_minimum_total": rules.capability_minimum_total,
        "capability_minimum_dimension": rules.capability_minimum_dimension,
        "capability_validity_years": rules.capability_validity_years,
        "csat_validity_years": rules.csat_validity_years,
    }


def _parse_rate(raw) -> Decimal:
    try:
        rate = Decimal(str(raw)).quantize(audit_rules.CENT)
    except (InvalidOperation, ValueError) as exc:
        raise ConditionFailed(
            "Give the final case rate as a number (cases per USD 1M).", field="final_case_rate"
        ) from exc
    if not rate.is_finite() or rate < 0:
        raise ConditionFailed("The final case rate cannot be negative.", field="final_case_rate")
    return rate


def audit_determine(
    *, audit_id: int, by, on: date, final_case_rate=None, reason: str = ""
) -> AuditRecord:
    """A reviewer confirms the validated case rate, or overrides it with a reason; pass or fail
    follows from the target in force."""
    reason = (reason or "").strip()
    with transaction.atomic():
        audit = _locked(audit_id, by)
        if not by.has_perm("assessments.determine_audit", audit):
            raise Forbidden(WHO_MAY["assessments.determine_audit"])
        if audit.kind != AuditRecord.Kind.PERFORMANCE:
            raise ConditionFailed("Only performance audits are determined by Microsoft.")
        if audit.status != AuditRecord.Status.SUBMITTED:
            raise Conflict(
                f"This audit is {audit.get_status_display().lower()}: only a submitted "
                "performance audit can be determined."
            )
        if AuditRecord.objects.filter(supersedes=audit).exists():
            raise Conflict("This record was corrected; determine the correction instead.")
        _require_step(audit)
        final = audit.proposed_case_rate
        if final_case_rate not in (None, ""):
            override = _parse_rate(final_case_rate)
            if override != audit.proposed_case_rate and not reason:
                raise ConditionFailed(
                    "Overriding the validated case rate needs a reason.", field="reason"
                )
            final = override
        determine(audit, final=final, reason=reason, by=by, on=on)
    return audit


def determine(audit: AuditRecord, *, final: Decimal | None, reason: str, by, on: date) -> None:
    """Record the final case rate and its verdict against the target in force on `on`."""
    rules = ProgramRules.objects.in_force(on)
    audit.final_case_rate = final
    audit.override_reason = reason if final != audit.proposed_case_rate else ""
    audit.determined_by = by
    audit.determined_at = timezone.now()
    audit.status = AuditRecord.Status.DETERMINED
    _judge(audit, meets_target(final, rules.case_rate_target), on, validity_years=None)
    audit.save()
