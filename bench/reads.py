"""Read paths: the case-rate API, the dashboard trend and the metrics page, largest vs smallest
organisation: p50/p95 over 200 calls after 20 warm-ups, and the query count of each (fixed).
Then the insight pages and their API (readiness, benchmarks, the notification centre, the
program dashboard), each with its query count for the largest and the smallest case
(organisation, or a partner admin with many notifications and one with one): the same count
whatever the size, as their tests pin.
"""

from bench import data
from bench import insight_reads as insights
from bench.timing import Report, latency


def _latency(run, repeat: int = 200) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `repeat` runs after twenty warm-ups."""
    return latency(run, repeat, warmups=20)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def run(report: Report) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from designation.models import Membership, Organization
    from metrics import selectors

    sizes = (
        Organization.objects.annotate(n=Count("cases")).order_by("-n", "id").values_list("id", "n")
    )
    largest, smallest = sizes.first(), sizes.last()
    # A partner admin of both (staff would be sent to two-factor sign-in, not to the page).
    user, _ = User.objects.get_or_create(username="bench-partner-admin")
    for org, _ in (largest, smallest):
        Membership.objects.get_or_create(
            user=user, organization_id=org, defaults={"role": Membership.Role.ADMIN}
        )
    api, page = APIClient(), Client()
    api.force_authenticate(user)
    page.force_login(user)
    as_of = data.AS_OF.isoformat()
    checks = [
        (
            "case-rate API",
            lambda org: api.get(f"/api/v1/organizations/{org}/case-rate/", {"as_of": as_of}),
        ),
        (
            "dashboard trend (monthly_trend, 24 months)",
            lambda org: selectors.monthly_trend(org, 24, as_of=data.AS_OF),
        ),
        (
            "metrics page (whole HTML page, for information)",
            lambda org: page.get(f"/organizations/{org}/metrics/", {"as_of": as_of}),
        ),
    ]
    for label, call in checks:
        counts = []
        for org, _ in (largest, smallest):
            with CaptureQueriesContext(connection) as captured:
                answer = call(org)
            status = getattr(answer, "status_code", 200)
            assert status == 200, f"{label} answered {status}: measure the page, not a redirect"
            counts.append(len(captured.captured_queries))
        p50, p95 = _latency(lambda call=call: call(largest[0]))
        met = _verdict(p95 < 20 and counts[0] == counts[1])
        target = "" if "information" in label else f" (target p95 < 20 ms, fixed count: {met})"
        report.say(
            f"  {label}, largest org ({largest[1]:,} cases): p50 {p50:.2f} ms, p95 {p95:.2f} ms,"
            f" {counts[0]} queries ({counts[1]} for the smallest, {smallest[1]:,} cases){target}"
        )
    insights.run(report, user, largest, smallest)
