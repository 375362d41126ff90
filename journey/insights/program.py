"""The program dashboard's figures (issue 16): each one set-based statement over the whole
program, whatever its size, for a date range. Reviewers and program admins only.

Each figure is a `Table` (columns and rows) so that the page, its CSV exports and the API show
the same numbers; the SVG charts are drawn from the same rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from assessments import rules as audit_rules
from designation.models.enrollment import OPEN_STATES
from journey import charts
from journey.insights import appeal_figures
from journey.insights.tables import Table, days, percent, rows_of
from metrics import stays

STEP_LABELS = {
    "draft": "Registered (draft)",
    "eligibility_review": "1 Prerequisites: eligibility review",
    "performance": "2 Performance assessment",
    "customer_success": "3 Customer success survey",
    "capability": "4 Capability assessment",
    "enrolled": "5 Enrolled",
    "designated": "Designated (not lapsed)",
    "ineligible": "Ineligible",
    "withdrawn": "Withdrawn",
}
KIND_LABELS = {
    audit_rules.PERFORMANCE: "Performance",
    audit_rules.CSAT: "Customer success survey",
    audit_rules.CAPABILITY: "Capability",
}
RENEWAL_AHEAD_DAYS = 90


def _label(state: str) -> str:
    return STEP_LABELS.get(state, state)


_FUNNEL_SQL = """
SELECT state, count(DISTINCT organization_id) FROM designation_enrollment
 WHERE state = ANY(%(open)s) GROUP BY state
UNION ALL
SELECT 'designated', count(*) FROM designation_designation WHERE state <> 'lapsed'
"""


def funnel() -> Table:
    """Organisations at each step today (one open enrollment each), and those designated."""
    counts = dict(rows_of(_FUNNEL_SQL, {"open": [str(s) for s in OPEN_STATES]}))
    order = [*(str(s) for s in OPEN_STATES), "designated"]
    rows = [(_label(s), counts.get(s, 0)) for s in order]
    return Table("funnel", "Organisations at each step today", ("Step", "Organisations"), rows)


_FLOW_SQL = """
SELECT date_trunc('month', at)::date AS month, state, sum(entered), sum(left_step)
FROM (
    SELECT at, to_state AS state, 1 AS entered, 0 AS left_step
      FROM designation_enrollmentevent WHERE from_state <> to_state
    UNION ALL
    SELECT at, from_state, 0, 1
      FROM designation_enrollmentevent WHERE from_state <> to_state AND from_state <> ''
) AS moves
WHERE at >= %(start)s AND at < %(end)s
GROUP BY 1, 2 ORDER BY 1, 2
"""


def flows(start: date, end: date) -> Table:
    """Enrollments that entered and left each step, per month."""
    rows = [
        (month.strftime("%Y-%m"), _label(state), int(entered), int(left))
        for month, state, entered, left in rows_of(
            _FLOW_SQL, {"start": start, "end": end + timedelta(days=1)}
        )
    ]
    return Table(
        "flows",
        "Entered and left each step, per month",
        ("Month", "Step", "Entered", "Left"),
        rows,
    )


_VERDICTS_SQL = """
SELECT kind, attempt, count(*), count(*) FILTER (WHERE verdict = 'pass')
FROM assessments_auditrecord a
WHERE verdict <> '' AND submitted_at >= %(start)s AND submitted_at < %(end)s
  AND NOT EXISTS (SELECT 1 FROM assessments_auditrecord c WHERE c.supersedes_id = a.id)
GROUP BY kind, attempt ORDER BY kind, attempt
"""


def pass_rates(start: date, end: date) -> Table:
    """Decided audits and passes per assessment and attempt (corrections count once)."""
    rows = [
        (KIND_LABELS.get(kind, kind), attempt, decided, passed, percent(passed, decided))
        for kind, attempt, decided, passed in rows_of(
            _VERDICTS_SQL, {"start": start, "end": end + timedelta(days=1)}
        )
    ]
    return Table(
        "pass-rates",
        "Pass rates per assessment and attempt",
        ("Assessment", "Attempt", "Decided", "Passed", "Pass rate (%)"),
        rows,
    )


def median_days(start: date, end: date) -> Table:
    """Median days enrollments spent in each step, over the stays that ended in the range."""
    order = [str(s) for s in OPEN_STATES]
    found = stays.median_days_by_step(start=start, end=end, states=order)
    rows = [(_label(s), found[s][0], days(found[s][1])) for s in order if s in found]
    return Table(
        "median-days", "Median days in each step", ("Step", "Stays ended", "Median days"), rows
    )


_TURNAROUND_SQL = """
SELECT kind, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (submitted_at::date - assigned_on)),
       count(*) FILTER (WHERE submitted_at::date <= CASE
            WHEN kind = 'performance' AND performance_window_ends_on IS NOT NULL
            THEN performance_window_ends_on ELSE assigned_on + %(due)s END)
FROM assessments_auditrecord
WHERE submitted_at >= %(start)s AND submitted_at < %(end)s AND assigned_on IS NOT NULL
  AND supersedes_id IS NULL
GROUP BY kind ORDER BY kind
"""


def turnaround(start: date, end: date) -> Table:
    """ISSI turnaround from claim to submit per assessment, against the due dates."""
    params = {"start": start, "end": end + timedelta(days=1), "due": audit_rules.AUDIT_DUE_DAYS}
    rows = [
        (
            KIND_LABELS.get(kind, kind),
            n,
            days(median),
            on_time,
            n - on_time,
            percent(on_time, n),
        )
        for kind, n, median, on_time in rows_of(_TURNAROUND_SQL, params)
    ]
    return Table(
        "turnaround",
        "ISSI turnaround, claim to submit",
        ("Assessment", "Submitted", "Median days", "On time", "Late", "On time (%)"),
        rows,
    )


_FEES_SQL = """
SELECT date_trunc('month', created_at)::date, fee_currency, count(*), sum(fee_amount)
FROM assessments_auditrecord
WHERE supersedes_id IS NULL AND created_at >= %(start)s AND created_at < %(end)s
GROUP BY 1, 2 ORDER BY 1, 2
"""


def fees(start: date, end: date) -> Table:
    """ISSI fees charged per month (each attempt once: a correction is not charged again)."""
    rows = [
        (month.strftime("%Y-%m"), currency, attempts, amount)
        for month, currency, attempts, amount in rows_of(
            _FEES_SQL, {"start": start, "end": end + timedelta(days=1)}
        )
    ]
    return Table(
        "fees",
        "Fees charged per month",
        ("Month", "Currency", "Attempts", "Charged"),
        rows,
    )


_INCENTIVE_SQL = """
SELECT (SELECT count(*) FROM designation_incentivegrant),
       (SELECT incentive_quota FROM designation_programrules WHERE effective_from <= %(today)s
         ORDER BY effective_from DESC, id DESC LIMIT 1)
"""


def incentive(today: date) -> Table:
    """Early-adoption incentive grants used of the quota in force."""
    used, quota = rows_of(_INCENTIVE_SQL, {"today": today})[0]
    rows = [(used, quota, None if quota is None else max(quota - used, 0))]
    return Table("incentive", "Early-adoption incentive", ("Grants used", "Of N", "Left"), rows)


_RENEWALS_SQL = """
SELECT date_trunc('month', d.anniversary_on)::date, count(*),
       count(*) FILTER (WHERE d.state = 'grace' OR NOT EXISTS (
            SELECT 1 FROM designation_enrollment e
             WHERE e.renewal_of_id = d.id AND e.renewal_for_anniversary = d.anniversary_on
               AND e.state IN ('performance', 'customer_success', 'capability')))
FROM designation_designation d
WHERE d.state <> 'lapsed'
  AND d.anniversary_on BETWEEN %(today)s - %(grace)s AND %(today)s + %(ahead)s
  AND NOT EXISTS (
        SELECT 1 FROM designation_enrollment e
         WHERE e.renewal_of_id = d.id AND e.renewal_for_anniversary = d.anniversary_on
           AND e.state = 'enrolled')
GROUP BY 1 ORDER BY 1
"""


def renewals(today: date, *, grace_days: int = 30) -> Table:
    """Designations whose anniversary falls in the next 90 days (or passed, still in grace)
    without a completed renewal; at risk: in grace, or no renewal past eligibility yet."""
    params = {"today": today, "grace": grace_days, "ahead": RENEWAL_AHEAD_DAYS}
    rows = [
        (month.strftime("%Y-%m"), due, at_risk)
        for month, due, at_risk in rows_of(_RENEWALS_SQL, params)
    ]
    return Table(
        "renewals",
        f"Renewals due by {(today + timedelta(days=RENEWAL_AHEAD_DAYS)).isoformat()}",
        ("Anniversary month", "Due", "At risk"),
        rows,
    )


@dataclass(frozen=True)
class ProgramInsights:
    start: date
    end: date
    today: date
    tables: dict[str, Table]

    @property
    def fees_chart(self) -> charts.TrendChart:
        """Fees charged per month (USD), as the trend chart draws a monthly series."""
        totals: dict[str, Decimal] = {}
        for month, currency, _n, amount in self.tables["fees"].rows:
            if currency == "USD":
                totals[month] = totals.get(month, Decimal(0)) + amount
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        series = [(m, totals.get(m.strftime("%Y-%m"), Decimal(0))) for m in months]
        return charts.trend_chart(series, None)

    @property
    def appeals_chart(self) -> appeal_figures.BarChart:
        """Appeals filed, upheld and overturned per month of the range."""
        return appeal_figures.appeals_chart(self.tables["appeals"], self.start, self.end)

    @property
    def ordered_tables(self) -> list[Table]:
        """The tables shown below the two charts, in reading order."""
        order = ("renewals", "flows", "pass-rates", "median-days", "turnaround", "incentive")
        return [self.tables[slug] for slug in order]

    @property
    def funnel_height(self) -> int:
        return 10 * len(self.tables["funnel"].rows)

    @property
    def funnel_bars(self) -> list[tuple[str, int, float]]:
        """(step, organisations, bar width in percent of the largest step)."""
        rows = self.tables["funnel"].rows
        top = max((n for _s, n in rows), default=0) or 1
        return [(step, n, round(100 * n / top, 1)) for step, n in rows]


def program_insights(*, start: date, end: date, today: date) -> ProgramInsights:
    """Every figure of the program dashboard: one statement each."""
    tables = [
        funnel(),
        flows(start, end),
        pass_rates(start, end),
        median_days(start, end),
        turnaround(start, end),
        fees(start, end),
        appeal_figures.appeals(start, end),
        incentive(today),
        renewals(today),
    ]
    return ProgramInsights(start, end, today, {t.slug: t for t in tables})


def table_named(slug: str, *, start: date, end: date, today: date) -> Table | None:
    """One figure by its CSV name (None when there is no such figure)."""
    builders = {
        "funnel": funnel,
        "flows": lambda: flows(start, end),
        "pass-rates": lambda: pass_rates(start, end),
        "median-days": lambda: median_days(start, end),
        "turnaround": lambda: turnaround(start, end),
        "fees": lambda: fees(start, end),
        "appeals": lambda: appeal_figures.appeals(start, end),
        "incentive": lambda: incentive(today),
        "renewals": lambda: renewals(today),
    }
    build = builders.get(slug)
    return build() if build else None
