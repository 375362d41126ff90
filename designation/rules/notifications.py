"""How long the notification centre keeps what it told people (pure)."""

from datetime import date

from dateutil.relativedelta import relativedelta

NOTIFICATION_RETENTION_MONTHS = 12


def notification_purge_before(today: date, *, months: int = NOTIFICATION_RETENTION_MONTHS) -> date:
    """Notifications created before this day are removed: they are kept `months` months."""
    return today - relativedelta(months=months)
