"""What an audit submission would decide, shown on a confirmation page before the irreversible
submit; and the rules each audit form quotes before anything is typed."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import rules as audit_rules
from assessments.models import AuditRecord
from designation.rules import case_rate, meets_target

CORRECTIONS = (
    "A submitted record is never edited. If it turns out wrong, the assigned auditor corrects it "
    "with a reason until the journey has moved past this step (a pass moved it on, or a retake "
    "started); after that only a Microsoft reviewer can, with a reason, and the outcome stands. "
    "A correction is a new record that supersedes this one; this one stays readable in the "
    "history."
)


def quoted_rules(audit: AuditRecord, rules: dict) -> list[str]:
    """The rules the audit's result will be judged against, in words (rules in force today)."""
    fee = f"The ISSI fee for this attempt, {audit.fee_display}, is already charged."
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        frozen = audit.frozen_case_volume
        return [
            f"Frozen when the assessment started: {frozen} CSP cases on USD "
            f"{audit.frozen_billed_revenue_usd} billed revenue (rate {audit.frozen_case_rate}).",
            f"The validated case volume is the {frozen} frozen cases less the excluded ones; every "
            "excluded case ID must be one of the frozen cases, with a reason. A different "
            "volume (lower, never above) is an explicit adjustment and needs its reason.",
            f"A Microsoft reviewer then determines the final rate: it passes at or below the "
            f"case-rate target of {rules['case_rate_target']} cases per USD 1M.",
            fee,
        ]
    if audit.kind == AuditRecord.Kind.CSAT:
        return [
            f"The final score is from {audit_rules.CSAT_LOWEST} to {audit_rules.CSAT_HIGHEST} "
            f"(one decimal place); it passes at or above {rules['csat_minimum']} with the "
            "survey methodology accepted.",
            "The survey report must be uploaded as evidence before submitting.",
            fee,
        ]
    return [
        "Each dimension is scored from 0 to 100 (whole numbers); the total is their mean.",
        f"It passes at {rules['capability_minimum_total']} total and "
        f"{rules['capability_minimum_dimension']} in every dimension.",
        "Evidence is required for all eleven components before submitting.",
        fee,
    ]


def outcome_words(rate: Decimal | None, target: Decimal) -> str:
    """Pass or fail of a case rate against the target, with why when it fails."""
    if meets_target(rate, target):
        return "pass"
    if rate is None:
        return "fail (no revenue: the rate is undefined)"
    return "fail (the rate is above the target)"


def performance_figures(audit: AuditRecord, data: dict, target: Decimal) -> dict:
    """What a performance submission would record: frozen volume, exclusions, validated volume
    (the frozen volume less the exclusions, or an explicit adjustment), revenue, rate, outcome."""
    excluded = [(e["case_id"], e["reason"]) for e in data.get("excluded_cases") or []]
    volume, adjustment = audit_rules.validated_volume(
        audit.frozen_case_volume or 0, len(excluded), data.get("validated_case_volume")
    )
    rate = case_rate(volume, audit.frozen_billed_revenue_usd or Decimal("0"))
    reason = data.get("adjustment_reason", "") if adjustment is not None else ""
    return _figures(audit, excluded, volume, adjustment, reason, rate, target)


def recorded_figures(audit: AuditRecord, target: Decimal) -> dict:
    """The same figures as a submitted performance record holds them."""
    excluded = [(e.case_id, e.reason) for e in audit.excluded_cases.all()]
    return _figures(
        audit,
        excluded,
        audit.validated_case_volume,
        audit.volume_adjustment,
        audit.adjustment_reason,
        audit.proposed_case_rate,
        target,
    )


def _figures(audit, excluded, volume, adjustment, reason, rate, target) -> dict:
    base = max((audit.frozen_case_volume or 0) - len(excluded), 0)
    if adjustment is not None:
        how = f"adjusted by {adjustment:+d} from the frozen volume less the exclusions: {reason}"
    elif volume is None:
        how = "not yet submitted"
    elif volume == base:
        how = "the frozen volume less the exclusions"
    else:
        how = "as the auditor entered it"
    return {
        "frozen_case_volume": audit.frozen_case_volume,
        "excluded": excluded,
        "validated": volume,
        "validated_how": how,
        "revenue": audit.frozen_billed_revenue_usd,
        "rate": rate,
        "target": target,
        "outcome": outcome_words(rate, target),
    }


def performance_errors(audit: AuditRecord, data: dict) -> dict[str, str]:
    """What the program's rules refuse in a performance submission, by field (the service checks
    the same rule again; said here before the confirmation page)."""
    excluded = [
        audit_rules.ExcludedCaseInput(e["case_id"], e["reason"])
        for e in data.get("excluded_cases") or []
    ]
    return audit_rules.performance_volume(
        audit.frozen_case_volume,
        excluded,
        data.get("validated_case_volume"),
        data.get("adjustment_reason", ""),
    ).errors


def would_decide(audit: AuditRecord, data: dict, rules: dict) -> str:
    """What the entered values would decide, in one sentence."""
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        figures = performance_figures(audit, data, Decimal(rules["case_rate_target"]))
        if figures["rate"] is None:
            return "The rate would be undefined (no revenue in the frozen window): it cannot pass."
        verdict = "pass" if figures["outcome"] == "pass" else "fail"
        return (
            f"{figures['validated']} validated cases would give a rate of {figures['rate']} "
            f"against the target {figures['target']}: it would {verdict} if the reviewer "
            "confirms it."
        )
    if audit.kind == AuditRecord.Kind.CSAT:
        passed = audit_rules.csat_passes(
            methodology_ok=data["methodology_ok"],
            score=data["score"],
            minimum=Decimal(rules["csat_minimum"]),
        )
        method = "accepted" if data["methodology_ok"] else "not accepted"
        return (
            f"A score of {data['score']} with the methodology {method} against the minimum "
            f"{rules['csat_minimum']}: this would {'pass' if passed else 'fail'}."
        )
    scores = data["scores"]
    passed = audit_rules.capability_passes(
        scores,
        minimum_total=rules["capability_minimum_total"],
        minimum_dimension=rules["capability_minimum_dimension"],
    )
    return (
        f"A total of {audit_rules.capability_total(scores)} (scores "
        f"{', '.join(str(scores[n]) for n in audit_rules.CAPABILITY_DIMENSIONS)}) against "
        f"{rules['capability_minimum_total']} total and {rules['capability_minimum_dimension']} "
        f"each: this would {'pass' if passed else 'fail'}."
    )


def confirmation_page(
    request: HttpRequest, audit: AuditRecord, form, data: dict, rules: dict, extra=None
) -> HttpResponse:
    """Ask before the irreversible submit: the values, what they would decide, how corrections
    work; the same values are posted again with confirmed=1."""
    hidden = [(name, value) for name in form.fields for value in request.POST.getlist(name)]
    values = [(form[name].label, request.POST.get(name, "")) for name in form.fields]
    figures = None
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        figures = performance_figures(audit, data, Decimal(rules["case_rate_target"]))
    return render(
        request,
        "assessments/audit_confirm.html",
        {
            "audit": audit,
            "hidden": hidden,
            "values": values,
            "figures": figures,
            "decision": would_decide(audit, data, rules),
            "corrections": CORRECTIONS,
            "nav_section": "audits",
            **(extra or {}),
        },
    )
