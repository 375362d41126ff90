"""Renewal enrollments opened in batches (SPEC section 8), set-based: a batch is a handful of
statements whatever its size, and each batch commits on its own, so that no transaction of the
nightly job holds its locks for long and a backlog of 100,000 renewals goes through in pieces.

Rerun-safe: the batch's selection leaves out every designation whose renewal for its current
anniversary exists (and every organisation with an open enrollment), and the INSERT skips any row
that a unique constraint refuses (a partner's enrollment racing it wins), so a run that stopped
between batches is finished by the next one and no designation gets two renewals.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef

from assessments.models import AuditRecord
from designation import rules as journey_rules
from designation.models import Designation, Enrollment, EnrollmentEvent, ProgramRules
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS

BATCH_SIZE = 5000
# The renewal copies the previous enrollment's form; `attested` is asked again.
COPIED_FIELDS = tuple(name for name in PRE_ENROLLMENT_FIELDS if name != "attested")


@dataclass(frozen=True)
class Batch:
    """What one batch did: how many designations it looked at, how many renewals it opened,
    and the last designation id it looked at (the next batch starts after it)."""

    selected: int
    opened: int
    last_id: int


def needing_renewal():
    """Designations in their renewal window with no renewal for the current anniversary, whose
    organisation has no open enrollment (its renewal opens once that one ends)."""
    return (
        Designation.objects.filter(
            state__in=(Designation.State.RENEWAL_OPEN, Designation.State.GRACE)
        )
        .exclude(
            Exists(
                Enrollment.objects.filter(
                    renewal_of=OuterRef("pk"), renewal_for_anniversary=OuterRef("anniversary_on")
                )
            )
        )
        .exclude(
            Exists(Enrollment.objects.open().filter(organization_id=OuterRef("organization_id")))
        )
    )


def open_renewals(*, today: date, batch_size: int = BATCH_SIZE) -> int:
    """Open every renewal due, batch by batch (each its own transaction); how many opened."""
    rules_version = ProgramRules.objects.in_force(today)
    opened, after = 0, 0
    while True:
        with transaction.atomic():
            batch = open_renewal_batch(
                today=today, after_id=after, limit=batch_size, rules_version=rules_version
            )
        opened += batch.opened
        if batch.selected < batch_size:
            return opened
        after = batch.last_id


def open_renewal_batch(
    *, today: date, after_id: int, limit: int, rules_version: ProgramRules
) -> Batch:
    """The next `limit` designations needing a renewal after `after_id`: their renewal
    enrollments in one INSERT, each with its first hash-chained event."""
    due = list(
        needing_renewal()
        .filter(pk__gt=after_id)
        .select_related("enrollment")  # the previous form, copied
        .order_by("id")[:limit]
    )
    if not due:
        return Batch(0, 0, after_id)
    valid_until = latest_passes([d.organization_id for d in due])
    renewals = [
        Enrollment(
            organization_id=d.organization_id,
            kind=Enrollment.Kind.RENEWAL,
            renewal_of_id=d.pk,
            renewal_for_anniversary=d.anniversary_on,
            **{name: getattr(d.enrollment, name) for name in COPIED_FIELDS},
            csat_carried_over=journey_rules.carried_over(
                valid_until.get((d.organization_id, "csat")), d.anniversary_on
            ),
            capability_carried_over=journey_rules.carried_over(
                valid_until.get((d.organization_id, "capability")), d.anniversary_on
            ),
        )
        for d in due
    ]
    draw_ids(renewals)
    events = EnrollmentEvent.first_of_many(
        [(enrollment, opened_note(enrollment)) for enrollment in renewals],
        transition="renewal_opened",
        by=None,
        rules_version=rules_version,
    )
    created = {e.pk for e in insert_skipping_conflicts(renewals)}
    EnrollmentEvent.objects.bulk_create([e for e in events if e.enrollment_id in created])
    return Batch(len(due), len(created), due[-1].pk)


def draw_ids(enrollments: list[Enrollment]) -> None:
    """Give each new enrollment its id from the table's sequence, in one statement, so that
    its first event's hash (which covers the id) is known before either row is written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Enrollment._meta.db_table, len(enrollments)],
        )
        for enrollment, (pk,) in zip(enrollments, cursor.fetchall(), strict=True):
            enrollment.pk = pk


def latest_passes(organization_ids: list[int]) -> dict[tuple[int, str], date]:
    """The latest validity of each kind of pass of each organisation, in one query."""
    rows = (
        AuditRecord.objects.current()
        .filter(enrollment__organization_id__in=organization_ids, verdict="pass")
        .values("enrollment__organization_id", "kind")
        .annotate(latest=Max("valid_until"))
        .values_list("enrollment__organization_id", "kind", "latest")
    )
    return {(organization_id, kind): latest for organization_id, kind, latest in rows}


def insert_skipping_conflicts(enrollments: list[Enrollment]) -> list[Enrollment]:
    """INSERT the enrollments in one statement; a row a unique constraint refuses (an open
    enrollment or this anniversary's renewal made meanwhile) is skipped. Returns those made."""
    fields = list(Enrollment._meta.concrete_fields)  # the ids are drawn: draw_ids
    if not enrollments:
        return []
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(e, add=True), connection) for f in fields)
        for e in enrollments
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Enrollment._meta.db_table} ({columns}) "  # noqa: S608
            f"VALUES {', '.join([one_row] * len(rows))} "
            "ON CONFLICT DO NOTHING RETURNING id",
            [value for row in rows for value in row],
        )
        made = {pk for (pk,) in cursor.fetchall()}
    created = [enrollment for enrollment in enrollments if enrollment.pk in made]
    for enrollment in created:
        enrollment._state.adding = False
    return created


def opened_note(enrollment: Enrollment) -> str:
    """The renewal_opened event's note: the anniversary and the passes carried over."""
    carried = [
        name
        for name, flag in (
            ("CSAT", enrollment.csat_carried_over),
            ("capability", enrollment.capability_carried_over),
        )
        if flag
    ]
    anniversary = enrollment.renewal_for_anniversary.isoformat()
    return f"Renewal window open for the anniversary {anniversary}." + (
        f" Carried over: {', '.join(carried)}." if carried else ""
    )
