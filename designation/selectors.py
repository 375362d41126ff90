"""Reads for designation: scoped first, then shaped for the page or API that asks."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from designation import rules as prerequisite_rules
from designation.models import (
    CspEnrollment,
    Organization,
    ProgramRules,
    SolutionsPartnerDesignation,
    SupportContract,
)


def organizations_for(user) -> QuerySet[Organization]:
    """Organisations the user may see, in name order."""
    return Organization.objects.visible_to(user).order_by("legal_name", "id")


def organization_for(user, organization_id) -> Organization:
    """One organisation the user may see, with its prerequisite facts prefetched; 404 otherwise."""
    queryset = organizations_for(user).prefetch_related(
        Prefetch("solutions_partner_designations", SolutionsPartnerDesignation.objects.all()),
        Prefetch("csp_enrollments", CspEnrollment.objects.all()),
        Prefetch("support_contracts", SupportContract.objects.all()),
    )
    return get_object_or_404(queryset, pk=organization_id)


def prerequisites_for(
    organization: Organization, on: date
) -> list[prerequisite_rules.Prerequisite]:
    """Every prerequisite of the organisation on day `on`, judged by the rules in force then."""
    program = ProgramRules.objects.in_force(on)
    return prerequisite_rules.evaluate_prerequisites(
        organization.prerequisite_facts(),
        on,
        unified_generally_available=program.unified_generally_available,
    )
