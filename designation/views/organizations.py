"""Pages for organisations: overview with the prerequisite checklist, and fact editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from designation import selectors
from designation.forms import (
    AccountFactsForm,
    CspEnrollmentForm,
    SolutionsPartnerForm,
    SupportContractForm,
)
from designation.permissions import is_auditor, is_reviewer

# Each kind of prerequisite fact a partner admin keeps: (form, related name, label).
FACT_KINDS = {
    "solutions-partner": (
        SolutionsPartnerForm,
        "solutions_partner_designations",
        "Solutions Partner designation",
    ),
    "csp": (CspEnrollmentForm, "csp_enrollments", "CSP enrollment"),
    "support-contracts": (SupportContractForm, "support_contracts", "support contract"),
}


def _editable_organization(request: HttpRequest, organization_id: int):
    organization = selectors.organization_for(request.user, organization_id)
    if not request.user.has_perm("designation.change_organization_facts", organization):
        raise PermissionDenied("Only a partner admin of this organisation can change its facts.")
    return organization


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    membership = selectors.first_membership(request.user)
    if membership is not None:
        return redirect("organization-overview", organization_id=membership.organization_id)
    if is_reviewer(request.user):
        return redirect("review-queues")
    if is_auditor(request.user):
        return redirect("audit-index")
    return redirect("organization-index")


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    organizations = selectors.organizations_matching(request.user, query)
    page = Paginator(organizations, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "designation/organization_list.html",
        {"page": page, "query": query, "nav_section": "organizations"},
    )


@login_required
def organization_settings(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.organization_for(request.user, organization_id)
    return render(
        request,
        "designation/organization_settings.html",
        {
            "organization": organization,
            "nav_section": "settings",
            "can_edit": request.user.has_perm(
                "designation.change_organization_facts", organization
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_facts_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = _editable_organization(request, organization_id)
    form = AccountFactsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Account facts saved.")
        return redirect("organization-settings", organization_id=organization.pk)
    return render(
        request,
        "designation/fact_form.html",
        {"organization": organization, "form": form, "title": "Edit account facts"},
    )


def _fact_kind(kind: str):
    if kind not in FACT_KINDS:
        raise Http404("Unknown kind of prerequisite fact.")
    return FACT_KINDS[kind]


@login_required
@require_http_methods(["GET", "POST"])
def fact_edit(
    request: HttpRequest, organization_id: int, kind: str, pk: int | None = None
) -> HttpResponse:
    """Add (no pk) or edit one prerequisite fact of the organisation."""
    organization = _editable_organization(request, organization_id)
    form_class, related_name, label = _fact_kind(kind)
    instance = None
    if pk is not None:
        instance = selectors.fact_of(organization, related_name, pk)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fact = form.save(commit=False)
        fact.organization = organization
        fact.save()
        messages.success(request, f"The {label} was saved.")
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
    """Confirm, then delete one prerequisite fact."""
    organization = _editable_organization(request, organization_id)
    _, related_name, label = _fact_kind(kind)
    fact = selectors.fact_of(organization, related_name, pk)
    if request.method == "POST":
        fact.delete()
        messages.success(request, f"The {label} was deleted.")
        return redirect("organization-settings", organization_id=organization.pk)
    return render(
        request,
        "designation/fact_confirm_delete.html",
        {"organization": organization, "fact": fact, "label": label},
    )
