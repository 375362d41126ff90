"""The nightly renewal job (SPEC section 8): designation states for the day, renewal
enrollments when the window opens, and the reminders, each sent once.

The state moves are set-based UPDATEs in committed batches (the FSM trigger still guards their
edges); the reminder log's unique key makes a second run on the same day send nothing; notices go
to the notification centre in one INSERT; renewals open in committed batches
(journey/renewal_open.py). A fixed number of statements whatever the number of designations.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F

from designation import rules as renewal_rules
from designation.credentials.status import revoke_lapsed
from designation.models import Designation, ProgramRules
from journey import notify
from journey.renewal_open import BATCH_SIZE, open_renewals, refresh_statistics

logger = logging.getLogger(__name__)

REFRESH_LOCK_KEY = 726_100_002
# More designations moved than this: their table's statistics are refreshed before the renewal
# batches select from it (a day at 500,000 organisations moves about 4,000).
ANALYZE_AFTER_MOVES = 10_000
# Designations moved per committed batch: a first run over 500,000 moves about 125,000.
MOVE_BATCH = 20_000
LIVE = (Designation.State.ACTIVE, Designation.State.RENEWAL_OPEN, Designation.State.GRACE)


@dataclass
class RefreshResult:
    day: date
    skipped: bool = False
    moved: dict[str, int] = field(default_factory=dict)
    renewals_opened: int = 0
    reminders: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.day.isoformat()}: another run holds the lock; skipped."
        moved = ", ".join(f"{n} to {state}" for state, n in self.moved.items() if n) or "none"
        sent = ", ".join(f"{n} {kind}" for kind, n in self.reminders.items() if n) or "none"
        return (
            f"{self.day.isoformat()}: moved {moved}; renewals opened {self.renewals_opened}; "
            f"reminders {sent}."
        )


def refresh_designations(*, today: date, batch_size: int = BATCH_SIZE) -> RefreshResult:
    """Bring every designation to its state for `today`; idempotent for the day.

    One run at a time: a session advisory lock, so that a second run meanwhile skips. The state
    moves (with the lapse notices) commit in batches, the reminders in one short transaction,
    then the renewals open in batches that commit one by one (journey/renewal_open.py). Each
    step's selection leaves out what is done, so a run stopped anywhere is finished by a rerun."""
    result = RefreshResult(day=today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFRESH_LOCK_KEY])
        if not cursor.fetchone()[0]:
            result.skipped = True
            return result
    try:
        _move_and_remind(today, result)
        result.renewals_opened = open_renewals(today=today, batch_size=batch_size)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK_KEY])
    logger.info("refresh_designations %s", result)
    return result


# One batch of one state move: at most %(limit)s designations from the `sources` states whose
# anniversary falls in [%(first)s, %(before)s), by the partial index on held anniversaries.
_MOVE = """
    UPDATE designation_designation SET state = %(target)s
    WHERE id IN (
        SELECT id FROM designation_designation
        WHERE state = ANY(%(sources)s) AND anniversary_on >= %(first)s
          AND anniversary_on < %(before)s
        LIMIT %(limit)s
    )
    RETURNING id
"""


def _move_and_remind(today: date, result: RefreshResult) -> None:
    """The day's state moves (set-based UPDATEs in committed batches of MOVE_BATCH, the FSM
    trigger still guarding their edges), each lapse batch with its revocations and notices, then
    the reminders due in one short transaction."""
    rules = ProgramRules.objects.in_force(today)
    cutoffs = renewal_rules.state_cutoffs(
        today,
        days_before=rules.renewal_opens_days_before,
        days_after=rules.renewal_closes_days_after,
    )
    held = [state.value for state in LIVE]
    moves = [
        (Designation.State.LAPSED, held, date.min, cutoffs.lapsed_before),
        (Designation.State.GRACE, held[:2], cutoffs.lapsed_before, cutoffs.grace_before),
        (
            Designation.State.RENEWAL_OPEN,
            held[:1],
            cutoffs.grace_before,
            cutoffs.open_through + timedelta(days=1),
        ),
    ]
    for target, sources, first, before in moves:
        result.moved[target.value] = 0
        while True:
            with transaction.atomic():
                moved = _move_batch(target, sources, first, before)
            result.moved[target.value] += len(moved)
            if len(moved) < MOVE_BATCH:
                break
    with transaction.atomic():
        result.reminders = _record_reminders(today, days_after=rules.renewal_closes_days_after)
    if sum(result.moved.values()) > ANALYZE_AFTER_MOVES:  # a first run, or days missed
        refresh_statistics(Designation)


def _move_batch(target, sources: list[str], first: date, before: date) -> list[int]:
    """One batch of one move; a lapse revokes the credentials and tells the users with it."""
    params = {
        "target": target.value,
        "sources": sources,
        "first": first,
        "before": before,
        "limit": MOVE_BATCH,
    }
    with connection.cursor() as cursor:
        cursor.execute(_MOVE, params)
        moved = [row[0] for row in cursor.fetchall()]
    if moved and target == Designation.State.LAPSED:
        revoke_lapsed()  # every lapsed designation's credentials revoked, one UPDATE
        notify.designations_lapsed(list(_with_organization(moved)))
    return moved


def _with_organization(designation_ids: list[int]):
    """The designations as rows with what their notices name (organisation, anniversary)."""
    return (
        Designation.objects.filter(pk__in=designation_ids)
        .annotate(legal_name=F("organization__legal_name"))
        .order_by("id")
        .values_list("pk", "organization_id", "anniversary_on", "legal_name", named=True)
    )


_INSERT_REMINDERS = """
    INSERT INTO designation_renewalreminder (designation_id, anniversary_on, kind, sent_on)
    SELECT id, anniversary_on, %s, %s FROM designation_designation
    WHERE state IN ('active', 'renewal_open', 'grace') AND anniversary_on = %s
    ON CONFLICT (designation_id, anniversary_on, kind) DO NOTHING
    RETURNING designation_id
"""


def _record_reminders(today: date, *, days_after: int) -> dict[str, int]:
    """Log each reminder due today (one statement per kind); tell only of the rows just logged,
    all in one INSERT into the notification centre."""
    due, counts = [], {}
    with connection.cursor() as cursor:
        for kind, anniversary in renewal_rules.reminder_anniversaries(
            today, days_after=days_after
        ).items():
            cursor.execute(_INSERT_REMINDERS, [kind, today, anniversary])
            ids = [row[0] for row in cursor.fetchall()]
            counts[kind] = len(ids)
            due += [(designation_id, kind) for designation_id in ids]
    if due:
        designations = {d.pk: d for d in _with_organization([pk for pk, _kind in due])}
        notify.renewal_reminders(
            [(designations[pk], kind, renewal_rules.reminder_label(kind)) for pk, kind in due]
        )
    return counts
