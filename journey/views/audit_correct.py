"""Correcting a submitted audit in the browser: the corrected values and a reason, then a
confirmation page, then a new record supersedes the old one (which stays readable).

Who may is one rule (assessments.rules.correction_refusal, enforced by the service): the assigned
auditor until the journey has moved past the step; after that a Microsoft reviewer, and the
outcome must stand."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments import selectors
from assessments import services as audit_services
from assessments.forms import CapabilitySubmitForm
from assessments.models import AuditRecord
from journey import services as journey_services
from journey.views.audit_confirm import confirmation_page, performance_errors
from portal.errors import Forbidden, JourneyError, NotFound


def _initial(audit: AuditRecord) -> dict:
    """The submitted values, to start the correction from."""
    if audit.kind == AuditRecord.Kind.PERFORMANCE:
        lines = "\n".join(f"{e.case_id}, {e.reason}" for e in audit.excluded_cases.all())
        explicit = audit.validated_case_volume if audit.volume_adjustment is not None else None
        return {
            "excluded_cases": lines,
            "validated_case_volume": explicit,
            "adjustment_reason": audit.adjustment_reason,
        }
    if audit.kind == AuditRecord.Kind.CSAT:
        method = {True: "yes", False: "no"}.get(audit.methodology_ok)
        return {"methodology_ok": method, "score": audit.csat_score}
    return dict(audit.scores or {})


def _form(audit: AuditRecord, data=None):
    from journey.views.audits import SUBMIT_FORMS

    form = SUBMIT_FORMS[audit.kind](data, initial=_initial(audit))
    form.fields["correction_reason"] = forms.CharField(
        label="Why the submitted record is corrected",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required. Kept with the new record and shown in the timeline and event log.",
    )
    return form


def _data(form) -> dict:
    if isinstance(form, CapabilitySubmitForm):
        return {"scores": form.scores()}
    return {k: v for k, v in form.cleaned_data.items() if k != "correction_reason"}


def _notes(audit: AuditRecord, reason: str, moved_on: bool) -> list[str]:
    notes = [
        f"Your reason: {reason}",
        f"Record {audit.pk} stays readable exactly as it was; the new record supersedes it and "
        "the correction appears in the enrollment's timeline and event log, with your name, "
        "role and reason.",
    ]
    if moved_on:
        notes.append(
            "The journey has moved past this step: the journey stays where it is, and the "
            "outcome must stay as it was. If these values would change pass or fail, nothing is "
            "recorded and you are told why."
        )
    return notes


def _valid(audit: AuditRecord, form) -> bool:
    """The form, then the program's rules for a performance record (said before confirming)."""
    if form.is_valid() and audit.kind == AuditRecord.Kind.PERFORMANCE:
        for field, message in performance_errors(audit, form.cleaned_data).items():
            form.add_error(field, message)
    return form.is_valid()


def _confirm(request: HttpRequest, audit: AuditRecord, form, moved_on: bool) -> HttpResponse:
    rules = audit_services.judged_against(timezone.localdate())
    extra = {
        "confirm_heading": f"Correct this {audit.get_kind_display().lower()}?",
        "confirm_action": reverse("audit-correct-form", args=[audit.pk]),
        "confirm_button": "Confirm the correction",
        "confirm_notes": _notes(audit, form.cleaned_data["correction_reason"], moved_on),
        "corrections": "",
    }
    return confirmation_page(request, audit, form, _data(form), rules, extra)


def _apply(request: HttpRequest, audit: AuditRecord, form) -> HttpResponse | None:
    """The confirmed correction; None when refused (the refusal is on the form)."""
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
        return None
    messages.success(
        request, f"Corrected: record {new.pk} supersedes record {audit.pk}, which stays."
    )
    return redirect("audit-page", audit_id=new.pk)


@login_required
@require_http_methods(["GET", "POST"])
def audit_correct(request: HttpRequest, audit_id: int) -> HttpResponse:
    """Correct a submitted audit: the form, a confirmation page, then the correction."""
    audit = selectors.audit_for(request.user, audit_id)
    try:
        audit_services.authorise_correction(audit_id=audit_id, by=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if audit.status in (AuditRecord.Status.UNASSIGNED, AuditRecord.Status.CLAIMED):
        return redirect("audit-page", audit_id=audit.pk)
    form = _form(audit, request.POST or None)
    moved_on = audit_services.moved_past(audit)
    if request.method == "POST" and _valid(audit, form):
        if request.POST.get("confirmed") != "1":
            return _confirm(request, audit, form, moved_on)
        done = _apply(request, audit, form)
        if done is not None:
            return done
    return render(
        request,
        "assessments/audit_correct.html",
        {"audit": audit, "form": form, "moved_on": moved_on, "nav_section": "audits"},
        status=400 if request.method == "POST" else 200,
    )
