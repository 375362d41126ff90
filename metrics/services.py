"""Writes for metrics: imports, the nightly case-rate snapshots and rollup rebuilds."""

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from django.db import connection, transaction

from designation.models import Organization
from metrics import recompute, snapshots
from metrics.importers import ImportOutcome, run_import
from metrics.models import ImportRecord
from portal.errors import Forbidden

_RECOMPUTE_LOCK = 0x4D455452_4543  # "METREC": one nightly recompute at a time
_SNAPSHOT_GUARD = 0x4D455452_534E  # "METRSN": organisations are deleted or re-keyed around it


def check_can_import(user, organization: Organization) -> None:
    """Only partner admins of the organisation load its cases and revenue."""
    if not user.has_perm("designation.manage_organization_data", organization):
        raise Forbidden(
            "Only a partner admin of this organisation can import its cases and revenue."
        )


def import_start(*, organization: Organization, kind: str, file_name: str, size: int, by):
    """Record an import about to run (or be queued); the record shows its progress."""
    check_can_import(by, organization)
    return ImportRecord.objects.create(
        organization=organization,
        kind=kind,
        file_name=file_name[:255],
        file_size=size,
        imported_by=by,
    )


def import_file(
    *,
    organization: Organization,
    kind: str,
    fileobj: BinaryIO,
    file_name: str,
    size: int,
    by,
    today: date,
) -> tuple[ImportRecord, ImportOutcome]:
    """Import a cases.csv or revenue.csv now, all or nothing, and record who did it and how."""
    record = import_start(
        organization=organization, kind=kind, file_name=file_name, size=size, by=by
    )
    outcome = run_import(
        kind=kind,
        organization_id=organization.pk,
        fileobj=fileobj,
        size=size,
        today=today,
        record=record,
    )
    return record, outcome


def import_recorded_file(*, record_id: int, path: str, today: date) -> ImportOutcome:
    """Run a queued import from the file saved for it (the Celery task's body)."""
    record = ImportRecord.objects.get(pk=record_id)
    with open(path, "rb") as fileobj:
        return run_import(
            kind=record.kind,
            organization_id=record.organization_id,
            fileobj=fileobj,
            size=record.file_size,
            today=today,
            record=record,
        )


@dataclass(frozen=True)
class RecomputeResult:
    """What the nightly recompute did for a day: organisations covered, snapshots written."""

    as_of: date
    ran: bool
    snapshots: int
    written: int = 0  # new or changed snapshots; a rerun of an unchanged day writes none
    recomputed: int = 0  # summed from rollups; the others copied from the day before

    def __str__(self) -> str:
        if not self.ran:
            return f"Skipped case rates for {self.as_of.isoformat()}: another recompute is running."
        return f"Case rates for {self.as_of.isoformat()}: {self.snapshots} organisations."


# The lock; the guard that deleting or re-keying an organisation and writing rollups wait for
# (the statement reads every organisation itself, so its rows skip the per-row check: migration
# 0010; writers that have not committed are waited for: migration 0012); and for this
# transaction: a work_mem that keeps the 500k-group aggregate and the anti-join's hash in memory
# (4 MB spilled 260 MB to disk), no JIT (compiling costs more than it saves), no nested loops (a
# misestimated anti-join against the day's 500k snapshots went quadratic: minutes instead of
# seconds), whether the day has snapshots yet, and the day last recomputed.
_LOCK_SQL = """
    SELECT pg_try_advisory_xact_lock(%(lock)s), set_config('work_mem', %(work_mem)s, true),
           set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true),
           pg_advisory_xact_lock(%(guard)s), set_config('metrics.snapshots_checked', 'on', true),
           EXISTS (SELECT FROM metrics_caseratesnapshot WHERE as_of = %(as_of)s),
           (SELECT as_of FROM metrics_caseraterun)
"""
RECOMPUTE_WORK_MEM = "256MB"  # with hash_mem_multiplier 2: 500k groups take 270 MB


def recompute_case_rates(*, as_of: date) -> RecomputeResult:
    """Store every organisation's TTM snapshot for as_of in one statement; skip if one runs.

    A new day after the day last recomputed, in the same TTM window, copies the figures of the
    organisations whose rollups were not written since (metrics.recompute).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _LOCK_SQL,
            {
                "lock": _RECOMPUTE_LOCK,
                "guard": _SNAPSHOT_GUARD,
                "work_mem": RECOMPUTE_WORK_MEM,
                "as_of": as_of,
            },
        )
        locked, *_, rerun, last = cursor.fetchone()
        if not locked:
            return RecomputeResult(as_of=as_of, ran=False, snapshots=0)
        sql, params, incremental = recompute.statement(as_of=as_of, last=last, rerun=rerun)
        cursor.execute(sql, params)
        organisations, written, *rest = cursor.fetchone()
        recomputed = rest[0] if incremental else organisations
        return RecomputeResult(
            as_of=as_of,
            ran=True,
            snapshots=organisations,
            written=written,
            recomputed=recomputed,
        )


def nightly_case_rates(*, as_of: date) -> RecomputeResult:
    """The nightly job: the month's partitions ahead, the day's snapshots, then the retention.

    Each step commits on its own (creating a partition locks the whole snapshot table, so not
    for the length of the recompute); a session advisory lock keeps another run out meanwhile.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_RECOMPUTE_LOCK])
        if not cursor.fetchone()[0]:
            return RecomputeResult(as_of=as_of, ran=False, snapshots=0)
        try:
            snapshots.prepare_partitions(as_of=as_of)
            result = recompute_case_rates(as_of=as_of)
            snapshots.apply_retention(as_of=as_of)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_RECOMPUTE_LOCK])
    return result


_REBUILD_SQL = """
    INSERT INTO metrics_monthlyrollup
        (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
    SELECT organization_id, month, sum(cases), sum(csp), sum(acr)
    FROM (
        SELECT organization_id, date_trunc('month', opened_on)::date AS month,
               count(*) AS cases, 0 AS csp, 0 AS acr
        FROM metrics_case WHERE program = 'CSP' AND {cases_filter}
        GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, billing_month, 0,
               coalesce(sum(amount_usd) FILTER (WHERE source = 'CSP'), 0),
               coalesce(sum(amount_usd) FILTER (WHERE source = 'ACR'), 0)
        FROM metrics_revenueline WHERE {revenue_filter}
        GROUP BY 1, 2
    ) AS parts
    GROUP BY organization_id, month
    ON CONFLICT (organization_id, month) DO UPDATE SET
        csp_case_count = EXCLUDED.csp_case_count,
        csp_revenue_usd = EXCLUDED.csp_revenue_usd,
        acr_revenue_usd = EXCLUDED.acr_revenue_usd
    WHERE (metrics_monthlyrollup.csp_case_count, metrics_monthlyrollup.csp_revenue_usd,
           metrics_monthlyrollup.acr_revenue_usd)
        IS DISTINCT FROM (EXCLUDED.csp_case_count, EXCLUDED.csp_revenue_usd,
           EXCLUDED.acr_revenue_usd)
"""


def rebuild_rollups(*, organization_ids: list[int] | None = None) -> int:
    """Recompute monthly rollups from cases and revenue lines (bulk loads); rows changed."""
    if organization_ids is None:
        sql, params = _REBUILD_SQL.format(cases_filter="true", revenue_filter="true"), {}
    else:
        scoped = "organization_id = ANY(%(ids)s)"
        sql = _REBUILD_SQL.format(cases_filter=scoped, revenue_filter=scoped)
        params = {"ids": list(organization_ids)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
