"""The largest organisation's history, for the dashboard's fixed-query-count test and its
benchmark (bench/dashboard.py): 36 months of rollups, as many raw cases as the M scale's largest
organisation, ten submitted attempts and an open capability audit, twelve appeals and forty
notifications."""

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from assessments.models import Appeal
from designation import notifications
from designation.models import Notification
from metrics.models import MonthlyRollup
from tests.assessments.factories import audit_for
from tests.designation.factories import TODAY, enrollment_at

# The largest organisation of the M benchmark scale (bench/RESULTS.md: 1,001,000 cases).
LARGEST_M_ORGANISATION_CASES = 1_001_000


def large_history(org, *, auditor, filer, recipient_ids: list[int], key: str) -> None:
    """Give `org` the history above; `filer` files the appeals, `recipient_ids` are told 40
    times; `key` keeps the appeals' and notifications' keys apart from other organisations'."""
    start = TODAY.replace(day=1) - relativedelta(months=36)
    MonthlyRollup.objects.bulk_create(
        MonthlyRollup(
            organization=org,
            month=start + relativedelta(months=n),
            csp_case_count=100 + n,
            csp_revenue_usd=Decimal("400000.00"),
            acr_revenue_usd=Decimal("100000.00"),
        )
        for n in range(36)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO metrics_case (organization_id, case_id, opened_on, program, "
            "customer_tenant_id, severity, title) SELECT %s, 'C' || n, %s::date - (n %% 1000), "
            "'CSP', '', 'B', 'Generated' FROM generate_series(1, %s) AS n",
            [org.pk, TODAY - timedelta(days=1), LARGEST_M_ORGANISATION_CASES],
        )
    enrollment = enrollment_at("capability", organization=org, attempt_status="in_progress")
    for attempt in range(1, 6):
        audit_for(enrollment, "performance", attempt=attempt, status="submitted")
        audit_for(enrollment, "csat", attempt=attempt, status="submitted")
    audit_for(enrollment, "capability", auditor=auditor)
    for n, status in enumerate(["upheld", "overturned", "open"] * 4):
        Appeal.objects.create(
            enrollment=enrollment,
            subject=Appeal.Subject.DETERMINATION,
            decision_key=f"{key}:{n}",
            decision_on=TODAY - timedelta(days=5),
            closes_on=TODAY + timedelta(days=25),
            statement="Our figures differ.",
            filed_by=filer,
            status=status,
            decided_at=None if status == "open" else timezone.now(),
            reason="" if status == "open" else f"Reason {n}",
        )
    for n in range(40):
        notifications.deliver(
            kind=Notification.Kind.AUDIT_CLAIMED,
            key=f"{key}:{n}",
            recipient_ids=recipient_ids,
            title="Your audit was claimed",
        )
