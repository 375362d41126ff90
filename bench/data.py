"""Benchmark data made with SQL generate_series in the `bench` database (never the portal's).

Scale S: 1,000 organisations, 1M cases; M: 10,000 organisations, 10M cases; L (the whole partner
program, long-running: up to 15 minutes to generate here and 7 GB of disk): 500,000 organisations,
10M cases; all with 24 months of CSP and ACR revenue. The first organisation is the largest (a
tenth of all cases). Cases are spread over the 24 complete months before AS_OF and AS_OF's own
month; 70% are CSP.
"""

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

AS_OF = date(2026, 11, 21)
BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "bench")
PARTNER_PREFIX = "9"  # generated partner IDs: 9000000..; the import target is 8000000


@dataclass(frozen=True)
class Scale:
    name: str
    organizations: int
    cases: int


SCALES = {
    "S": Scale("S", 1_000, 1_000_000),
    "M": Scale("M", 10_000, 10_000_000),
    "L": Scale("L", 500_000, 10_000_000),
}


def use_bench_database() -> None:
    """Point Django at the `bench` database on the portal's server, creating it the first time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
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
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    server.close()
    default["NAME"] = BENCH_DB
    default.pop("TEST", None)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _say(message: str) -> None:
    print(message, flush=True)


def loaded_scale() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (scale text NOT NULL)")
        cursor.execute("SELECT scale FROM bench_meta")
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def _foreign_keys_checked_once(tables: tuple[str, ...]):
    """Drop the tables' foreign keys for a bulk load and add them back (one check of all rows
    instead of one per row at COMMIT: 24M revenue lines at L took minutes that way)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield  # inside a transaction: on an error the rollback restores the dropped keys
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def generate(scale: Scale) -> None:
    """Replace the bench database's organisations, cases, revenue and rollups with `scale`."""
    from django.db import connection, transaction

    from metrics import services

    started = time.perf_counter()
    loaded_scale()  # creates bench_meta on a fresh database
    first_month = AS_OF.replace(day=1) - relativedelta(months=24)
    days = (AS_OF - first_month).days + 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE metrics_case, designation_organization CASCADE")
        cursor.execute("DELETE FROM bench_meta")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO designation_organization
                (partner_id, legal_name, country, in_good_standing, partner_center_registered,
                 tax_billing_on_file, representative_attested, facts_source, created_at)
            SELECT %(prefix)s || lpad(n::text, 6, '0'), 'Bench partner ' || lpad(n::text, 6, '0'),
                   'US', true, true, true, false, 'declared', now()
            FROM generate_series(0, %(orgs)s - 1) AS n
            """,
            {"prefix": PARTNER_PREFIX, "orgs": scale.organizations},
        )
    # The generated rows all belong to existing organisations (joined below): skip the per-row
    # checks for this load (inside the transaction, so they are back on at the end).
    rolled_up = ("metrics_revenueline", "metrics_monthlyrollup")
    with (
        transaction.atomic(),
        _foreign_keys_checked_once(rolled_up),
        connection.cursor() as cursor,
    ):
        cursor.execute("ALTER TABLE metrics_case DISABLE TRIGGER metrics_case_organization_exists")
        cursor.execute(
            "DROP TABLE IF EXISTS bench_orgs; "
            "CREATE TEMP TABLE bench_orgs AS SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS k "
            "FROM designation_organization; CREATE UNIQUE INDEX ON bench_orgs (k)"
        )
        chunk = 1_000_000
        for low in range(1, scale.cases + 1, chunk):
            cursor.execute(
                """
                INSERT INTO metrics_case
                    (organization_id, case_id, opened_on, program, customer_tenant_id,
                     severity, title)
                SELECT o.id, 'B' || g, %(first)s::date + ((g * 7919) %% %(days)s)::int,
                       CASE WHEN g %% 10 < 7 THEN 'CSP' WHEN g %% 10 < 9 THEN 'EA' ELSE 'OTHER' END,
                       'tenant-' || (g %% 97), substr('ABC', (g %% 3)::int + 1, 1),
                       'Generated case ' || g
                FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS g
                JOIN bench_orgs o ON o.k = CASE WHEN g %% 10 = 3 THEN 0 ELSE g %% %(orgs)s END
                """,
                {
                    "first": first_month,
                    "days": days,
                    "low": low,
                    "high": min(low + chunk - 1, scale.cases),
                    "orgs": scale.organizations,
                },
            )
            _say(f"  cases {min(low + chunk - 1, scale.cases):>12,}")
        # Revenue scaled so rates fall on both sides of the 20.00 target.
        cursor.execute(
            """
            INSERT INTO metrics_revenueline (organization_id, billing_month, source, amount_usd)
            SELECT o.id, m::date, s.source,
                   round(((%(cases)s::numeric / %(orgs)s / 25 * 0.7) * 1000000 / 20
                          * (0.6 + (o.k %% 9) * 0.1) * s.share
                          * CASE WHEN o.k = 0 THEN %(orgs)s / 9.0 ELSE 1 END)::numeric, 2)
            FROM bench_orgs o
            CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
            CROSS JOIN (VALUES ('CSP', 0.7), ('ACR', 0.3)) AS s(source, share)
            """,
            {
                "cases": scale.cases,
                "orgs": scale.organizations,
                "first": first_month,
                "last": AS_OF.replace(day=1) - relativedelta(months=1),
            },
        )
        cursor.execute("INSERT INTO bench_meta VALUES (%s)", [scale.name])
        cursor.execute("DROP TABLE bench_orgs")
        cursor.execute("ALTER TABLE metrics_case ENABLE TRIGGER metrics_case_organization_exists")
        services.rebuild_rollups()
    with connection.cursor() as cursor:
        for table in (
            "designation_organization",
            "metrics_case",
            "metrics_revenueline",
            "metrics_monthlyrollup",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    _say(f"  generated scale {scale.name} in {time.perf_counter() - started:.1f} s")
