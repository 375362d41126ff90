"""Correcting a submitted audit in the browser: the assigned auditor gives the corrected values
and a reason; a new record supersedes the old one (which stays readable) and decides again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments import selectors
from assessments import services as audit_services
from assessments.forms import CapabilitySubmitForm
from assessments.models import AuditRecord
from journey import services as journey_services
from portal.errors import Forbidden, JourneyError, NotFound


def _form(audit: AuditRecord, data=None):
    from journey.views.audits import SUBMIT_FORMS

    form = SUBMIT_FORMS[audit.kind](data)
    form.fields["correction_reason"] = forms.CharField(
        label="Why the submitted record is corrected",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept with the new record and shown in the timeline.",
    )
    return form


def _data(form) -> dict:
    if isinstance(form, CapabilitySubmitForm):
        return {"scores": form.scores()}
    return {k: v for k, v in form.cleaned_data.items() if k != "correction_reason"}


@login_required
@require_http_methods(["GET", "POST"])
def audit_correct(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The assigned auditor corrects a submitted audit while it decides nothing irreversible."""
    audit = selectors.audit_for(request.user, audit_id)
    try:
        audit_services.authorise(
            audit_id=audit_id, by=request.user, permission="assessments.submit_audit"
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if audit.status == AuditRecord.Status.CLAIMED:
        return redirect("audit-page", audit_id=audit.pk)
    form = _form(audit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = journey_services.audit_correct(
                audit_id=audit.pk,
                by=request.user,
                on=timezone.localdate(),
                reason=form.cleaned_data["correction_reason"],
                data=_data(form),
            )
        except JourneyError as exc:
            if isinstance(exc, Forbidden):
                raise PermissionDenied(exc.message) from exc
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, f"Corrected: record {new.pk} supersedes record {audit.pk}, which stays."
            )
            return redirect("audit-page", audit_id=new.pk)
    return render(
        request,
        "assessments/audit_correct.html",
        {"audit": audit, "form": form, "nav_section": "audits"},
        status=400 if request.method == "POST" else 200,
    )
