"""Every number's allowed range, named once and used by forms, serializers and the database.

An out-of-range, fractional (where whole numbers are wanted), over-long or non-numeric value is
refused with the range in words, never Django's "Ensure that there are no more than N digits".
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
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
        return f"a {self.what} from {self.low:,} to {self.high:,} with at most {places}"

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
        """A form field refusing anything outside the range, in words."""
        common = {**self._limits(), "error_messages": self.messages()}
        kwargs.setdefault("help_text", f"{self.words()[0].upper()}{self.words()[1:]}.")
        if self.places == 0:
            return forms.IntegerField(**common, **kwargs)
        return forms.DecimalField(
            **common, max_digits=self.digits, decimal_places=self.places, **kwargs
        )

    def serializer_field(self, **kwargs) -> serializers.Field:
        """The same for the API."""
        common = {**self._limits(), "error_messages": self.messages()}
        if self.places == 0:
            return serializers.IntegerField(**common, **kwargs)
        return serializers.DecimalField(
            **common, max_digits=self.digits, decimal_places=self.places, **kwargs
        )


def _range(low: str, high: str, places: int = 0, what: str = "number") -> Range:
    return Range(Decimal(low), Decimal(high), places, what)


# The named ranges (one place per field).
CASE_VOLUME = _range("0", "1000000", what="number of cases")
CSAT_SCORE = _range("1.0", "5.0", places=1, what="score")
CAPABILITY_SCORE = _range("0", "100", what="score")
CASE_RATE = _range("0", "1000000", places=2, what="case rate (cases per USD 1M)")
CAPABILITY_POINTS = _range("0", "100", what="number of points")
