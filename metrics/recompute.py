"""The nightly recompute's statements: a day's TTM snapshot for every organisation, in one.

Full: every organisation's twelve rollups summed. Incremental, for a new day whose previous day
was the last one recomputed and has the same TTM window (every day of a month but the first):
the previous day's figures copied for every organisation whose rollups were not written since
(migration 0012 records those), and summed from its rollups only for the others and for new
organisations. Both empty the record of rollup writes and note the day, in the same statement.
"""

from datetime import date, timedelta

from metrics import rules

# The figures from `t` (volume, revenue: the window's sums, NULL without rollups), the rate
# rounded half up like rules.case_rate; one definition for both paths, so a copied row and a
# recomputed one cannot differ.
_FIGURES = """
    coalesce(t.volume, 0)::integer AS case_volume,
    coalesce(t.revenue, 0)::numeric(18, 2) AS billed_revenue_usd,
    (CASE WHEN t.revenue > 0 THEN round(t.volume * 1000000.0 / t.revenue, 2) END)
        ::numeric(14, 2) AS case_rate
"""
# The two revenue columns summed apart: one numeric addition fewer per rollup (measured 15% of
# the aggregate).
_SUMS = "sum(csp_case_count) AS volume, sum(csp_revenue_usd) + sum(acr_revenue_usd) AS revenue"
_TARGET = """
    (SELECT case_rate_target FROM designation_programrules
     WHERE effective_from <= %(as_of)s ORDER BY effective_from DESC, id DESC LIMIT 1)
"""
_COLUMNS = """
    (organization_id, as_of, window_start, window_end, case_volume, billed_revenue_usd,
     case_rate, case_rate_target, computed_at)
"""
# The rollup writes recorded so far are covered by this statement's snapshot (the guard keeps
# writers out until it commits), and the day is the one the next day may start from.
_RECORDED = """
    cleared AS (DELETE FROM metrics_stalecaserate),
    recorded AS (
        INSERT INTO metrics_caseraterun (id, as_of, computed_at) VALUES (true, %(as_of)s, now())
        ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at
    )
"""

# Every organisation: the figures are read once, straight into the INSERT (counting them apart
# would materialise 500k rows). Rows equal to the day's stored snapshot are dropped by an
# anti-join before ON CONFLICT (which would lock, dirty and WAL-log every one of them even with
# a WHERE), so a rerun writes only the figures that changed.
FULL_SQL = f"""
    WITH figures AS (
        SELECT o.id AS organization_id, %(as_of)s::date AS as_of,
               %(start)s::date AS window_start, %(end)s::date AS window_end,
               {_FIGURES}, {_TARGET} AS case_rate_target
        FROM designation_organization o
        LEFT JOIN (
            SELECT organization_id, {_SUMS}
            FROM metrics_monthlyrollup
            WHERE month BETWEEN %(start)s AND %(end)s
            GROUP BY organization_id
        ) AS t ON t.organization_id = o.id
    ),
    written AS (
        INSERT INTO metrics_caseratesnapshot AS s {_COLUMNS}
        SELECT f.*, now() FROM figures f
        WHERE NOT EXISTS (
            SELECT FROM metrics_caseratesnapshot AS old
            WHERE old.as_of = %(as_of)s AND old.organization_id = f.organization_id
              AND (old.window_start, old.window_end, old.case_volume, old.billed_revenue_usd,
                   old.case_rate, old.case_rate_target)
                IS NOT DISTINCT FROM (f.window_start, f.window_end, f.case_volume,
                   f.billed_revenue_usd, f.case_rate, f.case_rate_target)
        )
        {{on_conflict}}
        RETURNING 1
    ),
    {_RECORDED}
    -- Once the rows are written (left to right), the rest of the transaction is checked again.
    SELECT (SELECT count(*) FROM designation_organization), (SELECT count(*) FROM written),
           set_config('metrics.snapshots_checked', 'off', true)
"""  # noqa: S608 (built from constants; values are parameters)

# A day without snapshots yet is a plain INSERT (no speculative insertion per row); a rerun
# updates the rows whose figures differ (the anti-join has already dropped the equal ones).
ON_CONFLICT = """
        ON CONFLICT (organization_id, as_of) DO UPDATE SET
            window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
            case_volume = EXCLUDED.case_volume, billed_revenue_usd = EXCLUDED.billed_revenue_usd,
            case_rate = EXCLUDED.case_rate, case_rate_target = EXCLUDED.case_rate_target,
            computed_at = EXCLUDED.computed_at
        WHERE (s.window_start, s.window_end, s.case_volume, s.billed_revenue_usd, s.case_rate,
               s.case_rate_target)
            IS DISTINCT FROM (EXCLUDED.window_start, EXCLUDED.window_end, EXCLUDED.case_volume,
               EXCLUDED.billed_revenue_usd, EXCLUDED.case_rate, EXCLUDED.case_rate_target)
"""

# Every existing organisation with the previous day's row if it may be copied: not when its
# rollups were written since, nor when the last run (read again here, under the guard) is not
# that day after all. The others are summed from their own rollups through the (organisation,
# month) index, one small aggregate each (a lateral join: a nested loop even with enable_nestloop
# off; a hash join would read the window's 6M rollups). The target is the one in force on the
# new day (a rule change may take effect on it; the rate does not depend on it).
INCREMENTAL_SQL = f"""
    WITH base AS MATERIALIZED (
        SELECT o.id AS organization_id, p.case_volume, p.billed_revenue_usd, p.case_rate,
               p.organization_id IS NULL OR x.organization_id IS NOT NULL AS recompute
        FROM designation_organization o
        LEFT JOIN metrics_caseratesnapshot p
            ON p.as_of = %(previous)s AND p.organization_id = o.id
           AND (SELECT as_of FROM metrics_caseraterun) = %(previous)s
        LEFT JOIN metrics_stalecaserate x ON x.organization_id = o.id
    ),
    figures AS (
        SELECT organization_id, case_volume, billed_revenue_usd, case_rate
        FROM base WHERE NOT recompute
        UNION ALL
        SELECT b.organization_id, {_FIGURES}
        FROM base b CROSS JOIN LATERAL (
            SELECT {_SUMS} FROM metrics_monthlyrollup r
            WHERE r.organization_id = b.organization_id
              AND r.month BETWEEN %(start)s AND %(end)s
        ) AS t
        WHERE b.recompute
    ),
    written AS (
        INSERT INTO metrics_caseratesnapshot {_COLUMNS}
        SELECT f.organization_id, %(as_of)s, %(start)s, %(end)s, f.case_volume,
               f.billed_revenue_usd, f.case_rate, {_TARGET}, now()
        FROM figures f
        RETURNING 1
    ),
    {_RECORDED}
    -- Once the rows are written (left to right), the rest of the transaction is checked again.
    SELECT count(*), (SELECT count(*) FROM written), count(*) FILTER (WHERE recompute),
           set_config('metrics.snapshots_checked', 'off', true)
    FROM base
"""  # noqa: S608 (built from constants; values are parameters)


def carries_over(*, last: date | None, as_of: date) -> bool:
    """Whether the last day recomputed is the day before as_of, with the same TTM window."""
    previous = as_of - timedelta(days=1)
    return last == previous and rules.ttm_window(previous) == rules.ttm_window(as_of)


def statement(*, as_of: date, last: date | None, rerun: bool) -> tuple[str, dict, bool]:
    """The day's statement, its parameters, and whether it is the incremental one."""
    start, end = rules.ttm_window(as_of)
    params = {"as_of": as_of, "start": start, "end": end}
    if not rerun and carries_over(last=last, as_of=as_of):
        return INCREMENTAL_SQL, {**params, "previous": as_of - timedelta(days=1)}, True
    return FULL_SQL.format(on_conflict=ON_CONFLICT if rerun else ""), params, False
