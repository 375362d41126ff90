"""What enrollment grants (SPEC section 9) and its renewal (section 8): the designation with its
public credential, the early-adoption incentive, and the renewal reminders sent."""

import secrets

import pgtrigger
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from designation.models.enrollment import Enrollment
from designation.models.organizations import Organization, ProgramRules
from designation.rules import add_years
from portal import bounds


def new_credential_id() -> str:
    """A public, unguessable badge id (16 random bytes, URL-safe)."""
    return secrets.token_urlsafe(16)


class DesignationQuerySet(models.QuerySet):
    def listed(self) -> "DesignationQuerySet":
        """Designations that keep their badge and directory listing (everything but lapsed)."""
        return self.exclude(state=Designation.State.LAPSED)


class Designation(FSMModelMixin, models.Model):
    """The Support Services designation of one organisation, with its badge credential."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        RENEWAL_OPEN = "renewal_open", "Active, renewal window open"
        GRACE = "grace", "Grace period: anniversary passed, renewal window open"
        LAPSED = "lapsed", "Lapsed"

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="designation"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The enrollment that last granted or renewed it.",
    )
    attained_on = models.DateField()
    anniversary_on = models.DateField(help_text="Valid up to this date; renewal date each year.")
    state = FSMField(default=State.ACTIVE, choices=State.choices, protected=True)
    credential_id = models.CharField(max_length=32, unique=True, default=new_credential_id)
    renewed_on = models.DateField(null=True, blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["attained_on", "id"]
        constraints = [
            bounds.in_order("attained_on", "anniversary_on", "designation_attained_by_anniversary")
        ]
        indexes = [
            # The nightly renewal job finds the day's moves and reminders by anniversary among
            # the designations still held (journey/renewal.py).
            models.Index(
                fields=["anniversary_on"],
                name="designation_held_anniversary",
                condition=models.Q(state__in=["active", "renewal_open", "grace"]),
            )
        ]
        triggers = [
            pgtrigger.FSM(
                name="designation_state_edges",
                field="state",
                transitions=[
                    ("active", "renewal_open"),
                    ("active", "grace"),
                    ("active", "lapsed"),
                    ("renewal_open", "grace"),
                    ("renewal_open", "lapsed"),
                    ("grace", "lapsed"),
                    ("renewal_open", "active"),
                    ("grace", "active"),
                    ("lapsed", "active"),
                ],
            )
        ]

    def __str__(self) -> str:
        return f"Support Services designation of {self.organization}"

    @property
    def is_valid(self) -> bool:
        return self.state != self.State.LAPSED

    @transition(
        field=state, source=[State.RENEWAL_OPEN, State.GRACE, State.ACTIVE], target=State.ACTIVE
    )
    def renew(self, *, on, enrollment: Enrollment, years: int) -> None:
        """A renewal completed in the window keeps the anniversary: old anniversary + 1 year,
        counted from the attainment date so that a 29 February returns in leap years."""
        self.anniversary_on = add_years(
            self.attained_on, self.anniversary_on.year - self.attained_on.year + years
        )
        self.renewed_on = on
        self.enrollment = enrollment

    @transition(field=state, source=State.LAPSED, target=State.ACTIVE)
    def reattain(self, *, on, anniversary_on, enrollment: Enrollment) -> None:
        """A lapsed organisation that completes a new first attainment starts a new term."""
        self.attained_on = on
        self.anniversary_on = anniversary_on
        self.enrollment = enrollment
        self.credential_id = new_credential_id()


class IncentiveGrant(models.Model):
    """The early-adoption incentive: a PSfP renewal discount for the first N organisations."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="incentive_grant"
    )
    position = models.PositiveIntegerField(unique=True, help_text="Order of attainment, from 1.")
    discount_percent = models.PositiveSmallIntegerField()
    granted_on = models.DateField()
    rules_version = models.ForeignKey(ProgramRules, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [
            bounds.PERCENTAGE.constraint("discount_percent", "incentive_discount_0_to_100"),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="incentive_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.discount_percent}% off the next PSfP renewal for {self.organization}"


class RenewalReminder(models.Model):
    """One renewal reminder sent: at most one of each kind per designation and anniversary."""

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="reminders")
    anniversary_on = models.DateField()
    kind = models.CharField(max_length=20)
    sent_on = models.DateField()

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "anniversary_on", "kind"], name="one_reminder_of_each_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.designation} ({self.sent_on})"
