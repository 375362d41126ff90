"""Every number's allowed range, named once and used by forms, serializers and the database.

An out-of-range, fractional (where whole numbers are wanted), over-long or non-numeric value is
refused with the range in words, never Django's "Ensure that there are no more than N digits".
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import CheckConstraint, F, Q
from django.utils.text import capfirst
from rest_framework import serializers


@dataclass(frozen=True)
class Range:
    """A closed range of numbers with a fixed number of decimal places (0: whole numbers)."""

    low: Decimal
    high: Decimal
    places: int = 0
    what: str = "number"

    def words(self) -> str:
        if self.places == 0:
            return f"a whole {self.what} from {self.low:,} to {self.high:,}"
        places = "one decimal place" if self.places == 1 else f"{self.places} decimal places"
        places = places.replace("2 ", "two ")
        article = "an" if self.what[0] in "aeiou" else "a"
        return f"{article} {self.what} from {self.low:,} to {self.high:,} with at most {places}"

    @property
    def digits(self) -> int:
        return len(str(int(self.high))) + self.places

    def _limits(self) -> dict:
        if self.places == 0:
            return {"min_value": int(self.low), "max_value": int(self.high)}
        return {"min_value": self.low, "max_value": self.high}

    def messages(self) -> dict[str, str]:
        sentence = f"Give {self.words()}."
        keys = (
            "invalid",
            "min_value",
            "max_value",
            "max_digits",
            "max_decimal_places",
            "max_whole_digits",
            "max_string_length",
        )
        return dict.fromkeys(keys, sentence)

    def form_field(self, **kwargs) -> forms.Field:
        """A form field refusing anything outside the range, in words (`.allowed` names it)."""
        common = {**self._limits(), "error_messages": self.messages()}
        kwargs.setdefault("help_text", f"{self.words()[0].upper()}{self.words()[1:]}.")
        if self.places == 0:
            field = forms.IntegerField(**common, **kwargs)
        else:
            field = forms.DecimalField(
                **common, max_digits=self.digits, decimal_places=self.places, **kwargs
            )
        field.allowed = self
        return field

    def serializer_field(self, **kwargs) -> serializers.Field:
        """The same for the API."""
        common = {**self._limits(), "error_messages": self.messages()}
        if self.places == 0:
            field = serializers.IntegerField(**common, **kwargs)
        else:
            field = serializers.DecimalField(
                **common, max_digits=self.digits, decimal_places=self.places, **kwargs
            )
        field.allowed = self
        return field

    def clean(self, raw: str):
        """`raw` (a query parameter, say) as a number in the range; ValidationError otherwise."""
        return self.form_field().clean(raw)

    def condition(self, field: str, *, nullable: bool = False) -> Q:
        """The database's version of the range for one column (NULL allowed when nullable)."""
        limits = self._limits()
        inside = Q(**{f"{field}__gte": limits["min_value"], f"{field}__lte": limits["max_value"]})
        return Q(**{f"{field}__isnull": True}) | inside if nullable else inside

    def constraint(self, field: str, name: str, *, nullable: bool = False) -> CheckConstraint:
        """A CheckConstraint keeping `field` inside the range, named `name`."""
        return CheckConstraint(condition=self.condition(field, nullable=nullable), name=name)


def in_order(earlier: str, later: str, name: str, *, strictly: bool = False) -> CheckConstraint:
    """A CheckConstraint that `earlier` is not after `later` (either may be NULL)."""
    lookup = "lt" if strictly else "lte"
    return CheckConstraint(
        condition=Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__{lookup}": F(later)}),
        name=name,
    )


class BoundedAdminMixin:
    """For a ModelAdmin: the model's bounded numbers are typed in fields that say their range.

    `ranges` maps a model field's name to its Range; the rest stay as admin makes them.
    """

    ranges: dict[str, Range] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        allowed = self.ranges.get(db_field.name)
        if allowed is None:
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        default = db_field.get_default() if db_field.has_default() else None
        return allowed.form_field(
            label=capfirst(db_field.verbose_name),
            required=not db_field.blank,
            initial=default,
        )


def _range(low: str, high: str, places: int = 0, what: str = "number") -> Range:
    return Range(Decimal(low), Decimal(high), places, what)


# The named ranges (one place per field).
CASE_VOLUME = _range("0", "1000000", what="number of cases")
CSAT_SCORE = _range("1.0", "5.0", places=1, what="score")
CAPABILITY_SCORE = _range("0", "100", what="score")
CASE_RATE = _range("0", "1000000", places=2, what="case rate (cases per USD 1M)")
CAPABILITY_POINTS = _range("0", "100", what="number of points")
PERCENTAGE = _range("0", "100", what="percentage")
FEE_AMOUNT = _range("0", "1000000", places=2, what="fee")
REVENUE_AMOUNT = _range("0", "999999999999.99", places=2, what="amount in USD")
CASE_RATE_TARGET = _range("0.01", "10000", places=2, what="case rate (cases per USD 1M)")
WINDOW_DAYS = _range("1", "365", what="number of days")
GRACE_DAYS = _range("0", "365", what="number of days")
VALIDITY_YEARS = _range("1", "10", what="number of years")
QUEUE_AGE_DAYS = _range("0", "3650", what="number of days")
INCENTIVE_QUOTA = _range("0", "100000", what="number of organisations")
COHORT_MINIMUM = _range("2", "1000", what="number of organisations")

# Figures the portal computes (never typed): the column's capacity, and never below zero.
RATE_FIGURE = _range("0", "999999999999.99", places=2, what="case rate (cases per USD 1M)")
MONEY_FIGURE = _range("0", "99999999999999.99", places=2, what="amount in USD")
