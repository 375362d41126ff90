"""Cohort benchmarks of the case rate among designated partners (issue 16): computed nightly
from the day's snapshots in ONE set-based statement, stored per day, read in one query.

Anonymity: a cohort is published only with at least the program's minimum of organisations
(ProgramRules.benchmark_cohort_minimum, 10 by default), and never when it differs from another
published cohort by fewer than that many organisations (two overlapping cohorts that differ by
one would give away that one's figure): of such a pair the smaller stays hidden. The stored
figures are percentiles between the 10th and the 90th, never a minimum, maximum or a name.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from metrics.models import CohortBenchmark

_COHORT_LOCK = 0x4D455452_4348  # "METRCH": one cohort computation at a time
QUANTILES = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)

# The whole nightly step: members of every cohort, their distribution, the overlap of every pair
# of cohorts that share an organisation, and which cohorts may be published.
_COHORTS_SQL = """
WITH members AS (
    SELECT s.organization_id AS org, s.case_rate AS rate, o.country
    FROM metrics_caseratesnapshot s
    JOIN designation_designation d
      ON d.organization_id = s.organization_id AND d.state <> 'lapsed'
    JOIN designation_organization o ON o.id = s.organization_id
    WHERE s.as_of = %(day)s AND s.case_rate IS NOT NULL
), cohorts AS (
    SELECT 'overall'::text AS kind, ''::text AS key, org, rate FROM members
    UNION ALL
    SELECT 'country', country, org, rate FROM members
    UNION ALL
    SELECT DISTINCT 'area', sp.area, m.org, m.rate
    FROM members m
    JOIN designation_solutionspartnerdesignation sp
      ON sp.organization_id = m.org
     AND sp.attained_on <= %(day)s AND %(day)s <= sp.anniversary_on
), stats AS (
    SELECT kind, key, count(*) AS n,
           percentile_cont(%(quantiles)s::float8[]) WITHIN GROUP (ORDER BY rate) AS q
    FROM cohorts GROUP BY kind, key
), shared_members AS (
    SELECT a.kind AS a_kind, a.key AS a_key, b.kind AS b_kind, b.key AS b_key,
           count(*) AS shared
    FROM cohorts a JOIN cohorts b
      ON a.org = b.org AND (a.kind, a.key) <> (b.kind, b.key)
    GROUP BY 1, 2, 3, 4
), hidden AS (
    SELECT DISTINCT a.kind, a.key
    FROM shared_members p
    JOIN stats a ON (a.kind, a.key) = (p.a_kind, p.a_key)
    JOIN stats b ON (b.kind, b.key) = (p.b_kind, p.b_key)
    WHERE a.n + b.n - 2 * p.shared BETWEEN 1 AND %(minimum)s - 1
      AND (a.n < b.n OR (a.n = b.n AND a.kind || a.key > b.kind || b.key))
)
INSERT INTO metrics_cohortbenchmark
    (as_of, kind, key, organizations, p25, median, p75, deciles, published, computed_at)
SELECT %(day)s, s.kind, s.key, s.n,
       round(s.q[3]::numeric, 2), round(s.q[6]::numeric, 2), round(s.q[9]::numeric, 2),
       ARRAY[round(s.q[1]::numeric, 2), round(s.q[2]::numeric, 2), round(s.q[4]::numeric, 2),
             round(s.q[5]::numeric, 2), round(s.q[6]::numeric, 2), round(s.q[7]::numeric, 2),
             round(s.q[8]::numeric, 2), round(s.q[10]::numeric, 2), round(s.q[11]::numeric, 2)],
       s.n >= %(minimum)s AND h.kind IS NULL,
       now()
FROM stats s LEFT JOIN hidden h ON (h.kind, h.key) = (s.kind, s.key)
"""


@dataclass(frozen=True)
class CohortResult:
    as_of: date
    ran: bool
    cohorts: int

    def __str__(self) -> str:
        day = self.as_of.isoformat()
        if not self.ran:
            return f"Skipped cohort benchmarks for {day}: another computation is running."
        return f"Cohort benchmarks for {day}: {self.cohorts} cohorts stored."


def compute_cohort_benchmarks(*, as_of: date, minimum: int) -> CohortResult:
    """Store the day's cohort benchmarks (a rerun replaces the day); skip if one runs."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COHORT_LOCK])
        if not cursor.fetchone()[0]:
            return CohortResult(as_of=as_of, ran=False, cohorts=0)
        CohortBenchmark.objects.filter(as_of=as_of).delete()
        cursor.execute(
            _COHORTS_SQL, {"day": as_of, "minimum": minimum, "quantiles": list(QUANTILES)}
        )
        return CohortResult(as_of=as_of, ran=True, cohorts=cursor.rowcount)


@dataclass(frozen=True)
class CohortView:
    """A published cohort as a viewer may see it, with where the organisation stands."""

    kind: str
    key: str
    as_of: date
    organizations: int
    p25: Decimal
    median: Decimal
    p75: Decimal
    deciles: tuple[Decimal, ...]
    own: int  # the viewer's own organisations in the cohort

    @property
    def kind_label(self) -> str:
        return CohortBenchmark.Kind(self.kind).label


# Published cohorts of the latest day on or before %(day)s that concern the organisation, each
# with how many of the viewer's own designated organisations it counts; and that organisation's
# rate on the same day. One query.
_READ_SQL = """
WITH latest AS (
    SELECT max(as_of) AS day FROM metrics_cohortbenchmark WHERE as_of <= %(day)s
)
SELECT b.kind, b.key, b.as_of, b.organizations, b.p25, b.median, b.p75, b.deciles,
       (SELECT count(DISTINCT o.id)
          FROM designation_membership m
          JOIN designation_organization o ON o.id = m.organization_id
          JOIN designation_designation d ON d.organization_id = o.id AND d.state <> 'lapsed'
         WHERE m.user_id = %(user)s
           AND (b.kind = 'overall'
                OR (b.kind = 'country' AND o.country = b.key)
                OR (b.kind = 'area' AND EXISTS (
                      SELECT 1 FROM designation_solutionspartnerdesignation sp
                       WHERE sp.organization_id = o.id AND sp.area = b.key
                         AND sp.attained_on <= b.as_of AND b.as_of <= sp.anniversary_on)))
       ) AS own,
       (SELECT s.case_rate FROM metrics_caseratesnapshot s
         WHERE s.organization_id = %(org)s AND s.as_of = b.as_of) AS mine
FROM metrics_cohortbenchmark b, latest
WHERE b.as_of = latest.day AND b.published
  AND (b.kind = 'overall'
       OR (b.kind = 'country' AND b.key = %(country)s)
       OR (b.kind = 'area' AND b.key = ANY(%(areas)s::text[])))
ORDER BY CASE b.kind WHEN 'overall' THEN 0 WHEN 'area' THEN 1 ELSE 2 END, b.key
"""


def cohorts_for(
    *, organization_id: int, country: str, areas: list[str], user_id: int, on: date
) -> tuple[list[CohortView], Decimal | None, date | None]:
    """The published cohorts concerning an organisation, the organisation's rate on their day
    and that day (None when nothing was computed yet), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _READ_SQL,
            {
                "day": on,
                "user": user_id,
                "org": organization_id,
                "country": country,
                "areas": list(areas),
            },
        )
        rows = cursor.fetchall()
    views = [
        CohortView(kind, key, as_of, n, p25, median, p75, tuple(deciles), own)
        for kind, key, as_of, n, p25, median, p75, deciles, own, _mine in rows
    ]
    mine = rows[0][9] if rows else None
    return views, mine, (rows[0][2] if rows else None)


def nightly_cohort_benchmarks(*, as_of: date) -> CohortResult:
    """The nightly step: the day's cohorts with the minimum of the program rules in force."""
    from designation.models import ProgramRules

    rules = ProgramRules.objects.in_force(as_of)
    return compute_cohort_benchmarks(as_of=as_of, minimum=rules.benchmark_cohort_minimum)


# The overall cohort of the latest day on or before %s, as JSON (organisations, median,
# deciles, and how many of the viewer's own designated organisations it counts), or NULL: a
# scalar subquery another read can carry, so that the dashboard spends no query of its own.
OVERALL_COHORT_SQL = """
(SELECT json_build_object(
        'as_of', b.as_of, 'organizations', b.organizations, 'median', b.median,
        'deciles', b.deciles,
        'own', (SELECT count(DISTINCT m.organization_id)
                  FROM designation_membership m
                  JOIN designation_designation d
                    ON d.organization_id = m.organization_id AND d.state <> 'lapsed'
                 WHERE m.user_id = %s))
   FROM metrics_cohortbenchmark b
  WHERE b.kind = 'overall' AND b.key = '' AND b.published
    AND b.as_of = (SELECT max(as_of) FROM metrics_cohortbenchmark WHERE as_of <= %s))
"""


def overall_cohort(payload: dict | None) -> CohortView | None:
    """The overall cohort read by OVERALL_COHORT_SQL, as a CohortView."""
    if not payload:
        return None
    cent = Decimal("0.01")  # JSON drops trailing zeros: 10.50 arrives as 10.5
    deciles = tuple(Decimal(str(d)).quantize(cent) for d in payload["deciles"])
    return CohortView(
        kind="overall",
        key="",
        as_of=date.fromisoformat(payload["as_of"]),
        organizations=payload["organizations"],
        p25=deciles[2],
        median=Decimal(str(payload["median"])).quantize(cent),
        p75=deciles[6],
        deciles=deciles,
        own=payload["own"],
    )
