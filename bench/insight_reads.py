"""The insight pages and API at the bench's scale: readiness, cohort benchmarks, the notification
centre and the program dashboard. Each is called for its largest and smallest case and timed
(p50/p95 of 50 calls after 5 warm-ups); the figure to read is that the query count is the same
for both, whatever the size (the tests pin the counts themselves)."""

from bench import data
from bench.timing import latency

NOTIFICATIONS = 500  # unread notifications of the busy partner admin (the quiet one has one)


def _latency(call, repeat: int = 50) -> tuple[float, float]:
    return latency(call, repeat, warmups=5)


def _queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert answer.status_code == 200, f"answered {answer.status_code}: measure the page itself"
    return len(captured.captured_queries)


# Every bench organisation enrolled and designated (once), so the cohorts have members.
_DESIGNATED = [
    """
    INSERT INTO designation_enrollment
        (organization_id, kind, state, contact_name, contact_email, solution_areas, csp_type,
         support_plan, attested, prerequisite_snapshot, attempt_status, csat_carried_over,
         capability_carried_over, withdrawn_from, reason, last_event_hash, created_at,
         submitted_on, enrolled_on)
    SELECT o.id, 'first_attainment', 'enrolled', 'Contact ' || o.id,
           'contact-' || o.id || '@example.com', ARRAY['security'], 'direct_bill', 'psfp', true,
           '[]', 'not_started', false, false, '', '', '', %(as_of)s::timestamptz - interval
           '200 days', %(as_of)s::date - 190, %(as_of)s::date - 180
    FROM designation_organization o
    WHERE NOT EXISTS (SELECT FROM designation_enrollment e WHERE e.organization_id = o.id)
    RETURNING id
    """,
    """
    INSERT INTO designation_designation
        (organization_id, enrollment_id, attained_on, anniversary_on, state, credential_id)
    SELECT e.organization_id, e.id, e.enrolled_on, e.enrolled_on + 365, 'active',
           md5('bench-reads-credential-' || e.id)
    FROM designation_enrollment e
    WHERE e.state = 'enrolled' AND NOT EXISTS (SELECT FROM designation_designation d
                                              WHERE d.organization_id = e.organization_id)
    """,
]


def _designate_all() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in _DESIGNATED:
            cursor.execute(sql, {"as_of": data.AS_OF})


def _notified_admins(largest_org: int, smallest_org: int):
    """A partner admin with NOTIFICATIONS unread notifications and one with one (idempotent)."""
    from django.contrib.auth.models import User

    from designation.models import Membership, Notification

    admins = []
    for name, org, count in (
        ("bench-busy-admin", largest_org, NOTIFICATIONS),
        ("bench-quiet-admin", smallest_org, 1),
    ):
        admin, _ = User.objects.get_or_create(username=name)
        Membership.objects.get_or_create(
            user=admin, organization_id=org, defaults={"role": Membership.Role.ADMIN}
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=admin,
                    kind=Notification.Kind.AUDIT_QUEUED,
                    key=f"bench:{n}",
                    title=f"Bench notification {n}",
                    body="An audit entered the ISSI queue (benchmark).",
                    link="/",
                )
                for n in range(count)
            ],
            ignore_conflicts=True,  # a second run adds none
        )
        admins.append(admin)
    return admins


def _reviewer_client():
    """A Microsoft reviewer signed in with a second factor (staff pages ask for one)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.roles import REVIEWERS

    reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    device, _ = TOTPDevice.objects.get_or_create(
        user=reviewer, confirmed=True, defaults={"name": "Bench authenticator"}
    )
    client = Client()
    client.force_login(reviewer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def run(report, user, largest: tuple[int, int], smallest: tuple[int, int]) -> None:
    from django.test import Client
    from rest_framework.test import APIClient

    from metrics import services
    from metrics.benchmarks import nightly_cohort_benchmarks

    on = data.AS_OF.isoformat()
    _designate_all()
    services.nightly_case_rates(as_of=data.AS_OF)  # the benchmarks read the day's snapshots
    cohorts = nightly_cohort_benchmarks(as_of=data.AS_OF)
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    by_org = [
        ("readiness page", lambda org: page.get(f"/organizations/{org}/readiness/", {"on": on})),
        ("readiness API", lambda org: api.get(f"/api/v1/organizations/{org}/readiness/")),
        ("benchmarks page", lambda org: page.get(f"/organizations/{org}/benchmarks/", {"on": on})),
        (
            "benchmarks API",
            lambda org: api.get(f"/api/v1/organizations/{org}/benchmarks/", {"on": on}),
        ),
    ]
    report.say(f"  insight reads ({cohorts.cohorts} cohorts stored for {on})")
    for label, call in by_org:
        counts = [_queries(lambda org=org, call=call: call(org)) for org, _ in (largest, smallest)]
        p50, p95 = _latency(lambda call=call: call(largest[0]))
        report.say(
            f"  {label}, largest org: p50 {p50:.2f} ms, p95 {p95:.2f} ms, {counts[0]} queries"
            f" ({counts[1]} for the smallest; fixed count: {_met(counts[0] == counts[1])})"
        )
    busy, quiet = _notified_admins(largest[0], smallest[0])
    for label, path in (
        ("notification centre", "/notifications/"),
        ("notifications API", "/api/v1/notifications/"),
    ):
        clients = []
        for admin in (busy, quiet):
            clients.append(APIClient() if "API" in label else Client())
            clients[-1].force_login(admin)
        counts = [_queries(lambda c=c, path=path: c.get(path)) for c in clients]
        p50, p95 = _latency(lambda c=clients[0], path=path: c.get(path))
        report.say(
            f"  {label}, {NOTIFICATIONS} unread: p50 {p50:.2f} ms, p95 {p95:.2f} ms,"
            f" {counts[0]} queries ({counts[1]} with one; fixed count: "
            f"{_met(counts[0] == counts[1])})"
        )
    staff = _reviewer_client()
    count = _queries(lambda: staff.get("/program/insights/"))
    p50, p95 = _latency(lambda: staff.get("/program/insights/"), repeat=10)
    report.say(
        f"  program dashboard (every organisation): p50 {p50:.0f} ms, p95 {p95:.0f} ms,"
        f" {count} queries (pinned by tests/journey/test_program_insights.py)"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"
