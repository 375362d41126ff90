"""Pages of the enrollment journey: apply, follow the five steps, act, reviewer queues, the
organisation's assessments and fees."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments import selectors as audit_selectors
from assessments.models import KIND_OF_STEP, AuditRecord, charged, next_attempt_kind
from designation import declarations, labels, selectors, transitions
from designation.forms import NoteForm, OptionalReasonForm, PreEnrollmentForm, ReasonForm
from designation.models import PROGRAM_ADMINS, Enrollment
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS
from designation.permissions import is_partner_admin
from journey import queue_filters, queues, services
from journey import rules as journey_rules
from journey import selectors as journey_selectors
from journey.views.conversation import enrollment_appeal_context, thread_context
from portal.errors import Forbidden, JourneyError, NotFound
from portal.pagination import paged


@dataclass(frozen=True)
class Action:
    title: str
    button: str
    form: type | None
    explanation: str
    fee_kind: str = ""


ACTIONS = {
    "submit": Action(
        "Submit for eligibility review",
        "Submit",
        NoteForm,
        "Every prerequisite must hold today. A Microsoft reviewer then decides eligibility.",
    ),
    "approve_eligibility": Action(
        "Approve eligibility",
        "Approve",
        NoteForm,
        "The partner may then start the performance assessment.",
    ),
    "reject_eligibility": Action(
        "Reject eligibility",
        "Reject",
        ReasonForm,
        "The partner reads your reason and may register again once it is fixed.",
    ),
    "start_performance": Action(
        "Start the performance assessment",
        "Start the performance assessment",
        None,
        "Starting opens the performance window and freezes today's case-rate figures; ISSI "
        "validates the case volume and Microsoft determines the final rate.",
        fee_kind=AuditRecord.Kind.PERFORMANCE,
    ),
    "retake": Action(
        "Start a retake",
        "Start the retake",
        None,
        "A new attempt of this step goes to the ISSI queue.",
    ),
    "withdraw": Action(
        "Withdraw this enrollment",
        "Withdraw",
        OptionalReasonForm,
        "Withdrawing ends this enrollment; you may apply again later. Audit fees already "
        "charged stay charged.",
    ),
}


ELIGIBILITY_REVIEW = ("approve_eligibility", "reject_eligibility")


def _steps(enrollment: Enrollment | None) -> list[journey_rules.StepProgress]:
    """The five steps with done / current / to do, for the progress list."""
    return journey_rules.step_progress(
        enrollment.step if enrollment else 1,
        finished=enrollment is not None and enrollment.state == Enrollment.State.ENROLLED,
        done_on={},
    )


def _declared_vs_recorded(request: HttpRequest, enrollment: Enrollment) -> dict:
    """For reviewers and program admins: the declared values beside the facts of record."""
    staff = queues.reviewer_request(request) or PROGRAM_ADMINS in queues.group_names(request)
    if not staff or enrollment.state == Enrollment.State.DRAFT:
        return {}
    today = timezone.localdate()
    return {
        "declared_vs_recorded": declarations.declared_vs_recorded_for(enrollment, today=today),
        "declaration_day": declarations.declaration_day(enrollment, today),
    }


def _refusal(request: HttpRequest, exc: JourneyError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)


@login_required
def enrollment_home(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The organisation's enrollment: the open (or latest) one, or the invitation to apply."""
    organization = selectors.organization_for(request.user, organization_id)
    enrollment = selectors.current_enrollment(organization)
    if enrollment is not None and (enrollment.is_open or enrollment.state == "enrolled"):
        return redirect("enrollment-page", enrollment_id=enrollment.pk)
    return render(
        request,
        "designation/enrollment_start.html",
        {
            "organization": organization,
            "nav_section": "enrollment",
            "latest": enrollment,
            "steps": _steps(None),
            "can_apply": is_partner_admin(request.user, organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_apply(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The pre-enrollment form: saved as a draft, then submitted for eligibility review."""
    organization = selectors.organization_for(request.user, organization_id)
    if not is_partner_admin(request.user, organization):
        raise PermissionDenied("Only a partner admin of this organisation can apply.")
    open_one = selectors.current_enrollment(organization)
    open_one = open_one if open_one is not None and open_one.is_open else None
    draft = open_one if open_one is not None and open_one.state == Enrollment.State.DRAFT else None
    if open_one is not None and draft is None:
        messages.info(request, "This organisation already has an open enrollment.")
        return redirect("enrollment-page", enrollment_id=open_one.pk)
    form = PreEnrollmentForm(
        request.POST or None,
        instance=draft,
        allowed=declarations.allowed_for(organization, timezone.localdate()),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        data = {name: form.cleaned_data[name] for name in PRE_ENROLLMENT_FIELDS}
        try:
            if draft is None:
                draft = services.enrollment_create(
                    organization_id=organization.pk, by=request.user, on=today, form=data
                )
            else:
                services.enrollment_update_form(enrollment_id=draft.pk, by=request.user, form=data)
            services.enrollment_submit(enrollment_id=draft.pk, by=request.user, on=today)
        except JourneyError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, "Submitted: a Microsoft reviewer will decide eligibility.")
            return redirect("enrollment-page", enrollment_id=draft.pk)
    return render(
        request,
        "designation/enrollment_apply.html",
        {"organization": organization, "nav_section": "enrollment", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def enrollment_detail(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """One enrollment: the five steps, what the caller may do now, its audits and timeline."""
    enrollment = journey_selectors.enrollment_detail_for(request.user, enrollment_id)
    today = timezone.localdate()
    available = selectors.available_transitions(enrollment, request.user, today)
    return render(
        request,
        "designation/enrollment_detail.html",
        {
            "organization": enrollment.organization,
            "nav_section": "enrollment",
            "enrollment": enrollment,
            "steps": _steps(enrollment),
            "actions": [(name, ACTIONS[name]) for name in available],
            "audits": list(enrollment.audits.all()),
            "events": list(enrollment.events.all()),
            **thread_context(request, enrollment_id=enrollment.pk, audit_id=None),
            **enrollment_appeal_context(request, enrollment),
            **_declared_vs_recorded(request, enrollment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_transition(request: HttpRequest, enrollment_id: int, name: str) -> HttpResponse:
    """Confirm, then run, one transition of the enrollment."""
    if name not in ACTIONS:
        raise Http404("No such action.")
    action = ACTIONS[name]
    enrollment = get_object_or_404(selectors.enrollments_for(request.user), pk=enrollment_id)
    try:
        transitions.check_permission(enrollment, name, by=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    form = action.form(request.POST or None) if action.form else None
    status = 200
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            services.run_transition(
                name,
                enrollment_id=enrollment.pk,
                by=request.user,
                on=timezone.localdate(),
                data=data,
            )
        except JourneyError as exc:
            _refusal(request, exc)
            status = exc.status
        else:
            messages.success(request, labels.done_message(name, action.title))
            return redirect("enrollment-page", enrollment_id=enrollment.pk)
    elif request.method == "POST":
        status = 400
    fee = ""
    if action.fee_kind or name == "retake":
        kind = action.fee_kind or KIND_OF_STEP.get(enrollment.state, "")
        if kind:
            fee = audit_selectors.fee_in_force(kind, timezone.localdate()).display
    return render(
        request,
        "designation/enrollment_confirm.html",
        {
            "organization": enrollment.organization,
            "nav_section": "enrollment",
            "enrollment": enrollment,
            "action": action,
            "form": form,
            "fee": fee,
            **(_declared_vs_recorded(request, enrollment) if name in ELIGIBILITY_REVIEW else {}),
        },
        status=status,
    )


@login_required
def review_queues(request: HttpRequest) -> HttpResponse:
    """Reviewer queues, oldest first: eligibility to review, case rates to determine,
    renewals at risk; each paginated, their lengths in the navigation."""
    if not queues.reviewer_request(request):
        raise PermissionDenied("The queues are for Microsoft reviewers.")
    counts = queues.counts_for(request, reviewer=True, auditor=queues.auditor_request(request))
    lists = queues.reviewer_queues()
    # Search, filters, sort and CSV export (journey/queue_filters.py).
    filters, filter_errors = queue_filters.parse(request.GET)
    today = timezone.localdate()
    lists = {
        name: queue_filters.apply(name, qs, filters, today=today) for name, qs in lists.items()
    }
    if request.GET.get("export") in lists:
        name = request.GET["export"]
        return queue_filters.csv_export(name, lists[name], base_url=settings.SITE_URL)
    if filters.active:
        counts = queues.count_all(lists)
    return render(
        request,
        "designation/review_queues.html",
        {
            "nav_section": "queues",
            "filters": filters,
            "filter_errors": filter_errors,
            "sorts": queue_filters.SORTS,
            "solution_area_choices": queue_filters.SOLUTION_AREAS,
            "query_string": request.GET.urlencode(),
            "export_names": [(n, queue_filters.SPECS[n].label) for n in lists],
            "overdue_help": "Overdue: renewals at risk whose "
            f"{queue_filters.overdue_meaning('renewals')}; in the other queues "
            f"{queue_filters.NO_DEADLINE}.",
            "today": timezone.localdate(),
            **{
                name: paged(request, lists[name], count=counts[name], param=f"{name}_page")
                for name in ("eligibility", "case_rates", "renewals", "change_requests", "appeals")
            },
        },
    )


@login_required
def organization_assessments(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Every audit of the organisation with its fee, verdict and validity; what is charged."""
    organization = selectors.organization_for(request.user, organization_id)
    audits = list(audit_selectors.audits_of(organization, viewer=request.user))
    enrollment = selectors.current_enrollment(organization)
    next_kind = next_attempt_kind(enrollment)
    return render(
        request,
        "designation/organization_assessments.html",
        {
            "organization": organization,
            "nav_section": "assessments",
            "audits": audits,
            "charged": charged(audits),
            "next_fee": audit_selectors.fee_in_force(next_kind, timezone.localdate())
            if next_kind
            else None,
            "enrollment": enrollment,
        },
    )
