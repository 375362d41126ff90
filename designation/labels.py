"""Words for the codes the journey stores: every state, transition, role and country a person
reads is shown by its label, never by its code (`eligibility_review` reads "Eligibility review")."""

from django_countries import countries

from designation.models import Designation, Enrollment, Membership
from designation.rules import CspKind, SolutionArea, SupportPlan

# What happened, as the timeline says it: each transition, and the outcomes logged without one.
TRANSITIONS = {
    "create": "Pre-enrollment form started",
    "submit": "Submitted for eligibility review",
    "approve_eligibility": "Eligibility approved",
    "reject_eligibility": "Eligibility rejected",
    "reopen_eligibility": "Eligibility review reopened on appeal",
    "start_performance": "Performance assessment started",
    "retake": "Retake started",
    "withdraw": "Enrollment withdrawn",
    "pass_performance": "Performance assessment passed",
    "pass_customer_success": "Customer success survey passed",
    "pass_capability": "Capability assessment passed: enrolled",
    "audit_failed": "Assessment attempt failed",
    "renewal_opened": "Renewal enrollment opened",
    "audit_corrected": "Audit record corrected",
}

# The message a person reads after doing it: what happened and who acts next.
DONE = {
    "submit": "Submitted for eligibility review: a Microsoft reviewer decides next.",
    "approve_eligibility": (
        "Eligibility approved: the partner can now start the performance assessment."
    ),
    "reject_eligibility": "Eligibility rejected: the partner sees your reason on the enrollment.",
    "start_performance": (
        "Performance assessment started: the window is open and the audit is in the ISSI queue."
    ),
    "retake": "Retake started: the new attempt is in the ISSI queue.",
    "withdraw": "Enrollment withdrawn. You may apply again later.",
}

# Every choice set whose codes a page might show, by the name templates use for it.
CHOICES = {
    "enrollment_state": dict(Enrollment.State.choices),
    "designation_state": dict(Designation.State.choices),
    "role": dict(Membership.Role.choices),
    "csp_kind": {kind.value: kind.label for kind in CspKind},
    "support_plan": {plan.value: plan.label for plan in SupportPlan},
    "solution_area": {area.value: area.label for area in SolutionArea},
}


def humanize(code: str) -> str:
    """A code no table knows yet, at least in words: `some_new_code` reads "Some new code"."""
    words = str(code).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def label(code: str, kind: str = "enrollment_state") -> str:
    """The label of `code` in the choice set `kind`; words even for an unknown code."""
    if code in (None, ""):
        return ""
    return CHOICES.get(kind, {}).get(code) or humanize(code)


def state_label(code: str) -> str:
    """An enrollment or designation state in words."""
    return (
        CHOICES["enrollment_state"].get(code)
        or CHOICES["designation_state"].get(code)
        or humanize(code)
        if code
        else ""
    )


def transition_label(code: str) -> str:
    """What a logged transition or outcome did, in words."""
    return TRANSITIONS.get(code) or humanize(code)


def state_change(from_state: str, to_state: str) -> str:
    """The move a timeline row records, in words: "Draft → Eligibility review"; a row that kept
    the state (a step began, an attempt failed) says so instead of "performance → performance"."""
    if not from_state:
        return f"Started as {state_label(to_state)}"
    if from_state == to_state:
        return f"Still {state_label(to_state)}"
    return f"{state_label(from_state)} → {state_label(to_state)}"


def done_message(name: str, fallback: str = "") -> str:
    """The confirmation after a person ran the transition `name`."""
    return DONE.get(name) or f"{fallback or transition_label(name)}."


def country_name(code: str) -> str:
    """ISO 3166 code to the country's English name (`GB` reads "United Kingdom")."""
    if not code:
        return ""
    return countries.name(str(code).upper()) or str(code)
