"""The SQL of the importer: per file kind, its columns, its rules, its upsert and its rollups.

A staged file (text columns, in file order) is written by ONE statement, INSERT ... ON CONFLICT
DO UPDATE ... WHERE the values differ, whose SELECT turns any value breaking a rule into NULL (or
a cast error, or a repeated key): a bad file therefore fails that statement, which is rolled back.
Only then do the rules run one by one, as set-based SQL over the numbered staging rows, to name
every bad cell (row, column, message). A good file is read once; a bad one is explained in full.
Values are trimmed; an empty value is a missing one. Rows are numbered as a spreadsheet shows
them: the header is row 1.
"""

from dataclasses import dataclass

from metrics import rules

STAGE = "metrics_import_stage"
_DATE = r"'^\d{4}-\d\d-\d\d$'"  # the format; the cast then checks the calendar
_MONTH = r"'^\d{4}-\d\d$'"
_AMOUNT = r"'^\d+(\.\d{1,2})?$'"  # numeric(14, 2) overflows above 999999999999.99


def _quoted(value: str) -> str:
    """A value echoed in a message: shortened, in curly quotes."""
    return f"'“' || left({value}, 40) || '”'"


def _is_date(text: str) -> str:
    """True when `text` is a real calendar day written YYYY-MM-DD, without raising."""
    return (
        f"(CASE WHEN {text} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' "
        f"AND {text} >= '0001' THEN substr({text}, 9, 2)::int <= extract(day from "
        f"(substr({text}, 1, 8) || '01')::date + interval '1 month' - interval '1 day') "
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
    upsert_sql: str  # (month, rows, created, updated) per month of the file; fails on a bad row
    rollup_sql: str  # the organisation's rollup columns this kind feeds, recomputed

    @property
    def validate_sql(self) -> str:
        """Every bad cell (row, column, message), first ERROR_LIMIT by row, with the total."""
        order = {name: index for index, name in enumerate(self.columns)}
        checks = ", ".join(
            f"({order[column]}, '{column}', {expression})" for column, expression in self.checks
        )
        key = ", ".join(self.key)
        shown_key = " || ' ' || ".join(f"coalesce({name}, '')" for name in self.key)
        # A fresh temporary table filled by one COPY keeps the file's order in its ctid.
        return f"""
            WITH v AS (
                SELECT row_number() OVER (ORDER BY ctid) AS row_no, {self.normalised}
                FROM {STAGE}
            ),
            bad AS (
                SELECT v.row_no, c.position, c.column_name, c.message
                FROM v CROSS JOIN LATERAL (VALUES {checks}) AS c(position, column_name, message)
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


# The upsert's answer: for each month of the file, its rows and how many were new or changed.
_PER_MONTH = """
        SELECT staged.month, staged.rows, coalesce(written.created, 0), coalesce(written.updated, 0)
        FROM staged LEFT JOIN (
            SELECT month, count(*) FILTER (WHERE inserted) AS created,
                   count(*) FILTER (WHERE NOT inserted) AS updated
            FROM upserted GROUP BY month
        ) AS written USING (month)
        ORDER BY staged.month
"""

_CASE_VALUES = """
    NULLIF(btrim(case_id), '') AS case_id,
    NULLIF(btrim(opened_on), '') AS opened_on,
    upper(NULLIF(btrim(program), '')) AS program,
    coalesce(btrim(customer_tenant_id), '') AS customer_tenant_id,
    upper(coalesce(btrim(severity), '')) AS severity,
    coalesce(btrim(title), '') AS title
"""

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
            f"WHEN opened_on::date > %(today)s THEN {_quoted('opened_on')} "
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
    # NULL for a bad value (or a case_id equal to the previous one in case_id order) breaks
    # NOT NULL; the varchar lengths and the date cast raise too. Sorting by case_id lets the
    # unique index grow in order (measured: 40% faster on 1M rows) and finds repeats in one pass.
    upsert_sql=f"""
        WITH upserted AS (
            INSERT INTO metrics_case AS c
                (organization_id, case_id, opened_on, program, customer_tenant_id, severity, title)
            SELECT %(org)s,
                   CASE WHEN case_id IS DISTINCT FROM previous THEN case_id END,
                   CASE WHEN opened_on ~ {_DATE} AND opened_on::date <= %(today)s
                        THEN opened_on::date END,
                   CASE WHEN program IN {_one_of(rules.CASE_PROGRAMS)} THEN program END,
                   customer_tenant_id,
                   CASE WHEN severity IN ('', {_one_of(rules.SEVERITIES)[1:]} THEN severity END,
                   title
            FROM (
                SELECT *, lag(case_id) OVER (ORDER BY case_id) AS previous
                FROM (SELECT {_CASE_VALUES} FROM {STAGE}) AS trimmed
            ) AS v
            ORDER BY case_id
            ON CONFLICT (organization_id, case_id) DO UPDATE SET
                opened_on = EXCLUDED.opened_on, program = EXCLUDED.program,
                customer_tenant_id = EXCLUDED.customer_tenant_id,
                severity = EXCLUDED.severity, title = EXCLUDED.title
            WHERE (c.opened_on, c.program, c.customer_tenant_id, c.severity, c.title)
                IS DISTINCT FROM (EXCLUDED.opened_on, EXCLUDED.program,
                EXCLUDED.customer_tenant_id, EXCLUDED.severity, EXCLUDED.title)
            RETURNING (xmax = 0) AS inserted, date_trunc('month', c.opened_on)::date AS month
        ),
        staged AS (
            SELECT date_trunc('month', btrim(opened_on)::date)::date AS month, count(*) AS rows
            FROM {STAGE} GROUP BY 1
        )
        {_PER_MONTH}
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
            "CASE WHEN amount_usd IS NULL THEN 'The amount is required.' "
            "WHEN amount_usd !~ '^-?[0-9]+(\\.[0-9]{1,2})?$' THEN "
            f"{_quoted('amount_usd')} || ' is not an amount in USD with at most two decimal "
            "places, e.g. 1234.56.' "
            "WHEN amount_usd LIKE '-%%' THEN 'The amount must be 0 or more.' "
            "WHEN amount_usd::numeric >= 1000000000000 "
            "THEN 'The amount is too large (at most 999999999999.99).' END",
        ),
    ),
    key=("billing_month", "source"),
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
            RETURNING (xmax = 0) AS inserted, r.billing_month AS month
        ),
        staged AS (
            SELECT (btrim(billing_month) || '-01')::date AS month, count(*) AS rows
            FROM {STAGE} GROUP BY 1
        )
        {_PER_MONTH}
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
