"""factory-boy factories for organisations, their facts and users."""

from datetime import date

import factory
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, User

from designation.models import (
    CspEnrollment,
    Membership,
    Organization,
    SolutionsPartnerDesignation,
    SupportContract,
)

TODAY = date(2026, 11, 21)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or ():
            self.groups.add(Group.objects.get(name=name))


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An organisation with no facts recorded: every prerequisite unmet."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    partner_id = factory.Sequence(lambda n: f"{2000000 + n}")
    legal_name = factory.Sequence(lambda n: f"Partner {n} Ltd")
    country = "US"


class EligibleOrganizationFactory(OrganizationFactory):
    """An organisation meeting every prerequisite around TODAY."""

    in_good_standing = True
    partner_center_registered = True
    tax_billing_on_file = True
    code_of_conduct_accepted_on = TODAY - relativedelta(years=1)
    representative_attested = True

    @factory.post_generation
    def facts(self, create, extracted, **kwargs):
        SolutionsPartnerDesignation.objects.create(
            organization=self,
            area="security",
            attained_on=TODAY - relativedelta(months=6),
            anniversary_on=TODAY + relativedelta(years=3),
        )
        CspEnrollment.objects.create(
            organization=self, kind="direct_bill", enrolled_on=TODAY - relativedelta(years=3)
        )
        SupportContract.objects.create(
            organization=self,
            plan="psfp",
            starts_on=TODAY - relativedelta(years=1),
            ends_on=TODAY + relativedelta(years=3),
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(EligibleOrganizationFactory)
    role = Membership.Role.ADMIN


# --- The enrollment journey -------------------------------------------------------------------

PRE_ENROLLMENT_FORM = {
    "contact_name": "Dana Contact",
    "contact_email": "dana@example.com",
    "solution_areas": ["security"],
    "csp_type": "direct_bill",
    "support_plan": "psfp",
    "attested": True,
}


def enrollment_at(state: str, *, organization=None, **fields):
    """An enrollment created directly in `state` (the protected field allows its first value)."""
    from designation.models import Enrollment

    organization = organization or EligibleOrganizationFactory()
    values = {**PRE_ENROLLMENT_FORM, "submitted_on": TODAY, **fields}
    return Enrollment.objects.create(organization=organization, state=state, **values)


def rollups(organization, *, cases_per_month: int, revenue_per_month: str, as_of=TODAY):
    """Twelve monthly rollups filling the TTM window of `as_of` (the metrics app's own model)."""
    from decimal import Decimal

    from metrics.models import MonthlyRollup
    from metrics.rules import ttm_window

    start, _end = ttm_window(as_of)
    for offset in range(12):
        MonthlyRollup.objects.create(
            organization=organization,
            month=start + relativedelta(months=offset),
            csp_case_count=cases_per_month,
            csp_revenue_usd=Decimal(revenue_per_month),
        )
