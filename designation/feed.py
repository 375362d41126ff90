"""The partner facts feed: one CSV file of one fact kind for every partner at once.

The file streams into a TEMP staging table with COPY; one set-based statement names every bad
cell; a good file is written by a handful of set-based statements, each change kept in the
facts' history. All or nothing; re-importing the same file changes nothing but the
confirmation time. No query runs per partner. Used by the command, the admin page and the API.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import BinaryIO

import psycopg2
from django.db import connection, transaction
from django.utils import timezone

from designation.feedsql import KINDS, STAGE, TYPED, typed_sql, validate_sql, write_statements
from portal.errors import Forbidden

BOM = b"\xef\xbb\xbf"
ERROR_LIMIT = 100
MAX_BYTES = 200 * 1024 * 1024
_FEED_LOCK = 0x46454544  # "FEED": one feed import at a time
_COPY_BUFFER = 1 << 20


class FeedRejected(Exception):
    """The file (or rows in it) breaks a rule; nothing was changed."""

    def __init__(self, detail: str, errors: list[dict], error_count: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors[:ERROR_LIMIT]
        self.error_count = len(errors) if error_count is None else error_count


@dataclass
class FeedOutcome:
    """What a feed import did: counts when it succeeded, every bad row when it was refused."""

    ok: bool
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    detail: str = ""
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def as_response(self) -> dict:
        if self.ok:
            return {
                "kind": self.kind,
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "removed": self.removed,
                "unchanged": self.unchanged,
            }
        return {"detail": self.detail, "errors": self.errors, "error_count": self.error_count}


def _error(row, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def check_may_import(user) -> None:
    """Only program admins load the feed (the command runs as the system)."""
    if user is not None and not user.has_perm("designation.import_partner_facts"):
        raise Forbidden("Only a program admin can import the partner facts feed.")


def read_header(fileobj: BinaryIO, kind) -> list[str]:
    """Consume and check the header row; the stream is left at the first data row."""
    first = fileobj.readline(64 * 1024)
    if first.startswith(BOM):
        first = first[len(BOM) :]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FeedRejected(
            "The file is not UTF-8 text.", [_error(1, "", "Not UTF-8 text.")]
        ) from exc
    names = [name.strip().lower() for name in next(csv.reader(io.StringIO(text)), [])]
    if not names:
        raise FeedRejected(
            f"The file is empty. {kind.file_name} starts with a header row: "
            f"{', '.join(kind.names)}.",
            [_error(1, "", "The header row is missing.")],
        )
    errors = [
        _error(1, name, f"Unknown column “{name}”. The columns are: {', '.join(kind.names)}.")
        for name in names
        if name not in kind.names
    ]
    errors += [
        _error(1, name, f"The column “{name}” appears more than once.")
        for index, name in enumerate(names)
        if name in names[:index] and name in kind.names
    ]
    errors += [
        _error(1, name, f"The required column “{name}” is missing.")
        for name in kind.required
        if name not in names
    ]
    if errors:
        raise FeedRejected("The header row does not match the file's format.", errors)
    return names


def _copy_error(exc: psycopg2.Error) -> FeedRejected:
    primary = getattr(exc.diag, "message_primary", None) or str(exc)
    line = re.search(r"line (\d+)", getattr(exc.diag, "context", None) or "")
    row = int(line.group(1)) + 1 if line else None
    return FeedRejected(
        "The file could not be read as CSV.",
        [_error(row, "", f"This row could not be read ({primary}).")],
    )


def _load(cursor, fileobj: BinaryIO, names: list[str], kind) -> int:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    columns = ", ".join(f"{name} text" for name in kind.names)
    cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns}) ON COMMIT DROP")
    copy = (
        f"COPY {STAGE} ({', '.join(names)}) FROM STDIN "
        "WITH (FORMAT csv, HEADER false, ENCODING 'UTF8')"
    )
    try:
        cursor.copy_expert(copy, fileobj, _COPY_BUFFER)
    except psycopg2.DataError as exc:
        raise _copy_error(exc) from exc
    return cursor.rowcount


def _validate(cursor, kind) -> None:
    cursor.execute(validate_sql(kind), {"limit": ERROR_LIMIT})
    found = cursor.fetchall()
    if found:
        total = found[0][3]
        raise FeedRejected(
            f"The file was not imported: {total} error{'s' if total != 1 else ''}. "
            "Correct them and import it again; nothing was changed.",
            [_error(row, column, message) for row, column, message, _ in found],
            total,
        )


def run_feed(*, kind: str, fileobj: BinaryIO, size: int, by=None) -> FeedOutcome:
    """Import one feed file of `kind` (accounts, solutions_partner, csp, support_contracts)."""
    check_may_import(by)
    if kind not in KINDS:
        choices = ", ".join(KINDS)
        return FeedOutcome(ok=False, kind=kind, detail=f"Unknown kind “{kind}”: one of {choices}.")
    spec = KINDS[kind]
    rows = 0
    try:
        if size > MAX_BYTES:
            raise FeedRejected(f"The file is larger than {MAX_BYTES // 1_048_576} MB.", [])
        names = read_header(fileobj, spec)
        counts = {"created": 0, "updated": 0, "removed": 0}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])
            rows = _load(cursor, fileobj, names, spec)
            if rows == 0:
                raise FeedRejected("The file has a header row but no data rows.", [])
            _validate(cursor, spec)
            cursor.execute(f"DROP TABLE IF EXISTS {TYPED}")
            cursor.execute(typed_sql(spec))
            params = {"by": getattr(by, "pk", None), "now": timezone.now()}
            for counter, sql in write_statements(spec):
                cursor.execute(sql, params)
                if counter:
                    counts[counter] += cursor.rowcount
    except FeedRejected as exc:
        return FeedOutcome(
            ok=False,
            kind=kind,
            rows=rows,
            detail=exc.detail,
            errors=exc.errors,
            error_count=exc.error_count,
        )
    unchanged = rows - counts["created"] - counts["updated"]
    return FeedOutcome(
        ok=True,
        kind=kind,
        rows=rows,
        unchanged=unchanged,
        detail=f"{rows} rows imported: {counts['created']} new, {counts['updated']} changed, "
        f"{counts['removed']} removed, {unchanged} unchanged.",
        **counts,
    )
