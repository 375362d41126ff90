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
    "with a reason while it still decides nothing irreversible (a performance audit not yet "
    "determined, or a failed attempt with no retake started): the correction is a new record "
    "that supersedes this one, and this one stays readable in the history."
)


def quoted_rules(audit: AuditRecord, rules: dict) -> list[str]:
    """The rules the audit's result will be judged against, in words (rules in force today)."""
    fee = f"The ISSI fee for this attempt, {audit.fee_display}, is already charged."
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        frozen = audit.frozen_case_volume
        return [
            f"Frozen when the assessment started: {frozen} CSP cases on USD "
            f"{audit.frozen_billed_revenue_usd} billed revenue (rate {audit.frozen_case_rate}).",
            f"The validated case volume is 0 to {frozen}, less one per excluded case; every "
            "excluded case ID must be one of the frozen cases, with a reason.",
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


def would_decide(audit: AuditRecord, data: dict, rules: dict) -> str:
    """What the entered values would decide, in one sentence."""
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        volume = data["validated_case_volume"]
        rate = case_rate(volume, audit.frozen_billed_revenue_usd or Decimal("0"))
        target = Decimal(rules["case_rate_target"])
        if rate is None:
            return "The rate would be undefined (no revenue in the frozen window): it cannot pass."
        verdict = "pass" if meets_target(rate, target) else "fail"
        return (
            f"{volume} validated cases would give a rate of {rate} against the target {target}: "
            f"it would {verdict} if the reviewer confirms it."
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
    request: HttpRequest, audit: AuditRecord, form, data: dict, rules: dict
) -> HttpResponse:
    """Ask before the irreversible submit: the values, what they would decide, how corrections
    work; the same values are posted again with confirmed=1."""
    hidden = [(name, value) for name in form.fields for value in request.POST.getlist(name)]
    values = [(form[name].label, request.POST.get(name, "")) for name in form.fields]
    return render(
        request,
        "assessments/audit_confirm.html",
        {
            "audit": audit,
            "hidden": hidden,
            "values": values,
            "decision": would_decide(audit, data, rules),
            "corrections": CORRECTIONS,
            "nav_section": "audits",
        },
    )
