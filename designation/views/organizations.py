"""Pages for organisations: the list, where each person starts, and the facts page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from designation import selectors
from designation.permissions import is_auditor, is_reviewer


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
    """The facts of record with their source and last confirmation, the partner's own acts,
    change requests and, for reviewers, every change kept."""
    organization = selectors.organization_for(request.user, organization_id)
    can_keep = request.user.has_perm("designation.change_organization_facts", organization)
    can_propose = request.user.has_perm("designation.manage_organization_data", organization)
    can_read = (
        can_keep
        or can_propose
        or request.user.has_perm("designation.view_organization_data", organization)
    )
    return render(
        request,
        "designation/organization_settings.html",
        {
            "organization": organization,
            "nav_section": "settings",
            "can_edit": can_keep,
            "can_propose": can_propose,
            "history": selectors.fact_changes_of(organization) if can_keep else [],
            "change_requests": selectors.change_requests_of(organization) if can_read else [],
        },
    )
