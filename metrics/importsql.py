"""The SQL of the importer's two kinds, cases.csv and revenue.csv: their columns, rules, writes
and rollups (the shape they share is metrics.importkind).

A good file is read once; a bad one is explained in full. Values are trimmed; an empty value is a
missing one.

Cases have two writes (measured on 1M rows, see bench/RESULTS.md): a plain INSERT sorted by
case_id when the organisation has no cases yet (the unique index refuses a repeated case ID), and
otherwise an upsert that first drops, by an anti-join on the unique index, every row equal to the
stored one, so that a re-import writes (and locks, and WAL-logs) nothing. Trimmed values are
computed once (OFFSET 0 keeps the planner from inlining them into every use), and a day is
checked without a regex: under DateStyle ISO a YYYY-MM-DD day is ten characters that read back
unchanged through ::date::text.
"""

from metrics import rules
from metrics.importkind import (
    STAGE,
    WRITTEN_PER_MONTH,
    ImportKind,
    is_date,
    is_month,
    one_of,
    quoted,
    refused,
)
from portal.bounds import REVENUE_AMOUNT

__all__ = ["KINDS", "STAGE", "ImportKind"]

_MONTH = r"'^\d{4}-\d\d$'"
_AMOUNT = r"'^\d+(\.\d{1,2})?$'"  # beyond bounds.REVENUE_AMOUNT the table's check refuses it


_CASE_VALUES = """
    NULLIF(btrim(case_id), '') COLLATE "C" AS case_id,
    NULLIF(btrim(opened_on), '') AS opened_on,
    upper(NULLIF(btrim(program), '')) AS program,
    coalesce(btrim(customer_tenant_id), '') AS customer_tenant_id,
    upper(coalesce(btrim(severity), '')) AS severity,
    coalesce(btrim(title), '') AS title
"""


_CASE_CHECKED = f"""
    SELECT CASE WHEN length(case_id) <= 64 THEN case_id ELSE {refused("case_id")} END
               AS case_id,
           CASE WHEN length(opened_on) = 10 AND day::text = opened_on AND day <= %(today)s
                THEN day ELSE {refused("day")} END AS opened_on,
           CASE WHEN program IN {one_of(rules.CASE_PROGRAMS)} THEN program
                ELSE {refused("program")} END AS program,
           CASE WHEN length(customer_tenant_id) <= 100 THEN customer_tenant_id
                ELSE {refused("customer_tenant_id")} END AS customer_tenant_id,
           CASE WHEN severity IN ('', {one_of(rules.SEVERITIES)[1:]} THEN severity
                ELSE {refused("severity")} END AS severity,
           CASE WHEN length(title) <= 500 THEN title ELSE {refused("title")} END AS title
    FROM (
        SELECT *, opened_on::date AS day
        FROM (SELECT {_CASE_VALUES} FROM {STAGE} OFFSET 0) AS trimmed OFFSET 0
    ) AS typed
"""  # noqa: S608 (built from constants)

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
            f"WHEN NOT {is_date('opened_on')} THEN {quoted('opened_on')} "
            "|| ' is not a date in the form YYYY-MM-DD.' "
            f"WHEN opened_on > to_char(%(today)s::date, 'YYYY-MM-DD') THEN {quoted('opened_on')} "
            "|| ' is in the future.' END",
        ),
        (
            "program",
            "CASE WHEN program IS NULL THEN 'The program is required (CSP, EA, MCA or OTHER).' "
            f"WHEN program NOT IN {one_of(rules.CASE_PROGRAMS)} THEN {quoted('program')} "
            "|| ' is not a program: use CSP, EA, MCA or OTHER.' END",
        ),
        (
            "customer_tenant_id",
            "CASE WHEN length(customer_tenant_id) > 100 "
            "THEN 'A customer tenant ID is at most 100 characters.' END",
        ),
        (
            "severity",
            f"CASE WHEN severity <> '' AND severity NOT IN {one_of(rules.SEVERITIES)} "
            f"THEN {quoted('severity')} || ' is not a severity: use A, B, C or leave it empty.' "
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
    # The same statement counts the file's rows per month and writes the rollups from what it
    # inserted (the organisation had no cases: its CSP counts are these), instead of reading
    # the staged file and then the organisation's cases again (measured: 15% of the import).
    # Months of stale non-zero counts are set to 0, as rollup_sql would.
    insert_sql=f"""
        WITH inserted AS (
            INSERT INTO metrics_case
                (organization_id, case_id, opened_on, program, customer_tenant_id, severity,
                 title)
            SELECT %(org)s, case_id, opened_on, program, customer_tenant_id, severity, title
            FROM ({_CASE_CHECKED}) AS v
            ORDER BY case_id
            RETURNING opened_on, program = 'CSP' AS csp
        ),
        per_day AS (
            SELECT opened_on, count(*) AS rows, count(*) FILTER (WHERE csp) AS csp_cases
            FROM inserted GROUP BY opened_on
        ),
        per_month AS (  -- a few hundred days, not a million rows, through date_trunc
            SELECT date_trunc('month', opened_on)::date AS month, sum(rows)::bigint AS rows,
                   sum(csp_cases)::bigint AS csp_cases
            FROM per_day GROUP BY 1
        ),
        rolled_up AS (
            INSERT INTO metrics_monthlyrollup AS r
                (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
            SELECT %(org)s, month, coalesce(counted.csp_cases, 0), 0, 0
            FROM (SELECT month, csp_cases FROM per_month WHERE csp_cases > 0) AS counted
            FULL JOIN (
                SELECT month FROM metrics_monthlyrollup
                WHERE organization_id = %(org)s AND csp_case_count <> 0
            ) AS stale USING (month)
            ON CONFLICT (organization_id, month) DO UPDATE
                SET csp_case_count = EXCLUDED.csp_case_count
                WHERE r.csp_case_count <> EXCLUDED.csp_case_count
        )
        SELECT month, rows FROM per_month ORDER BY month
    """,  # noqa: S608 (built from constants; values are parameters)
    # The rows that are new or differ from the stored ones (an anti-join on the unique index),
    # with what they replace; a re-import leaves none, so it writes and locks nothing. The
    # rollups are recomputed only when a case is new in CSP, or moved month or program.
    # Per month of the file, its rows (the write statement says which it created or changed).
    # Grouped by day first (the file is written, so every day is valid): a few hundred values
    # cast and truncated instead of a million.
    changes_sql=f"""
        SELECT date_trunc('month', day::date)::date, sum(rows)::bigint
        FROM (SELECT btrim(opened_on) AS day, count(*) AS rows FROM {STAGE} GROUP BY 1) AS days
        GROUP BY 1 ORDER BY 1
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
                        ELSE {refused("case_id")} END,
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
               {WRITTEN_PER_MONTH}
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
            f"WHEN NOT {is_month('billing_month')} THEN {quoted('billing_month')} "
            "|| ' is not a month in the form YYYY-MM.' "
            "WHEN (billing_month || '-01')::date > date_trunc('month', %(today)s::date) "
            f"THEN {quoted('billing_month')} || ' is in the future.' END",
        ),
        (
            "source",
            "CASE WHEN source IS NULL THEN 'The source is required (CSP or ACR).' "
            f"WHEN source NOT IN {one_of(rules.REVENUE_SOURCES)} THEN {quoted('source')} "
            "|| ' is not a source: use CSP or ACR.' END",
        ),
        (
            "amount_usd",
            f"CASE WHEN amount_usd IS NULL THEN 'The amount is required: {_AMOUNT_WORDS}' "
            "WHEN amount_usd !~ '^-?[0-9]+(\\.[0-9]{1,2})?$' THEN "
            f"{quoted('amount_usd')} || ' is not an amount: {_AMOUNT_WORDS}' "
            f"WHEN amount_usd LIKE '-%%' OR amount_usd::numeric > {REVENUE_AMOUNT.high} THEN "
            f"{quoted('amount_usd')} || ' is out of range: {_AMOUNT_WORDS}' END",
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
                   CASE WHEN source IN {one_of(rules.REVENUE_SOURCES)}
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
               {WRITTEN_PER_MONTH}
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
