"""The 1M-row cases.csv import against COPYs of the same file, interleaved round by round.

Floors:
- bare COPY: the file into an unindexed table of text columns (what reading it costs);
- cases-table COPY: the file into a table shaped like the cases table before issue 17 (its
  primary key, unique (organization, case_id) index in the database's collation, program check
  and per-row foreign key to organisations, checked at COMMIT), committed.
Subjects (each round, in this order, the same file): a file with one bad cell into an
organisation without cases (refused), the first import, a re-import (nothing written), and a
file with 10% of rows changed, then the first file again (10% changed back).
"""

import tempfile
import time
from pathlib import Path

from bench import data
from bench.timing import Figure, Report, Rounds

IMPORT_ROWS = 1_000_000
IMPORT_PARTNER_ID = "8000000"
CHANGED_EVERY = 10  # one row in ten has another title in the "10% changed" file
BAD_ROW = 999_999  # case_id I999999 sorts last: the write fails on its very last row
FLOOR_TABLE = "bench_copy_floor"
BARE_TABLE = "bench_bare_copy"

_CSV = """
    COPY (
        SELECT 'I' || g AS case_id,
               (date '2024-11-01' + (g::bigint * 7919 % 750)::int)::text AS opened_on,
               CASE WHEN g % 10 < 7 THEN 'CSP' WHEN g % 10 < 9 THEN 'EA' ELSE 'OTHER' END
                   AS program,
               't' || (g % 97) AS customer_tenant_id,
               CASE WHEN g = {bad} THEN 'D' ELSE substr('ABC', (g % 3)::int + 1, 1) END
                   AS severity,
               CASE WHEN g % {every} = 0 AND {changed} THEN 'Changed ' || g
                    WHEN g % 4 = 0 THEN 'Case ' || g || ', escalated' ELSE '' END AS title
        FROM generate_series(1, {rows}) AS g
    ) TO STDOUT WITH (FORMAT csv, HEADER true)
"""
_COPY_COLUMNS = "(case_id, opened_on, program, customer_tenant_id, severity, title)"


def write_csv(path: Path, *, changed: bool = False, bad: bool = False) -> None:
    """A 1M-row cases.csv (under the 50 MB limit) made by PostgreSQL itself, all six columns."""
    from django.db import connection

    query = _CSV.format(
        bad=BAD_ROW if bad else 0,
        every=CHANGED_EVERY,
        changed=str(changed).lower(),
        rows=IMPORT_ROWS,
    )
    with connection.cursor() as cursor, open(path, "wb") as out:
        cursor.copy_expert(query, out)


def _copy_into(table: str, path: Path) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor, open(path, "rb") as source:
        cursor.execute(f"TRUNCATE {table}")
        cursor.copy_expert(
            f"COPY {table} {_COPY_COLUMNS} FROM STDIN WITH (FORMAT csv, HEADER true)",
            source,
            1 << 20,
        )
    # leaving atomic() commits: the floor's deferred foreign-key checks run here


def _create_floors(org_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}, {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} (case_id text, opened_on text, program text, "
            "customer_tenant_id text, severity text, title text)"
        )
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE metrics_case INCLUDING ALL)")
        cursor.execute(
            f'ALTER TABLE {FLOOR_TABLE} ALTER case_id TYPE varchar(64) COLLATE "default", '
            f"ALTER organization_id SET DEFAULT {int(org_id)}, "
            "ADD FOREIGN KEY (organization_id) REFERENCES designation_organization (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def _drop_floors() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}, {FLOOR_TABLE}")


def run(report: Report, rounds: int) -> None:
    from django.db import connection

    from designation.models import Organization
    from metrics.importers import run_import
    from metrics.models import Case, MonthlyRollup

    org, _ = Organization.objects.get_or_create(
        partner_id=IMPORT_PARTNER_ID, defaults={"legal_name": "Bench importer", "country": "US"}
    )

    def fresh():
        Case.objects.filter(organization=org).delete()
        MonthlyRollup.objects.filter(organization=org).delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE metrics_case")

    def load(path: Path):
        with open(path, "rb") as source:
            return run_import(
                kind="cases",
                organization_id=org.pk,
                fileobj=source,
                size=path.stat().st_size,
                today=data.AS_OF,
            )

    def touched(step):
        """Run step; how many of the organisation's cases got a new version or a lock."""

        def versions():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT md5(string_agg(xmin::text || ':' || xmax::text, ',' ORDER BY id)) "
                    "FROM metrics_case WHERE organization_id = %s",
                    [org.pk],
                )
                return cursor.fetchone()[0]

        before = versions()
        started = time.perf_counter()
        outcome = step()
        elapsed = time.perf_counter() - started
        return outcome, elapsed, before != versions()

    times = Rounds()
    checks: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        good, changed, bad = (Path(folder) / name for name in ("a.csv", "b.csv", "bad.csv"))
        write_csv(good)
        write_csv(changed, changed=True)
        write_csv(bad, bad=True)
        size_mb = good.stat().st_size / 1e6
        _create_floors(org.pk)
        try:
            for _ in range(rounds):
                times.timed("bare COPY", lambda: _copy_into(BARE_TABLE, good))
                times.timed("cases-table COPY", lambda: _copy_into(FLOOR_TABLE, good))
                fresh()
                refused = times.timed("bad cell", lambda: load(bad))
                assert not refused.ok and refused.error_count == 1, refused.detail
                assert refused.errors[0]["row"] == BAD_ROW + 1, refused.errors
                assert refused.errors[0]["column"] == "severity", refused.errors
                assert not Case.objects.filter(organization=org).exists()
                first = times.timed("first import", lambda: load(good))
                assert first.ok and first.created == IMPORT_ROWS, first.detail
                again, elapsed, changed_rows = touched(lambda: load(good))
                times.times.setdefault("re-import", []).append(elapsed)
                assert again.ok and again.unchanged == IMPORT_ROWS, again.detail
                checks["re-import touched rows"] = checks.get("re-import touched rows") or (
                    changed_rows
                )
                moved = times.timed("10% changed", lambda: load(changed))
                assert moved.updated == IMPORT_ROWS // CHANGED_EVERY, moved.detail
                back = times.timed("10% changed back", lambda: load(good))
                assert back.updated == IMPORT_ROWS // CHANGED_EVERY, back.detail
        finally:
            _drop_floors()

    bare, floor = times.median("bare COPY"), times.median("cases-table COPY")
    first = times.median("first import")
    report.say(
        f"  1M-row cases.csv ({size_mb:.0f} MB), {rounds} interleaved rounds, medians "
        f"(each round's seconds: bare COPY {times.spread('bare COPY')}, cases-table COPY "
        f"{times.spread('cases-table COPY')}, first import {times.spread('first import')})"
    )
    report.figure(Figure("bare COPY into an unindexed text table", bare))
    report.figure(Figure("COPY into the cases table as it was (per-row FK)", floor))
    rate = IMPORT_ROWS / first
    report.figure(
        Figure(
            "first import (COPY, every rule, sorted INSERT, rollups)",
            first,
            "cases-table COPY",
            floor,
            target="<= 1.0x and >= 150,000 rows/s",
            met=first <= floor and rate >= 150_000,
            note=f"{rate:,.0f} rows/s",
        )
    )
    reimport = times.median("re-import")
    touched_any = checks["re-import touched rows"]
    report.figure(
        Figure(
            "re-import of the same file (nothing written)",
            reimport,
            "bare COPY",
            bare,
            target="<= 7x, zero rows written",
            met=reimport <= 7 * bare and not touched_any,
            note=f"{IMPORT_ROWS:,} unchanged; rows written or locked: "
            f"{'some' if touched_any else 'none (xmin and xmax of every row unchanged)'}",
        )
    )
    for name in ("10% changed", "10% changed back"):
        seconds = times.median(name)
        report.figure(
            Figure(
                f"import with {name} ({IMPORT_ROWS // CHANGED_EVERY:,} rows updated)",
                seconds,
                "bare COPY",
                bare,
                target="<= 9x",
                met=seconds <= 9 * bare,
            )
        )
    refused = times.median("bad cell")
    report.figure(
        Figure(
            "a file with one bad cell (its last row in case_id order) refused, the cell named",
            refused,
            "first import",
            first,
            target="<= 1.5x",
            met=refused <= 1.5 * first,
        )
    )
