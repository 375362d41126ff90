"""The case-rate snapshot table's monthly partitions: created ahead, thinned after 36 months.

metrics_caseratesnapshot is partitioned by month of as_of (migration 0004), one partition per
month named metrics_caseratesnapshot_pYYYYMM, plus a DEFAULT partition for any other day. The
nightly job calls prepare_partitions() before it writes a day and apply_retention() after: daily
rows are kept for RETENTION_MONTHS, then only each organisation's last snapshot of the month.
A thinned month is rebuilt into a new partition (…_pYYYYMM_monthly) and swapped in, so no
partition is left with millions of dead rows.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction

TABLE = "metrics_caseratesnapshot"
DEFAULT = f"{TABLE}_default"
RETENTION_MONTHS = 36  # daily snapshots kept this long, then one per organisation and month
AHEAD_MONTHS = 2  # partitions created beyond the day's own month
MONTHLY = "_monthly"


@dataclass(frozen=True)
class Month:
    """One month of snapshots: its first day, the next month's first day, its partition name."""

    start: date

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.replace(day=1))

    @property
    def end(self) -> date:
        return self.start + relativedelta(months=1)

    @property
    def partition(self) -> str:
        return f"{TABLE}_p{self.start:%Y%m}"


def partitions() -> dict[str, str]:
    """Every partition of the snapshot table: name -> its bound (FOR VALUES ...)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass
            """,
            [TABLE],
        )
        return dict(cursor.fetchall())


def _create(cursor, month: Month) -> None:
    """Create a month's partition, first moving its rows out of the DEFAULT partition."""
    bounds = [month.start, month.end]
    cursor.execute(
        f"SELECT EXISTS (SELECT FROM {DEFAULT} WHERE as_of >= %s AND as_of < %s)",  # noqa: S608
        bounds,
    )
    if not cursor.fetchone()[0]:
        cursor.execute(
            f"CREATE TABLE {month.partition} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
            bounds,
        )
        return
    # Attaching checks that DEFAULT holds no row of the month: move them out first.
    cursor.execute(
        f"CREATE TABLE {month.partition} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    # Names are constants; the values are parameters.
    move = f"""
        WITH moved AS (DELETE FROM {DEFAULT} WHERE as_of >= %s AND as_of < %s RETURNING *)
        INSERT INTO {month.partition} SELECT * FROM moved
    """  # noqa: S608
    cursor.execute(move, bounds)
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {month.partition} FOR VALUES FROM (%s) TO (%s)",
        bounds,
    )


def prepare_partitions(*, as_of: date, ahead: int = AHEAD_MONTHS) -> list[str]:
    """Create the partitions of as_of's month and the `ahead` months after it; the new names."""
    existing = set(partitions())
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        for n in range(ahead + 1):
            month = Month.of(as_of + relativedelta(months=n))
            if month.partition in existing or month.partition + MONTHLY in existing:
                continue
            _create(cursor, month)
            created.append(month.partition)
    return created


def _thin(cursor, month: Month) -> int:
    """Rebuild a month's partition with each organisation's last snapshot; rows removed."""
    old, new = month.partition, month.partition + MONTHLY
    cursor.execute(f"SELECT count(*) FROM {old}")  # noqa: S608
    before = cursor.fetchone()[0]
    cursor.execute(f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"INSERT INTO {new} SELECT DISTINCT ON (organization_id) * FROM {old} "  # noqa: S608
        "ORDER BY organization_id, as_of DESC"
    )
    kept = cursor.rowcount
    cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {old}")
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {new} FOR VALUES FROM (%s) TO (%s)",
        [month.start, month.end],
    )
    cursor.execute(f"DROP TABLE {old}")
    return before - kept


def apply_retention(*, as_of: date, months: int = RETENTION_MONTHS) -> int:
    """Keep one snapshot per organisation for each month ended `months` before as_of's month."""
    limit = Month.of(as_of).start - relativedelta(months=months)
    removed = 0
    for name in sorted(partitions()):
        if name == DEFAULT or name.endswith(MONTHLY):
            continue
        month = Month(date(int(name[-6:-2]), int(name[-2:]), 1))
        if month.start < limit:
            with transaction.atomic(), connection.cursor() as cursor:
                removed += _thin(cursor, month)
    return removed
