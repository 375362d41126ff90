"""The one importer for cases.csv and revenue.csv (SPEC section 5), used by pages, API and tasks.

The file streams into a TEMP staging table with PostgreSQL COPY; one statement writes every row
(a plain INSERT into an organisation without rows, otherwise an upsert of the rows that differ),
or fails on the first bad one (see metrics.importsql); after a failure
the rules run as set-based SQL to list every bad cell. The organisation's rollups are then
recomputed. All or nothing: any bad row and nothing changes. No query runs per row.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from designation.models import Organization
from metrics.import_changes import ImportChanges, window_rate
from metrics.importsql import KINDS, STAGE, ImportKind
from metrics.models import ImportRecord
from portal import staging

_IMPORT_LOCK = 0x4D49  # first key of the per-organisation import advisory lock ("MI")
FAILED = "The import failed because of a fault on our side; nothing was changed. Try again later."


class ImportRejected(staging.Rejected):
    """The file (or a row in it) breaks a rule; nothing was changed."""


@dataclass
class ImportOutcome:
    """What an import did: counts when it succeeded, the errors when it was refused."""

    ok: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    detail: str = ""
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    changes: dict = field(default_factory=dict)  # per month, and the case rate before and after

    def as_response(self) -> dict:
        """The API's answer: counts (200) or detail, errors and their total (400)."""
        if self.ok:
            return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        return {"detail": self.detail, "errors": self.errors, "error_count": self.error_count}


_COPY_MESSAGES = (
    ("extra data after last expected column", "This row has more values than the header."),
    ("missing data for column", "This row has fewer values than the header."),
    ("unterminated CSV quoted field", "A quoted value is not closed."),
    ("invalid byte sequence", "This row is not valid UTF-8 text."),
)


def _staged(kind: ImportKind) -> staging.StagedFormat:
    """How a file of `kind` is staged, and the words of its refusals."""
    return staging.StagedFormat(
        table=STAGE,
        columns=kind.columns,
        required=kind.required,
        rejected=ImportRejected,
        empty=f"The file is empty. Upload {kind.file_name} with a header row "
        f"({', '.join(kind.columns)}) and one row per line.",
        not_utf8=(
            "The file is not UTF-8 text. Save it as CSV UTF-8 and upload it again.",
            "The header row is not UTF-8 text.",
        ),
        blank_header_is_empty=True,
        copy_messages=_COPY_MESSAGES,
        freeze=True,  # run_import loads in a transaction (or savepoint) of its own
    )


def read_header(fileobj: BinaryIO, kind: ImportKind) -> list[str]:
    """Consume and check the header row; the stream is left at the first data row."""
    return staging.read_header(fileobj, _staged(kind))


def _validate(cursor, kind: ImportKind, today: date) -> None:
    """Run every rule over the staging table; raise with the first errors and the total."""
    errors, total = staging.bad_cells(cursor, kind.validate_sql, {"today": today})
    if errors:
        noun = "row has an error" if total == 1 else "errors were found"
        raise ImportRejected(
            f"The file was not imported: {total} {noun}. Correct them and upload it again; "
            "nothing was changed.",
            errors,
            total,
        )


def _save(
    cursor, kind: ImportKind, organization_id: int, today: date
) -> tuple[int, int, ImportChanges]:
    """Write every staged row and recompute the rollups; (created, updated, what changed per
    month). Rejects bad files."""
    params = {"org": organization_id, "today": today}
    with transaction.atomic():
        # One import per organisation at a time: the rollups are recomputed from its rows.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, organization_id % 2**31]
        )
        cursor.execute(kind.prepare_sql, params)
        found = cursor.fetchone()
        if found is None:
            raise Organization.DoesNotExist(f"Organisation {organization_id} does not exist.")
        first = bool(kind.insert_sql) and not found[2]
        rate_before = window_rate(cursor, organization_id, today)
        try:
            with transaction.atomic():
                if first:  # nothing to compare with: a plain sorted INSERT, rollups with it
                    cursor.execute(kind.insert_sql, params)
                    file_rows = cursor.fetchall()
                    created, updated = sum(rows for _, rows in file_rows), 0
                    rollups_move = False  # written by the same statement
                    written = None  # every row of the file is new
                else:
                    cursor.execute(kind.upsert_sql, params)
                    row = cursor.fetchone()
                    created, updated, written = row[0], row[1], row[-1]
                    # The cases upsert says whether any rollup can change; revenue always does.
                    rollups_move = row[2] if len(row) > 3 else bool(created or updated)
        except DatabaseError:
            _validate(cursor, kind, today)  # names every bad cell and raises ImportRejected
            raise  # no rule explains the failure: a fault, not the file's
        if not first:
            cursor.execute(kind.changes_sql, params)  # rows per month of the file
            file_rows = cursor.fetchall()
        changes = ImportChanges.of(_per_month(file_rows, written), today, rate_before)
        if rollups_move:
            cursor.execute(kind.rollup_sql, params)
        changes.case_rate_after = window_rate(cursor, organization_id, today)
    return created, updated, changes


def _per_month(file_rows, written) -> list[tuple]:
    """(month, rows, created, changed) for each month of the file; `written` is the upsert's
    [[month, created, changed], ...], or None when every row was new."""
    if written is None:
        return [(month, rows, rows, 0) for month, rows in file_rows]
    wrote = {date.fromisoformat(str(m)[:10]): (c, u) for m, c, u in written}
    return [(month, rows, *wrote.get(month, (0, 0))) for month, rows in file_rows]


def _progress(record: ImportRecord | None, status: str, progress: int, **fields) -> None:
    if record is None:
        return
    record.status, record.progress = status, progress
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=["status", "progress", *fields])


def run_import(
    *,
    kind: str,
    organization_id: int,
    fileobj: BinaryIO,
    size: int,
    today: date,
    record: ImportRecord | None = None,
) -> ImportOutcome:
    """Import one CSV file into one organisation: all rows or none. Records the outcome."""
    spec = KINDS[kind]
    rows = 0
    try:
        if size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise ImportRejected(
                f"The file is larger than {limit} MB. Split it and import each part.", []
            )
        if size == 0:
            raise ImportRejected(
                f"The file is empty. Upload {spec.file_name} with a header row "
                f"({', '.join(spec.columns)}) and one row per line.",
                [],
            )
        _progress(record, ImportRecord.Status.LOADING, 10)
        names = read_header(fileobj, spec)
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    rows = staging.load(cursor, fileobj, names, _staged(spec))
                if rows == 0:
                    raise ImportRejected(
                        "The file has a header row but no data rows: nothing to import.", []
                    )
                _progress(record, ImportRecord.Status.SAVING, 40, rows=rows)
                created, updated, changes = _save(cursor, spec, organization_id, today)
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    except ImportRejected as exc:
        outcome = ImportOutcome(
            ok=False, rows=rows, detail=exc.detail, errors=exc.errors, error_count=exc.error_count
        )
    except Exception:
        # Not the file's fault: record that nothing changed, and let the error be reported.
        _finish(record, ImportOutcome(ok=False, rows=rows, detail=FAILED))
        raise
    else:
        outcome = ImportOutcome(
            ok=True,
            rows=rows,
            created=created,
            updated=updated,
            unchanged=rows - created - updated,
            changes=changes.as_dict(),
            detail=f"{rows} row{'s' if rows != 1 else ''} imported: {created} new, "
            f"{updated} changed, "
            f"{rows - created - updated} unchanged.",
        )
    _finish(record, outcome)
    return outcome


def _finish(record: ImportRecord | None, outcome: ImportOutcome) -> None:
    if record is None:
        return
    _progress(
        record,
        ImportRecord.Status.DONE,
        100,
        outcome=ImportRecord.Outcome.OK if outcome.ok else ImportRecord.Outcome.REJECTED,
        rows=outcome.rows,
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        error_count=outcome.error_count,
        errors=outcome.errors,
        detail=outcome.detail[:500],
        finished_at=timezone.now(),
        changes=outcome.changes,
    )
