"""Insights at the whole program's scale (issue 16): build N organisations (500,000 by default)
with solution areas, cases, monthly rollups, snapshots, enrollments at every step with their
event logs, audits, designations and incentive grants, all with generate_series SQL; then print
each program dashboard figure's time, the nightly cohort step's time and the per-organisation
reads (benchmarks, readiness).

    DEBUG=1 .venv/bin/python -m bench.insights --orgs 500000
    DEBUG=1 .venv/bin/python -m bench.insights --orgs 50000 --keep   # keep the database

The data lives in its own database (BENCH_INSIGHTS_DATABASE, default `bench_insights`) on the
portal's server, created for the run and dropped afterwards unless --keep. Not a test: the
figures depend on the machine.
"""

import argparse
import os
import statistics
import time
from datetime import date, timedelta

from bench.insights_data import GENERATE

AS_OF = date(2026, 11, 21)
BENCH_DB = os.environ.get("BENCH_INSIGHTS_DATABASE", "bench_insights")
COUNTRIES = [
    *("US", "GB", "DE", "FR", "IN", "JP", "CA", "AU", "BR", "NL"),
    *("ES", "IT", "SE", "PL", "MX", "CH", "BE", "DK", "NO", "FI"),
    *("IE", "AT", "PT", "CZ", "SG", "NZ", "ZA", "AE", "IL", "KR"),
    *("TR", "AR", "CL", "CO", "HU", "RO", "GR", "SK", "BG", "HR"),
]
AREAS = (
    "business_applications",
    "data_ai",
    "digital_app_innovation",
    "infrastructure",
    "modern_work",
    "security",
)


def _server():
    import psycopg2
    from django.conf import settings

    default = settings.DATABASES["default"]
    server = psycopg2.connect(
        dbname="postgres",
        user=default["USER"],
        password=default["PASSWORD"],
        host=default["HOST"],
        port=default["PORT"] or None,
    )
    server.autocommit = True
    return server


def create_database() -> None:
    """A fresh database for the run, migrated; Django points at it from here on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.conf import settings

    server = _server()
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    server.close()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    settings.DATABASES["default"].pop("TEST", None)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def use_database() -> None:
    """Point Django at a database kept by an earlier --keep run, migrated to this code."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = BENCH_DB
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _organizations() -> int:
    from designation.models import Organization

    return Organization.objects.count()


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    server = _server()
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    server.close()


def _say(message: str) -> None:
    print(message, flush=True)


def _step(title: str, sql: str, params: dict) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.rowcount
    _say(f"  {title:<46} {rows:>12,} rows {time.perf_counter() - started:8.1f} s")


def generate(n: int, cases_per_org: int) -> None:
    from django.db import connection

    from metrics import rules
    from metrics.services import recompute_case_rates

    window_start, _end = rules.ttm_window(AS_OF)
    params = {
        "n": n,
        "as_of": AS_OF,
        "countries": COUNTRIES,
        "areas": list(AREAS),
        "window_start": window_start,
        "cases": cases_per_org,
    }
    started = time.perf_counter()
    for title, sql in GENERATE:
        _step(title, sql, params)
    t = time.perf_counter()
    result = recompute_case_rates(as_of=AS_OF)
    _say(
        f"  {'snapshots (nightly recompute)':<46} {result.snapshots:>12,} rows "
        f"{time.perf_counter() - t:8.1f} s"
    )
    store_stays()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(f"  built in {time.perf_counter() - started:.1f} s")


def store_stays() -> None:
    """The nightly step that stores the stays in each step (its first run: the whole log)."""
    from django.db import connection

    from metrics.stays import store_step_stays

    started = time.perf_counter()
    result = store_step_stays(as_of=AS_OF)
    _say(
        f"  {'step stays (nightly)':<46} {result.stored:>12,} rows "
        f"{time.perf_counter() - started:8.1f} s"
    )
    started = time.perf_counter()
    result = store_step_stays(as_of=AS_OF)
    _say(
        f"  {'step stays (nightly, rerun)':<46} {result.stored:>12,} rows "
        f"{time.perf_counter() - started:8.1f} s"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:  # what autovacuum does after a large insert
        cursor.execute("VACUUM (ANALYZE) metrics_stepstay")
    seconds = time.perf_counter() - started
    _say(f"  {'step stays vacuumed (visibility map)':<46} {'':>17} {seconds:8.1f} s")


# The straightforward median days in each step (the figure before the stored stays): a window
# over every move of the log. Timed for comparison and checked against the figure.
_WINDOW_SQL = """
WITH moves AS (
    SELECT enrollment_id, to_state AS state, at,
           lead(at) OVER (PARTITION BY enrollment_id ORDER BY sequence) AS left_at
    FROM designation_enrollmentevent WHERE from_state <> to_state
)
SELECT state, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - at) / 86400)
FROM moves
WHERE left_at >= %(start)s AND left_at < %(end)s + 1
GROUP BY state
"""


def _with_newest_unstored(start: date, end: date, window: dict) -> tuple[float, int, bool]:
    """The figure as before a night's run: the newest 0.2% of stays (at 500,000 organisations
    about a day's moves) left out of the stored ones; stored again afterwards."""
    from django.db import connection

    from metrics.models import StepStay
    from metrics.stays import median_days_by_step, store_step_stays

    count = StepStay.objects.count() // 500
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM metrics_stepstay WHERE ended_by_id IN (SELECT ended_by_id FROM "
            "metrics_stepstay ORDER BY ended_by_id DESC LIMIT %s)",
            [count],
        )
    states = list(window)
    seconds, found = _timed(lambda: median_days_by_step(start=start, end=end, states=states))
    store_step_stays(as_of=AS_OF)
    return seconds, count, found == window


def _window_medians(start: date, end: date) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_WINDOW_SQL, {"start": start, "end": end})
        return {state: (n, median) for state, n, median in cursor.fetchall()}


def _timed(run, repeat: int = 3) -> tuple[float, object]:
    """Median seconds of `repeat` runs (after one warm-up) and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure() -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from designation.selectors import organization_for_journey
    from journey.insights import appeal_figures, program
    from journey.insights.benchmarks import benchmarks_for
    from journey.insights.readiness import readiness_for
    from metrics.benchmarks import compute_cohort_benchmarks

    start, end = AS_OF.replace(day=1) - timedelta(days=335), AS_OF
    figures = {
        "funnel": program.funnel,
        "flows": lambda: program.flows(start, end),
        "pass-rates": lambda: program.pass_rates(start, end),
        "median-days": lambda: program.median_days(start, end),
        "turnaround": lambda: program.turnaround(start, end),
        "fees": lambda: program.fees(start, end),
        "appeals": lambda: appeal_figures.appeals(start, end),
        "incentive": lambda: program.incentive(AS_OF),
        "renewals": lambda: program.renewals(AS_OF),
    }
    _say(f"Program dashboard, {start} to {end} (median of 3 after a warm-up):")
    total = 0.0
    for name, run in figures.items():
        with CaptureQueriesContext(connection) as queries:
            seconds, table = _timed(run)
        total += seconds
        _say(
            f"  {name:<14} {seconds * 1000:9.1f} ms  {len(table.rows):>4} rows  "
            f"{len(queries) // 4} query per run"
        )
    _say(f"  {'all figures':<14} {total * 1000:9.1f} ms")
    seconds, window = _timed(lambda: _window_medians(start, end))
    states = [row[0] for row in program.median_days(start, end).rows]
    from metrics.stays import median_days_by_step

    stored = median_days_by_step(start=start, end=end, states=list(window))
    _say(
        f"  {'median-days, window over the whole log (before)':<14} {seconds * 1000:9.1f} ms; "
        f"same counts and medians as the stored stays: {'yes' if stored == window else 'NO'} "
        f"({len(states)} steps)"
    )
    seconds, unstored, same = _with_newest_unstored(start, end, window)
    _say(
        f"  {'median-days, the newest stays not stored yet':<14} {seconds * 1000:9.1f} ms "
        f"({unstored:,} stays, about a day's moves, worked out from the log); "
        f"same answers: {'yes' if same else 'NO'}"
    )
    _say("Nightly cohort step (one statement; the day's rows replaced):")
    seconds, result = _timed(lambda: compute_cohort_benchmarks(as_of=AS_OF, minimum=10), 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE published), count(*), max(organizations) "
            "FROM metrics_cohortbenchmark WHERE as_of = %s",
            [AS_OF],
        )
        shown, cohorts, largest = cursor.fetchone()
    _say(f"  {seconds:.2f} s  {cohorts} cohorts, {shown} published, largest {largest:,}")
    user, _ = User.objects.get_or_create(username="bench-reader")
    organization = organization_for_journey(_any_org_id())
    for title, run in (
        ("benchmarks page read", lambda: benchmarks_for(organization, user=user, on=AS_OF)),
        (
            "readiness figures",
            lambda: readiness_for(organization, start_on=AS_OF, today=AS_OF),
        ),
    ):
        seconds, _ = _timed(run, 20)
        _say(f"  {title:<22} {seconds * 1000:8.1f} ms (median of 20)")


def _any_org_id() -> int:
    from designation.models import Designation

    return Designation.objects.order_by("id").values_list("organization_id", flat=True).first()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=500_000)
    parser.add_argument("--cases-per-org", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--reuse", action="store_true", help="Measure a database kept by --keep; build nothing."
    )
    args = parser.parse_args()
    if args.reuse:
        use_database()
        _say(f"Measuring the kept database {BENCH_DB} ({_organizations():,} organisations):")
        store_stays()
        measure()
        return
    create_database()
    try:
        _say(f"Building {args.orgs:,} organisations in database {BENCH_DB}:")
        generate(args.orgs, args.cases_per_org)
        measure()
    finally:
        if not args.keep:
            drop_database()
            _say(f"Dropped database {BENCH_DB}.")


if __name__ == "__main__":
    main()
