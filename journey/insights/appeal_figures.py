"""The program dashboard's appeals figure: per month, appeals filed and decided (upheld,
overturned) by what was appealed, with the median days from filing to decision; and the
geometry of its bar chart (filed, upheld and overturned per month), drawn by the template."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from assessments.models import Appeal
from journey import charts
from journey.insights.tables import Table, days, rows_of

SUBJECT_LABELS = dict(Appeal.Subject.choices)

# Filing and deciding are two events of one appeal, each counted in its own month: an appeal
# filed in March and decided in April is filed in March and decided in April.
_APPEALS_SQL = """
WITH moves AS (
    SELECT date_trunc('month', filed_at)::date AS month, subject,
           1 AS filed, 0 AS decided, 0 AS upheld, 0 AS overturned, NULL::integer AS took
      FROM assessments_appeal WHERE filed_at >= %(start)s AND filed_at < %(end)s
    UNION ALL
    SELECT date_trunc('month', decided_at)::date, subject, 0, 1,
           (status = 'upheld')::integer, (status = 'overturned')::integer,
           decided_at::date - filed_at::date
      FROM assessments_appeal WHERE decided_at >= %(start)s AND decided_at < %(end)s
)
SELECT month, subject, sum(filed), sum(decided), sum(upheld), sum(overturned),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY took)
FROM moves GROUP BY 1, 2 ORDER BY 1, 2
"""


def appeals(start: date, end: date) -> Table:
    """Appeals filed and decided per month by what was appealed, and the median days to decide
    (over the appeals decided that month; an appeal still open counts as filed only)."""
    params = {"start": start, "end": end + timedelta(days=1)}
    rows = [
        (
            month.strftime("%Y-%m"),
            SUBJECT_LABELS.get(subject, subject),
            int(filed),
            int(decided),
            int(upheld),
            int(overturned),
            days(median),
        )
        for month, subject, filed, decided, upheld, overturned, median in rows_of(
            _APPEALS_SQL, params
        )
    ]
    return Table(
        "appeals",
        "Appeals and their outcomes, per month",
        ("Month", "Appealed", "Filed", "Decided", "Upheld", "Overturned", "Median days to decide"),
        rows,
    )


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in SVG user units, with its words for the tooltip."""

    x: float
    y: float
    width: float
    height: float
    series: str  # filed, upheld or overturned: its CSS class
    title: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    bars: tuple[Bar, ...]
    y_ticks: tuple[charts.Tick, ...]
    x_ticks: tuple[charts.Tick, ...]


SERIES = (("filed", "Filed", 2), ("upheld", "Upheld", 4), ("overturned", "Overturned", 5))


def _months(start: date, end: date) -> list[str]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month.strftime("%Y-%m"))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def appeals_chart(table: Table, start: date, end: date) -> BarChart:
    """Three bars a month (filed, upheld, overturned; all subjects together), every month of
    the range drawn, an empty month as no bars."""
    months = _months(start, end)
    totals = {m: [0, 0, 0] for m in months}
    for row in table.rows:
        for i, (_slug, _word, column) in enumerate(SERIES):
            if row[0] in totals:
                totals[row[0]][i] += row[column]
    width, height = charts.WIDTH, charts.HEIGHT
    left, right, top, bottom = (
        charts.LEFT,
        width - charts.RIGHT,
        charts.TOP,
        height - charts.BOTTOM,
    )
    y_max, step = charts.nice_ceiling(Decimal(max((max(v) for v in totals.values()), default=0)))
    slot = (right - left) / max(len(months), 1)
    bar = slot * 0.8 / len(SERIES)

    def y_of(value) -> float:
        return round(bottom - float(Decimal(value) / y_max) * (bottom - top), 1)

    bars = []
    for index, month in enumerate(months):
        for i, (slug, word, _column) in enumerate(SERIES):
            value = totals[month][i]
            if value:
                x = round(left + slot * index + slot * 0.1 + bar * i, 1)
                bars.append(
                    Bar(
                        x,
                        y_of(value),
                        round(bar, 1),
                        round(bottom - y_of(value), 1),
                        slug,
                        f"{month}: {value} {word.lower()}",
                    )
                )
    y_ticks, tick = [], Decimal(0)
    while tick <= y_max:
        y_ticks.append(charts.Tick(y_of(tick), f"{tick.normalize():,f}"))
        tick += step
    every = 3 if len(months) > 12 else 1
    x_ticks = tuple(
        charts.Tick(round(left + slot * (index + 0.5), 1), month)
        for index, month in enumerate(months)
        if (len(months) - 1 - index) % every == 0
    )
    return BarChart(width, height, left, right, tuple(bars), tuple(y_ticks), x_ticks)
