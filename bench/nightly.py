"""The nightly recompute against the bare aggregate of the same figures, interleaved.

Floor: the bare aggregate, PostgreSQL's own cost of the figures from raw data (CSP cases in the
TTM window by organisation, revenue summed by organisation, joined to every organisation), read
to the client. Subjects, each round on a new day of the same TTM window: the nightly job for a
day not computed yet (every snapshot written), then a rerun of that day (nothing changed, so
nothing written).
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


def run(report: Report, scale: data.Scale, rounds: int) -> None:
    from django.db import connection

    from metrics import rules, services

    start, end = rules.ttm_window(data.AS_OF)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_AGGREGATE, {"start": start, "end": end})
            cursor.fetchall()

    with connection.cursor() as cursor:  # every round starts without the days it computes
        cursor.execute("DELETE FROM metrics_caseratesnapshot WHERE as_of >= %s", [data.AS_OF])
        cursor.execute("VACUUM ANALYZE metrics_caseratesnapshot")
    times = Rounds()
    written = {}
    for n in range(rounds):
        day = data.AS_OF + timedelta(days=n)  # same month, same TTM window
        assert rules.ttm_window(day) == (start, end)
        times.timed("bare aggregate", bare)
        first = times.timed("nightly job", lambda day=day: services.nightly_case_rates(as_of=day))
        assert first.ran and first.written == first.snapshots, first
        again = times.timed("rerun", lambda day=day: services.nightly_case_rates(as_of=day))
        written[n] = again.written
    floor = times.median("bare aggregate")
    job = times.median("nightly job")
    organisations = first.snapshots
    rerun = times.median("rerun")
    report.say(
        f"  {rounds} interleaved rounds, medians (each round's seconds: bare aggregate "
        f"{times.spread('bare aggregate')}, nightly job {times.spread('nightly job')})"
    )
    report.figure(Figure("bare aggregate (CSP cases in window by org + revenue sums)", floor))
    report.figure(
        Figure(
            f"nightly recompute_case_rates, {organisations:,} organisations, new day",
            job,
            "bare aggregate",
            floor,
            target="<= 0.5x" + (" and <= 15 s" if scale.name == "L" else ""),
            met=job <= 0.5 * floor and (scale.name != "L" or job <= 15),
        )
    )
    report.figure(
        Figure(
            "rerun of the same day (no figure changed)",
            rerun,
            "bare aggregate",
            floor,
            target="zero snapshots rewritten",
            met=not any(written.values()),
            note=f"{max(written.values())} snapshots rewritten",
        )
    )
