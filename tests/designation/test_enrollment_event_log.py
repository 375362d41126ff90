"""The event log is append-only at the database and its hash chain shows any tampering."""

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, transaction

from designation.models import EnrollmentEvent
from designation.selectors import verify_event_chain
from journey import services
from tests.designation.factories import PRE_ENROLLMENT_FORM, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(org, partner_admin):
    enrollment = services.enrollment_create(
        organization_id=org.pk, by=partner_admin, on=TODAY, form=PRE_ENROLLMENT_FORM
    )
    services.enrollment_submit(enrollment_id=enrollment.pk, by=partner_admin, on=TODAY)
    return enrollment


def test_each_event_chains_to_the_one_before(submitted):
    first, second = submitted.events.order_by("sequence")
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash
    submitted.refresh_from_db()
    assert submitted.last_event_hash == second.hash
    assert second.rules_version_id is not None
    assert verify_event_chain() == []


def test_database_refuses_to_update_or_delete_an_event(submitted):
    event = submitted.events.first()
    with pytest.raises(InternalError, match="Cannot update or delete rows"), transaction.atomic():
        EnrollmentEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(InternalError, match="Cannot update or delete rows"), transaction.atomic():
        EnrollmentEvent.objects.filter(pk=event.pk).delete()
    assert EnrollmentEvent.objects.get(pk=event.pk).reason == ""


def test_a_tampered_event_is_detected_by_the_function_and_the_command(submitted, capsys):
    event = submitted.events.get(sequence=1)
    with pgtrigger.ignore("designation.EnrollmentEvent:enrollment_events_append_only"):
        EnrollmentEvent.objects.filter(pk=event.pk).update(actor_name="someone-else")
    problems = verify_event_chain()
    assert [(p.enrollment_id, p.sequence, p.problem) for p in problems] == [
        (submitted.pk, 1, "content does not match hash")
    ]
    with pytest.raises(CommandError, match="broken in 1 place"):
        call_command("verify_event_chain")
    assert "event 1: content does not match hash" in capsys.readouterr().err


def test_a_deleted_last_event_is_detected(submitted):
    with pgtrigger.ignore("designation.EnrollmentEvent:enrollment_events_append_only"):
        submitted.events.get(sequence=2).delete()
    assert [p.problem for p in verify_event_chain(submitted.pk)] == [
        "last event missing or replaced"
    ]


def test_the_command_reports_an_intact_chain(submitted, capsys):
    call_command("verify_event_chain")
    assert "intact" in capsys.readouterr().out
