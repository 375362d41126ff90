"""Search, filters, sort and CSV export of the reviewer and auditor queues: organisation name or
partner ID, country, solution area, age (waiting at least N days), overdue; oldest, newest or by
name."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Q, QuerySet, Value
from django.http import HttpResponse

from assessments import selectors as audit_selectors
from designation.rules import SolutionArea
from portal import bounds


@dataclass(frozen=True)
class Spec:
    organization: str  # the path to the organisation
    enrollment: str | None  # the path to the enrollment (its solution areas), None: none
    waiting_since: str  # the field the age counts from
    label: str


SPECS = {
    "eligibility": Spec("organization", "", "submitted_on", "Eligibility to review"),
    "case_rates": Spec(
        "enrollment__organization", "enrollment__", "submitted_at", "Case rates to determine"
    ),
    "renewals": Spec("organization", None, "anniversary_on", "Renewals at risk"),
    "appeals": Spec("enrollment__organization", "enrollment__", "filed_at", "Appeals to decide"),
    "change_requests": Spec("organization", None, "requested_at", "Fact change requests"),
    "unclaimed": Spec("enrollment__organization", "enrollment__", "created_at", "ISSI queue"),
    "mine": Spec("enrollment__organization", "enrollment__", "created_at", "My audits"),
}
SOLUTION_AREAS = [(area.value, area.label) for area in SolutionArea]
SORTS = {"oldest": "Oldest first", "newest": "Newest first", "name": "Organisation name"}
# What "overdue" means in each queue (assessments.rules.audit_overdue and
# designation.rules.renewal_overdue; the queries below are their set-based form). A deadline's
# last day is not overdue, the day after is. A queue without deadlines has nothing overdue.
AUDIT_OVERDUE = (
    "not yet submitted, and a change request passed its deadline unanswered, or the ISSI due "
    "date (paused while the partner held the ball) passed"
)
OVERDUE = {
    "unclaimed": "the ISSI due date passed while nobody claimed the audit",
    "mine": AUDIT_OVERDUE,
    "renewals": "the anniversary passed without a completed renewal (the grace period)",
}
NO_DEADLINE = "nothing in this queue has a deadline, so nothing is overdue"
TRUE, FALSE = ("true", "1", "on", "yes"), ("false", "0", "off", "no", "")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    country: str = ""
    solution_area: str = ""
    older_than_days: int | None = None
    sort: str = "oldest"
    overdue: bool = False

    @property
    def active(self) -> bool:
        return self != Filters()


def parse(params) -> tuple[Filters, list[str]]:
    """The filters of a query string, and what was wrong with it (those parts are ignored)."""
    errors = []
    days = params.get("older_than_days", "").strip()
    older = None
    if days:
        try:
            older = bounds.QUEUE_AGE_DAYS.clean(days)
        except ValidationError:
            errors.append(f"older_than_days: give {bounds.QUEUE_AGE_DAYS.words()}.")
    area = params.get("solution_area", "").strip()
    if area and area not in dict(SOLUTION_AREAS):
        errors.append(f"solution_area: one of {', '.join(dict(SOLUTION_AREAS))}.")
        area = ""
    sort = params.get("sort", "oldest")
    if sort not in SORTS:
        errors.append(f"sort: one of {', '.join(SORTS)}.")
        sort = "oldest"
    country = params.get("country", "").strip().upper()[:2]
    overdue = params.get("overdue", "").strip().lower()
    if overdue not in TRUE + FALSE:
        errors.append("overdue: give true or false.")
    query = params.get("q", "").strip()[:100]
    return Filters(query, country, area, older, sort, overdue in TRUE), errors


def overdue_meaning(name: str) -> str:
    """What "overdue" means in the queue `name`, in words."""
    return OVERDUE.get(name, NO_DEADLINE)


def apply(name: str, queryset: QuerySet, filters: Filters, *, today: date) -> QuerySet:
    """The queue with the filters applied, sorted."""
    spec = SPECS[name]
    org = spec.organization
    if filters.q:
        queryset = queryset.filter(
            Q(**{f"{org}__legal_name__icontains": filters.q})
            | Q(**{f"{org}__partner_id__iexact": filters.q})
        )
    if filters.country:
        queryset = queryset.filter(**{f"{org}__country": filters.country})
    if filters.solution_area and spec.enrollment is not None:
        queryset = queryset.filter(
            **{f"{spec.enrollment}solution_areas__contains": [filters.solution_area]}
        )
    if filters.older_than_days is not None:
        cutoff = today - timedelta(days=filters.older_than_days)
        field = spec.waiting_since
        lookup = f"{field}__lte" if field.endswith("_on") else f"{field}__date__lte"
        queryset = queryset.filter(**{lookup: cutoff})
    if filters.overdue:
        queryset = only_overdue(name, queryset, today=today)
    order = {
        "oldest": [spec.waiting_since, "id"],
        "newest": [f"-{spec.waiting_since}", "-id"],
        "name": [f"{org}__legal_name", "id"],
    }[filters.sort]
    return queryset.order_by(*order)


def only_overdue(name: str, queryset: QuerySet, *, today: date) -> QuerySet:
    """The queue's overdue rows (OVERDUE says what that is), in the queue's own query."""
    if name in ("unclaimed", "mine"):
        return audit_selectors.with_overdue(queryset, on=today).filter(overdue=True)
    if name == "renewals":
        return queryset.filter(anniversary_on__lt=today)
    return queryset.filter(Value(False, output_field=BooleanField()))


def rows(name: str, queryset: QuerySet, *, base_url: str, limit: int = 10_000) -> list[dict]:
    """Each row of the queue: its id, organisation, partner ID, country, waiting since."""
    spec = SPECS[name]
    path = spec.organization.split("__")
    found = []
    for row in queryset[:limit]:
        organization = row
        for part in path:
            organization = getattr(organization, part)
        since = getattr(row, spec.waiting_since)
        if isinstance(since, datetime):
            since = since.date()
        found.append(
            {
                "id": row.pk,
                "organization": organization.pk,
                "organization_name": organization.legal_name,
                "partner_id": organization.partner_id,
                "country": organization.country,
                "waiting_since": since,
                "link": f"{base_url}/organizations/{organization.pk}/",
            }
        )
    return found


def csv_export(name: str, queryset: QuerySet, *, base_url: str) -> HttpResponse:
    """The queue as CSV: organisation, partner ID, country, waiting since, link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["organisation", "partner_id", "country", "waiting_since", "link"])
    for row in rows(name, queryset, base_url=base_url):
        since = row["waiting_since"]
        writer.writerow(
            [
                _cell(row["organization_name"]),
                row["partner_id"],
                row["country"],
                since.isoformat() if since else "",
                row["link"],
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-queue.csv"'
    return response


def _cell(value: str) -> str:
    """No spreadsheet formula from a partner's name (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
