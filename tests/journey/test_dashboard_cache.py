"""The dashboard's cached content (journey/dashboard_cache.py): complete, exact, per viewer.

The behaviour tests are transactional: like production requests, each write commits on its own,
so the fingerprint is known and the cache is used (inside one test transaction it never is).
"""

import datetime
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Appeal, AuditRecord, EvidenceFile, EvidenceRemoval, FeeSchedule
from designation.models import Designation, Organization, ProgramRules, SupportContract
from designation.permissions import is_auditor, is_reviewer
from journey import dashboard_cache
from journey.services import run_transition
from metrics.models import CohortBenchmark, MonthlyRollup
from portal.roles import remember_roles_per_request
from tests.assessments.factories import audit_for, claimed_capability_audit
from tests.designation import factories
from tests.designation.factories import TODAY, enrollment_at, rollups

committed = pytest.mark.django_db(transaction=True)

# Session, the user with the one role lookup, the organisation's name with the fingerprint: none
# of the content's own reads (tests/journey/test_dashboard.py pins the cold page at 9).
WARM_QUERIES = 3


def get(client, org, **query) -> tuple[str, int]:
    """The page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("organization-overview", args=[org.pk]), query)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def changed(client, org, **query) -> str:
    """The page after a change: rendered afresh (more than the warm queries), then served from
    the cache with the same content."""
    html, queries = get(client, org, **query)
    assert queries > WARM_QUERIES, "a change must miss the cache"
    again, queries = get(client, org, **query)
    assert queries == WARM_QUERIES and content(again) == content(html)
    return html


def content(html: str) -> str:
    """The cached part: what lies between the page shell's <main> and its end."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@committed
def test_warm_dashboard_is_the_same_content_in_three_queries(client, today, org, partner_admin):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    claimed_capability_audit(organization=org, with_evidence=False)
    client.force_login(partner_admin)
    cold, cold_queries = get(client, org)
    warm, warm_queries = get(client, org)
    assert cold_queries <= 9
    assert warm_queries == WARM_QUERIES
    assert content(warm) == content(cold)
    assert 'data-figure="case_rate">25.00<' in warm and "Capability assessment" in warm


@committed
def test_each_kind_of_change_shows_on_the_next_request(client, today, org, partner_admin, reviewer):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    enrollment = enrollment_at("eligibility_review", organization=org)
    client.force_login(partner_admin)
    html = changed(client, org)
    assert "Waiting for Microsoft's eligibility review" in unescape(html)

    # The fee schedule: a new version of each fee, in force from today.
    for kind in AuditRecord.Kind.values:
        fee = FeeSchedule.objects.in_force(kind, TODAY)
        FeeSchedule.objects.create(
            kind=kind, effective_from=TODAY, amount=Decimal("1999.00"), currency=fee.currency
        )
    assert "USD 1,999.00" in changed(client, org)

    # A rollup rewritten by an import: 60 cases on 2.4M (25.00) become 120 (50.00).
    MonthlyRollup.objects.filter(organization=org).update(csp_case_count=10)
    assert 'data-figure="case_rate">50.00<' in changed(client, org)

    # An enrollment transition (by someone else, in another request).
    run_transition(
        "approve_eligibility", enrollment_id=enrollment.pk, by=reviewer, on=TODAY, data={}
    )
    html = changed(client, org)
    assert "Waiting for Microsoft's eligibility review" not in unescape(html)
    assert "Start the performance assessment" in html
    run_transition(
        "start_performance", enrollment_id=enrollment.pk, by=partner_admin, on=TODAY, data={}
    )
    html = changed(client, org)
    assert "Performance window ends" in html

    # An audit changed, then evidence added to an open one.
    [audit] = AuditRecord.objects.filter(enrollment=enrollment)
    assert "In the ISSI queue" in html
    AuditRecord.objects.filter(pk=audit.pk).update(status="claimed", auditor=reviewer)
    assert "Claimed by an auditor" in changed(client, org)
    capability = audit_for(enrollment, "capability", auditor=reviewer)
    html = changed(client, org)
    assert "Support processes and procedures" in html  # a missing component
    uploaded = EvidenceFile.objects.create(
        audit=capability,
        component="processes_procedures",
        file="evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=partner_admin,
    )
    assert "Support processes and procedures" not in changed(client, org)
    # Taken out again: a removed file no longer counts, so the component is missing again.
    EvidenceRemoval.objects.create(evidence=uploaded, removed_by=partner_admin, reason="wrong")
    assert "Support processes and procedures" in changed(client, org)

    # An appeal filed.
    Appeal.objects.create(
        enrollment=enrollment,
        subject=Appeal.Subject.DETERMINATION,
        decision_key=f"cache:{org.pk}",
        decision_on=TODAY,
        closes_on=TODAY + timedelta(days=30),
        statement="Our figures differ.",
        filed_by=partner_admin,
    )
    assert 'data-appeal="' in changed(client, org)

    # The program's rules: a new version in force from today.
    rules = ProgramRules.objects.in_force(TODAY)
    rules.pk, rules.effective_from, rules.case_rate_target = None, TODAY, Decimal("55.00")
    rules.save()
    html = changed(client, org)
    assert "Meets the target of at most 55.00" in html

    # The organisation's own facts: renamed, its support plan gone.
    Organization.objects.filter(pk=org.pk).update(legal_name="Renamed Partner Ltd")
    assert "<h1>Renamed Partner Ltd</h1>" in changed(client, org)
    SupportContract.objects.filter(organization=org).delete()
    assert "Some prerequisites are not met yet" in changed(client, org)


@committed
def test_a_designation_and_a_published_cohort_show_on_the_next_request(
    client, today, org, partner_admin
):
    rollups(org, cases_per_month=1, revenue_per_month="200000.00")
    enrollment = enrollment_at("capability", organization=org)
    client.force_login(partner_admin)
    html = changed(client, org)
    assert 'id="badge-heading"' not in html and "No peer benchmark to show yet" in html
    Designation.objects.create(
        organization=org,
        enrollment=enrollment,
        attained_on=TODAY - relativedelta(months=11),
        anniversary_on=TODAY + relativedelta(months=1),
    )
    assert 'id="badge-heading"' in changed(client, org)
    minimum = ProgramRules.objects.in_force(TODAY).benchmark_cohort_minimum
    CohortBenchmark.objects.create(
        as_of=TODAY,
        kind="overall",
        key="",
        organizations=minimum + 5,
        p25=Decimal("3.00"),
        median=Decimal("5.00"),
        p75=Decimal("7.00"),
        deciles=[Decimal(n) for n in range(1, 10)],
        published=True,
    )
    assert f"Among {minimum + 5} designated partners" in changed(client, org)


@committed
def test_the_next_day_and_another_day_render_anew(client, org, partner_admin):
    with time_machine.travel(datetime.datetime(2026, 11, 21, 23, 59, tzinfo=datetime.UTC)):
        client.force_login(partner_admin)
        get(client, org)
        assert "figures on 2026-11-21" in get(client, org)[0]
    with time_machine.travel(datetime.datetime(2026, 11, 22, 0, 1, tzinfo=datetime.UTC)):
        assert "figures on 2026-11-22" in get(client, org)[0]
        assert "figures on 2026-10-01" in get(client, org, on="2026-10-01")[0]
        assert "figures on 2026-11-22" in get(client, org)[0]


@committed
def test_no_viewer_gets_another_viewers_content(
    client, today, org, other_org, partner_admin, partner_member, reviewer, auditor
):
    enrollment = enrollment_at("eligibility_review", organization=org)
    run_transition(
        "approve_eligibility", enrollment_id=enrollment.pk, by=reviewer, on=TODAY, data={}
    )
    settings_link = reverse("organization-settings", args=[org.pk])
    for _ in range(2):  # cold, then warm: each viewer keeps their own
        client.force_login(reviewer)
        html, _ = get(client, org)
        assert "Enrollment timeline" in html and "Eligibility approved" in html
        client.force_login(partner_admin)
        html, _ = get(client, org)
        assert "Enrollment timeline" not in html and f'href="{settings_link}">Update facts' in html
        client.force_login(partner_member)
        html, _ = get(client, org)
        assert "Enrollment timeline" not in html and "Update facts" not in html
    # Scoping is the organisation's query, before the cache: 404 stays 404.
    other_admin = factories.MembershipFactory(organization=other_org, role="admin").user
    client.force_login(other_admin)
    url = reverse("organization-overview", args=[org.pk])
    assert client.get(url).status_code == 404
    html, _ = get(client, other_org)
    assert other_org.legal_name in html and org.legal_name not in html
    client.force_login(auditor)  # auditors see audits, not organisations (SPEC section 1)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_inside_a_transaction_that_wrote_the_cache_is_not_used(org, partner_admin):
    organization = dashboard_cache.organization_for_dashboard(partner_admin, org.pk, TODAY)
    assert organization.dashboard_fingerprint is None
    key = dashboard_cache.cache_key(
        organization, viewer=partner_admin, on=TODAY, staff=False, can_edit=True
    )
    assert key is None


# --- The guard: every table the content reads is in the fingerprint -------------------------

TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?')


def _content_tables(user, org) -> set[str]:
    """The tables the content's rendering reads for `user` (the role lookup, read before, enters
    the key itself)."""
    remember_roles_per_request(user)
    staff = is_reviewer(user) or is_auditor(user)
    can_edit = user.has_perm("designation.manage_organization_data", org)
    with CaptureQueriesContext(connection) as captured:
        dashboard_cache.render_board(org.pk, viewer=user, on=TODAY, staff=staff, can_edit=can_edit)
    tables = set(connection.introspection.table_names())
    # A compiled query (portal/compiled.py) runs as EXECUTE of its prepared statement: read
    # the statement's SQL instead.
    statements = getattr(connection, "compiled_statements", (None, {}))[1]
    prepared = {name: sql for sql, name in statements.items()}
    texts = [
        prepared.get(re.match(r"(?:EXECUTE (\w+))?", query["sql"]).group(1), query["sql"])
        for query in captured.captured_queries
    ]
    assert not any(text.startswith("EXECUTE") for text in texts)
    return {name for text in texts for name in TABLE.findall(text)} & tables


@pytest.mark.django_db
def test_every_table_the_dashboard_reads_is_in_its_fingerprint(
    today, org, partner_admin, partner_member, reviewer
):
    rollups(org, cases_per_month=5, revenue_per_month="200000.00")
    audit = claimed_capability_audit(organization=org, with_evidence=False)
    Designation.objects.create(
        organization=org,
        enrollment=audit.enrollment,
        attained_on=TODAY - relativedelta(months=11),
        anniversary_on=TODAY + relativedelta(months=1),
    )
    Appeal.objects.create(
        enrollment=audit.enrollment,
        subject=Appeal.Subject.DETERMINATION,
        decision_key="guard",
        decision_on=TODAY,
        closes_on=TODAY + timedelta(days=30),
        statement="Our figures differ.",
        filed_by=partner_admin,
        status="upheld",
        decided_at=timezone.now(),
    )
    covered = {table for table, _where in dashboard_cache.FINGERPRINT_PARTS}
    for user in (partner_admin, partner_member, reviewer):
        read = _content_tables(user, org)
        assert {"metrics_monthlyrollup", "assessments_auditrecord", "metrics_cohortbenchmark"} <= (
            read
        ), "the capture saw the content's queries"
        assert read - covered == set(), (
            f"read by the dashboard, missing from its fingerprint ({user})"
        )
    assert "metrics_case" not in covered  # the dashboard reads rollups, never raw cases


def test_the_cached_template_reads_nothing_of_the_request_nor_the_clock():
    """The content is rendered without the request (no user, session, CSRF token or message)
    and knows no time finer than the day shown (no {% now %}, timesince, naturaltime)."""
    template = engines["jinja2"].get_template(dashboard_cache.TEMPLATE)
    source = Path(template.origin.name).read_text()
    code = " ".join(re.findall(r"{[{%](.*?)[%}]}", source.split("-#}", 1)[1]))
    assert "board" in code and "organization" in code
    for word in (
        "request",
        "user",
        "perms",
        "csrf_token",
        "messages",
        "now",
        "timesince",
        "timeuntil",
        "naturaltime",
        "naturalday",
    ):
        assert not re.search(rf"\b{word}\b", code), word
