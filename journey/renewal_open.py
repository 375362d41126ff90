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
    opened, after, batches = 0, 0, 0
    while True:
        with transaction.atomic():
            batch = open_renewal_batch(
                after_id=after, limit=batch_size, rules_version=rules_version
            )
        opened, batches = opened + batch.opened, batches + 1
        if batch.selected < batch_size:
            return opened
        after = batch.last_id
        if batches & (batches - 1) == 0:
            # A backlog: each time the open enrollments have doubled, fresh statistics; a plan
            # made on the old ones can loop over every open enrollment for each designation.
            refresh_statistics(Enrollment)


def refresh_statistics(model) -> None:
    """ANALYZE one table (it samples; reads and writes go on meanwhile)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def open_renewal_batch(*, after_id: int, limit: int, rules_version: ProgramRules) -> Batch:
    """The next `limit` designations needing a renewal after `after_id`: their renewal
    enrollments in one INSERT ... SELECT (the previous form copied in SQL), then their first
    hash-chained events in one INSERT. The carry-over rule decides each pass in Python."""
    due = list(
        needing_renewal()
        .filter(pk__gt=after_id)
        .order_by("id")
        .values_list("id", "organization_id", "anniversary_on")[:limit]
    )
    if not due:
        return Batch(0, 0, after_id)
    valid_until = latest_passes([organization_id for _id, organization_id, _a in due])
    carried = [
        tuple(
            journey_rules.carried_over(valid_until.get((organization_id, kind)), anniversary)
            for kind in ("csat", "capability")
        )
        for _id, organization_id, anniversary in due
    ]
    ids = draw_ids(len(due))
    events = EnrollmentEvent.first_events(
        [
            (pk, opened_note(anniversary, csat=csat, capability=capability))
            for pk, (_id, _org, anniversary), (csat, capability) in zip(
                ids, due, carried, strict=True
            )
        ],
        transition="renewal_opened",
        to_state=Enrollment.State.DRAFT,
        by=None,
        rules_version=rules_version,
    )
    created = insert_renewals(
        ids=ids,
        designation_ids=[designation_id for designation_id, _org, _a in due],
        carried=carried,
        heads=[event.hash for event in events],
    )
    EnrollmentEvent.objects.bulk_create([e for e in events if e.enrollment_id in created])
    return Batch(len(due), len(created), due[-1][0])


def draw_ids(count: int) -> list[int]:
    """`count` new enrollment ids from the table's sequence, in one statement, so that each
    first event's hash (which covers the id) is known before either row is written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Enrollment._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


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


# Written by insert_renewals from its arrays and the designation; every other column gets its
# field's default.
_FROM_BATCH = {
    "id": "t.id",
    "organization_id": "d.organization_id",
    "kind": "%(kind)s",
    "state": "%(state)s",
    "renewal_of_id": "d.id",
    "renewal_for_anniversary": "d.anniversary_on",
    "csat_carried_over": "t.csat",
    "capability_carried_over": "t.capability",
    "last_event_hash": "t.head",
    **{name: f"p.{name}" for name in COPIED_FIELDS},
}
_INSERT_RENEWALS = """
    INSERT INTO designation_enrollment ({columns})
    SELECT {values}
    FROM unnest(%(ids)s::bigint[], %(designations)s::bigint[], %(csat)s::boolean[],
                %(capability)s::boolean[], %(heads)s::text[])
         AS t(id, designation_id, csat, capability, head)
    JOIN designation_designation d ON d.id = t.designation_id
    JOIN designation_enrollment p ON p.id = d.enrollment_id
    ORDER BY t.id
    ON CONFLICT DO NOTHING
    RETURNING id
"""


def insert_renewals(
    *, ids: list[int], designation_ids: list[int], carried: list[tuple[bool, bool]], heads
) -> set[int]:
    """INSERT the renewal enrollments in one statement; a row a unique constraint refuses (an
    open enrollment or this anniversary's renewal made meanwhile) is skipped. The ids made."""
    fields = Enrollment._meta.concrete_fields
    params = {
        "kind": Enrollment.Kind.RENEWAL.value,
        "state": Enrollment.State.DRAFT.value,
        "ids": ids,
        "designations": designation_ids,
        "csat": [csat for csat, _capability in carried],
        "capability": [capability for _csat, capability in carried],
        "heads": list(heads),
    }
    values = []
    for field in fields:
        if field.attname in _FROM_BATCH:
            values.append(_FROM_BATCH[field.attname])
        else:
            params[field.attname] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({field.attname})s::{field.db_type(connection)}")
    sql = _INSERT_RENEWALS.format(
        columns=", ".join(connection.ops.quote_name(f.column) for f in fields),
        values=", ".join(values),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


def opened_note(anniversary: date, *, csat: bool, capability: bool) -> str:
    """The renewal_opened event's note: the anniversary and the passes carried over."""
    carried = [name for name, flag in (("CSAT", csat), ("capability", capability)) if flag]
    return f"Renewal window open for the anniversary {anniversary.isoformat()}." + (
        f" Carried over: {', '.join(carried)}." if carried else ""
    )
