"""The "overdue" queue filter: the rules with their day-boundary edges (a deadline's last day is
not overdue, the day after is), the set-based query agreeing with the rule day by day, and the
filter on the auditor's and reviewers' pages and the API."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from assessments import rules as audit_rules
from assessments import selectors as audit_selectors
from assessments.models import AuditRecord, ChangeRequest
from designation.models import Designation
from designation.rules.renewal import renewal_overdue
from journey import conversation, queue_filters
from tests.assessments.factories import audit_for
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

DAY = timedelta(days=1)


# --- The rules (no database) ---------------------------------------------------------------


def test_an_audit_is_overdue_the_day_after_its_issi_due_date():
    overdue = dict(submitted=False, open_request_due_ons=[])
    assert not audit_rules.audit_overdue(issi_due_on=TODAY, on=TODAY, **overdue)
    assert audit_rules.audit_overdue(issi_due_on=TODAY, on=TODAY + DAY, **overdue)


def test_an_audit_is_overdue_the_day_after_an_open_request_passed_its_deadline():
    later = TODAY + timedelta(days=20)
    common = dict(submitted=False, issi_due_on=later, open_request_due_ons=[later, TODAY])
    assert not audit_rules.audit_overdue(on=TODAY, **common)
    assert audit_rules.audit_overdue(on=TODAY + DAY, **common)


def test_a_submitted_audit_is_never_overdue():
    assert not audit_rules.audit_overdue(
        submitted=True, issi_due_on=TODAY, open_request_due_ons=[TODAY], on=TODAY + 9 * DAY
    )


def test_a_renewal_is_overdue_the_day_after_its_anniversary():
    assert not renewal_overdue(TODAY, TODAY)
    assert renewal_overdue(TODAY, TODAY + DAY)


def test_a_queue_without_deadlines_says_so():
    assert queue_filters.overdue_meaning("eligibility") == queue_filters.NO_DEADLINE
    assert "change request" in queue_filters.overdue_meaning("mine")


# --- The set-based query agrees with the rule ------------------------------------------------


def _at(day):
    return datetime.combine(day, time(12), tzinfo=UTC)


def _request(audit, *, requested_on, due_on, answered_on=None):
    return ChangeRequest.objects.create(
        audit=audit,
        note="Missing",
        due_on=due_on,
        requested_by=audit.auditor,
        requested_at=_at(requested_on),
        answered_at=_at(answered_on) if answered_on else None,
        answered_by=audit.auditor if answered_on else None,
    )


def _by_the_rule(audit, on) -> bool:
    requests = list(ChangeRequest.objects.filter(audit=audit))
    base = audit_rules.audit_due_on(
        audit.kind,
        queued_on=audit.created_at.date(),
        assigned_on=audit.assigned_on,
        performance_window_ends_on=audit.performance_window_ends_on,
    )
    clocks = conversation.clocks(audit, requests, on=on, due_on=base)
    return audit_rules.audit_overdue(
        submitted=audit.status not in ("unassigned", "claimed"),
        issi_due_on=clocks["issi_due_on"],
        open_request_due_ons=[r.due_on for r in requests if not r.answered],
        on=on,
    )


@pytest.mark.django_db
def test_the_query_agrees_with_the_rule_on_every_day_around_the_deadlines(auditor):
    def claimed(assigned_on):
        audit = audit_for(enrollment_at("capability"), "capability", auditor=auditor)
        AuditRecord.objects.filter(pk=audit.pk).update(assigned_on=assigned_on)
        return AuditRecord.objects.get(pk=audit.pk)

    start = TODAY - timedelta(days=30)
    plain = claimed(start)  # due TODAY
    asked = claimed(TODAY)  # an open request due TODAY
    _request(asked, requested_on=TODAY - 5 * DAY, due_on=TODAY)
    paused = claimed(start)  # held 5 days, then overlapping requests counted once
    _request(paused, requested_on=TODAY - 10 * DAY, due_on=TODAY, answered_on=TODAY - 5 * DAY)
    _request(paused, requested_on=TODAY - 8 * DAY, due_on=TODAY, answered_on=TODAY - 6 * DAY)
    submitted = claimed(start - 60 * DAY)
    AuditRecord.objects.filter(pk=submitted.pk).update(status="submitted")
    unclaimed = audit_for(enrollment_at("capability"), "capability")
    audits = [plain, asked, paused, AuditRecord.objects.get(pk=submitted.pk), unclaimed]
    for offset in range(-2, 40):
        on = TODAY + offset * DAY
        found = dict(
            audit_selectors.with_overdue(AuditRecord.objects.all(), on=on).values_list(
                "pk", "overdue"
            )
        )
        assert found == {a.pk: _by_the_rule(a, on) for a in audits}, on
    edges = audit_selectors.with_overdue(AuditRecord.objects.filter(pk=paused.pk), on=TODAY)
    assert not edges.get().overdue  # due TODAY + 5 after the pause
    later = audit_selectors.with_overdue(AuditRecord.objects.all(), on=TODAY + 6 * DAY)
    assert later.get(pk=paused.pk).overdue and later.get(pk=plain.pk).overdue


# --- Pages and API ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_auditors_page_and_api_filter_overdue(client, api_client, today, auditor):
    late = factories.EligibleOrganizationFactory(legal_name="Late Ltd")
    fine = factories.EligibleOrganizationFactory(legal_name="Fine Ltd")
    audit = audit_for(enrollment_at("capability", organization=late), "capability", auditor=auditor)
    _request(audit, requested_on=TODAY - 9 * DAY, due_on=TODAY - DAY)
    audit_for(enrollment_at("capability", organization=fine), "capability", auditor=auditor)
    client.force_login(auditor)
    html = client.get(reverse("audit-index"), {"overdue": "true"}).content.decode()
    assert "Late Ltd" in html and "Fine Ltd" not in html
    assert "Overdue only" in html and "change request passed its deadline" in html
    everything = client.get(reverse("audit-index")).content.decode()
    assert "Fine Ltd" in everything and everything.count(">Overdue</span>") == 1
    api_client.force_authenticate(auditor)
    body = api_client.get("/api/v1/queues/mine/", {"overdue": "true"}).json()
    assert [r["organization_name"] for r in body["results"]] == ["Late Ltd"]
    assert body["count"] == 1
    both = api_client.get("/api/v1/queues/mine/", {"overdue": "false"}).json()
    assert both["count"] == 2
    bad = api_client.get("/api/v1/queues/mine/", {"overdue": "soon"})
    assert bad.status_code == 400 and "overdue" in bad.json()["detail"]


@pytest.mark.django_db
def test_the_reviewers_page_filters_overdue_renewals(client, api_client, today, reviewer):
    for name, anniversary in (("Lapsing Ltd", TODAY - DAY), ("Due Today Ltd", TODAY)):
        org = factories.EligibleOrganizationFactory(legal_name=name)
        Designation.objects.create(
            organization=org,
            enrollment=enrollment_at("enrolled", organization=org),
            attained_on=anniversary.replace(year=anniversary.year - 1),
            anniversary_on=anniversary,
            state=Designation.State.GRACE if anniversary < TODAY else "renewal_open",
        )
    enrollment_at("eligibility_review", organization=factories.EligibleOrganizationFactory())
    api_client.force_authenticate(reviewer)
    body = api_client.get("/api/v1/queues/renewals/", {"overdue": "true"}).json()
    assert [r["organization_name"] for r in body["results"]] == ["Lapsing Ltd"]
    assert api_client.get("/api/v1/queues/renewals/").json()["count"] == 2
    assert api_client.get("/api/v1/queues/eligibility/", {"overdue": "true"}).json()["count"] == 0
    assert api_client.get("/api/v1/queues/eligibility/").json()["count"] == 1
    client.force_login(reviewer)
    html = client.get(reverse("review-queues"), {"overdue": "true"}).content.decode()
    assert "Lapsing Ltd" in html and "Due Today Ltd" not in html
    assert "nothing in this queue has a deadline" in html


@pytest.mark.django_db
def test_the_overdue_filter_adds_no_query_to_the_auditors_page(client, today, auditor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    audit = audit_for(enrollment_at("capability"), "capability", auditor=auditor)
    _request(audit, requested_on=TODAY - 9 * DAY, due_on=TODAY - DAY)
    client.force_login(auditor)
    counted = {}
    for params in ({"q": "Ltd"}, {"overdue": "true"}, {"q": "Ltd", "overdue": "true"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit-index"), params).status_code == 200
        counted[str(params)] = len(queries)
    assert len(set(counted.values())) == 1, counted
