"""The shape of an importable file (metrics.importsql has the two kinds): its columns, its rules
as SQL over the staged text, its writes, and the SQL helpers the kinds share.

A staged file (text columns, in file order) is written by ONE statement whose SELECT turns any
value breaking a rule into NULL (or a cast error, or a repeated key): a bad file therefore fails
that statement, which is rolled back. Only then do the rules run one by one, as set-based SQL
over the numbered staging rows, to name every bad cell (row, column, message). Rows are numbered
as a spreadsheet shows them: the header is row 1.
"""

from dataclasses import dataclass

STAGE = "metrics_import_stage"
IMPORT_WORK_MEM = "160MB"  # a 50 MB file (the upload limit) sorts in memory


def quoted(value: str) -> str:
    """A value echoed in a message: shortened, in curly quotes."""
    return f"'“' || left({value}, 40) || '”'"


def is_date(text: str) -> str:
    """True when `text` is a real calendar day written YYYY-MM-DD, without raising (no regex)."""
    year, month, day = f"substr({text}, 1, 4)", f"substr({text}, 6, 2)", f"substr({text}, 9, 2)"
    y = f"{year}::int"
    leap = f"(mod({y}, 4) = 0 AND (mod({y}, 100) <> 0 OR mod({y}, 400) = 0))"
    return (
        f"(CASE WHEN translate({text}, '0123456789', '##########') = '####-##-##' "
        f"AND {year} >= '0001' AND {month} BETWEEN '01' AND '12' AND {day} >= '01' "
        f"THEN {day} <= CASE WHEN {month} IN ('04', '06', '09', '11') THEN '30' "
        f"WHEN {month} <> '02' THEN '31' WHEN {leap} THEN '29' ELSE '28' END "
        "ELSE false END)"
    )


def is_month(text: str) -> str:
    return f"({text} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$' AND {text} >= '0001')"


def one_of(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


@dataclass(frozen=True)
class ImportKind:
    """One importable file: its columns, its rules, its single-statement write and its rollups."""

    file_name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    normalised: str  # SELECT list naming each column's trimmed, empty-as-NULL value
    checks: tuple[tuple[str, str], ...]  # (column, CASE ... THEN message END)
    key: tuple[str, ...]
    upsert_sql: str  # counts (created, updated); fails on any bad row
    rollup_sql: str  # the organisation's rollup columns this kind feeds, recomputed
    changes_sql: str = ""  # per month of the file: (month, rows, written new, written changed)
    # A plain INSERT for an organisation with no rows yet, which also writes the rollups and
    # answers (month, rows) for each month of the file; fails likewise.
    insert_sql: str = ""
    table: str = ""  # the table insert_sql writes, to ask whether the organisation has rows

    @property
    def prepare_sql(self) -> str:
        """Lock the organisation once for the statement, set the session for the write, and
        answer whether the organisation has rows yet (no row at all: it does not exist).

        FOR KEY SHARE until commit keeps the organisation from being deleted or re-keyed;
        naming it in metrics.checked_organization lets its cases skip the per-row trigger
        (migration 0003); ::date::text reads a day back as YYYY-MM-DD only under DateStyle ISO;
        no hash joins: the upsert's rows come sorted by case_id and merge with the unique index
        (a hash join spilled the 1M staged rows to disk in batches: measured 25% slower);
        no JIT (compiling the write took 0.6 s of a 1M-row import, to save nothing); a
        work_mem that sorts 1M staged rows in memory (4 MB: an external merge on disk).
        """
        has_rows = (
            f"EXISTS (SELECT FROM {self.table} WHERE organization_id = o.id)"
            if self.table
            else "true"
        )
        return f"""
            SELECT set_config('DateStyle', 'ISO', true),
                   set_config('metrics.checked_organization', o.id::text, true), {has_rows},
                   set_config('enable_hashjoin', 'off', true), set_config('jit', 'off', true),
                   set_config('work_mem', '{IMPORT_WORK_MEM}', true)
            FROM designation_organization o WHERE o.id = %(org)s FOR KEY SHARE
        """  # noqa: S608 (built from constants; values are parameters)

    @property
    def validate_sql(self) -> str:
        """Every bad cell (row, column, message), first ERROR_LIMIT by row, with the total."""
        order = {name: index for index, name in enumerate(self.columns)}
        messages = ", ".join(
            f"{expression} AS m{n}" for n, (_, expression) in enumerate(self.checks)
        )
        any_message = " OR ".join(f"m{n} IS NOT NULL" for n in range(len(self.checks)))
        cells = ", ".join(
            f"({order[column]}, '{column}', m{n})" for n, (column, _) in enumerate(self.checks)
        )
        key = ", ".join(self.key)
        shown_key = " || ' ' || ".join(f"coalesce({name}, '')" for name in self.key)
        # A fresh temporary table filled by one COPY keeps the file's order in its ctid. Every
        # rule runs once per row (OFFSET 0 keeps them from being inlined twice); only the rows
        # with a message are then turned into one row per bad cell.
        return f"""
            WITH v AS (
                SELECT row_number() OVER (ORDER BY ctid) AS row_no, {self.normalised}
                FROM {STAGE}
            ),
            bad AS (
                SELECT flagged.row_no, c.position, c.column_name, c.message
                FROM (
                    SELECT * FROM (SELECT row_no, {messages} FROM v OFFSET 0) AS each_row
                    WHERE {any_message}
                ) AS flagged
                CROSS JOIN LATERAL (VALUES {cells}) AS c(position, column_name, message)
                WHERE c.message IS NOT NULL
                UNION ALL
                SELECT row_no, {order[self.key[0]]}, '{self.key[0]}',
                       'The same {" and ".join(self.key)} (' || {shown_key}
                       || ') is already on row ' || (first_row + 1) || ' of this file.'
                FROM (
                    SELECT row_no, {key},
                           min(row_no) OVER (PARTITION BY {key}) AS first_row
                    FROM v WHERE {" AND ".join(f"{name} IS NOT NULL" for name in self.key)}
                ) AS keyed
                WHERE row_no > first_row
            )
            SELECT row_no + 1, column_name, message, count(*) OVER ()
            FROM bad ORDER BY row_no, position LIMIT %(limit)s
        """  # noqa: S608 (built from constants; values are parameters)


# Each staged row once: trimmed (fenced by OFFSET 0), the day cast once. A value breaking a rule
# raises right there (metrics_import_refused, migration 0003), before any row is sorted or
# written, so a bad file fails fast; validate_sql then names every bad cell.
def refused(value: str) -> str:
    return f"metrics_import_refused({value})"


# What the upsert wrote, per month: [[month, created, changed], ...] (one small aggregate).
WRITTEN_PER_MONTH = """(
    SELECT coalesce(json_agg(json_build_array(month, created, changed)), '[]')
    FROM (SELECT month, count(*) FILTER (WHERE inserted) AS created,
                 count(*) FILTER (WHERE NOT inserted) AS changed
          FROM upserted GROUP BY month) AS per_month
)"""
