"""The nightly renewal job (SPEC section 8): designation states for the day, renewal
enrollments when the window opens, and the reminders, each sent once.

The state moves are set-based UPDATEs over every designation (the FSM trigger still guards
their edges); the reminder log's unique key makes a second run on the same day send nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from designation import rules as renewal_rules
from designation.credentials.status import revoke_lapsed
from designation.models import Designation, Enrollment, ProgramRules
from journey import notify, steps

logger = logging.getLogger(__name__)

REFRESH_LOCK_KEY = 726_100_002
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


def refresh_designations(*, today: date) -> RefreshResult:
    """Bring every designation to its state for `today`; idempotent for the day."""
    result = RefreshResult(day=today)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])
            if not cursor.fetchone()[0]:
                result.skipped = True
                return result
        rules = ProgramRules.objects.in_force(today)
        cutoffs = renewal_rules.state_cutoffs(
            today,
            days_before=rules.renewal_opens_days_before,
            days_after=rules.renewal_closes_days_after,
        )
        live = Designation.objects.filter(state__in=LIVE)
        lapsing = list(
            live.filter(anniversary_on__lt=cutoffs.lapsed_before).values_list("pk", flat=True)
        )
        result.moved["lapsed"] = Designation.objects.filter(pk__in=lapsing).update(
            state=Designation.State.LAPSED
        )
        revoke_lapsed()  # every lapsed designation's credentials revoked, one UPDATE
        _tell_lapsed(lapsing)
        result.moved["grace"] = (
            live.exclude(state=Designation.State.GRACE)
            .filter(
                anniversary_on__lt=cutoffs.grace_before,
                anniversary_on__gte=cutoffs.lapsed_before,
            )
            .update(state=Designation.State.GRACE)
        )
        result.moved["renewal_open"] = live.filter(
            state=Designation.State.ACTIVE,
            anniversary_on__gte=cutoffs.grace_before,
            anniversary_on__lte=cutoffs.open_through,
        ).update(state=Designation.State.RENEWAL_OPEN)
        needing = (
            Designation.objects.filter(
                state__in=(Designation.State.RENEWAL_OPEN, Designation.State.GRACE)
            )
            .exclude(
                Exists(
                    Enrollment.objects.filter(
                        renewal_of=OuterRef("pk"),
                        renewal_for_anniversary=OuterRef("anniversary_on"),
                    )
                )
            )
            # An organisation with an open enrollment gets its renewal once that one ends.
            .exclude(
                Exists(
                    Enrollment.objects.open().filter(organization_id=OuterRef("organization_id"))
                )
            )
            .select_related("enrollment")
            .order_by("id")
        )
        for designation in needing:
            if steps.open_renewal(designation, today=today):
                result.renewals_opened += 1
        result.reminders = _record_reminders(today, days_after=rules.renewal_closes_days_after)
    logger.info("refresh_designations %s", result)
    return result


_INSERT_REMINDERS = """
    INSERT INTO designation_renewalreminder (designation_id, anniversary_on, kind, sent_on)
    SELECT id, anniversary_on, %s, %s FROM designation_designation
    WHERE state IN ('active', 'renewal_open', 'grace') AND anniversary_on = %s
    ON CONFLICT (designation_id, anniversary_on, kind) DO NOTHING
    RETURNING designation_id
"""


def _record_reminders(today: date, *, days_after: int) -> dict[str, int]:
    """Log each reminder due today (one statement per kind); mail only the rows just logged."""
    due, counts = [], {}
    with connection.cursor() as cursor:
        for kind, anniversary in renewal_rules.reminder_anniversaries(
            today, days_after=days_after
        ).items():
            cursor.execute(_INSERT_REMINDERS, [kind, today, anniversary])
            ids = [row[0] for row in cursor.fetchall()]
            counts[kind] = len(ids)
            due += [(designation_id, kind) for designation_id in ids]
    _tell_reminders(due)
    return counts


def _tell_reminders(due: list[tuple[int, str]]) -> None:
    """A renewal reminder notification (in-app, and email after commit) to the partner admins."""
    designations = Designation.objects.select_related("organization").in_bulk(
        [designation_id for designation_id, _ in due]
    )
    for designation_id, kind in due:
        notify.renewal_reminder(
            designations[designation_id], kind=kind, label=renewal_rules.reminder_label(kind)
        )


def _tell_lapsed(designation_ids: list[int]) -> None:
    for designation in Designation.objects.select_related("organization").filter(
        pk__in=designation_ids
    ):
        notify.designation_lapsed(designation)
