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
    _say(f"  {title:<38} {rows:>12,} rows {time.perf_counter() - started:8.1f} s")


# Each organisation k = 1..N: a country, one or two solution areas, a year of rollups with rates
# on both sides of the 20.00 target, one enrollment whose step follows k % 20, its event log,
# the audits of the steps it reached, a designation once enrolled.
GENERATE = [
    (
        "organisations",
        """
        INSERT INTO designation_organization
            (partner_id, legal_name, country, in_good_standing, partner_center_registered,
             tax_billing_on_file, representative_attested, code_of_conduct_accepted_on,
             created_at)
        SELECT (10000000 + g)::text, 'Bench partner ' || g,
               CASE WHEN g <= 12 THEN 'LI'  -- a small country: its cohort stays hidden
                    ELSE (%(countries)s::text[])[1 + ((g / 20) * 7) %% 40] END,
               true, true, true, true, %(as_of)s::date - 400, now()
        FROM generate_series(1, %(n)s) AS g
        """,
    ),
    (
        "solution areas",
        """
        INSERT INTO designation_solutionspartnerdesignation
            (organization_id, area, attained_on, anniversary_on)
        SELECT o.id, (%(areas)s::text[])[1 + (o.id + a) %% 6],
               %(as_of)s::date - 300, %(as_of)s::date + 500
        FROM designation_organization o
        CROSS JOIN generate_series(0, 1) AS a
        WHERE a = 0 OR o.id %% 3 = 0
        """,
    ),
    (
        "cases (CSP, in the TTM window)",
        """
        INSERT INTO metrics_case (organization_id, case_id, opened_on, program,
                                  customer_tenant_id, severity, title)
        SELECT o.id, 'C' || c, %(window_start)s::date + ((o.id * 31 + c * 17) %% 365)::int,
               'CSP', '', 'B', ''
        FROM designation_organization o CROSS JOIN generate_series(1, %(cases)s) AS c
        """,
    ),
    (
        "monthly rollups (12 months)",
        """
        INSERT INTO metrics_monthlyrollup
            (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
        SELECT o.id, (%(window_start)s::date + make_interval(months => m))::date,
               (o.id %% 9) + (m %% 2), 150000 + (o.id %% 11) * 40000, 50000
        FROM designation_organization o CROSS JOIN generate_series(0, 11) AS m
        """,
    ),
    (
        "enrollments at every step",
        """
        INSERT INTO designation_enrollment
            (organization_id, kind, state, contact_name, contact_email, solution_areas,
             csp_type, support_plan, attested, prerequisite_snapshot, attempt_status,
             csat_carried_over, capability_carried_over, withdrawn_from, reason,
             last_event_hash, created_at, submitted_on)
        SELECT o.id, 'first_attainment',
               (ARRAY['draft', 'eligibility_review', 'performance', 'performance',
                      'customer_success', 'customer_success', 'capability', 'capability',
                      'enrolled', 'enrolled', 'enrolled', 'enrolled', 'enrolled', 'enrolled',
                      'enrolled', 'enrolled', 'enrolled', 'enrolled', 'ineligible',
                      'withdrawn'])[1 + o.id %% 20],
               'Bench', 'bench@example.com', ARRAY['security'], 'direct_bill', 'psfp', true,
               '[]', CASE WHEN o.id %% 20 BETWEEN 2 AND 7 THEN 'in_progress'
                          ELSE 'not_started' END,
               false, false, '', '', '',
               %(as_of)s::timestamptz - make_interval(days => 200 + (o.id %% 500)::int),
               %(as_of)s::date - (180 + (o.id %% 500)::int)
        FROM designation_organization o
        """,
    ),
    (
        "enrollment events",
        """
        WITH e AS (
            SELECT id, created_at, organization_id AS k,
                   array_position(ARRAY['draft', 'eligibility_review', 'performance',
                                        'customer_success', 'capability', 'enrolled'],
                                  CASE state WHEN 'ineligible' THEN 'eligibility_review'
                                             WHEN 'withdrawn' THEN 'performance'
                                             ELSE state END::text) AS reached,
                   CASE WHEN state IN ('ineligible', 'withdrawn') THEN state END AS extra
            FROM designation_enrollment
        ), steps AS (
            SELECT e.id, e.k, e.created_at, i,
                   CASE WHEN i = 1 THEN '' ELSE p[i - 1] END AS from_state,
                   CASE WHEN i <= e.reached THEN p[i] ELSE e.extra END AS to_state
            FROM e,
                 LATERAL (SELECT ARRAY['draft', 'eligibility_review', 'performance',
                                       'customer_success', 'capability', 'enrolled'] AS p) AS a,
                 LATERAL generate_series(1, e.reached + (e.extra IS NOT NULL)::int) AS i
        )
        INSERT INTO designation_enrollmentevent
            (enrollment_id, sequence, at, actor_name, transition, from_state, to_state, reason,
             note, rules_version_id, previous_hash, hash)
        SELECT id, i, created_at + make_interval(days => (i - 1) * (8 + (k %% 30)::int)),
               'system', 'bench', from_state, to_state, '', '',
               (SELECT min(id) FROM designation_programrules), '', md5(id || '-' || i)
        FROM steps
        """,
    ),
    (
        "audits (passes, failed first attempts, open)",
        """
        WITH e AS (
            SELECT id, organization_id AS k, created_at,
                   array_position(ARRAY['draft', 'eligibility_review', 'performance',
                                        'customer_success', 'capability', 'enrolled'],
                                  state::text) AS reached
            FROM designation_enrollment WHERE state NOT IN ('ineligible', 'withdrawn')
        ), attempts AS (
            SELECT e.*, s.step, s.kind, a.attempt
            FROM e
            JOIN (VALUES (3, 'performance'), (4, 'csat'), (5, 'capability')) AS s(step, kind)
              ON s.step <= e.reached
            CROSS JOIN generate_series(1, 2) AS a(attempt)
            WHERE a.attempt = 1 OR e.k %% 4 = 0
        )
        INSERT INTO assessments_auditrecord
            (enrollment_id, kind, attempt, status, created_at, assigned_on, submitted_at,
             fee_schedule_id, fee_amount, fee_currency, performance_window_ends_on,
             override_reason, scores, verdict, judged_against, correction_reason)
        SELECT t.id, t.kind, t.attempt,
               CASE WHEN t.step < t.reached OR (t.attempt = 1 AND t.k %% 4 = 0)
                    THEN 'submitted' ELSE 'claimed' END,
               t.created_at + make_interval(days => t.step * 30 + t.attempt * 12),
               (t.created_at + make_interval(days => t.step * 30 + t.attempt * 12 + 2))::date,
               CASE WHEN t.step < t.reached OR (t.attempt = 1 AND t.k %% 4 = 0)
                    THEN t.created_at + make_interval(days => t.step * 30 + t.attempt * 12
                                                      + 5 + (t.k %% 40)::int) END,
               f.id, f.amount, f.currency,
               CASE WHEN t.kind = 'performance'
                    THEN (t.created_at + make_interval(days => t.step * 30 + 29))::date END,
               '', '{}',
               CASE WHEN t.attempt = 1 AND t.k %% 4 = 0 THEN 'fail'
                    WHEN t.step < t.reached THEN 'pass' ELSE '' END,
               '{}', ''
        FROM attempts t
        JOIN LATERAL (SELECT id, amount, currency FROM assessments_feeschedule
                       WHERE kind = t.kind ORDER BY effective_from DESC LIMIT 1) AS f ON true
        """,
    ),
    (
        "designations (enrolled)",
        """
        INSERT INTO designation_designation
            (organization_id, enrollment_id, attained_on, anniversary_on, state, credential_id)
        SELECT e.organization_id, e.id, %(as_of)s::date - (e.organization_id %% 365)::int,
               %(as_of)s::date - (e.organization_id %% 365)::int + 365,
               CASE WHEN 365 - (e.organization_id %% 365) <= 60 THEN 'renewal_open'
                    ELSE 'active' END,
               md5('credential-' || e.id)
        FROM designation_enrollment e WHERE e.state = 'enrolled'
        """,
    ),
    (
        "incentive grants (the first N)",
        """
        INSERT INTO designation_incentivegrant
            (organization_id, position, discount_percent, granted_on, rules_version_id)
        SELECT organization_id, row_number() OVER (ORDER BY attained_on, id), 5, attained_on,
               (SELECT min(id) FROM designation_programrules)
        FROM designation_designation ORDER BY attained_on, id LIMIT 100
        """,
    ),
]


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
        f"  {'snapshots (nightly recompute)':<38} {result.snapshots:>12,} rows "
        f"{time.perf_counter() - t:8.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(f"  built in {time.perf_counter() - started:.1f} s")


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
    from journey.insights import program
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
    user = User.objects.create_user("bench-reader")
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
    args = parser.parse_args()
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
