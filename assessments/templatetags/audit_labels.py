"""An audit's status as the person looking at it reads it: the auditor who claimed it reads
"Claimed by you", not "Claimed by an auditor"."""

from django import template

register = template.Library()


@register.simple_tag
def audit_status(audit, user) -> str:
    if audit.status == audit.Status.CLAIMED and user.is_authenticated:
        if audit.auditor_id == user.pk:
            return "Claimed by you"
        if audit.auditor_id and user.is_staff:
            return f"Claimed by {audit.auditor.get_full_name() or audit.auditor.get_username()}"
    return audit.get_status_display()


@register.simple_tag
def removed_evidence(audit) -> list:
    """The files taken out of the audit before submission, for its evidence log."""
    from assessments.evidence_services import removed_evidence as removed

    return removed(audit)
