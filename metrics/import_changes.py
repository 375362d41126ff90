"""What an import changed, for the person who ran it: rows new, changed and unchanged per month,
and the organisation's TTM case rate on the day of the import before and after it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from metrics import rules

_WINDOW_SQL = """
    SELECT coalesce(sum(csp_case_count), 0), coalesce(sum(csp_revenue_usd + acr_revenue_usd), 0)
    FROM metrics_monthlyrollup
    WHERE organization_id = %s AND month BETWEEN %s AND %s
"""


def window_rate(cursor, organization_id: int, today: date) -> Decimal | None:
    """The TTM case rate on `today` from the organisation's rollups (None without revenue)."""
    start, end = rules.ttm_window(today)
    cursor.execute(_WINDOW_SQL, [organization_id, start, end])
    cases, revenue = cursor.fetchone()
    return rules.case_rate(cases, Decimal(revenue))


@dataclass
class ImportChanges:
    """Rows per month (new, changed, unchanged) and the case rate before and after."""

    as_of: date
    months: list[dict] = field(default_factory=list)
    case_rate_before: Decimal | None = None
    case_rate_after: Decimal | None = None

    @classmethod
    def of(cls, written, as_of: date, rate_before) -> "ImportChanges":
        """From the upsert's (month, rows, created, updated) for each month of the file."""
        months = [
            {
                "month": month.isoformat()[:7],
                "created": created,
                "updated": updated,
                "unchanged": rows - created - updated,
            }
            for month, rows, created, updated in written
        ]
        return cls(as_of=as_of, months=months, case_rate_before=rate_before)

    @property
    def created(self) -> int:
        return sum(m["created"] for m in self.months)

    @property
    def updated(self) -> int:
        return sum(m["updated"] for m in self.months)

    def as_dict(self) -> dict:
        """JSON for the import record."""

        def shown(rate):
            return None if rate is None else str(rate)

        return {
            "as_of": self.as_of.isoformat(),
            "months": self.months,
            "case_rate_before": shown(self.case_rate_before),
            "case_rate_after": shown(self.case_rate_after),
        }
