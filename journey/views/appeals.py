"""Appeal pages: filing one (a partner admin, from the audit or the enrollment page), reading it
and, for a reviewer other than the one who decided, upholding or overturning it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors
from assessments.forms import AppealDecideForm, AppealForm
from designation.permissions import is_partner_admin, is_partner_member
from designation.selectors import enrollments_for
from journey import appeals, queues
from portal.errors import Forbidden, JourneyError, NotFound


def _file(request, back, **subject) -> HttpResponse:
    form = AppealForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Say why the decision should change.")
        return back
    try:
        appeal = appeals.appeal_file(
            by=request.user,
            on=timezone.localdate(),
            statement=form.cleaned_data["statement"],
            upload=form.cleaned_data.get("file"),
            **subject,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except JourneyError as exc:
        messages.error(request, exc.message)
        return back
    messages.success(request, "Appeal filed: a Microsoft reviewer will decide it.")
    return redirect("appeal-page", appeal_id=appeal.pk)


@login_required
@require_POST
def audit_appeal(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = selectors.audit_for(request.user, audit_id)  # scope first: 404
    if not is_partner_admin(request.user, audit.enrollment.organization_id):
        raise PermissionDenied("Only a partner admin of the organisation can appeal.")
    return _file(request, redirect("audit-page", audit_id=audit_id), audit_id=audit_id)


@login_required
@require_POST
def enrollment_appeal(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(enrollments_for(request.user), pk=enrollment_id)  # 404
    if not is_partner_admin(request.user, enrollment.organization_id):
        raise PermissionDenied("Only a partner admin of the organisation can appeal.")
    back = redirect("enrollment-page", enrollment_id=enrollment_id)
    return _file(request, back, enrollment_id=enrollment_id)


@login_required
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.appeal_for(request.user, appeal_id)
    reviewer = queues.reviewer_request(request)
    member = is_partner_member(request.user, appeal.enrollment.organization_id)
    can_decide = reviewer and appeal.status == appeal.Status.OPEN
    return render(
        request,
        "assessments/appeal_detail.html",
        {
            "organization": appeal.enrollment.organization if member else None,
            "nav_section": "assessments" if member else "queues",
            "appeal": appeal,
            "decide_form": AppealDecideForm() if can_decide else None,
            "same_reviewer": appeal.decision_by_id == request.user.pk,
        },
    )


@login_required
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    selectors.appeal_for(request.user, appeal_id)  # scope first: 404
    if not queues.reviewer_request(request):
        raise PermissionDenied("Only a Microsoft reviewer decides appeals.")
    form = AppealDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose uphold or overturn and give the reason.")
        return redirect("appeal-page", appeal_id=appeal_id)
    try:
        appeals.appeal_decide(
            appeal_id=appeal_id,
            by=request.user,
            on=timezone.localdate(),
            overturn=form.cleaned_data["outcome"] == "overturn",
            reason=form.cleaned_data["reason"],
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except JourneyError as exc:
        messages.error(request, exc.message)
        return redirect("appeal-page", appeal_id=appeal_id)
    messages.success(request, "Appeal decided: the partner is told.")
    return redirect("appeal-page", appeal_id=appeal_id)
