"""Pages for ISSI audits: the auditor's queue, one audit with its forms, evidence downloads.

Journey pages: submitting or determining an audit moves the enrollment on (journey services)."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import evidence_services, selectors, services
from assessments import rules as audit_rules
from assessments.forms import (
    CapabilitySubmitForm,
    CsatSubmitForm,
    DetermineForm,
    EvidenceForm,
    PerformanceSubmitForm,
)
from assessments.models import AuditRecord
from designation.permissions import is_auditor, is_partner_member, is_reviewer
from designation.rules import SolutionArea
from journey import queue_filters, queues
from journey import services as journey_services
from journey.views import exclusions
from journey.views.audit_confirm import (
    confirmation_page,
    performance_errors,
    quoted_rules,
    recorded_figures,
)
from journey.views.conversation import conversation_context, thread_context
from portal.downloads import stored_file_response
from portal.errors import Forbidden, JourneyError, NotFound
from portal.pagination import paged

SUBMIT_FORMS = {
    AuditRecord.Kind.PERFORMANCE: PerformanceSubmitForm,
    AuditRecord.Kind.CSAT: CsatSubmitForm,
    AuditRecord.Kind.CAPABILITY: CapabilitySubmitForm,
}


def _refused(request: HttpRequest, exc: JourneyError, audit_id: int) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)
    return redirect("audit-page", audit_id=audit_id)


AUDIT_PAGE_SIZE = 20


def _with_due_dates(page):
    for audit in page.object_list:
        audit.due_on = audit_rules.audit_due_on(
            audit.kind,
            queued_on=audit.created_at.date(),
            assigned_on=audit.assigned_on,
            performance_window_ends_on=audit.performance_window_ends_on,
        )
    return page


@login_required
def audit_index(request: HttpRequest) -> HttpResponse:
    """Auditors: my audits (open ones first, with due dates) and the unclaimed ISSI queue."""
    if not queues.auditor_request(request):
        raise PermissionDenied("This page is for ISSI auditors.")
    counts = queues.counts_for(request, reviewer=queues.reviewer_request(request), auditor=True)
    today = timezone.localdate()
    # Each row's overdue flag comes with the list (the same query).
    mine = selectors.with_overdue(selectors.assigned_to(request.user), on=today)
    queue = selectors.with_overdue(selectors.unclaimed_queue(), on=today)
    # Search, filters, sort and CSV export (journey/queue_filters.py).
    filters, filter_errors = queue_filters.parse(request.GET)
    if filters.active or request.GET.get("export"):
        mine = queue_filters.apply("mine", mine, filters, today=today)
        queue = queue_filters.apply("unclaimed", queue, filters, today=today)
        lists = {"mine": mine, "unclaimed": queue}
        if request.GET.get("export") in lists:
            name = request.GET["export"]
            return queue_filters.csv_export(name, lists[name], base_url=settings.SITE_URL)
        counts = {**counts, **queues.count_all(lists)}
    mine_page = paged(request, mine, count=counts["mine"], param="mine_page")
    queue_page = paged(request, queue, count=counts["unclaimed"], param="queue_page")
    return render(
        request,
        "assessments/audit_list.html",
        {
            "nav_section": "audits",
            "mine": _with_due_dates(mine_page),
            "queue": _with_due_dates(queue_page),
            "open_count": counts["mine_open"],
            "due_days": audit_rules.AUDIT_DUE_DAYS,
            "today": timezone.localdate(),
            "filters": filters,
            "filter_errors": filter_errors,
            "sorts": queue_filters.SORTS,
            "solution_area_choices": queue_filters.SOLUTION_AREAS,
            "query_string": request.GET.urlencode(),
            "export_names": [("mine", "My audits"), ("unclaimed", "ISSI queue")],
            "overdue_help": f"Overdue: in my audits, {queue_filters.overdue_meaning('mine')}; "
            f"in the queue, {queue_filters.overdue_meaning('unclaimed')}.",
        },
    )


def _page(request, audit, *, evidence_form=None, submit_form=None, determine_form=None, status=200):
    user = request.user
    member = is_partner_member(user, audit.enrollment.organization_id)
    open_for_evidence = audit.status in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED)
    can_upload = open_for_evidence and user.has_perm("assessments.upload_evidence", audit)
    can_submit = audit.status == AuditRecord.Status.CLAIMED and user.has_perm(
        "assessments.submit_audit", audit
    )
    can_determine = (
        audit.kind == AuditRecord.Kind.PERFORMANCE
        and audit.status == AuditRecord.Status.SUBMITTED
        and is_reviewer(user)
    )
    decided = audit.status in (AuditRecord.Status.SUBMITTED, AuditRecord.Status.DETERMINED)
    superseded_by = _superseded_by(audit) if decided else None
    can_correct = (
        decided
        and superseded_by is None
        and (is_reviewer(user) or is_auditor(user))  # partners never: no query for them
        and services.correction_refusal_for(user, audit) is None
    )
    evidence = list(audit.evidence.all())
    determine = _determine_figures(audit) if audit.kind == AuditRecord.Kind.PERFORMANCE else {}
    if can_submit and submit_form is None:
        submit_form = _submit_form(request, audit)
    components = [
        (code, label, [e for e in evidence if e.component == code])
        for code, label in audit_rules.components_for(audit.kind)
    ]
    return render(
        request,
        "assessments/audit_detail.html",
        {
            # Partner users keep their organisation's navigation; staff do not need it.
            "organization": audit.enrollment.organization if member else None,
            "nav_section": "assessments" if member else "audits",
            "audit": audit,
            "evidence": evidence,
            "can_download": user.has_perm("assessments.download_evidence", audit),
            "missing": audit_rules.missing_components(audit.kind, [e.component for e in evidence]),
            "can_claim": audit.status == AuditRecord.Status.UNASSIGNED and is_auditor(user),
            "evidence_form": (evidence_form or EvidenceForm(kind=audit.kind))
            if can_upload
            else None,
            "submit_form": submit_form if can_submit else None,
            "determine_form": (determine_form or DetermineForm()) if can_determine else None,
            "dimensions": audit_rules.CAPABILITY_DIMENSIONS,
            "components": components,
            "partner": audit.enrollment.organization,
            # An auditor sees the organisation's name, partner ID and country, no more.
            "partner_only_named": selectors.sees_only_audits(user),
            "solution_areas": [SolutionArea(a).label for a in audit.enrollment.solution_areas],
            "enrollment": audit.enrollment,
            "due_on": audit_rules.audit_due_on(
                audit.kind,
                queued_on=audit.created_at.date(),
                assigned_on=audit.assigned_on,
                performance_window_ends_on=audit.performance_window_ends_on,
            ),
            "due_days": audit_rules.AUDIT_DUE_DAYS,
            **determine,
            "can_correct": can_correct,
            "superseded_by": superseded_by,
            "quoted_rules": quoted_rules(audit, services.judged_against(timezone.localdate()))
            if can_submit or can_determine
            else [],
            # The audit conversation (journey/views/conversation.py).
            **conversation_context(user, audit, on=timezone.localdate()),
            **thread_context(request, enrollment_id=audit.enrollment_id, audit_id=audit.pk),
        },
        status=status,
    )


@login_required
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _page(request, selectors.audit_for(request.user, audit_id))


@login_required
@require_POST
def audit_claim(request: HttpRequest, audit_id: int) -> HttpResponse:
    try:
        journey_services.audit_claim(audit_id=audit_id, by=request.user, on=timezone.localdate())
    except JourneyError as exc:
        return _refused(request, exc, audit_id)
    messages.success(request, "Claimed: the audit is assigned to you.")
    return redirect("audit-page", audit_id=audit_id)


def _audit_action(request, audit_id, *, permission, form_for, act, done, form_name):
    """One audit form post: scope (404) and permission (403) before the input is read, then the
    form, then the service; the service's refusals go next to the field or to the audit page."""
    audit = selectors.audit_for(request.user, audit_id)
    try:
        services.authorise(audit_id=audit_id, by=request.user, permission=permission)
    except JourneyError as exc:
        return _refused(request, exc, audit_id)
    form = form_for(audit)
    if form.is_valid():
        try:
            act(form)
        except JourneyError as exc:
            if isinstance(exc, NotFound | Forbidden):
                return _refused(request, exc, audit_id)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect("audit-page", audit_id=audit_id)
    return _page(request, audit, status=400, **{form_name: form})


@login_required
@require_POST
def audit_evidence(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _audit_action(
        request,
        audit_id,
        permission="assessments.upload_evidence",
        form_for=lambda audit: EvidenceForm(request.POST, request.FILES, kind=audit.kind),
        act=lambda form: evidence_services.evidence_upload_many(
            audit_id=audit_id, by=request.user, uploads=form.uploads()
        ),
        done="Evidence uploaded.",
        form_name="evidence_form",
    )


def _submitted_data(form) -> dict:
    if isinstance(form, CapabilitySubmitForm):
        return {"scores": form.scores()}
    return form.cleaned_data


@login_required
@require_POST
def audit_submit(request: HttpRequest, audit_id: int) -> HttpResponse:
    """First a confirmation page (what the values would decide, how corrections work); the
    confirmed post submits."""
    if request.POST.get("confirmed") != "1":
        return _confirm_submit(request, audit_id)

    def submit(form):
        journey_services.audit_submit(
            audit_id=audit_id, by=request.user, on=timezone.localdate(), data=_submitted_data(form)
        )
        exclusions.clear(request, audit_id)  # the picks are on the record now

    return _audit_action(
        request,
        audit_id,
        permission="assessments.submit_audit",
        form_for=lambda audit: SUBMIT_FORMS[audit.kind](request.POST),
        act=submit,
        done="Submitted. A submitted audit is never edited.",
        form_name="submit_form",
    )


def _superseded_by(audit) -> AuditRecord | None:
    """The correction that supersedes this record, if any (only a submitted record has one)."""
    try:
        return audit.superseded_by
    except AuditRecord.DoesNotExist:
        return None


def _submit_form(request: HttpRequest, audit):
    """The submit form; a performance one is filled with the cases picked on the case list."""
    if audit.kind != AuditRecord.Kind.PERFORMANCE:
        return SUBMIT_FORMS[audit.kind]()
    picks = exclusions.picked(request, audit.pk)
    return PerformanceSubmitForm(initial={"excluded_cases": exclusions.as_lines(picks)})


def _determine_figures(audit) -> dict:
    """The performance figures as recorded, the target (the one judged against once determined,
    else today's) and what confirming the computed rate would decide."""
    today = services.judged_against(timezone.localdate())
    target = Decimal((audit.judged_against or today)["case_rate_target"])
    figures = recorded_figures(audit, target)
    return {
        "figures": figures,
        "determine_target": target,
        "determine_outcome": figures["outcome"],
    }


def _confirm_submit(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = selectors.audit_for(request.user, audit_id)
    try:
        services.authorise(
            audit_id=audit_id, by=request.user, permission="assessments.submit_audit"
        )
    except JourneyError as exc:
        return _refused(request, exc, audit_id)
    form = SUBMIT_FORMS[audit.kind](request.POST)
    uploaded = [e.component for e in audit.evidence.all()]
    missing = audit_rules.missing_components(audit.kind, uploaded)
    if form.is_valid() and audit.kind == AuditRecord.Kind.PERFORMANCE:  # the rules, said now
        for field, message in performance_errors(audit, form.cleaned_data).items():
            form.add_error(field, message)
    if form.is_valid() and missing:  # say so now rather than after confirming
        form.add_error(
            None,
            "Evidence is required for every component before submitting. Missing: "
            + "; ".join(missing)
            + ".",
        )
    if not form.is_valid():
        return _page(request, audit, status=400, submit_form=form)
    rules = services.judged_against(timezone.localdate())
    return confirmation_page(request, audit, form, _submitted_data(form), rules)


@login_required
@require_POST
def audit_determine(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _audit_action(
        request,
        audit_id,
        permission="assessments.determine_audit",
        form_for=lambda audit: DetermineForm(request.POST),
        act=lambda form: journey_services.audit_determine(
            audit_id=audit_id,
            by=request.user,
            on=timezone.localdate(),
            final_case_rate=form.cleaned_data["final_case_rate"],
            reason=form.cleaned_data["reason"],
        ),
        done="The final case rate is determined.",
        form_name="determine_form",
    )


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Only the organisation, the assigned auditor and reviewers; always as an attachment."""
    evidence = selectors.evidence_for(request.user, evidence_id)
    refusal = selectors.evidence_download_refusal(evidence)
    if refusal:
        return render(
            request,
            "assessments/evidence_unavailable.html",
            {"evidence": evidence, "message": refusal},
            status=409,
        )
    return stored_file_response(evidence)
