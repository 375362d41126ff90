"""The day a page or API call is about: `?on=` / `?as_of=` as YYYY-MM-DD, within the program's
years. One parser for pages, the API and the management commands, so all accept and refuse the
same days."""

import argparse
from datetime import date

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
RANGE_TEXT = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
# The schema's word for the same days (format: date alone would allow year 0001 or 9999).
DAY_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"


def parse_day(raw: str) -> date:
    """The day `raw` names; ValueError saying why when it is not YYYY-MM-DD in range."""
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"“{raw}” is not a date in the form YYYY-MM-DD.")
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{raw} is outside the days the portal knows: give one {RANGE_TEXT}.")
    return day


def day_option(raw: str) -> date:
    """parse_day as an argparse type: a management command's `--as-of` / `--today`."""
    try:
        return parse_day(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def day_from_query(request: HttpRequest, param: str = "on") -> date:
    """A page's day: the query parameter, or today with a message when it is not a valid day."""
    raw = request.GET.get(param, "")
    if not raw:
        return timezone.localdate()
    try:
        return parse_day(raw)
    except ValueError as exc:
        messages.error(request, f"{exc} Showing today.")
        return timezone.localdate()


class DayField(serializers.DateField):
    """An API day: YYYY-MM-DD within the program's years."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(f"Give a day {RANGE_TEXT}.")
        return day


def day_parameter(name: str, description: str) -> OpenApiParameter:
    """The schema of a `?on=` / `?as_of=` query parameter, as the server enforces it."""
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description, pattern=DAY_PATTERN)


def day_of_query(request, param: str = "on") -> date:
    """An API call's day: the query parameter (400 saying why when invalid), or today."""
    field = DayField(required=False)
    raw = request.query_params.get(param)
    if raw is None:
        return timezone.localdate()
    if raw == "":  # the schema promises a day whenever the parameter is there
        raise serializers.ValidationError(
            {param: [f"Give a day as YYYY-MM-DD, {RANGE_TEXT}, or leave `{param}` out for today."]}
        )
    try:
        return field.run_validation(raw)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({param: exc.detail}) from exc
