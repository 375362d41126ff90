"""How long enrollments stay in each step (issue 16, the program dashboard's median days).

A stay runs from one move of an enrollment (an event whose state changed) to its next move. The
nightly job stores every stay ended so far in `StepStay`, once; the figure reads the stored
stays through their index and works out only the stays ended since the last run from the log,
so it always answers as the log says, at the cost of an index scan.

The stored stays are a prefix of the log by event id: a run stores every stay ended by an event
up to the last one recorded before its day began, and the figure works out the stays ended by
events after the last stored one. This assumes that no transaction recording an event stays open
from before midnight until the run (02:20 UTC); a request's transaction lasts milliseconds.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

_STAYS_LOCK = 0x4D455452_5354  # "METRST": one run at a time

# One definition of a stay: each move m with the move before it p in the same enrollment; the
# stay is in p's new state, from p to m. %(after)s: only moves after that event id.
_STAYS_ENDED = """
SELECT m.id AS ended_by, p.to_state AS state, m.at AS left_at,
       extract(epoch FROM m.at - p.at) / 86400 AS days
FROM designation_enrollmentevent m
CROSS JOIN LATERAL (
    SELECT p.to_state, p.at FROM designation_enrollmentevent p
     WHERE p.enrollment_id = m.enrollment_id AND p.sequence < m.sequence
       AND p.from_state <> p.to_state
     ORDER BY p.sequence DESC LIMIT 1
) AS p
WHERE m.from_state <> m.to_state AND m.id > %(after)s
"""

_STORE_SQL = f"""
INSERT INTO metrics_stepstay (ended_by_id, state, left_at, days)
SELECT ended_by, state, left_at, days FROM ({_STAYS_ENDED}) AS stays
WHERE ended_by <= (SELECT max(id) FROM designation_enrollmentevent WHERE at < %(before)s)
ON CONFLICT (ended_by_id) DO NOTHING
"""  # noqa: S608 (built from constants; values are parameters)

_LAST_STORED = "(SELECT coalesce(max(ended_by_id), 0) FROM metrics_stepstay)"

# Stored stays per step through their index, and those ended since the last run, worked out once.
_MEDIANS_SQL = f"""
WITH recent AS MATERIALIZED (
    SELECT state, days FROM ({_STAYS_ENDED.replace("%(after)s", _LAST_STORED)}) AS stays
     WHERE left_at >= %(start)s AND left_at < %(end)s
)
SELECT s.state, x.n, x.median
FROM unnest(%(states)s::text[]) AS s(state)
CROSS JOIN LATERAL (
    SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median
    FROM (
        SELECT days FROM metrics_stepstay
         WHERE state = s.state AND left_at >= %(start)s AND left_at < %(end)s
        UNION ALL
        SELECT days FROM recent WHERE recent.state = s.state
    ) AS stays
) AS x
WHERE x.n > 0
"""  # noqa: S608 (built from constants; values are parameters)


@dataclass(frozen=True)
class StaysResult:
    as_of: date
    ran: bool
    stored: int

    def __str__(self) -> str:
        if not self.ran:
            return f"step stays {self.as_of}: skipped, another run holds the lock"
        return f"step stays {self.as_of}: {self.stored} stays stored"


def store_step_stays(*, as_of: date) -> StaysResult:
    """Store every stay ended by an event recorded before as_of began and not stored yet (one
    statement; a rerun stores nothing); skip if another run holds the lock."""
    before = timezone.make_aware(datetime.combine(as_of, time.min))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_STAYS_LOCK])
        if not cursor.fetchone()[0]:
            return StaysResult(as_of=as_of, ran=False, stored=0)
        cursor.execute(_LAST_STORED)
        after = cursor.fetchone()[0]
        cursor.execute(_STORE_SQL, {"after": after, "before": before})
        return StaysResult(as_of=as_of, ran=True, stored=cursor.rowcount)


def median_days_by_step(
    *, start: date, end: date, states: list[str]
) -> dict[str, tuple[int, float]]:
    """For each of `states`: the stays that ended from start to end (inclusive) and their median
    days, in one query; a step with no such stay is left out."""
    params = {"start": start, "end": end + timedelta(days=1), "states": states}
    with connection.cursor() as cursor:
        cursor.execute(_MEDIANS_SQL, params)
        return {state: (n, median) for state, n, median in cursor.fetchall()}
