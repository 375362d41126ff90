"""An uploaded CSV file staged for set-based SQL: its header checked, its rows COPYed into a TEMP
table of text columns, COPY's complaints and the rules' findings turned into bad cells.

Shared plumbing of the cases/revenue importer (metrics.importers) and the partner facts feed
(designation.feed): each names its columns, its messages and the exception it raises; what the
rows mean and how they are written stays with them. Rows are numbered as a spreadsheet shows
them: the header is row 1.
"""

import csv
import io
import re
from dataclasses import dataclass
from typing import BinaryIO

import psycopg2

BOM = b"\xef\xbb\xbf"
ERROR_LIMIT = 100  # bad cells listed in an answer; the total is always given
COPY_BUFFER = 1 << 20


class Rejected(Exception):
    """The file (or a row in it) breaks a rule; nothing was changed."""

    def __init__(self, detail: str, errors: list[dict], error_count: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors[:ERROR_LIMIT]
        self.error_count = len(errors) if error_count is None else error_count


def error(row: int | None, column: str, message: str) -> dict:
    """One bad cell as every answer shows it."""
    return {"row": row, "column": column, "message": message}


@dataclass(frozen=True)
class StagedFormat:
    """One kind of file: its table, columns and the words of its refusals."""

    table: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    rejected: type[Rejected]
    empty: str  # the detail for a file without a header row
    not_utf8: tuple[str, str]  # (detail, the header cell's message)
    blank_header_is_empty: bool = False  # a header of blanks is "empty", not an unknown column
    copy_messages: tuple[tuple[str, str], ...] = ()  # (COPY's words, the person's words)
    on_commit_drop: bool = False
    # COPY FREEZE: rows written frozen, so the first read does not set every row's hint bits
    # and write the whole table again. Needs `load` in the (sub)transaction that runs it alone.
    freeze: bool = False


def read_header(fileobj: BinaryIO, spec: StagedFormat) -> list[str]:
    """Consume and check the header row; the stream is left at the first data row."""
    first = fileobj.readline(64 * 1024)
    if first.startswith(BOM):
        first = first[len(BOM) :]
    if spec.blank_header_is_empty and not first.strip():
        raise spec.rejected(spec.empty, [error(1, "", "The header row is missing.")])
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        detail, message = spec.not_utf8
        raise spec.rejected(detail, [error(1, "", message)]) from exc
    names = [name.strip().lower() for name in next(csv.reader(io.StringIO(text)), [])]
    if not names:
        raise spec.rejected(spec.empty, [error(1, "", "The header row is missing.")])
    known = ", ".join(spec.columns)
    errors = [
        error(1, name, f"Unknown column “{name}”. The columns are: {known}.")
        for name in names
        if name not in spec.columns
    ]
    errors += [
        error(1, name, f"The column “{name}” appears more than once.")
        for index, name in enumerate(names)
        if name in names[:index] and name in spec.columns
    ]
    errors += [
        error(1, name, f"The required column “{name}” is missing.")
        for name in spec.required
        if name not in names
    ]
    if errors:
        raise spec.rejected("The header row does not match the file's format.", errors)
    return names


def _copy_error(exc: psycopg2.Error, spec: StagedFormat) -> Rejected:
    """Turn COPY's complaint about the file into a row and a message a person can act on."""
    primary = getattr(exc.diag, "message_primary", None) or str(exc)
    line = re.search(r"line (\d+)", getattr(exc.diag, "context", None) or "")
    row = int(line.group(1)) + 1 if line else None  # COPY counts from the row after the header
    message = next(
        (text for needle, text in spec.copy_messages if needle in primary),
        f"This row could not be read ({primary}).",
    )
    return spec.rejected("The file could not be read as CSV.", [error(row, "", message)])


def load(cursor, fileobj: BinaryIO, names: list[str], spec: StagedFormat) -> int:
    """Create the TEMP staging table and COPY the rest of the stream into it; the row count."""
    cursor.execute(f"DROP TABLE IF EXISTS {spec.table}")
    columns = ", ".join(f"{name} text" for name in spec.columns)
    drop = " ON COMMIT DROP" if spec.on_commit_drop else ""
    cursor.execute(f"CREATE TEMP TABLE {spec.table} ({columns}){drop}")
    freeze = ", FREEZE" if spec.freeze else ""
    copy = (
        f"COPY {spec.table} ({', '.join(names)}) FROM STDIN "
        f"WITH (FORMAT csv, HEADER false, ENCODING 'UTF8'{freeze})"
    )
    try:
        cursor.copy_expert(copy, fileobj, COPY_BUFFER)
    except psycopg2.DataError as exc:
        raise _copy_error(exc, spec) from exc
    return cursor.rowcount


def bad_cells(cursor, sql: str, params: dict) -> tuple[list[dict], int]:
    """Run a validation query answering (row, column, message, total) rows: the first bad
    cells (ERROR_LIMIT of them, passed as %(limit)s) and their total; ([], 0) for a good file."""
    cursor.execute(sql, {**params, "limit": ERROR_LIMIT})
    found = cursor.fetchall()
    if not found:
        return [], 0
    return [error(row, column, message) for row, column, message, _ in found], found[0][3]
