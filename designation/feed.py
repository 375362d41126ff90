"""The partner facts feed: one CSV file of one fact kind for every partner at once.

The file streams into a TEMP staging table with COPY; one set-based statement names every bad
cell; a good file is written by a handful of set-based statements, each change kept in the
facts' history. All or nothing; re-importing the same file changes nothing but the
confirmation time. No query runs per partner. Used by the command, the admin page and the API.
"""

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone

from designation.feedsql import KINDS, STAGE, TYPED, typed_sql, validate_sql, write_statements
from portal import staging
from portal.errors import Forbidden

MAX_BYTES = 200 * 1024 * 1024
_FEED_LOCK = 0x46454544  # "FEED": one feed import at a time


class FeedRejected(staging.Rejected):
    """The file (or rows in it) breaks a rule; nothing was changed."""


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


def check_may_import(user) -> None:
    """Only program admins load the feed (the command runs as the system)."""
    if user is not None and not user.has_perm("designation.import_partner_facts"):
        raise Forbidden("Only a program admin can import the partner facts feed.")


def _staged(kind) -> staging.StagedFormat:
    """How a feed file of `kind` is staged (dropped at commit), and the words of its refusals."""
    return staging.StagedFormat(
        table=STAGE,
        columns=kind.names,
        required=kind.required,
        rejected=FeedRejected,
        empty=f"The file is empty. {kind.file_name} starts with a header row: "
        f"{', '.join(kind.names)}.",
        not_utf8=("The file is not UTF-8 text.", "Not UTF-8 text."),
        on_commit_drop=True,
    )


def read_header(fileobj: BinaryIO, kind) -> list[str]:
    """Consume and check the header row; the stream is left at the first data row."""
    return staging.read_header(fileobj, _staged(kind))


def _validate(cursor, kind) -> None:
    errors, total = staging.bad_cells(cursor, validate_sql(kind), {})
    if errors:
        raise FeedRejected(
            f"The file was not imported: {total} error{'s' if total != 1 else ''}. "
            "Correct them and import it again; nothing was changed.",
            errors,
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
            rows = staging.load(cursor, fileobj, names, _staged(spec))
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
