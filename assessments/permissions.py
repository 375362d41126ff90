"""Who may act on ISSI audit records (rules predicates, shared by pages and the API)."""

import rules

from designation.permissions import (
    is_auditor,
    is_partner_admin,
    is_partner_member,
    is_program_admin,
    is_reviewer,
)


@rules.predicate
def is_assigned_auditor(user, audit) -> bool:
    return audit is not None and audit.auditor_id is not None and audit.auditor_id == user.pk


@rules.predicate
def is_audit_partner_admin(user, audit) -> bool:
    return audit is not None and is_partner_admin(user, audit.enrollment.organization_id)


@rules.predicate
def is_audit_partner_member(user, audit) -> bool:
    return audit is not None and is_partner_member(user, audit.enrollment.organization_id)


rules.add_perm("assessments.claim_audit", is_auditor)
rules.add_perm("assessments.submit_audit", is_auditor & is_assigned_auditor)
rules.add_perm("assessments.upload_evidence", is_audit_partner_admin | is_assigned_auditor)
rules.add_perm("assessments.determine_audit", is_reviewer)
rules.add_perm(
    "assessments.download_evidence",
    is_audit_partner_member | is_assigned_auditor | is_reviewer | is_program_admin,
)
