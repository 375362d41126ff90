"""Who may do what: predicates shared by pages, the API and enrollment transitions."""

import rules

from designation.models.organizations import Membership
from designation.roles import role_in
from portal.roles import roles_of


@rules.predicate
def is_reviewer(user) -> bool:
    found = roles_of(user)
    return found is not None and found.reviewer


@rules.predicate
def is_auditor(user) -> bool:
    found = roles_of(user)
    return found is not None and found.auditor


@rules.predicate
def is_program_admin(user) -> bool:
    found = roles_of(user)
    return found is not None and found.program_admin


def _role_in(user, organization) -> str | None:
    if not user.is_authenticated or organization is None:
        return None
    return role_in(user, organization)


@rules.predicate
def is_partner_admin(user, organization) -> bool:
    return _role_in(user, organization) == Membership.Role.ADMIN


@rules.predicate
def is_partner_member(user, organization) -> bool:
    return _role_in(user, organization) is not None


rules.add_perm("designation.view_organization_data", is_partner_member | is_reviewer)
# Facts of record (legal name, country, Solutions Partner, CSP, support contracts, standing,
# Partner Center, tax and billing) are Microsoft's: reviewers and program admins keep them.
rules.add_perm("designation.change_organization_facts", is_reviewer | is_program_admin)
# What stays the partner admin's: its own acts (Code of Conduct, attestation), change requests
# against the facts of record, and its case and revenue data.
rules.add_perm("designation.manage_organization_data", is_partner_admin)
rules.add_perm("designation.decide_change_requests", is_reviewer | is_program_admin)
rules.add_perm("designation.import_partner_facts", is_program_admin)


@rules.predicate
def is_enrollment_admin(user, enrollment) -> bool:
    """A partner admin of the enrollment's organisation."""
    return enrollment is not None and is_partner_admin(user, enrollment.organization_id)


# Enrollment transitions (django-fsm `permission=` names; the services check them explicitly).
rules.add_perm("designation.submit_enrollment", is_enrollment_admin)
rules.add_perm("designation.start_assessment", is_enrollment_admin)
rules.add_perm("designation.withdraw_enrollment", is_enrollment_admin)
rules.add_perm("designation.review_eligibility", is_reviewer)

# Who may, in words, for 403 answers.
WHO_MAY = {
    "designation.submit_enrollment": "Only a partner admin of this organisation can do this.",
    "designation.start_assessment": "Only a partner admin of this organisation can do this.",
    "designation.withdraw_enrollment": "Only a partner admin of this organisation can withdraw.",
    "designation.review_eligibility": "Only a Microsoft reviewer can decide eligibility.",
    "designation.change_organization_facts": (
        "Facts of record are kept by Microsoft reviewers and program admins; "
        "a partner admin proposes a change instead."
    ),
    "designation.manage_organization_data": (
        "Only a partner admin of this organisation can do this."
    ),
    "designation.decide_change_requests": "Only a Microsoft reviewer can decide change requests.",
    "designation.import_partner_facts": "Only a program admin can import the partner facts feed.",
}

# Team management: partner members (and reviewers) read the team, partner admins change it.
rules.add_perm("designation.view_team", is_partner_member | is_reviewer)
rules.add_perm("designation.manage_team", is_partner_admin)
