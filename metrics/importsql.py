"""The SQL of the importer: per file kind, its columns, its rules, its writes and its rollups.

A staged file (text columns, in file order) is written by ONE statement whose SELECT turns any
value breaking a rule into NULL (or a cast error, or a repeated key): a bad file therefore fails
that statement, which is rolled back. Only then do the rules run one by one, as set-based SQL
over the numbered staging rows, to name every bad cell (row, column, message). A good file is
read once; a bad one is explained in full. Values are trimmed; an empty value is a missing one.
Rows are numbered as a spreadsheet shows them: the header is row 1.

Cases have two writes (measured on 1M rows, see bench/RESULTS.md): a plain INSERT sorted by
case_id when the organisation has no cases yet (the unique index refuses a repeated case ID), and
otherwise an upsert that first drops, by an anti-join on the unique index, every row equal to the
stored one, so that a re-import writes (and locks, and WAL-logs) nothing. Trimmed values are
computed once (OFFSET 0 keeps the planner from inlining them into every use), and a day is
checked without a regex: under DateStyle ISO a YYYY-MM-DD day is ten characters that read back
unchanged through ::date::text.
"""

from dataclasses import dataclass

from metrics import rules
from portal.bounds import REVENUE_AMOUNT

STAGE = "metrics_import_stage"
_MONTH = r"'^\d{4}-\d\d$'"
_AMOUNT = r"'^\d+(\.\d{1,2})?$'"  # beyond bounds.REVENUE_AMOUNT the table's check refuses it


def _quoted(value: str) -> str:
    """A value echoed in a message: shortened, in curly quotes."""
    return f"'“' || left({value}, 40) || '”'"


def _is_date(text: str) -> str:
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


def _is_month(text: str) -> str:
    return f"({text} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$' AND {text} >= '0001')"


def _one_of(values: tuple[str, ...]) -> str:
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
    insert_sql: str = ""  # a plain INSERT for an organisation with no rows yet; fails likewise
    table: str = ""  # the table insert_sql writes, to ask whether the organisation has rows

    @property
    def prepare_sql(self) -> str:
        """Lock the organisation once for the statement, set the session for the write, and
        answer whether the organisation has rows yet (no row at all: it does not exist).

        FOR KEY SHARE until commit keeps the organisation from being deleted or re-keyed;
        naming it in metrics.checked_organization lets its cases skip the per-row trigger
        (migration 0003); ::date::text reads a day back as YYYY-MM-DD only under DateStyle ISO;
        no hash joins: the upsert's rows come sorted by case_id and merge with the unique index
        (a hash join spilled the 1M staged rows to disk in batches: measured 25% slower).
        """
        has_rows = (
            f"EXISTS (SELECT FROM {self.table} WHERE organization_id = o.id)"
            if self.table
            else "true"
        )
        return f"""
            SELECT set_config('DateStyle', 'ISO', true),
                   set_config('metrics.checked_organization', o.id::text, true), {has_rows},
                   set_config('enable_hashjoin', 'off', true)
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


_CASE_VALUES = """
    NULLIF(btrim(case_id), '') COLLATE "C" AS case_id,
    NULLIF(btrim(opened_on), '') AS opened_on,
    upper(NULLIF(btrim(program), '')) AS program,
    coalesce(btrim(customer_tenant_id), '') AS customer_tenant_id,
    upper(coalesce(btrim(severity), '')) AS severity,
    coalesce(btrim(title), '') AS title
"""


# Each staged row once: trimmed (fenced by OFFSET 0), the day cast once. A value breaking a rule
# raises right there (metrics_import_refused, migration 0003), before any row is sorted or
# written, so a bad file fails fast; validate_sql then names every bad cell.
def _refused(value: str) -> str:
    return f"metrics_import_refused({value})"


_CASE_CHECKED = f"""
    SELECT CASE WHEN length(case_id) <= 64 THEN case_id ELSE {_refused("case_id")} END
               AS case_id,
           CASE WHEN length(opened_on) = 10 AND day::text = opened_on AND day <= %(today)s
                THEN day ELSE {_refused("day")} END AS opened_on,
           CASE WHEN program IN {_one_of(rules.CASE_PROGRAMS)} THEN program
                ELSE {_refused("program")} END AS program,
           CASE WHEN length(customer_tenant_id) <= 100 THEN customer_tenant_id
                ELSE {_refused("customer_tenant_id")} END AS customer_tenant_id,
           CASE WHEN severity IN ('', {_one_of(rules.SEVERITIES)[1:]} THEN severity
                ELSE {_refused("severity")} END AS severity,
           CASE WHEN length(title) <= 500 THEN title ELSE {_refused("title")} END AS title
    FROM (
        SELECT *, opened_on::date AS day
        FROM (SELECT {_CASE_VALUES} FROM {STAGE} OFFSET 0) AS trimmed OFFSET 0
    ) AS typed
"""  # noqa: S608 (built from constants)

# What the upsert wrote, per month: [[month, created, changed], ...] (one small aggregate).
_WRITTEN_PER_MONTH = """(
    SELECT coalesce(json_agg(json_build_array(month, created, changed)), '[]')
    FROM (SELECT month, count(*) FILTER (WHERE inserted) AS created,
                 count(*) FILTER (WHERE NOT inserted) AS changed
          FROM upserted GROUP BY month) AS per_month
)"""


CASES = ImportKind(
    file_name="cases.csv",
    columns=("case_id", "opened_on", "program", "customer_tenant_id", "severity", "title"),
    required=("case_id", "opened_on", "program"),
    normalised=_CASE_VALUES,
    checks=(
        (
            "case_id",
            "CASE WHEN case_id IS NULL THEN 'A case ID is required.' "
            "WHEN length(case_id) > 64 THEN 'A case ID is 1 to 64 characters; this one has ' "
            "|| length(case_id) || '.' END",
        ),
        (
            "opened_on",
            "CASE WHEN opened_on IS NULL THEN 'The opening date is required.' "
            f"WHEN NOT {_is_date('opened_on')} THEN {_quoted('opened_on')} "
            "|| ' is not a date in the form YYYY-MM-DD.' "
            f"WHEN opened_on > to_char(%(today)s::date, 'YYYY-MM-DD') THEN {_quoted('opened_on')} "
            "|| ' is in the future.' END",
        ),
        (
            "program",
            "CASE WHEN program IS NULL THEN 'The program is required (CSP, EA, MCA or OTHER).' "
            f"WHEN program NOT IN {_one_of(rules.CASE_PROGRAMS)} THEN {_quoted('program')} "
            "|| ' is not a program: use CSP, EA, MCA or OTHER.' END",
        ),
        (
            "customer_tenant_id",
            "CASE WHEN length(customer_tenant_id) > 100 "
            "THEN 'A customer tenant ID is at most 100 characters.' END",
        ),
        (
            "severity",
            f"CASE WHEN severity <> '' AND severity NOT IN {_one_of(rules.SEVERITIES)} "
            f"THEN {_quoted('severity')} || ' is not a severity: use A, B, C or leave it empty.' "
            "END",
        ),
        (
            "title",
            "CASE WHEN length(title) > 500 THEN 'A title is at most 500 characters; this one has ' "
            "|| length(title) || '.' END",
        ),
    ),
    key=("case_id",),
    # A bad value raises in _CASE_CHECKED; a repeated case ID breaks the unique index (INSERT)
    # or, in the upsert, is refused when equal to the previous one in case_id order. Sorting
    # by case_id ("C" order, the column's) lets the unique index grow at its right edge and
    # feeds the anti-join in index order.
    table="metrics_case",
    insert_sql=f"""
        INSERT INTO metrics_case
            (organization_id, case_id, opened_on, program, customer_tenant_id, severity, title)
        SELECT %(org)s, case_id, opened_on, program, customer_tenant_id, severity, title
        FROM ({_CASE_CHECKED}) AS v
        ORDER BY case_id
    """,  # noqa: S608 (built from constants; values are parameters)
    # The rows that are new or differ from the stored ones (an anti-join on the unique index),
    # with what they replace; a re-import leaves none, so it writes and locks nothing. The
    # rollups are recomputed only when a case is new in CSP, or moved month or program.
    # Per month of the file, its rows (the write statement says which it created or changed).
    changes_sql=f"""
        SELECT date_trunc('month', NULLIF(btrim(opened_on), '')::date)::date, count(*)
        FROM {STAGE} GROUP BY 1 ORDER BY 1
    """,  # noqa: S608 (built from constants; values are parameters)
    upsert_sql=f"""
        WITH changed AS MATERIALIZED (
            SELECT v.*, m.case_id IS NULL AS new_case,
                   date_trunc('month', m.opened_on) AS old_month, m.program AS old_program
            FROM (
                SELECT *, lag(case_id) OVER (ORDER BY case_id) AS previous
                FROM ({_CASE_CHECKED}) AS checked
            ) AS v
            LEFT JOIN metrics_case AS m
                ON m.organization_id = %(org)s AND m.case_id = v.case_id
            WHERE m.case_id IS NULL OR v.case_id IS NOT DISTINCT FROM v.previous
               OR (m.opened_on, m.program, m.customer_tenant_id, m.severity, m.title)
                  IS DISTINCT FROM (v.opened_on, v.program, v.customer_tenant_id, v.severity,
                  v.title)
        ),
        upserted AS (
            INSERT INTO metrics_case AS c
                (organization_id, case_id, opened_on, program, customer_tenant_id, severity, title)
            SELECT %(org)s,
                   CASE WHEN case_id IS DISTINCT FROM previous THEN case_id
                        ELSE {_refused("case_id")} END,
                   opened_on, program, customer_tenant_id, severity, title
            FROM changed
            ORDER BY case_id
            ON CONFLICT (organization_id, case_id) DO UPDATE SET
                opened_on = EXCLUDED.opened_on, program = EXCLUDED.program,
                customer_tenant_id = EXCLUDED.customer_tenant_id,
                severity = EXCLUDED.severity, title = EXCLUDED.title
            WHERE (c.opened_on, c.program, c.customer_tenant_id, c.severity, c.title)
                IS DISTINCT FROM (EXCLUDED.opened_on, EXCLUDED.program,
                EXCLUDED.customer_tenant_id, EXCLUDED.severity, EXCLUDED.title)
            RETURNING (xmax = 0) AS inserted, date_trunc('month', opened_on)::date AS month
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               (SELECT coalesce(bool_or(CASE WHEN new_case THEN program = 'CSP'
                    ELSE old_month IS DISTINCT FROM date_trunc('month', opened_on)
                      OR (old_program = 'CSP') IS DISTINCT FROM (program = 'CSP') END), false)
                FROM changed),
               {_WRITTEN_PER_MONTH}
        FROM upserted
    """,  # noqa: S608 (built from constants; values are parameters)
    # Every month of the organisation, so a case moved to another month leaves its old one.
    rollup_sql="""
        WITH counted AS (
            SELECT date_trunc('month', opened_on)::date AS month, count(*) AS cases
            FROM metrics_case WHERE organization_id = %(org)s AND program = 'CSP'
            GROUP BY 1
        ),
        months AS (
            SELECT month FROM counted
            UNION SELECT month FROM metrics_monthlyrollup WHERE organization_id = %(org)s
        )
        INSERT INTO metrics_monthlyrollup AS r
            (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
        SELECT %(org)s, months.month, coalesce(counted.cases, 0), 0, 0
        FROM months LEFT JOIN counted USING (month)
        ON CONFLICT (organization_id, month) DO UPDATE
            SET csp_case_count = EXCLUDED.csp_case_count
            WHERE r.csp_case_count <> EXCLUDED.csp_case_count
    """,
)

_AMOUNT_WORDS = f"give {REVENUE_AMOUNT.words()}, e.g. 1234.56."
_REVENUE_VALUES = """
    NULLIF(btrim(billing_month), '') AS billing_month,
    upper(NULLIF(btrim(source), '')) AS source,
    NULLIF(btrim(amount_usd), '') AS amount_usd
"""

REVENUE = ImportKind(
    file_name="revenue.csv",
    columns=("billing_month", "source", "amount_usd"),
    required=("billing_month", "source", "amount_usd"),
    normalised=_REVENUE_VALUES,
    checks=(
        (
            "billing_month",
            "CASE WHEN billing_month IS NULL THEN 'The billing month is required.' "
            f"WHEN NOT {_is_month('billing_month')} THEN {_quoted('billing_month')} "
            "|| ' is not a month in the form YYYY-MM.' "
            "WHEN (billing_month || '-01')::date > date_trunc('month', %(today)s::date) "
            f"THEN {_quoted('billing_month')} || ' is in the future.' END",
        ),
        (
            "source",
            "CASE WHEN source IS NULL THEN 'The source is required (CSP or ACR).' "
            f"WHEN source NOT IN {_one_of(rules.REVENUE_SOURCES)} THEN {_quoted('source')} "
            "|| ' is not a source: use CSP or ACR.' END",
        ),
        (
            "amount_usd",
            f"CASE WHEN amount_usd IS NULL THEN 'The amount is required: {_AMOUNT_WORDS}' "
            "WHEN amount_usd !~ '^-?[0-9]+(\\.[0-9]{1,2})?$' THEN "
            f"{_quoted('amount_usd')} || ' is not an amount: {_AMOUNT_WORDS}' "
            f"WHEN amount_usd LIKE '-%%' OR amount_usd::numeric > {REVENUE_AMOUNT.high} THEN "
            f"{_quoted('amount_usd')} || ' is out of range: {_AMOUNT_WORDS}' END",
        ),
    ),
    key=("billing_month", "source"),
    changes_sql=f"""
        SELECT (NULLIF(btrim(billing_month), '') || '-01')::date, count(*)
        FROM {STAGE} GROUP BY 1 ORDER BY 1
    """,  # noqa: S608 (built from constants; values are parameters)
    upsert_sql=f"""
        WITH upserted AS (
            INSERT INTO metrics_revenueline AS r
                (organization_id, billing_month, source, amount_usd)
            SELECT %(org)s,
                   CASE WHEN billing_month ~ {_MONTH}
                        AND (billing_month || '-01')::date <= date_trunc('month', %(today)s::date)
                        THEN (billing_month || '-01')::date END,
                   CASE WHEN source IN {_one_of(rules.REVENUE_SOURCES)}
                        AND (billing_month, source) IS DISTINCT FROM previous THEN source END,
                   CASE WHEN amount_usd ~ {_AMOUNT} THEN amount_usd::numeric(14, 2) END
            FROM (
                SELECT *, lag((billing_month, source))
                              OVER (ORDER BY billing_month, source) AS previous
                FROM (SELECT {_REVENUE_VALUES} FROM {STAGE}) AS trimmed
            ) AS v
            ON CONFLICT (organization_id, billing_month, source) DO UPDATE
                SET amount_usd = EXCLUDED.amount_usd
            WHERE r.amount_usd IS DISTINCT FROM EXCLUDED.amount_usd
            RETURNING (xmax = 0) AS inserted, billing_month AS month
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               {_WRITTEN_PER_MONTH}
        FROM upserted
    """,  # noqa: S608 (built from constants; values are parameters)
    rollup_sql="""
        WITH summed AS (
            SELECT billing_month AS month,
                   coalesce(sum(amount_usd) FILTER (WHERE source = 'CSP'), 0) AS csp,
                   coalesce(sum(amount_usd) FILTER (WHERE source = 'ACR'), 0) AS acr
            FROM metrics_revenueline WHERE organization_id = %(org)s
            GROUP BY 1
        ),
        months AS (
            SELECT month FROM summed
            UNION SELECT month FROM metrics_monthlyrollup WHERE organization_id = %(org)s
        )
        INSERT INTO metrics_monthlyrollup AS r
            (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
        SELECT %(org)s, months.month, 0, coalesce(summed.csp, 0), coalesce(summed.acr, 0)
        FROM months LEFT JOIN summed USING (month)
        ON CONFLICT (organization_id, month) DO UPDATE
            SET csp_revenue_usd = EXCLUDED.csp_revenue_usd,
                acr_revenue_usd = EXCLUDED.acr_revenue_usd
            WHERE (r.csp_revenue_usd, r.acr_revenue_usd)
                IS DISTINCT FROM (EXCLUDED.csp_revenue_usd, EXCLUDED.acr_revenue_usd)
    """,
)

KINDS = {"cases": CASES, "revenue": REVENUE}
