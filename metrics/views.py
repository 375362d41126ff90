"""Pages: an organisation's case rate, trend, imports (partner admins) and import progress."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from metrics import selectors, services, tasks
from metrics.forms import ImportForm
from metrics.importsql import KINDS
from portal.dates import day_from_query


@login_required
@require_GET
def metrics_overview(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The imports first (partner admins), then the TTM case rate, the trend, past imports."""
    organization = selectors.organization_for(request.user, organization_id)
    return _overview(request, organization)


def _overview(request: HttpRequest, organization, *, refused=None, status: int = 200):
    """The Metrics page; `refused` is an import form sent back with its errors."""
    as_of = day_from_query(request, "as_of")
    can_import = request.user.has_perm("designation.manage_organization_data", organization)
    page = Paginator(selectors.recent_imports(organization), 10).get_page(request.GET.get("page"))
    trend = selectors.monthly_trend(organization, 24, as_of=as_of)
    forms = [
        (
            kind,
            KINDS[kind],
            refused if refused and refused.prefix == kind else ImportForm(prefix=kind),
        )
        for kind in KINDS
    ]
    return render(
        request,
        "metrics/metrics_overview.html",
        {
            "organization": organization,
            "nav_section": "metrics",
            "as_of": as_of,
            "figures": selectors.case_rate_for(organization, as_of),
            "trend": trend[::-1],
            "can_import": can_import,
            "page": page,
            "import_forms": forms if can_import else [],
        },
        status=status,
    )


def _save_for_worker(upload) -> str:
    """Keep the uploaded file where the worker can read it (MEDIA_ROOT is shared with it)."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return str(path)


@login_required
@require_POST
def metrics_import(request: HttpRequest, organization_id: int, kind: str) -> HttpResponse:
    """Import an uploaded file: now without a broker, as a Celery task with one."""
    if kind not in KINDS:
        raise Http404("Unknown kind of import.")
    organization = selectors.organization_for(request.user, organization_id)
    services.check_can_import(request.user, organization)
    form = ImportForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        # No file arrived (a file that did, even an empty one, is imported and its outcome
        # recorded): the form comes back with the reason next to its field.
        return _overview(request, organization, refused=form, status=400)
    upload = form.cleaned_data["file"]
    today = timezone.localdate()
    if tasks.run_import.app.conf.task_always_eager:
        record, _ = services.import_file(
            organization=organization,
            kind=kind,
            fileobj=upload,
            file_name=upload.name,
            size=upload.size,
            by=request.user,
            today=today,
        )
    else:
        record = services.import_start(
            organization=organization,
            kind=kind,
            file_name=upload.name,
            size=upload.size,
            by=request.user,
        )
        path = _save_for_worker(upload)
        tasks.run_import.delay_on_commit(record.pk, path, today.isoformat())
    return redirect("metrics-import-detail", organization_id=organization.pk, pk=record.pk)


def _record(request: HttpRequest, organization_id: int, pk: int):
    organization = selectors.organization_for(request.user, organization_id)
    return organization, get_object_or_404(selectors.recent_imports(organization), pk=pk)


@login_required
@require_GET
def import_detail(request: HttpRequest, organization_id: int, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its counts or every error found."""
    organization, record = _record(request, organization_id, pk)
    return render(
        request,
        "metrics/import_detail.html",
        {"organization": organization, "nav_section": "metrics", "record": record},
    )


@login_required
@require_GET
def import_status(request: HttpRequest, organization_id: int, pk: int) -> JsonResponse:
    """The import's progress for the page's progress bar."""
    _, record = _record(request, organization_id, pk)
    return JsonResponse(
        {
            "status": record.status,
            "status_label": record.get_status_display(),
            "progress": record.progress,
            "finished": record.finished,
        }
    )
