"""Work waiting for Microsoft reviewers and ISSI auditors, and how much of it: the counts in the
navigation are one query, computed once per request and shared with the queue pages."""

from django.db import connection
from django.db.models import QuerySet

from assessments import selectors as audit_selectors
from assessments.models import AuditRecord
from designation import selectors
from designation.models import AUDITORS, REVIEWERS
from portal.roles import roles_of


def reviewer_queues() -> dict[str, QuerySet]:
    """Each reviewer queue, oldest first."""
    return {
        "eligibility": selectors.eligibility_queue(),
        "case_rates": audit_selectors.case_rates_to_determine(),
        "renewals": selectors.renewals_at_risk(),
        "change_requests": selectors.change_request_queue(),
        "appeals": audit_selectors.appeals_queue(),
    }


def auditor_queues(user) -> dict[str, QuerySet]:
    """The ISSI queue and the auditor's audits not yet submitted."""
    return {
        "unclaimed": audit_selectors.unclaimed_queue(),
        "mine_open": audit_selectors.assigned_to(user).filter(status=AuditRecord.Status.CLAIMED),
        "mine": audit_selectors.assigned_to(user),
    }


def count_all(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """Every queryset's row count in one statement: SELECT (SELECT count(*) ...), ..."""
    if not querysets:
        return {}
    parts, params = [], []
    for queryset in querysets.values():
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT count(*) FROM ({sql}) AS q)")  # noqa: S608 (compiled ORM SQL)
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def counts_for(request, *, reviewer: bool, auditor: bool) -> dict[str, int]:
    """The queue counts a reviewer's or auditor's navigation shows (memoised on the request)."""
    cached = getattr(request, "_queue_counts", None)
    if cached is not None:
        return cached
    querysets = {}
    if reviewer:
        querysets.update(reviewer_queues())
    if auditor:
        querysets.update(auditor_queues(request.user))
    request._queue_counts = count_all(querysets)
    return request._queue_counts


def group_names(request) -> set[str]:
    """The signed-in user's group names, from the one role lookup per request."""
    found = roles_of(request.user)
    return set(found.groups) if found is not None else set()


def reviewer_request(request) -> bool:
    return request.user.is_superuser or REVIEWERS in group_names(request)


def auditor_request(request) -> bool:
    return AUDITORS in group_names(request)
