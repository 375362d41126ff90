"""Who sees the program dashboard, and its default date range (shared by the page and the API)."""

from datetime import date

from dateutil.relativedelta import relativedelta

from designation.models import PROGRAM_ADMINS, REVIEWERS
from journey import queues


def program_staff(request) -> bool:
    """Reviewers and program admins (superusers included)."""
    groups = queues.group_names(request)
    return request.user.is_superuser or bool(groups & {REVIEWERS, PROGRAM_ADMINS})


def default_range(today: date) -> tuple[date, date]:
    """The twelve months up to today: from the first day of the month eleven months back."""
    return today.replace(day=1) - relativedelta(months=11), today
