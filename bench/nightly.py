"""The nightly recompute against the bare aggregate of the same figures, interleaved.

Floor: the bare aggregate, PostgreSQL's own cost of the figures from raw data (CSP cases in the
TTM window by organisation, revenue summed by organisation, joined to every organisation), read
to the client. Subjects, each round on two new days of the same TTM window: the full path (a day
without a usable day before it, as on the first day of each month: every organisation summed),
a rerun of that day (nothing changed, so nothing written), then, with 1% of the organisations'
rollups written in between (untimed), the next day: the incremental path. Each incremental day
is checked against a full recompute of the same figures (the next round's full day, or one more
at the end), every column of every organisation; the writes are undone at the end.
"""

from datetime import timedelta

from bench import data
from bench.timing import Figure, Report, Rounds

BARE_AGGREGATE = """
    SELECT o.id, coalesce(c.cases, 0), coalesce(r.revenue, 0)
    FROM designation_organization o
    LEFT JOIN (
        SELECT organization_id, count(*) AS cases FROM metrics_case
        WHERE program = 'CSP' AND opened_on BETWEEN %(start)s AND %(end)s
        GROUP BY organization_id
    ) AS c ON c.organization_id = o.id
    LEFT JOIN (
        SELECT organization_id, sum(amount_usd) AS revenue FROM metrics_revenueline
        WHERE billing_month BETWEEN %(start)s AND %(end)s
        GROUP BY organization_id
    ) AS r ON r.organization_id = o.id
"""


WRITTEN_SHARE = 0.01  # of the organisations, between two days

# One rollup month of that many organisations gets one more CSP case (untimed, between days).
BUMP = """
    UPDATE metrics_monthlyrollup r SET csp_case_count = csp_case_count + %(by)s
    WHERE r.month = %(month)s AND r.organization_id = ANY(%(ids)s)
"""
PICK = """
    SELECT organization_id FROM metrics_monthlyrollup WHERE month = %(month)s
    ORDER BY random() LIMIT %(n)s
"""
# Rows of one day that another day lacks, figures compared (not the day or computed_at).
DIFFERENT = """
    SELECT count(*) FROM (
        SELECT organization_id, window_start, window_end, case_volume, billed_revenue_usd,
               case_rate, case_rate_target
        FROM metrics_caseratesnapshot WHERE as_of = %s
        EXCEPT
        SELECT organization_id, window_start, window_end, case_volume, billed_revenue_usd,
               case_rate, case_rate_target
        FROM metrics_caseratesnapshot WHERE as_of = %s
    ) AS d
"""


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _full(day):
    """The nightly job for `day` on the full path: no usable day before it."""
    from metrics import services

    _sql("DELETE FROM metrics_caseraterun")
    return services.nightly_case_rates(as_of=day)


def _same_figures(a, b) -> bool:
    return _sql(DIFFERENT, [a, b])[0][0] == 0 and _sql(DIFFERENT, [b, a])[0][0] == 0


def run(report: Report, scale: data.Scale, rounds: int) -> None:
    from metrics import rules, services

    start, end = rules.ttm_window(data.AS_OF)
    month = end.replace(day=1)

    def bare():
        _sql(BARE_AGGREGATE, {"start": start, "end": end})

    # Every round starts without the days it computes.
    _sql("DELETE FROM metrics_caseratesnapshot WHERE as_of >= %s", [data.AS_OF])
    _sql("DELETE FROM metrics_caseraterun")
    _sql("VACUUM ANALYZE metrics_caseratesnapshot")
    times = Rounds()
    rewritten, bumped, checked = [], [], []
    organisations = scale.organizations
    for n in range(rounds):
        full_day = data.AS_OF + timedelta(days=2 * n)
        next_day = full_day + timedelta(days=1)
        assert rules.ttm_window(next_day) == (start, end), "rounds past the month's end"
        times.timed("bare aggregate", bare)
        first = times.timed("full path", lambda day=full_day: _full(day))
        assert first.ran and first.written == first.snapshots == first.recomputed, first
        organisations = first.snapshots
        if n:  # the previous round's incremental day against this full one
            checked.append(_same_figures(full_day - timedelta(days=1), full_day))
        again = times.timed("rerun", lambda day=full_day: services.nightly_case_rates(as_of=day))
        rewritten.append(again.written)
        picked = _sql(PICK, {"month": month, "n": int(organisations * WRITTEN_SHARE)})
        ids = [row[0] for row in picked]
        changed = _sql(BUMP, {"by": 1, "month": month, "ids": ids})
        bumped.append(ids)
        day = times.timed(
            "incremental day", lambda day=next_day: services.nightly_case_rates(as_of=day)
        )
        assert day.ran and day.snapshots == day.written == organisations, day
        assert day.recomputed == changed, (day, changed)
    last = next_day + timedelta(days=1)
    assert rules.ttm_window(last) == (start, end), "rounds past the month's end"
    checked.append(_same_figures(next_day, _full(last).as_of))
    for ids in bumped:  # the rollups as they were
        _sql(BUMP, {"by": -1, "month": month, "ids": ids})
    _report(report, scale, times, organisations, changed, rewritten, checked)


def _report(report, scale, times, organisations, changed, rewritten, checked) -> None:
    floor = times.median("bare aggregate")
    incremental, full = times.median("incremental day"), times.median("full path")
    report.say(
        f"  {len(rewritten)} interleaved rounds, medians (each round's seconds: bare aggregate "
        f"{times.spread('bare aggregate')}, incremental day {times.spread('incremental day')},"
        f" full path {times.spread('full path')})"
    )
    report.figure(Figure("bare aggregate (CSP cases in window by org + revenue sums)", floor))
    report.figure(
        Figure(
            f"nightly recompute_case_rates, {organisations:,} organisations, the next day"
            f" ({changed:,} organisations' rollups written since)",
            incremental,
            "bare aggregate",
            floor,
            target="<= 0.5x" + (" and <= 15 s" if scale.name == "L" else ""),
            met=incremental <= 0.5 * floor and (scale.name != "L" or incremental <= 15),
            note="every figure equal to a full recompute's: " + ("yes" if all(checked) else "NO"),
        )
    )
    report.figure(
        Figure(
            "full path (the first day of each month, or after a gap: every organisation summed)",
            full,
            "bare aggregate",
            floor,
        )
    )
    report.figure(
        Figure(
            "rerun of the same day (no figure changed)",
            times.median("rerun"),
            "bare aggregate",
            floor,
            target="zero snapshots rewritten",
            met=not any(rewritten),
            note=f"{max(rewritten)} snapshots rewritten",
        )
    )
