"""Metrics benchmarks: print each figure and its ratio to PostgreSQL's bare work on the same data.

    make bench                                  # scales S then M
    DEBUG=1 .venv/bin/python -m bench --scale S # the quick one

Data lives in a separate database `bench` (BENCH_DATABASE_NAME) on the portal's server
(DATABASE_URL, or the embedded one); it is generated once per scale and reused. Not a test:
the figures depend on the machine. Targets (issue 4): nightly recompute <= 1.0x the bare
aggregate; a 1M-row cases.csv import <= 3x a bare COPY and >= 100,000 rows/s; case-rate API and
dashboard trend p95 < 20 ms with a fixed query count.
"""

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from bench import data

IMPORT_ROWS = 1_000_000
IMPORT_PARTNER_ID = "8000000"
TEXT_COLUMNS = (
    "case_id text, opened_on text, program text, customer_tenant_id text, severity text, title text"
)
INDEXED_COLUMNS = (
    "id bigserial PRIMARY KEY, organization_id bigint NOT NULL DEFAULT 1, "
    "case_id varchar(64), opened_on date, program varchar(5), customer_tenant_id varchar(100), "
    "severity varchar(1), title varchar(500), UNIQUE (organization_id, case_id)"
)
TYPED_COLUMNS = (
    "case_id varchar(64), opened_on date, program varchar(5), customer_tenant_id varchar(100), "
    "severity varchar(1), title varchar(500)"
)


def _timed(run, repeat: int = 3) -> float:
    """Median wall time of `repeat` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _latency(run, repeat: int = 200) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `repeat` runs after twenty warm-ups."""
    for _ in range(20):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES TARGET"


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


def nightly(scale: data.Scale) -> None:
    from django.db import connection

    from metrics import rules, services

    start, end = rules.ttm_window(data.AS_OF)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_AGGREGATE, {"start": start, "end": end})
            cursor.fetchall()

    bare_s = _timed(bare)
    recompute_s = _timed(lambda: services.recompute_case_rates(as_of=data.AS_OF))
    ratio = recompute_s / bare_s
    print(f"  bare aggregate (CSP cases in window by org + revenue sums): {bare_s:7.3f} s")
    print(
        f"  nightly recompute_case_rates, {scale.organizations:,} orgs: {recompute_s:7.3f} s"
        f"  = {ratio:.2f}x bare aggregate (target <= 1.0x: {_verdict(ratio <= 1.0)})"
    )


def _write_cases_csv(path: Path) -> None:
    """A 1M-row cases.csv (under the 50 MB limit) made by PostgreSQL itself, all six columns."""
    from django.db import connection

    query = f"""
        COPY (
            SELECT 'I' || g AS case_id,
                   (date '2024-11-01' + (g::bigint * 7919 % 750)::int)::text AS opened_on,
                   CASE WHEN g % 10 < 7 THEN 'CSP' WHEN g % 10 < 9 THEN 'EA' ELSE 'OTHER' END
                       AS program,
                   't' || (g % 97) AS customer_tenant_id,
                   substr('ABC', (g % 3)::int + 1, 1) AS severity,
                   CASE WHEN g % 4 = 0 THEN 'Case ' || g || ', escalated' ELSE '' END AS title
            FROM generate_series(1, {IMPORT_ROWS}) AS g
        ) TO STDOUT WITH (FORMAT csv, HEADER true)
    """
    with connection.cursor() as cursor, open(path, "wb") as out:
        cursor.copy_expert(query, out)


def imports(scale: data.Scale) -> None:
    from django.db import connection

    from designation.models import Organization
    from metrics.importers import run_import
    from metrics.models import Case, MonthlyRollup

    org, _ = Organization.objects.get_or_create(
        partner_id=IMPORT_PARTNER_ID, defaults={"legal_name": "Bench importer", "country": "US"}
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.csv"
        _write_cases_csv(path)
        size = path.stat().st_size

        def bare_copy(columns: str):
            with connection.cursor() as cursor, open(path, "rb") as source:
                cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
                cursor.execute(f"CREATE TABLE bench_bare_copy ({columns})")
                cursor.copy_expert(
                    "COPY bench_bare_copy (case_id, opened_on, program, customer_tenant_id, "
                    "severity, title) FROM STDIN WITH (FORMAT csv, HEADER true)",
                    source,
                    1 << 20,
                )

        bare_s = _timed(lambda: bare_copy(TEXT_COLUMNS))
        typed_s = _timed(lambda: bare_copy(TYPED_COLUMNS))
        # The floor of any loader that keeps the key unique: COPY into a table with the cases
        # table's primary key and unique (organization, case_id) index.
        indexed_s = _timed(lambda: bare_copy(INDEXED_COLUMNS))

        def fresh():
            Case.objects.filter(organization=org).delete()
            MonthlyRollup.objects.filter(organization=org).delete()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE metrics_case")

        def load():
            with open(path, "rb") as source:
                outcome = run_import(
                    kind="cases",
                    organization_id=org.pk,
                    fileobj=source,
                    size=size,
                    today=data.AS_OF,
                )
            assert outcome.ok, outcome.detail
            return outcome

        runs = []
        for _ in range(2):
            fresh()
            started = time.perf_counter()
            outcome = load()
            runs.append(time.perf_counter() - started)
            assert outcome.created == IMPORT_ROWS
        import_s = min(runs)
        started = time.perf_counter()
        again = load()
        reimport_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
    ratio = import_s / bare_s
    rate = IMPORT_ROWS / import_s
    print(
        f"  bare COPY of the 1M-row cases.csv ({size / 1e6:.0f} MB) into an unindexed table:"
        f" {bare_s:7.3f} s (text columns), {typed_s:.3f} s (the cases table's types)"
    )
    print(
        f"  bare COPY of the same file into a table with the cases table's primary key and unique"
        f" (organization, case_id) index: {indexed_s:.3f} s = {indexed_s / bare_s:.2f}x bare COPY"
    )
    print(
        f"  import of the 1M-row cases.csv (COPY, checks, upsert, rollups): {import_s:7.3f} s"
        f"  = {ratio:.2f}x bare COPY (text), {import_s / typed_s:.2f}x (typed); {rate:,.0f} rows/s"
        f" (targets <= 3x and >= 100,000 rows/s: {_verdict(ratio <= 3 and rate >= 100_000)})"
    )
    print(
        f"  re-import of the same file (all {again.unchanged:,} unchanged): {reimport_s:7.3f} s"
        f"  = {reimport_s / bare_s:.2f}x bare COPY"
    )


def reads(scale: data.Scale) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from designation.models import Membership, Organization
    from metrics import selectors

    sizes = (
        Organization.objects.annotate(n=Count("cases")).order_by("-n", "id").values_list("id", "n")
    )
    largest, smallest = sizes.first(), sizes.last()
    # A partner admin of both (staff would be sent to two-factor sign-in, not to the page).
    user, _ = User.objects.get_or_create(username="bench-partner-admin")
    for org, _ in (largest, smallest):
        Membership.objects.get_or_create(
            user=user, organization_id=org, defaults={"role": Membership.Role.ADMIN}
        )
    api, page = APIClient(), Client()
    api.force_authenticate(user)
    page.force_login(user)
    as_of = data.AS_OF.isoformat()
    checks = [
        (
            "case-rate API",
            lambda org: api.get(f"/api/v1/organizations/{org}/case-rate/", {"as_of": as_of}),
        ),
        (
            "dashboard trend (monthly_trend, 24 months)",
            lambda org: selectors.monthly_trend(org, 24, as_of=data.AS_OF),
        ),
        (
            "metrics page (whole HTML page, for information)",
            lambda org: page.get(f"/organizations/{org}/metrics/", {"as_of": as_of}),
        ),
    ]
    for label, call in checks:
        counts = []
        for org, _ in (largest, smallest):
            with CaptureQueriesContext(connection) as captured:
                answer = call(org)
            status = getattr(answer, "status_code", 200)
            assert status == 200, f"{label} answered {status}: measure the page, not a redirect"
            counts.append(len(captured.captured_queries))
        p50, p95 = _latency(lambda call=call: call(largest[0]))
        met = _verdict(p95 < 20 and counts[0] == counts[1])
        target = "" if "information" in label else f" (target p95 < 20 ms, fixed count: {met})"
        print(
            f"  {label}, largest org ({largest[1]:,} cases): p50 {p50:.2f} ms, p95 {p95:.2f} ms,"
            f" {counts[0]} queries ({counts[1]} for the smallest, {smallest[1]:,} cases){target}"
        )


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale",
        choices=sorted(data.SCALES),
        action="append",
        help="S (1k orgs, 1M cases) or M (10k orgs, 10M cases); default both",
    )
    parser.add_argument("--skip-import", action="store_true", help="leave out the 1M-row import")
    options = parser.parse_args()
    data.use_bench_database()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"PostgreSQL {version}, database {data.BENCH_DB}, as of {data.AS_OF.isoformat()}")
    for name in options.scale or ["S", "M"]:
        scale = data.SCALES[name]
        print(
            f"\nScale {name}: {scale.organizations:,} organisations, {scale.cases:,} cases,"
            " 24 months of CSP and ACR revenue",
            flush=True,
        )
        if data.loaded_scale() != name:
            data.generate(scale)
        nightly(scale)
        if not options.skip_import:
            imports(scale)
        reads(scale)


if __name__ == "__main__":
    main()
