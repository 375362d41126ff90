"""The frozen case list of a performance assessment: paginated, searchable by case ID, and as a
CSV download (the cases are metrics' data; the journey reads them through metrics' selectors).
The assigned auditor picks exclusions on it (journey/views/exclusions.py)."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import selectors
from assessments.models import AuditRecord
from journey.views import exclusions
from metrics import selectors as metrics_selectors

PAGE_SIZE = 50


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def audit_cases(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The cases frozen when the performance assessment started, with the ones ISSI excluded."""
    audit = selectors.audit_for(request.user, audit_id)
    if audit.kind != AuditRecord.Kind.PERFORMANCE or audit.frozen_window_start is None:
        raise Http404("Only a started performance assessment has a frozen case list.")
    query = request.GET.get("q", "").strip()[:64]
    cases = metrics_selectors.frozen_cases(
        audit.enrollment.organization_id, audit.frozen_window_start, audit.frozen_window_end, query
    )
    if request.GET.get("format") == "csv":
        return _csv(audit, cases)
    excluded = {e.case_id: e.reason for e in audit.excluded_cases.all()}
    picking = exclusions.may_pick(request.user, audit)
    picks = exclusions.picked(request, audit.pk) if picking else {}
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (case, excluded.get(case.case_id), picks.get(case.case_id)) for case in page.object_list
    ]
    return render(
        request,
        "assessments/audit_cases.html",
        {
            "audit": audit,
            "page": page,
            "rows": rows,
            "query": query,
            "picking": picking,
            "picks": picks,
            "nav_section": "audits",
        },
    )


def _safe(value: str) -> str:
    return "'" + value if value and value[0] in "=+-@" else value


def _csv(audit: AuditRecord, cases) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = ["case_id", "opened_on", "severity", "customer_tenant_id", "title"]

    def lines():
        yield writer.writerow(header)
        for case in cases.iterator(chunk_size=2000):
            values = [case.case_id, case.opened_on.isoformat(), case.severity]
            values += [case.customer_tenant_id, case.title]
            # A cell starting with = + - @ would run as a formula in a spreadsheet.
            yield writer.writerow([_safe(str(v)) for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"frozen-cases-audit-{audit.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
