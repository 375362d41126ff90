"""Insight pages: the readiness check and the evidence library (partners), cohort benchmarks
(partners and reviewers), the program dashboard (reviewers and program admins)."""

import csv
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import rules as audit_rules
from assessments import services as audit_services
from designation import selectors
from designation.models import ProgramRules
from designation.permissions import is_partner_admin
from journey.insights import benchmarks as benchmark_selectors
from journey.insights import program
from journey.insights import readiness as readiness_selectors
from journey.insights.access import default_range, program_staff
from portal.dates import day_from_query, parse_day
from portal.errors import ConditionFailed, Conflict, Forbidden


class PreparedEvidenceForm(forms.Form):
    component = forms.ChoiceField(choices=audit_rules.CAPABILITY_COMPONENTS)
    file = forms.FileField(
        help_text="PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT, up to 25 MB; checked by content."
    )


def _readiness_page(request, organization, *, form=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    start_on = day_from_query(request, "start_on")
    try:
        page = readiness_selectors.readiness_for(organization, start_on=start_on, today=today)
    except ProgramRules.DoesNotExist as exc:
        messages.error(request, f"{exc} Showing today.")
        start_on = today
        page = readiness_selectors.readiness_for(organization, start_on=start_on, today=today)
    admin = is_partner_admin(request.user, organization.pk)
    return render(
        request,
        "journey/readiness.html",
        {
            "organization": organization,
            "nav_section": "readiness",
            "page": page,
            "r": page.readiness,
            "start_on": start_on,
            "can_prepare": admin,
            "form": form or PreparedEvidenceForm(),
            "components": audit_rules.CAPABILITY_COMPONENTS,
            "ready": {p.component for p in page.prepared},
        },
        status=status,
    )


@login_required
def readiness(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Each step's outlook for a chosen start day, with its reasons, and the fees ahead."""
    organization = selectors.organization_for(request.user, organization_id)
    return _readiness_page(request, organization)


@login_required
@require_POST
def evidence_prepare(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Add a file to the evidence library for one capability component."""
    organization = selectors.organization_for(request.user, organization_id)
    if not is_partner_admin(request.user, organization.pk):
        raise PermissionDenied("Only a partner admin of this organisation can prepare evidence.")
    form = PreparedEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            audit_services.prepared_evidence_upload(
                organization_id=organization.pk,
                by=request.user,
                upload=form.cleaned_data["file"],
                component=form.cleaned_data["component"],
            )
        except ConditionFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Evidence prepared. It is attached when the audit opens.")
            return redirect("readiness-page", organization_id=organization.pk)
    return _readiness_page(request, organization, form=form, status=400)


@login_required
@require_POST
def evidence_attach(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Attach every prepared file to the organisation's open capability audit."""
    organization = selectors.organization_for(request.user, organization_id)
    if not is_partner_admin(request.user, organization.pk):
        raise PermissionDenied("Only a partner admin of this organisation can attach evidence.")
    page = readiness_selectors.readiness_for(
        organization, start_on=timezone.localdate(), today=timezone.localdate()
    )
    if page.capability_audit is None:
        messages.error(request, "No capability audit is open yet: evidence stays prepared.")
        return redirect("readiness-page", organization_id=organization.pk)
    try:
        attached = audit_services.prepared_evidence_attach(
            audit_id=page.capability_audit.pk, by=request.user
        )
    except (ConditionFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        return redirect("readiness-page", organization_id=organization.pk)
    messages.success(request, f"{len(attached)} prepared file(s) attached to the capability audit.")
    return redirect("audit-page", audit_id=page.capability_audit.pk)


@login_required
def benchmarks(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Where the organisation's case rate stands among designated partners (anonymised)."""
    organization = selectors.organization_for(request.user, organization_id)
    on = day_from_query(request)
    try:
        page = benchmark_selectors.benchmarks_for(organization, user=request.user, on=on)
    except ProgramRules.DoesNotExist as exc:
        messages.error(request, f"{exc} Showing today.")
        on = timezone.localdate()
        page = benchmark_selectors.benchmarks_for(organization, user=request.user, on=on)
    return render(
        request,
        "journey/benchmarks.html",
        {"organization": organization, "nav_section": "benchmarks", "page": page, "on": on},
    )


def _range(request) -> tuple[date, date]:
    start, end = default_range(timezone.localdate())
    try:
        start = parse_day(request.GET["from"]) if request.GET.get("from") else start
        end = parse_day(request.GET["to"]) if request.GET.get("to") else end
    except ValueError as exc:
        messages.error(request, f"{exc} Showing the last twelve months.")
        return default_range(timezone.localdate())
    if start > end:
        messages.error(request, "“From” is after “to”: showing the last twelve months.")
        return default_range(timezone.localdate())
    return start, end


@login_required
def program_dashboard(request: HttpRequest) -> HttpResponse:
    """Reviewers and program admins: the funnel and the program's figures for a date range."""
    if not program_staff(request):
        raise PermissionDenied("This page is for Microsoft reviewers and program admins.")
    start, end = _range(request)
    insights = program.program_insights(start=start, end=end, today=timezone.localdate())
    return render(
        request,
        "journey/program_insights.html",
        {"nav_section": "program", "insights": insights, "start": start, "end": end},
    )


@login_required
def program_table_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One figure of the program dashboard as CSV, for the same date range."""
    if not program_staff(request):
        raise PermissionDenied("This page is for Microsoft reviewers and program admins.")
    start, end = _range(request)
    found = program.table_named(table, start=start, end=end, today=timezone.localdate())
    if found is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{found.slug}-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(found.columns)
    for row in found.rows:
        writer.writerow(["" if value is None else value for value in row])
    return response
