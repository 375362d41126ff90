"""Renewal (SPEC section 8): the renewal window, the designation's state on a day, reminders.

Pure: values and a date in, values out. No Django, no clock.
"""

from dataclasses import dataclass
from datetime import date, timedelta

REMINDER_DAYS = (
    ("before_60", -60, "60 days before the anniversary"),
    ("before_30", -30, "30 days before the anniversary"),
    ("before_7", -7, "7 days before the anniversary"),
    ("anniversary", 0, "on the anniversary"),
    ("closing_7", None, "7 days before the renewal window closes"),
)


@dataclass(frozen=True)
class RenewalWindow:
    """The renewal window around one anniversary: opens and closes inclusive."""

    anniversary_on: date
    opens_on: date
    closes_on: date


def renewal_window(anniversary_on: date, *, days_before: int, days_after: int) -> RenewalWindow:
    """Opens `days_before` the anniversary and closes `days_after` it (both days included)."""
    return RenewalWindow(
        anniversary_on=anniversary_on,
        opens_on=anniversary_on - timedelta(days=days_before),
        closes_on=anniversary_on + timedelta(days=days_after),
    )


def designation_state_on(window: RenewalWindow, day: date) -> str:
    """Where an unrenewed designation stands on `day`: active, renewal_open, grace or lapsed."""
    if day < window.opens_on:
        return "active"
    if day <= window.anniversary_on:
        return "renewal_open"
    if day <= window.closes_on:
        return "grace"
    return "lapsed"


@dataclass(frozen=True)
class StateCutoffs:
    """On one day, which anniversaries put an unrenewed designation in which state: the inverse
    of designation_state_on, for the set-based nightly job."""

    lapsed_before: date  # anniversary before this: lapsed
    grace_before: date  # else before this: grace
    open_through: date  # else up to this: renewal_open; later: active


def state_cutoffs(today: date, *, days_before: int, days_after: int) -> StateCutoffs:
    return StateCutoffs(
        lapsed_before=today - timedelta(days=days_after),
        grace_before=today,
        open_through=today + timedelta(days=days_before),
    )


def reminder_due(window: RenewalWindow, day: date) -> str | None:
    """The reminder to send on `day`, if any (60, 30, 7 days before, on it, 7 before closing)."""
    for code, offset, _label in REMINDER_DAYS:
        due = (
            window.closes_on - timedelta(days=7)
            if offset is None
            else window.anniversary_on + timedelta(days=offset)
        )
        if day == due:
            return code
    return None


def reminder_label(code: str) -> str:
    return next(label for c, _offset, label in REMINDER_DAYS if c == code)


def reminder_anniversaries(today: date, *, days_after: int) -> dict[str, date]:
    """For each reminder, the anniversary date whose reminder is due on `today`."""
    return {
        code: (today - timedelta(days=offset))
        if offset is not None
        else today + timedelta(days=7 - days_after)
        for code, offset, _label in REMINDER_DAYS
    }


def renewal_overdue(anniversary_on: date, on: date) -> bool:
    """A renewal at risk is overdue once its anniversary has passed without it (the grace
    period): the anniversary itself is not overdue, the day after is."""
    return on > anniversary_on
