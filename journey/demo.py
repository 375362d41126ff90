"""Demo organisations and users (idempotent: natural keys, get_or_create, nothing overwritten)."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from designation.models import (
    AUDITORS,
    PROGRAM_ADMINS,
    REVIEWERS,
    CspEnrollment,
    Membership,
    Organization,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.rules import CspKind, SolutionArea, SupportPlan

DEMO_PASSWORD = "designation-demo"  # noqa: S105 (documented demo sign-in)


@dataclass(frozen=True)
class DemoOrg:
    username: str
    partner_id: str
    legal_name: str
    country: str
    csp_kind: str = CspKind.DIRECT_BILL
    support_ends_in_days: int = 300
    area: str = SolutionArea.MODERN_WORK
    facts_since_months: int = 6  # the Solutions Partner designation was attained this long ago
    journey: str = ""  # where seed_journey leaves its enrollment (see journey.demo_journey)


DEMO_ORGS = [
    DemoOrg("contoso", "1000001", "Contoso Support", "US"),
    DemoOrg("litware", "1000002", "Litware", "GB", csp_kind=CspKind.INDIRECT_RESELLER),
    DemoOrg("adatum", "1000003", "Adatum", "DE", support_ends_in_days=-10),
    # Organisations at each step of the enrollment journey (issue 3) and one renewing.
    DemoOrg("fabrikam", "1000011", "Fabrikam", "US", journey="eligibility_review"),
    DemoOrg("northwind", "1000012", "Northwind Traders", "GB", journey="performance"),
    DemoOrg("wingtip", "1000013", "Wingtip Toys", "US", journey="customer_success"),
    DemoOrg("proseware", "1000014", "Proseware", "DE", journey="capability"),
    DemoOrg("tailspin", "1000015", "Tailspin Toys", "US", journey="enrolled"),
    DemoOrg(
        "woodgrove",
        "1000004",
        "Woodgrove Bank",
        "US",
        support_ends_in_days=400,
        facts_since_months=24,
        journey="renewal_open",
    ),
]
JOURNEY_LABELS = {
    "eligibility_review": "enrollment waiting for eligibility review",
    "performance": "performance window open, audit unclaimed",
    "customer_success": "customer success survey, CSAT audit claimed by auditor",
    "capability": "capability assessment, audit in the ISSI queue",
    "enrolled": "enrolled, designation active",
    "renewal_open": "enrolled, renewal window open",
}


def demo_user(username: str, *, email_domain: str = "example.com", **extra) -> User:
    """A demo user with the documented password, created once."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@{email_domain}", **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def demo_organization(spec: DemoOrg, today: date) -> Organization:
    """A demo organisation with its prerequisite facts and its partner admin."""
    org, created = Organization.objects.get_or_create(
        partner_id=spec.partner_id,
        defaults={
            "legal_name": spec.legal_name,
            "country": spec.country,
            "in_good_standing": True,
            "partner_center_registered": True,
            "tax_billing_on_file": True,
            "code_of_conduct_accepted_on": today - relativedelta(years=2),
            "representative_attested": True,
        },
    )
    if created:
        SolutionsPartnerDesignation.objects.create(
            organization=org,
            area=spec.area,
            attained_on=today - relativedelta(months=spec.facts_since_months),
            anniversary_on=today + relativedelta(months=6),
            performance_points=30,
            skilling_points=25,
            customer_success_points=25,
        )
        CspEnrollment.objects.create(
            organization=org, kind=spec.csp_kind, enrolled_on=today - relativedelta(years=2)
        )
        SupportContract.objects.create(
            organization=org,
            plan=SupportPlan.PSFP,
            starts_on=today - relativedelta(years=2),
            ends_on=today + timedelta(days=spec.support_ends_in_days),
        )
    admin = demo_user(spec.username, first_name=spec.legal_name.split()[0], last_name="Admin")
    Membership.objects.get_or_create(
        user=admin, organization=org, defaults={"role": Membership.Role.ADMIN}
    )
    return org


def seed(today: date) -> list[tuple[str, str]]:
    """Create the demo data; return (username, what they are) for every demo sign-in."""
    sign_ins = []
    for spec in DEMO_ORGS:
        demo_organization(spec, today)
        where = f": {JOURNEY_LABELS[spec.journey]}" if spec.journey else ""
        sign_ins.append((spec.username, f"partner admin of {spec.legal_name}{where}"))
    contoso = Organization.objects.get(partner_id="1000001")
    member = demo_user("contoso-member", first_name="Contoso", last_name="Reader")
    Membership.objects.get_or_create(
        user=member, organization=contoso, defaults={"role": Membership.Role.MEMBER}
    )
    sign_ins.append(("contoso-member", "partner member of Contoso Support (read only)"))
    for username, group, label in [
        ("reviewer", REVIEWERS, "Microsoft reviewer"),
        ("auditor", AUDITORS, "ISSI auditor"),
    ]:
        staff = demo_user(username, email_domain="example.org", first_name="Demo", last_name=label)
        staff.groups.add(Group.objects.get(name=group))
        demo_authenticator(staff)
        sign_ins.append((username, f"{label}; two-factor code: make otp USER={username}"))
    admin = demo_user("admin", is_staff=True, is_superuser=True, last_name="Program admin")
    admin.groups.add(Group.objects.get(name=PROGRAM_ADMINS))
    demo_authenticator(admin)
    sign_ins.append(("admin", "program admin, Django admin at /admin/; code: make otp USER=admin"))
    return sign_ins


def demo_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator for a demo staff user (its codes: `manage.py demo_otp`)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"confirmed": True}
    )
    return device
