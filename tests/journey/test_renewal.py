"""The nightly renewal job walked day by day through a whole renewal year."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import services as audit_services
from assessments.models import AuditRecord
from designation import rules
from designation.models import Designation, Enrollment, RenewalReminder
from journey import services
from journey.renewal import refresh_designations
from tests.assessments.factories import audit_for, survey_report
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db

ANNIVERSARY = date(2027, 11, 21)


@pytest.fixture
def designation(org, partner_admin):
    """Attained on 2026-11-21 with a capability pass valid two years and a CSAT pass one year."""
    enrollment = enrollment_at("enrolled", organization=org, enrolled_on=TODAY)
    audit_for(
        enrollment, "capability", status="submitted", verdict="pass", valid_until=date(2028, 11, 20)
    )
    audit_for(
        enrollment, "csat", status="submitted", verdict="pass", valid_until=date(2027, 11, 20)
    )
    return Designation.objects.create(
        organization=org, enrollment=enrollment, attained_on=TODAY, anniversary_on=ANNIVERSARY
    )


def walk(start: date, end: date, capture, hook=None):
    """Run the job for every day from start to end; return {day: state} and the emails sent."""
    states, day = {}, start
    while day <= end:
        with capture(execute=True):
            refresh_designations(today=day)
        if hook:
            hook(day)
        states[day] = Designation.objects.get().state
        day += timedelta(days=1)
    return states


def first_day_of(states: dict, state: str) -> date:
    return min(day for day, s in states.items() if s == state)


def test_a_whole_renewal_year_day_by_day(designation, django_capture_on_commit_callbacks):
    states = walk(TODAY, date(2028, 1, 31), django_capture_on_commit_callbacks)
    assert first_day_of(states, "renewal_open") == date(2027, 9, 22)
    assert max(d for d, s in states.items() if s == "active") == date(2027, 9, 21)
    assert first_day_of(states, "grace") == date(2027, 11, 22)
    assert max(d for d, s in states.items() if s == "renewal_open") == ANNIVERSARY
    assert first_day_of(states, "lapsed") == date(2027, 12, 22)
    assert max(d for d, s in states.items() if s == "grace") == date(2027, 12, 21)

    reminders = list(RenewalReminder.objects.order_by("sent_on").values_list("kind", "sent_on"))
    assert reminders == [
        ("before_60", date(2027, 9, 22)),
        ("before_30", date(2027, 10, 22)),
        ("before_7", date(2027, 11, 14)),
        ("anniversary", date(2027, 11, 21)),
        ("closing_7", date(2027, 12, 14)),
    ]
    reminders = [m for m in mail.outbox if "Renewal reminder" in m.subject]
    assert len(reminders) == 5
    assert "(60 days before the anniversary)" in reminders[0].subject
    lapsed = [m for m in mail.outbox if "lapsed" in m.subject]
    assert len(lapsed) == 1 and "/badge/" in lapsed[0].body

    renewal = Enrollment.objects.get(kind="renewal")
    assert (renewal.state, renewal.renewal_for_anniversary) == ("draft", ANNIVERSARY)
    assert renewal.capability_carried_over is True  # valid until 2028-11-20
    assert renewal.csat_carried_over is False  # expired the day before the anniversary
    assert renewal.events.get().transition == "renewal_opened"
    assert renewal.contact_email == "dana@example.com"

    body = APIClient().get(reverse("api-verify", args=[designation.credential_id])).json()
    assert (body["status"], body["state"]) == ("expired", "lapsed")


def test_a_second_run_on_the_same_day_does_nothing(designation, django_capture_on_commit_callbacks):
    day = date(2027, 9, 22)
    with django_capture_on_commit_callbacks(execute=True):
        first = refresh_designations(today=day)
    with django_capture_on_commit_callbacks(execute=True):
        second = refresh_designations(today=day)
    assert (first.moved["renewal_open"], first.renewals_opened, first.reminders["before_60"]) == (
        1,
        1,
        1,
    )
    assert (
        second.moved["renewal_open"],
        second.renewals_opened,
        sum(second.reminders.values()),
    ) == (
        0,
        0,
        0,
    )
    reminders = [m for m in mail.outbox if "Renewal reminder" in m.subject]
    assert len(reminders) == 1 and Enrollment.objects.filter(kind="renewal").count() == 1


def test_a_renewal_completed_in_the_window_keeps_the_anniversary(
    designation, org, partner_admin, reviewer, auditor, django_capture_on_commit_callbacks
):
    day = date(2027, 10, 1)
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000", as_of=day)

    def renew(today):
        if today != day:
            return
        renewal = Enrollment.objects.get(kind="renewal")
        # The partner attests again: it is a statement made for this cycle.
        services.enrollment_update_form(
            enrollment_id=renewal.pk, by=partner_admin, form={"attested": True}
        )
        services.enrollment_submit(enrollment_id=renewal.pk, by=partner_admin, on=day)
        services.enrollment_approve_eligibility(enrollment_id=renewal.pk, by=reviewer, on=day)
        services.enrollment_start_performance(enrollment_id=renewal.pk, by=partner_admin, on=day)
        performance = renewal.audits.get(kind="performance")
        audit_services.audit_claim(audit_id=performance.pk, by=auditor, on=day)
        services.audit_submit(
            audit_id=performance.pk, by=auditor, on=day, data={"validated_case_volume": 12}
        )
        services.audit_determine(audit_id=performance.pk, by=reviewer, on=day)
        csat = renewal.audits.get(kind="csat")  # not carried over: audited again
        audit_services.audit_claim(audit_id=csat.pk, by=auditor, on=day)
        survey_report(csat, auditor)
        services.audit_submit(
            audit_id=csat.pk, by=auditor, on=day, data={"methodology_ok": True, "score": "4.1"}
        )

    states = walk(date(2027, 9, 20), date(2027, 12, 31), django_capture_on_commit_callbacks, renew)
    renewal = Enrollment.objects.get(kind="renewal")
    assert renewal.state == "enrolled"
    assert not renewal.audits.filter(kind="capability").exists()  # carried over
    assert "carried over" in renewal.events.get(transition="pass_capability").note
    designation.refresh_from_db()
    assert (designation.anniversary_on, designation.attained_on, designation.renewed_on) == (
        date(2028, 11, 21),
        TODAY,
        day,
    )
    assert states[date(2027, 9, 30)] == "renewal_open"
    assert {states[d] for d in states if d >= day} == {"active"}
    assert list(RenewalReminder.objects.values_list("kind", flat=True)) == ["before_60"]
    assert AuditRecord.objects.filter(enrollment=renewal, kind="csat").get().fee_amount == Decimal(
        "500.00"
    )


def test_reminder_anniversaries_match_the_reminder_rule():
    for day in (date(2027, 9, 22), date(2027, 12, 14), date(2027, 11, 21)):
        due = rules.reminder_anniversaries(day, days_after=30)
        window = lambda a: rules.renewal_window(a, days_before=60, days_after=30)  # noqa: E731
        for kind, anniversary in due.items():
            assert rules.reminder_due(window(anniversary), day) == kind


def test_the_command_runs_for_a_given_day(designation, capsys):
    call_command("refresh_designations", "--today", "2027-11-22")
    assert "1 to grace" in capsys.readouterr().out
    assert Designation.objects.get().state == "grace"


def test_a_lapsed_designation_loses_its_badge_and_letter_and_verifies_as_expired(
    designation, client, org, partner_admin
):
    refresh_designations(today=date(2027, 12, 22))
    designation.refresh_from_db()
    assert designation.state == "lapsed"
    assert not Designation.objects.listed().exists()
    client.force_login(partner_admin)
    html = client.get(reverse("badge", args=[org.pk])).content.decode()
    assert "The designation lapsed" in html and designation.credential_id not in html
    assert client.get(reverse("badge-letter", args=[org.pk])).status_code == 404
    client.logout()
    html = client.get(reverse("verify-page", args=[designation.credential_id])).content.decode()
    assert "has expired" in html


def test_a_leap_day_anniversary_comes_back_in_leap_years(org):
    held = Designation.objects.create(
        organization=org,
        enrollment=enrollment_at("enrolled", organization=org),
        attained_on=date(2024, 2, 29),
        anniversary_on=date(2025, 2, 28),
    )
    anniversaries = []
    for year in (2025, 2026, 2027):
        held.renew(on=date(year, 2, 1), enrollment=held.enrollment, years=1)
        anniversaries.append(held.anniversary_on)
    assert anniversaries == [date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_an_organisation_holding_the_designation_cannot_apply_again(designation, partner_admin):
    from portal.errors import Conflict

    with pytest.raises(Conflict) as refused:
        services.enrollment_create(
            organization_id=designation.organization_id, by=partner_admin, on=TODAY, form={}
        )
    assert "already holds the Support Services designation" in refused.value.message
    assert "renewal" in refused.value.message


def test_a_pass_valid_exactly_on_the_anniversary_is_carried_over(org):
    enrollment = enrollment_at("enrolled", organization=org, enrolled_on=TODAY)
    for attempt, valid_until in ((1, date(2027, 1, 1)), (2, ANNIVERSARY)):  # old, then later
        audit_for(
            enrollment,
            "csat",
            attempt=attempt,
            status="submitted",
            verdict="pass",
            valid_until=valid_until,
        )
    Designation.objects.create(
        organization=org, enrollment=enrollment, attained_on=TODAY, anniversary_on=ANNIVERSARY
    )
    refresh_designations(today=ANNIVERSARY - timedelta(days=60))
    renewal = Enrollment.objects.get(kind=Enrollment.Kind.RENEWAL)
    assert renewal.csat_carried_over is True
    assert renewal.capability_carried_over is False  # no capability pass at all
