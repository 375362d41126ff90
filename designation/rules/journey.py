"""The enrollment journey (SPEC section 4): its five steps, validity of passes, the performance
window, carry-over at renewal.

Pure: values and a date in, values out. No Django, no clock.
"""

from datetime import date, timedelta

JOURNEY_STEPS = (
    (1, "Prerequisites"),
    (2, "Performance Assessment"),
    (3, "Customer Success Survey"),
    (4, "Capability Assessment"),
    (5, "Enrollment"),
)
_STEP_OF_STATE = {
    "draft": 1,
    "eligibility_review": 1,
    "ineligible": 1,
    "performance": 2,
    "customer_success": 3,
    "capability": 4,
    "enrolled": 5,
}


def journey_step(state: str, withdrawn_from: str = "") -> int:
    """The step (1-5) an enrollment in `state` is at; a withdrawn one stays where it stopped."""
    if state == "withdrawn":
        return _STEP_OF_STATE.get(withdrawn_from, 1)
    return _STEP_OF_STATE[state]


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def pass_valid_until(passed_on: date, years: int) -> date:
    """The last day a pass made on `passed_on` counts (capability 2 years, CSAT 1 year)."""
    return add_years(passed_on, years) - timedelta(days=1)


def performance_window_end(started_on: date, days: int) -> date:
    """The last day of a window of `days` days that starts on (and includes) `started_on`."""
    return started_on + timedelta(days=days - 1)


def carried_over(valid_until: date | None, anniversary_on: date) -> bool:
    """A pass is carried over to the renewal when it is still valid on the anniversary date."""
    return valid_until is not None and valid_until >= anniversary_on
