"""Concurrency on the real PostgreSQL: two requests racing on one enrollment, and many
enrollments completing at once against the early-adoption quota."""

import threading
import time
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from designation.models import Designation, Enrollment, IncentiveGrant, ProgramRules
from journey import services
from portal.errors import Conflict
from tests.assessments.factories import PASSING_SCORES, claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(*calls):
    """Run each call in its own thread (own database connection), released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the row lock a moment longer so the second request really waits on it."""
    locked = services._locked

    def slow(enrollment_id, by):
        enrollment = locked(enrollment_id, by)
        time.sleep(0.3)
        return enrollment

    monkeypatch.setattr(services, "_locked", slow)


def test_two_reviewers_approving_at_once_one_wins_the_other_gets_a_conflict(slow_lock):
    enrollment = enrollment_at("eligibility_review")
    first, second = (factories.UserFactory(groups=["Microsoft reviewer"]) for _ in range(2))

    def approve(reviewer, note):
        return lambda: services.enrollment_approve_eligibility(
            enrollment_id=enrollment.pk, by=reviewer, on=TODAY, note=note
        )

    results = run_together(approve(first, "first"), approve(second, "second"))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, Conflict) and "now “Performance assessment”" in error.message
    winner = next(value for kind, value in results if kind == "ok")
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    assert fresh.state == "performance"
    events = list(fresh.events.all())
    assert len(events) == 1 and events[0].actor_id in (first.pk, second.pk)
    assert events[0].note == ("first" if events[0].actor_id == first.pk else "second")
    assert winner.state == "performance"


def test_racing_through_the_api_answers_200_and_409(slow_lock):
    org = factories.EligibleOrganizationFactory()
    admin = factories.MembershipFactory(organization=org).user
    factories.rollups(org, cases_per_month=1, revenue_per_month="100000")
    enrollment = enrollment_at("performance", organization=org)
    url = reverse("enrollment-transitions", args=[enrollment.pk, "start_performance"])

    def start():
        client = APIClient()
        client.force_authenticate(admin)
        return client.post(url, {}, format="json")

    responses = [value for _, value in run_together(start, start)]
    assert sorted(r.status_code for r in responses) == [200, 409]
    refused = next(r for r in responses if r.status_code == 409).json()
    assert "already under way" in refused["detail"]
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    assert fresh.attempt_status == "in_progress"
    assert fresh.audits.count() == 1 and fresh.events.count() == 1


def test_simultaneous_enrollments_never_grant_more_incentives_than_the_quota():
    ProgramRules.objects.create(effective_from=date(2026, 1, 1), incentive_quota=2)
    audits = [claimed_capability_audit() for _ in range(5)]

    def submit(audit):
        return lambda: services.audit_submit(
            audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": PASSING_SCORES}
        )

    results = run_together(*(submit(a) for a in audits))
    assert [kind for kind, _ in results] == ["ok"] * 5
    assert Designation.objects.count() == 5
    assert Enrollment.objects.filter(state="enrolled").count() == 5
    grants = list(IncentiveGrant.objects.order_by("position"))
    assert [g.position for g in grants] == [1, 2]
    assert all(g.discount_percent == 5 for g in grants)
