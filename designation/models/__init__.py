"""Models of the designation app: organisations and their facts, program rules, enrollments,
their tamper-evident event log, and the designation the journey grants."""

from designation.models.credentials import CredentialKey, IssuedCredential, StatusList
from designation.models.enrollment import Enrollment, EnrollmentQuerySet
from designation.models.events import EnrollmentEvent
from designation.models.facts import (
    FactChange,
    FactChangeRequest,
    FactKind,
    FactSource,
    RecordedFact,
)
from designation.models.grants import Designation, IncentiveGrant, RenewalReminder
from designation.models.notifications import Notification, NotificationPreference
from designation.models.organizations import (
    AUDITORS,
    PROGRAM_ADMINS,
    REVIEWERS,
    STAFF_GROUPS,
    CspEnrollment,
    DatedVersionQuerySet,
    Location,
    Membership,
    Organization,
    OrganizationQuerySet,
    ProgramRules,
    ProgramRulesQuerySet,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.models.team import ExternalIdentity, Invitation, MembershipChange

__all__ = [
    "AUDITORS",
    "PROGRAM_ADMINS",
    "REVIEWERS",
    "STAFF_GROUPS",
    "CredentialKey",
    "CspEnrollment",
    "DatedVersionQuerySet",
    "Designation",
    "Enrollment",
    "EnrollmentEvent",
    "EnrollmentQuerySet",
    "ExternalIdentity",
    "FactChange",
    "FactChangeRequest",
    "FactKind",
    "FactSource",
    "IncentiveGrant",
    "IssuedCredential",
    "Invitation",
    "Location",
    "Membership",
    "MembershipChange",
    "Notification",
    "NotificationPreference",
    "Organization",
    "OrganizationQuerySet",
    "ProgramRules",
    "ProgramRulesQuerySet",
    "RecordedFact",
    "RenewalReminder",
    "SolutionsPartnerDesignation",
    "StatusList",
    "SupportContract",
]
