"""Models of the designation app: organisations and their facts, program rules, enrollments,
their tamper-evident event log, and the designation the journey grants."""

from designation.models.enrollment import Enrollment, EnrollmentEvent, EnrollmentQuerySet
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

__all__ = [
    "AUDITORS",
    "PROGRAM_ADMINS",
    "REVIEWERS",
    "STAFF_GROUPS",
    "CspEnrollment",
    "DatedVersionQuerySet",
    "Designation",
    "Enrollment",
    "EnrollmentEvent",
    "EnrollmentQuerySet",
    "IncentiveGrant",
    "Location",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Organization",
    "OrganizationQuerySet",
    "ProgramRules",
    "ProgramRulesQuerySet",
    "RenewalReminder",
    "SolutionsPartnerDesignation",
    "SupportContract",
]
