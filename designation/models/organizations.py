"""Organisations, their people, the facts the prerequisites are checked against, program rules."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from designation import rules as prerequisite_rules
from designation.models.facts import FactSource, RecordedFact
from portal import bounds
from portal.roles import AUDITORS, PROGRAM_ADMINS, REVIEWERS, STAFF_GROUPS, roles_of  # noqa: F401


@dataclass(frozen=True)
class Scope:
    """What a user's roles let them see, read with one query: everything (reviewers, program
    admins, superusers), or their own organisations. An ISSI auditor sees no organisation or
    enrollment through this: only the audit records assigned to them (and the unclaimed queue),
    which carry what an audit needs (the organisation's name, partner ID and country, the frozen
    figures, the excluded cases, the evidence). Every `visible_to()` starts here."""

    user: object
    everything: bool
    auditor: bool
    roles: object = None

    @classmethod
    def of(cls, user) -> "Scope | None":
        """None for an anonymous caller, who sees nothing. The roles come from the one lookup
        per request (portal/roles.py)."""
        found = roles_of(user)
        if found is None:
            return None
        everything = found.reviewer or found.program_admin
        return cls(user=user, everything=everything, auditor=found.auditor, roles=found)

    def member_organizations(self) -> list[int]:
        """The ids of the user's organisations (read with the roles: no query of its own)."""
        rows = self.roles.extras.get("memberships") or [] if self.roles else []
        return [row["organization_id"] for row in rows]

    def compiled_shape(self) -> tuple:
        """What of the user a `visible_to()` query's SQL holds (portal/compiled.py keys its
        compiled queries by it): everything, or their organisations, and an auditor's own id."""
        return (
            self.everything,
            self.auditor and self.user.pk,
            *sorted(self.member_organizations()),
        )


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganizationQuerySet":
        """The organisations `user` may see: their own; all for reviewers and program admins.
        Not an auditor's audited organisations: SPEC section 1 gives auditors only what their
        audits need, and the audit records carry that."""
        scope = Scope.of(user)
        if scope is None:
            return self.none()
        if scope.everything:
            return self.all()
        return self.filter(pk__in=scope.member_organizations())


class Organization(models.Model):
    """A partner global account (PGA): the organisation that earns the designation."""

    partner_id = models.CharField(
        "partner ID",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{5,12}$", "A partner ID is 5 to 12 digits.")],
        help_text="PartnerOne / MPN ID.",
    )
    legal_name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO country code.")],
        help_text="ISO 3166-1 alpha-2, e.g. US.",
    )
    in_good_standing = models.BooleanField(
        "account in good standing", default=False, help_text="AI Cloud Partner Program account."
    )
    partner_center_registered = models.BooleanField(
        "Partner Center registration current", default=False
    )
    tax_billing_on_file = models.BooleanField("valid tax ID and billing information", default=False)
    # Who last set or confirmed the account facts above (legal name to tax and billing).
    facts_source = models.CharField(
        "source of the account facts",
        max_length=20,
        choices=FactSource.choices,
        default=FactSource.DECLARED,
    )
    facts_confirmed_at = models.DateTimeField("account facts last confirmed", null=True, blank=True)
    # The partner's own acts: recorded with who and when.
    code_of_conduct_accepted_on = models.DateField(
        "Partner Code of Conduct accepted on", null=True, blank=True
    )
    code_of_conduct_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    representative_attested = models.BooleanField(
        "applicant attests authority to represent the organisation", default=False
    )
    representative_attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    representative_attested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name", "id"]

    def __str__(self) -> str:
        return self.legal_name

    def prerequisite_facts(self) -> prerequisite_rules.AccountFacts:
        """The facts the prerequisites are evaluated on (uses prefetched relations when present)."""
        return prerequisite_rules.AccountFacts(
            in_good_standing=self.in_good_standing,
            partner_center_registered=self.partner_center_registered,
            tax_billing_on_file=self.tax_billing_on_file,
            code_of_conduct_accepted_on=self.code_of_conduct_accepted_on,
            representative_attested=self.representative_attested,
            solutions_partner=tuple(d.as_fact() for d in self.solutions_partner_designations.all()),
            csp=tuple(c.as_fact() for c in self.csp_enrollments.all()),
            support_contracts=tuple(s.as_fact() for s in self.support_contracts.all()),
        )


class Location(models.Model):
    """A partner location account (PLA); the PGA decides which locations show the badge."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(
        max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO code.")]
    )
    shows_badge = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Membership(models.Model):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Partner admin"
        MEMBER = "member", "Partner member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_org")
        ]
        ordering = ["organization__legal_name", "id"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.organization}"


class SolutionsPartnerDesignation(RecordedFact):
    """A Solutions Partner designation the organisation holds in one of the six areas."""

    Area = prerequisite_rules.SolutionArea

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="solutions_partner_designations"
    )
    area = models.CharField(max_length=40, choices=[(a.value, a.label) for a in Area])
    attained_on = models.DateField()
    anniversary_on = models.DateField(help_text="Active up to and including this date.")
    performance_points = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    skilling_points = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    customer_success_points = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta(RecordedFact.Meta):
        ordering = ["area", "-attained_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anniversary_on__gt=models.F("attained_on")),
                name="anniversary_after_attainment",
            ),
            *(
                bounds.CAPABILITY_POINTS.constraint(
                    name, f"solutions_partner_{name}_0_to_100", nullable=True
                )
                for name in ("performance_points", "skilling_points", "customer_success_points")
            ),
        ]

    def __str__(self) -> str:
        return f"Solutions Partner for {self.get_area_display()}"

    def as_fact(self) -> prerequisite_rules.SolutionsPartnerFact:
        return prerequisite_rules.SolutionsPartnerFact(
            area=self.area,
            attained_on=self.attained_on,
            anniversary_on=self.anniversary_on,
            performance_points=self.performance_points,
            skilling_points=self.skilling_points,
            customer_success_points=self.customer_success_points,
        )


class CspEnrollment(RecordedFact):
    """The organisation's Cloud Solution Provider enrollment."""

    Kind = prerequisite_rules.CspKind

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="csp_enrollments"
    )
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in Kind])
    enrolled_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta(RecordedFact.Meta):
        ordering = ["-enrolled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("enrolled_on")),
                name="csp_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"CSP {self.get_kind_display()}"

    def as_fact(self) -> prerequisite_rules.CspFact:
        return prerequisite_rules.CspFact(
            kind=self.kind, enrolled_on=self.enrolled_on, ended_on=self.ended_on
        )


class SupportContract(RecordedFact):
    """A partner support contract (ASfP, PSfP or Unified for Partners)."""

    Plan = prerequisite_rules.SupportPlan

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="support_contracts"
    )
    plan = models.CharField(max_length=10, choices=[(p.value, p.label) for p in Plan])
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta(RecordedFact.Meta):
        ordering = ["-ends_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_plan_display()} {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"

    def as_fact(self) -> prerequisite_rules.SupportContractFact:
        return prerequisite_rules.SupportContractFact(
            plan=self.plan, starts_on=self.starts_on, ends_on=self.ends_on
        )


class DatedVersionQuerySet(models.QuerySet):
    """Rows that are dated versions (`effective_from`): a change is a new row, never an edit."""

    def latest_on(self, on: date):
        """The version in force on `on` (the latest effective on or before it), or None."""
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()


class ProgramRulesQuerySet(DatedVersionQuerySet):
    def in_force(self, on: date) -> "ProgramRules":
        """The version of the program rules in force on `on` (latest effective on or before it)."""
        found = self.latest_on(on)
        if found is None:
            raise ProgramRules.DoesNotExist(
                f"No program rules are in force on {on.isoformat()}: the program had not started."
            )
        return found


# Every number of the program rules, and its allowed range (forms, admin and the database).
PROGRAM_RULES_RANGES = {
    "case_rate_target": bounds.CASE_RATE_TARGET,
    "csat_minimum": bounds.CSAT_SCORE,
    "capability_minimum_total": bounds.CAPABILITY_SCORE,
    "capability_minimum_dimension": bounds.CAPABILITY_SCORE,
    "performance_window_days": bounds.WINDOW_DAYS,
    "designation_validity_years": bounds.VALIDITY_YEARS,
    "capability_validity_years": bounds.VALIDITY_YEARS,
    "csat_validity_years": bounds.VALIDITY_YEARS,
    "renewal_opens_days_before": bounds.GRACE_DAYS,
    "renewal_closes_days_after": bounds.GRACE_DAYS,
    "incentive_discount_percent": bounds.PERCENTAGE,
    "incentive_quota": bounds.INCENTIVE_QUOTA,
    "benchmark_cohort_minimum": bounds.COHORT_MINIMUM,
    "changes_due_days": bounds.WINDOW_DAYS,
    "appeal_window_days": bounds.WINDOW_DAYS,
}


class ProgramRules(models.Model):
    """One dated version of the program's rules; a change is a new version, never an edit."""

    effective_from = models.DateField(help_text="In force from this day until the next version.")
    case_rate_target = models.DecimalField(
        "case-rate target (maximum cases per USD 1M)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    csat_minimum = models.DecimalField(
        "CSAT minimum score",
        max_digits=2,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("5.0"))],
    )
    capability_minimum_total = models.PositiveSmallIntegerField(
        "capability minimum total (%)", default=70, validators=[MaxValueValidator(100)]
    )
    capability_minimum_dimension = models.PositiveSmallIntegerField(
        "capability minimum per dimension (%)", default=50, validators=[MaxValueValidator(100)]
    )
    performance_window_days = models.PositiveSmallIntegerField(default=30)
    designation_validity_years = models.PositiveSmallIntegerField(default=1)
    capability_validity_years = models.PositiveSmallIntegerField(default=2)
    csat_validity_years = models.PositiveSmallIntegerField(default=1)
    renewal_opens_days_before = models.PositiveSmallIntegerField(default=60)
    renewal_closes_days_after = models.PositiveSmallIntegerField(default=30)
    incentive_discount_percent = models.PositiveSmallIntegerField(
        "early-adoption discount on PSfP renewal (%)",
        default=5,
        validators=[MaxValueValidator(100)],
    )
    incentive_quota = models.PositiveIntegerField(
        "early-adoption incentive: first N organisations", default=100
    )
    benchmark_cohort_minimum = models.PositiveSmallIntegerField(
        "fewest organisations a benchmark cohort shows",
        default=10,
        validators=[MinValueValidator(2)],
        help_text="Smaller cohorts, and cohorts that differ from another by fewer, stay hidden.",
    )
    unified_generally_available = models.BooleanField(
        "Unified for Partners accepted as support plan", default=False
    )
    changes_due_days = models.PositiveSmallIntegerField(
        "days the partner has to answer requested changes", default=14
    )
    appeal_window_days = models.PositiveSmallIntegerField("days to appeal a decision", default=30)
    note = models.CharField(max_length=500, blank=True, help_text="Why this version was made.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProgramRulesQuerySet.as_manager()

    class Meta:
        verbose_name = "program rules version"
        verbose_name_plural = "program rules versions"
        ordering = ["-effective_from", "-id"]
        constraints = [
            allowed.constraint(name, f"program_rules_{name}_in_range")
            for name, allowed in PROGRAM_RULES_RANGES.items()
        ]

    def __str__(self) -> str:
        return f"Program rules from {self.effective_from:%Y-%m-%d} (v{self.pk})"
