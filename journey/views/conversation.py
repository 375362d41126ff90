"""The audit conversation on the audit page: requests for changes (the assigned auditor), the
partner admin's answers with new evidence revisions, both clocks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import rules as audit_rules
from assessments import selectors
from assessments.forms import AppealForm, ChangeAnswerForm, ChangeRequestForm, CommentForm
from assessments.models import AuditRecord
from designation.models import AUDITORS, PROGRAM_ADMINS, REVIEWERS
from designation.permissions import is_partner_admin
from designation.selectors import enrollments_for
from journey import conversation, queues
from portal.downloads import stored_file_response
from portal.errors import Forbidden, JourneyError, NotFound

STAFF = {REVIEWERS, AUDITORS, PROGRAM_ADMINS}


def conversation_context(user, audit, *, on) -> dict:
    """What the audit page shows of the conversation, and the forms the viewer may use."""
    requests = selectors.change_requests_of(audit)
    claimed = audit.status == AuditRecord.Status.CLAIMED
    base_due = audit_rules.audit_due_on(
        audit.kind,
        queued_on=audit.created_at.date(),
        assigned_on=audit.assigned_on,
        performance_window_ends_on=audit.performance_window_ends_on,
    )
    admin = is_partner_admin(user, audit.enrollment.organization_id)
    can_answer = claimed and admin
    failed = audit.verdict == AuditRecord.Verdict.FAIL
    appeals = list(audit.appeals.select_related("attachment")) if failed else []
    return {
        "appeals": appeals,
        "appeal_form": AppealForm() if failed and admin and not appeals else None,
        "audit_appeal_url": reverse("audit-appeal-form", args=[audit.pk]),
        "change_requests": [
            (r, ChangeAnswerForm(kind=audit.kind, prefix=f"r{r.pk}") if can_answer else None)
            for r in requests
        ],
        "clocks": conversation.clocks(audit, requests, on=on, due_on=base_due),
        "change_request_form": ChangeRequestForm(kind=audit.kind, prefix="changes")
        if claimed and user.has_perm("assessments.submit_audit", audit)
        else None,
    }


def thread_context(request, *, enrollment_id: int, audit_id: int | None) -> dict:
    """The comment thread of an enrollment or audit page (one query), and the form."""
    staff = request.user.is_superuser or bool(STAFF & queues.group_names(request))
    return {
        "comments": selectors.comments_of(
            enrollment_id=enrollment_id, audit_id=audit_id, staff=staff
        ),
        "comment_staff": staff,
        "comment_form": CommentForm(staff=staff),
        "comment_action": reverse("audit-comment-form", args=[audit_id])
        if audit_id
        else reverse("enrollment-comment-form", args=[enrollment_id]),
    }


def _comment(request, *, enrollment_id: int, audit_id: int | None, back) -> HttpResponse:
    staff = request.user.is_superuser or bool(STAFF & queues.group_names(request))
    form = CommentForm(request.POST, request.FILES, staff=staff)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    try:
        conversation.comment_add(
            by=request.user,
            enrollment_id=enrollment_id,
            audit_id=audit_id,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data.get("internal", False),
            upload=form.cleaned_data.get("file"),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except JourneyError as exc:
        messages.error(request, exc.message)
        return back
    messages.success(request, "Comment added.")
    return back


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A comment's or an appeal's file, for those who can see the comment or appeal (an internal
    note's only for staff); always as an attachment."""
    staff = request.user.is_superuser or bool(STAFF & queues.group_names(request))
    attachment = selectors.attachment_for(request.user, attachment_id, staff=staff)
    refusal = selectors.attachment_download_refusal(attachment)
    if refusal:
        return render(
            request,
            "assessments/attachment_unavailable.html",
            {"attachment": attachment, "message": refusal},
            status=409,
        )
    return stored_file_response(attachment)


@login_required
@require_POST
def audit_comment(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = selectors.audit_for(request.user, audit_id)
    back = redirect("audit-page", audit_id=audit_id)
    return _comment(request, enrollment_id=audit.enrollment_id, audit_id=audit.pk, back=back)


@login_required
@require_POST
def enrollment_comment(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    get_object_or_404(enrollments_for(request.user), pk=enrollment_id)  # scope first: 404
    back = redirect("enrollment-page", enrollment_id=enrollment_id)
    return _comment(request, enrollment_id=enrollment_id, audit_id=None, back=back)


def _refused(request, exc: JourneyError, audit_id: int) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)
    return redirect("audit-page", audit_id=audit_id)


@login_required
@require_POST
def audit_request_changes(request: HttpRequest, audit_id: int) -> HttpResponse:
    audit = selectors.audit_for(request.user, audit_id)
    if not request.user.has_perm("assessments.submit_audit", audit):
        raise PermissionDenied("Only the auditor assigned to this audit can request changes.")
    form = ChangeRequestForm(request.POST, kind=audit.kind, prefix="changes")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("audit-page", audit_id=audit_id)
    try:
        conversation.audit_request_changes(
            audit_id=audit_id,
            by=request.user,
            on=timezone.localdate(),
            component=form.cleaned_data["component"],
            note=form.cleaned_data["note"],
            due_on=form.cleaned_data["due_on"],
        )
    except JourneyError as exc:
        return _refused(request, exc, audit_id)
    messages.success(request, "Changes requested: the partner is told.")
    return redirect("audit-page", audit_id=audit_id)


@login_required
@require_POST
def audit_answer_change(request: HttpRequest, audit_id: int, request_id: int) -> HttpResponse:
    audit = selectors.audit_for(request.user, audit_id)
    if not is_partner_admin(request.user, audit.enrollment.organization_id):
        raise PermissionDenied("Only a partner admin of the organisation can answer.")
    form = ChangeAnswerForm(request.POST, request.FILES, kind=audit.kind, prefix=f"r{request_id}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("audit-page", audit_id=audit_id)
    try:
        conversation.audit_answer_change(
            request_id=request_id,
            by=request.user,
            on=timezone.localdate(),
            reply=form.cleaned_data["reply"],
            upload=form.cleaned_data["file"],
            component=form.cleaned_data["component"],
            effective_on=form.cleaned_data["effective_on"],
        )
    except JourneyError as exc:
        return _refused(request, exc, audit_id)
    messages.success(request, "Answered: the auditor is told.")
    return redirect("audit-page", audit_id=audit_id)


def enrollment_appeal_context(request, enrollment) -> dict:
    """The ineligible decision's appeal on the enrollment page (no query unless ineligible)."""
    if enrollment.state != enrollment.State.INELIGIBLE:
        return {}
    appeals = selectors.appeals_of_enrollment(enrollment.pk)
    admin = is_partner_admin(request.user, enrollment.organization_id)
    return {
        "appeals": appeals,
        "appeal_form": AppealForm() if admin and not appeals else None,
        "enrollment_appeal_url": reverse("enrollment-appeal-form", args=[enrollment.pk]),
    }
