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
