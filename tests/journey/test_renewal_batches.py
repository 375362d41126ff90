"""The nightly renewal job at scale: a fixed number of queries whatever the number of renewals,
batches that commit, a crash between batches finished by a rerun, one run at a time."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from designation.models import Designation, Enrollment, EnrollmentEvent, Notification
from designation.selectors import verify_event_chain
from journey import renewal, renewal_open
from journey.renewal import refresh_designations
from tests.assessments.factories import audit_for
from tests.db import other_connection
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

DAY = date(2027, 9, 22)  # the renewal window of ANNIVERSARY opens: before_60 is due
ANNIVERSARY = DAY + timedelta(days=60)


def designated(anniversary: date, *, capability_until: date | None = None) -> Designation:
    """An organisation holding the designation, with an admin and (optionally) a capability
    pass valid until `capability_until`."""
    org = factories.EligibleOrganizationFactory()
    factories.MembershipFactory(organization=org, role="admin")
    enrollment = enrollment_at("enrolled", organization=org, enrolled_on=TODAY)
    if capability_until:
        audit_for(
            enrollment,
            "capability",
            status="submitted",
            verdict="pass",
            valid_until=capability_until,
        )
    return Designation.objects.create(
        organization=org, enrollment=enrollment, attained_on=TODAY, anniversary_on=anniversary
    )


def run_counting(day: date) -> tuple[int, renewal.RefreshResult]:
    with CaptureQueriesContext(connection) as queries:
        result = refresh_designations(today=day)
    return len(queries), result


@pytest.mark.django_db
def test_the_query_count_is_the_same_for_one_renewal_and_for_many():
    """Each run opens renewals, sends before_60 reminders and lapse notices: for 1, then for 6."""
    designated(ANNIVERSARY, capability_until=ANNIVERSARY)
    designated(DAY - timedelta(days=31))  # lapses on DAY
    one, first = run_counting(DAY)
    later = DAY + timedelta(days=1)
    for n in range(6):
        designated(ANNIVERSARY + timedelta(days=1), capability_until=ANNIVERSARY + timedelta(n))
        designated(later - timedelta(days=31))
    many, second = run_counting(later)

    assert (first.renewals_opened, first.reminders["before_60"], first.moved["lapsed"]) == (1, 1, 1)
    assert (second.renewals_opened, second.reminders["before_60"], second.moved["lapsed"]) == (
        6,
        6,
        6,
    )
    assert one == many <= 36  # SAVEPOINT and RELEASE of each batch included
    carried = Enrollment.objects.filter(kind="renewal").values_list(
        "capability_carried_over", flat=True
    )
    assert sorted(carried) == [False] + [True] * 6  # valid on its anniversary from n = 1
    assert Notification.objects.filter(kind="renewal_reminder").count() == 7
    assert Notification.objects.filter(kind="designation_lapsed").count() == 7


@pytest.mark.django_db
def test_moves_and_renewals_in_batches_carry_one_valid_event_each(monkeypatch):
    monkeypatch.setattr(renewal, "MOVE_BATCH", 2)
    for _ in range(5):
        designated(ANNIVERSARY, capability_until=ANNIVERSARY + timedelta(days=400))
        designated(DAY - timedelta(days=31))
    result = refresh_designations(today=DAY, batch_size=2)
    assert (result.renewals_opened, result.moved["renewal_open"], result.moved["lapsed"]) == (
        5,
        5,
        5,
    )
    assert Notification.objects.filter(kind="designation_lapsed").count() == 5
    renewals = Enrollment.objects.filter(kind="renewal")
    assert {r.renewal_for_anniversary for r in renewals} == {ANNIVERSARY}
    events = EnrollmentEvent.objects.filter(enrollment__in=renewals)
    assert sorted(e.sequence for e in events) == [1] * 5
    assert {e.note for e in events} == {
        f"Renewal window open for the anniversary {ANNIVERSARY.isoformat()}. "
        "Carried over: capability."
    }
    assert verify_event_chain() == []
    assert all(r.last_event_hash for r in renewals)


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_batches_is_finished_by_a_rerun(monkeypatch):
    held = [designated(ANNIVERSARY) for _ in range(5)]
    real_batch, calls = renewal_open.open_renewal_batch, []

    def crashing_after_the_first(**kwargs):
        calls.append(kwargs["after_id"])
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real_batch(**kwargs)

    monkeypatch.setattr(renewal_open, "open_renewal_batch", crashing_after_the_first)
    with pytest.raises(RuntimeError):
        refresh_designations(today=DAY, batch_size=2)
    # The first batch committed; the day's moves and reminders committed before it.
    assert Enrollment.objects.filter(kind="renewal").count() == 2
    assert Designation.objects.filter(state="renewal_open").count() == 5
    assert len([m for m in mail.outbox if "Renewal reminder" in m.subject]) == 5

    monkeypatch.setattr(renewal_open, "open_renewal_batch", real_batch)
    again = refresh_designations(today=DAY, batch_size=2)
    assert (again.renewals_opened, sum(again.reminders.values())) == (3, 0)
    for designation in held:
        assert designation.renewals.filter(renewal_for_anniversary=ANNIVERSARY).count() == 1
    assert refresh_designations(today=DAY, batch_size=2).renewals_opened == 0
    assert len([m for m in mail.outbox if "Renewal reminder" in m.subject]) == 5
    assert Notification.objects.filter(kind="renewal_reminder").count() == 5
    assert verify_event_chain() == []


@pytest.mark.django_db(transaction=True)
def test_a_second_run_meanwhile_is_refused_and_never_doubles(monkeypatch):
    for _ in range(4):
        designated(ANNIVERSARY)
    real_batch, seen = renewal_open.open_renewal_batch, []

    def batch_then_race(**kwargs):
        done = real_batch(**kwargs)
        if not seen:  # between the first and the second batch, another run starts

            def other_run():
                seen.append(refresh_designations(today=DAY, batch_size=2))
                connections.close_all()

            thread = threading.Thread(target=other_run)
            thread.start()
            thread.join()
        return done

    monkeypatch.setattr(renewal_open, "open_renewal_batch", batch_then_race)
    result = refresh_designations(today=DAY, batch_size=2)
    assert seen[0].skipped and "another run holds the lock" in str(seen[0])
    assert result.renewals_opened == 4
    assert Enrollment.objects.filter(kind="renewal").count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_run_skips_while_another_process_holds_the_lock():
    designated(ANNIVERSARY)
    other = other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [renewal.REFRESH_LOCK_KEY])
        assert refresh_designations(today=DAY).skipped
        assert not Enrollment.objects.filter(kind="renewal").exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [renewal.REFRESH_LOCK_KEY])
    finally:
        other.close()
    assert refresh_designations(today=DAY).renewals_opened == 1


@pytest.mark.django_db
def test_an_enrollment_racing_the_batch_wins_and_its_designation_gets_no_event(monkeypatch):
    held = [designated(ANNIVERSARY) for _ in range(3)]
    real_passes = renewal_open.latest_passes

    def partner_enrolls_meanwhile(organization_ids):
        enrollment_at("draft", organization=held[1].organization)  # after the batch's SELECT
        return real_passes(organization_ids)

    monkeypatch.setattr(renewal_open, "latest_passes", partner_enrolls_meanwhile)
    assert refresh_designations(today=DAY).renewals_opened == 2
    assert not held[1].renewals.exists()
    assert EnrollmentEvent.objects.filter(transition="renewal_opened").count() == 2
    assert verify_event_chain() == []
