"""The organisation Overview page (partner dashboard): what it shows and its fixed query count."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Appeal
from designation.models import Designation, Enrollment
from journey import appeals, services
from journey.services import run_transition
from tests.assessments.factories import audit_for, claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at, rollups
from tests.journey.large_history import large_history

pytestmark = pytest.mark.django_db

# Session; the user with the one role lookup (groups, a chosen authenticator, memberships, the
# bell's unread count: portal/roles.py's user_with_roles); the organisation's name with the
# content cache's fingerprint (a request whose content is cached stops there:
# tests/journey/test_dashboard_cache.py); the organisation with its facts, designation and grant;
# the enrollment with its event log and the organisation's appeals; the rules in force with the
# next fee; the trend; the audits; the readiness card (fees in force, evidence prepared). Issue
# 17's target is 10.
DASHBOARD_QUERIES = 9


def overview(client, org, **query):
    response = client.get(reverse("organization-overview", args=[org.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_shows_the_case_rate_against_the_target_with_a_what_if(
    client, today, org, partner_admin
):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")  # 60 / 2.4M = 25.00
    client.force_login(partner_admin)
    html = overview(client, org)
    assert 'data-figure="case_rate">25.00<' in html
    assert "USD 2,400,000.00" in html and "2025-11-01 to 2026-10-31" in html
    assert "Above the target" in html
    # 48 cases on 2.4M is 20.00: twelve fewer; or 60 cases on USD 2,999,250.19 round to 20.00.
    assert "<strong>12</strong> fewer CSP cases" in html
    assert "<strong>USD 599,250.19</strong> more billed revenue" in html
    assert '<svg viewBox="0 0 720 280" class="trend-chart" role="img"' in html
    assert 'class="target"' in html and "target 20.00" in html
    assert html.count('<th scope="row">') == 24  # the same figures as a table


def test_dashboard_shows_progress_with_dates_and_the_required_actions(
    client, today, org, partner_admin, reviewer
):
    rollups(org, cases_per_month=1, revenue_per_month="200000.00")
    enrollment = enrollment_at("eligibility_review", organization=org)
    run_transition(
        "approve_eligibility", enrollment_id=enrollment.pk, by=reviewer, on=TODAY, data={}
    )
    run_transition(
        "start_performance", enrollment_id=enrollment.pk, by=partner_admin, on=TODAY, data={}
    )
    client.force_login(partner_admin)
    html = overview(client, org)
    assert html.count('class="progress-step progress-done"') == 1
    assert 'class="progress-step progress-current" aria-current="step"' in html
    assert f"Done · {TODAY:%Y-%m-%d}" in html
    window_end = TODAY + timedelta(days=29)
    assert "Performance window ends" in html and f"{window_end:%Y-%m-%d}" in html
    assert "USD 1,350.00" in html and "Performance assessment" in html
    assert "Enrollment timeline" not in html  # partners follow it on the enrollment page
    client.force_login(reviewer)
    html = overview(client, org)
    assert "Enrollment timeline" in html and "Eligibility approved" in html
    assert "approve_eligibility" not in html


def test_dashboard_lists_missing_evidence_as_an_action(client, today, org, partner_admin):
    claimed_capability_audit(organization=org, with_evidence=False)
    client.force_login(partner_admin)
    html = overview(client, org)
    assert "Upload evidence for the capability assessment" in html
    assert "Support processes and procedures" in html


def test_enrolled_dashboard_shows_badge_letter_verification_and_renewal_window(
    client, today, org, partner_admin
):
    enrollment = enrollment_at("capability", organization=org)
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_on=TODAY)
    designation = Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=TODAY - relativedelta(months=11),
        anniversary_on=TODAY + relativedelta(months=1),
    )
    client.force_login(partner_admin)
    html = overview(client, org)
    assert reverse("badge-letter", args=[org.pk]) in html
    assert reverse("verify-page", args=[designation.credential_id]) in html
    opens = designation.anniversary_on - timedelta(days=60)
    closes = designation.anniversary_on + timedelta(days=30)
    assert f"{opens:%Y-%m-%d} to {closes:%Y-%m-%d}" in html
    assert "Renew by the anniversary" in html
    assert 'aria-label="Support Services designation badge"' in html


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _make_large(org, auditor):
    """The largest organisation's history (tests/journey/large_history.py), filed by a new
    admin and told to every member."""
    factories.UserFactory.create_batch(3)
    filer = factories.MembershipFactory(organization=org, role="admin").user
    recipients = [m.user_id for m in org.memberships.all()]
    large_history(
        org, auditor=auditor, filer=filer, recipient_ids=recipients, key=f"large:{org.pk}"
    )


def test_dashboard_query_count_is_fixed_from_a_small_to_a_large_organisation(
    client, today, org, other_org, partner_admin, reviewer, auditor, django_assert_num_queries
):
    small_url = reverse("organization-overview", args=[org.pk])
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    audit_for(enrollment, "capability")
    client.force_login(partner_admin)
    client.get(small_url)  # the session's first request
    small = _count(client, small_url)
    large_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    factories.MembershipFactory(user=large_admin, organization=org, role="member")
    _make_large(other_org, auditor)
    client.force_login(large_admin)
    large_url = reverse("organization-overview", args=[other_org.pk])
    client.get(large_url)
    assert _count(client, large_url) == small <= 10
    with django_assert_num_queries(DASHBOARD_QUERIES):
        html = client.get(large_url).content.decode()
    assert "Capability assessment" in html and html.count('<th scope="row">') == 24
    assert html.count('data-appeal="') == 12 and "Reason 10" in html
    assert 'aria-label="Notifications: 40 unread"' in html
    client.force_login(reviewer)  # plus the device and the queue counts in the navigation
    client.get(large_url)
    with django_assert_num_queries(DASHBOARD_QUERIES + 2):
        client.get(large_url)


def test_reviewer_queues_show_renewals_at_risk_and_counts_in_the_navigation(
    client, today, reviewer, django_assert_max_num_queries
):
    for _ in range(3):
        enrollment_at("eligibility_review")
    at_risk = enrollment_at("capability")
    Designation.objects.create(
        organization=at_risk.organization,
        enrollment=at_risk,
        attained_on=TODAY - relativedelta(months=11),
        anniversary_on=TODAY + relativedelta(days=20),
    )
    Designation.objects.filter(organization=at_risk.organization).update(state="renewal_open")
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("review-queues")).content.decode()
    assert 'aria-label="3 waiting">3</span>' in html  # eligibility, in the navigation
    assert 'aria-label="1 at risk">1</span>' in html
    assert 'Renewals at risk <span class="count-note">(1)</span>' in html
    assert at_risk.organization.legal_name in html and "Not opened" in html


def test_auditor_sees_due_dates_and_what_they_mean(client, today, auditor):
    audit = claimed_capability_audit(auditor=auditor, with_evidence=False)
    client.force_login(auditor)
    html = client.get(reverse("audit-index")).content.decode()
    due = TODAY + timedelta(days=30)
    assert f'<time datetime="{due:%Y-%m-%d}"' in html
    assert "30 days after you claim it" in html
    html = client.get(reverse("audit-page", args=[audit.pk])).content.decode()
    assert "Partner (read only)" in html and audit.enrollment.organization.partner_id in html
    assert html.count('status-badge status-unmet">Missing') == 11


FAILING = {"support_function": 40, "support_staff_skills": 75, "support_performance_metrics": 70}


def test_dashboard_shows_the_appeal_pending_with_its_deadline_then_its_outcome_and_reason(
    client, today, org, partner_admin, reviewer
):
    audit = claimed_capability_audit(organization=org)
    failed = services.audit_submit(
        audit_id=audit.pk, by=audit.auditor, on=TODAY, data={"scores": FAILING}
    )
    appeals.appeal_file(
        by=partner_admin, on=TODAY, audit_id=failed.pk, statement="The scorer missed our QA file."
    )
    client.force_login(partner_admin)
    html = overview(client, org)
    assert "Appeal of the failed capability assessment</a>, filed on 2026-11-21" in html
    assert "Waiting for a reviewer" in html
    assert "is to decide it by 2026-12-21." in html
    assert "open" not in html.split('id="appeals-heading"')[1].split("</section>")[0]
    [appeal] = Appeal.objects.filter(audit=failed)
    appeals.appeal_decide(
        appeal_id=appeal.pk, by=reviewer, on=TODAY, overturn=False, reason="Scores stand."
    )
    html = overview(client, org)
    assert "Upheld: the decision stands" in html
    assert "Decided on 2026-11-21. The reviewer's reason: Scores stand." in html
    assert "Waiting for a reviewer" not in html
