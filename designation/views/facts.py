"""Pages for the facts of record (kept by reviewers and program admins), the partner's own acts
and change requests (partner admins propose, reviewers decide)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designation import change_requests, facts, selectors
from designation.forms import (
    AccountFactsForm,
    ChangeDecisionForm,
    ChangeRequestForm,
    CspEnrollmentForm,
    PartnerActsForm,
    SolutionsPartnerForm,
    SupportContractForm,
)
from designation.models import FactChangeRequest, FactKind
from designation.permissions import WHO_MAY
from portal.errors import JourneyError

# URL slug: (form, related name, label, kind)
FACT_KINDS = {
    "solutions-partner": (
        SolutionsPartnerForm,
        "solutions_partner_designations",
        "Solutions Partner designation",
        FactKind.SOLUTIONS_PARTNER,
    ),
    "csp": (CspEnrollmentForm, "csp_enrollments", "CSP enrollment", FactKind.CSP),
    "support-contracts": (
        SupportContractForm,
        "support_contracts",
        "support contract",
        FactKind.SUPPORT_CONTRACT,
    ),
    "account": (AccountFactsForm, None, "account facts", FactKind.ACCOUNT),
}


def _fact_kind(kind: str):
    if kind not in FACT_KINDS:
        raise Http404("Unknown kind of fact.")
    return FACT_KINDS[kind]


def _kept_organization(request: HttpRequest, organization_id: int):
    """The organisation, when the caller keeps its facts of record (reviewer, program admin)."""
    organization = selectors.organization_for(request.user, organization_id)
    if not request.user.has_perm("designation.change_organization_facts", organization):
        raise PermissionDenied(WHO_MAY["designation.change_organization_facts"])
    return organization


def _partner_admin_organization(request: HttpRequest, organization_id: int):
    organization = selectors.organization_for(request.user, organization_id)
    if not request.user.has_perm("designation.manage_organization_data", organization):
        raise PermissionDenied("Only a partner admin of this organisation can do this.")
    return organization


def _model_values(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k in form._meta.fields}


@login_required
@require_http_methods(["GET", "POST"])
def account_facts_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Reviewers and program admins edit the account facts of record (a rename is a change)."""
    return fact_edit(request, organization_id, "account")


@login_required
@require_http_methods(["GET", "POST"])
def fact_edit(
    request: HttpRequest, organization_id: int, kind: str, pk: int | None = None
) -> HttpResponse:
    """Add (no pk) or edit one fact of record; the change is kept with who, when, before, after."""
    organization = _kept_organization(request, organization_id)
    form_class, related_name, label, fact_kind = _fact_kind(kind)
    instance = organization if related_name is None else None
    if pk is not None and related_name is not None:
        instance = selectors.fact_of(organization, related_name, pk)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            facts.record_fact(
                organization_id=organization.pk,
                kind=fact_kind,
                fact_id=pk,
                values=_model_values(form),
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except JourneyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"The {label} was saved and the change recorded.")
            return redirect("organization-settings", organization_id=organization.pk)
    title = f"{'Edit' if instance else 'Add'} {label}"
    return render(
        request,
        "designation/fact_form.html",
        {"organization": organization, "form": form, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fact_delete(request: HttpRequest, organization_id: int, kind: str, pk: int) -> HttpResponse:
    """Confirm, then remove one fact of record (the removal is kept)."""
    organization = _kept_organization(request, organization_id)
    _, related_name, label, fact_kind = _fact_kind(kind)
    if related_name is None:
        raise Http404("Account facts cannot be removed.")
    fact = selectors.fact_of(organization, related_name, pk)
    if request.method == "POST":
        facts.remove_fact(
            organization_id=organization.pk,
            kind=fact_kind,
            fact_id=fact.pk,
            by=request.user,
            reason=request.POST.get("reason", "")[:2000],
        )
        messages.success(request, f"The {label} was removed and the removal recorded.")
        return redirect("organization-settings", organization_id=organization.pk)
    return render(
        request,
        "designation/fact_confirm_delete.html",
        {"organization": organization, "fact": fact, "label": label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_acts_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The partner admin accepts the Code of Conduct and attests authorisation."""
    organization = _partner_admin_organization(request, organization_id)
    initial = {
        "accept_code_of_conduct": organization.code_of_conduct_accepted_on is not None,
        "attest": organization.representative_attested,
    }
    form = PartnerActsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        facts.record_partner_acts(
            organization_id=organization.pk,
            by=request.user,
            accept_code_of_conduct=form.cleaned_data["accept_code_of_conduct"],
            attest=form.cleaned_data["attest"],
            on=timezone.localdate(),
        )
        messages.success(request, "Recorded, with your name and today's date.")
        return redirect("organization-settings", organization_id=organization.pk)
    return render(
        request,
        "designation/fact_form.html",
        {"organization": organization, "form": form, "title": "Code of Conduct and attestation"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request_new(
    request: HttpRequest, organization_id: int, kind: str, pk: int | None = None
) -> HttpResponse:
    """A partner admin proposes adding, changing (pk) or removing (pk, ?remove=1) a fact."""
    organization = _partner_admin_organization(request, organization_id)
    form_class, related_name, label, fact_kind = _fact_kind(kind)
    removing = pk is not None and request.GET.get("remove") == "1"
    instance = organization if related_name is None else None
    if pk is not None and related_name is not None:
        instance = selectors.fact_of(organization, related_name, pk)
    data = request.POST or None
    fact_form = None if removing else form_class(data, instance=instance, prefix="fact")
    if fact_form is not None:
        fact_form.fields.pop("reason", None)
    reason_form = ChangeRequestForm(data, request.FILES or None)
    valid = reason_form.is_valid() & (fact_form is None or fact_form.is_valid())
    if request.method == "POST" and valid:
        action = "remove" if removing else ("add" if instance is None else "change")
        try:
            created = change_requests.change_request_create(
                organization_id=organization.pk,
                kind=fact_kind,
                action=action,
                fact_id=pk,
                proposed=_model_values(fact_form) if fact_form else {},
                reason=reason_form.cleaned_data["reason"],
                evidence=reason_form.cleaned_data.get("evidence"),
                by=request.user,
            )
        except JourneyError as exc:
            field = exc.field if exc.field in reason_form.fields else None
            reason_form.add_error(field, exc.message)
        else:
            messages.success(request, "Your change request was sent to Microsoft reviewers.")
            return redirect("change-request-page", organization_id=organization.pk, pk=created.pk)
    verb = "remove" if removing else ("change" if instance is not None else "add")
    return render(
        request,
        "designation/change_request_form.html",
        {
            "organization": organization,
            "fact_form": fact_form,
            "reason_form": reason_form,
            "title": f"Propose to {verb} the {label}",
            "fact": instance if removing else None,
        },
    )


def _visible_request(request: HttpRequest, organization_id: int, pk: int):
    organization = selectors.organization_for(request.user, organization_id)
    if not request.user.has_perm("designation.view_organization_data", organization):
        raise Http404("No such change request.")
    return selectors.change_request_for(request.user, organization.pk, pk)


@login_required
@require_GET
def change_request_page(request: HttpRequest, organization_id: int, pk: int) -> HttpResponse:
    """One change request: what, why, evidence, and the outcome; reviewers decide here."""
    change = _visible_request(request, organization_id, pk)
    can_decide = request.user.has_perm("designation.decide_change_requests", change.organization)
    return render(
        request,
        "designation/change_request_detail.html",
        {
            "organization": change.organization,
            "change": change,
            "rows": _comparison(change),
            "can_decide": can_decide and change.status == FactChangeRequest.Status.PENDING,
            "form": ChangeDecisionForm(),
            "nav_section": "settings",
        },
    )


def _comparison(change: FactChangeRequest) -> list[tuple[str, object, object]]:
    names = list(dict.fromkeys([*change.current, *change.proposed]))
    return [
        (name.replace("_", " "), change.current.get(name), change.proposed.get(name, "—"))
        for name in names
    ]


@login_required
@require_POST
def change_request_decide(request: HttpRequest, organization_id: int, pk: int) -> HttpResponse:
    """A reviewer accepts (the fact changes, recorded) or declines with a reason."""
    change = _visible_request(request, organization_id, pk)
    if not request.user.has_perm("designation.decide_change_requests", change.organization):
        raise PermissionDenied(WHO_MAY["designation.decide_change_requests"])
    form = ChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                change_requests.change_request_accept(
                    request_id=change.pk, by=request.user, note=form.cleaned_data["reason"]
                )
                messages.success(request, "Accepted: the fact was changed and the change kept.")
            else:
                change_requests.change_request_decline(
                    request_id=change.pk, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "Declined: the partner sees your reason.")
        except JourneyError as exc:
            messages.error(request, exc.message)
        return redirect("change-request-page", organization_id=organization_id, pk=change.pk)
    return render(
        request,
        "designation/change_request_detail.html",
        {
            "organization": change.organization,
            "change": change,
            "rows": _comparison(change),
            "can_decide": True,
            "form": form,
            "nav_section": "settings",
        },
        status=400,
    )


@login_required
@require_GET
def change_request_evidence(request: HttpRequest, organization_id: int, pk: int) -> HttpResponse:
    """The evidence file of a change request, as an attachment (the organisation, reviewers)."""
    change = _visible_request(request, organization_id, pk)
    if not change.evidence:
        raise Http404("This change request has no evidence file.")
    response = FileResponse(
        change.evidence.open("rb"), as_attachment=True, filename=change.evidence_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
