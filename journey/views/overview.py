"""The organisation's overview page: the partner dashboard (journey progress, prerequisites,
case rate and trend, assessments, required actions, badge); staff also see the timeline.
Its content comes from journey/dashboard_cache.py (cached exactly, rendered on a change), and
the whole page from journey/overview_page.py while nothing on it changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from designation.models import ProgramRules
from designation.permissions import is_auditor, is_reviewer
from journey import dashboard_cache, overview_page
from portal.dates import day_from_query

SECTION = "overview"  # the navigation's section (base.html)


@login_required
def organization_overview(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The organisation's dashboard: journey progress, prerequisites, case rate and trend,
    assessments, required actions, badge; staff also see the enrollment's timeline."""
    on = day_from_query(request)
    organization = dashboard_cache.organization_for_dashboard(request.user, organization_id, on)
    staff = is_reviewer(request.user) or is_auditor(request.user)  # the one role lookup
    view = {
        "viewer": request.user,
        "staff": staff,
        "can_edit": request.user.has_perm("designation.manage_organization_data", organization),
    }
    try:
        body, board_key = dashboard_cache.board_body(organization, on=on, **view)
    except ProgramRules.DoesNotExist as exc:
        messages.error(request, f"{exc} Showing today.")
        body, board_key = dashboard_cache.board_body(organization, on=timezone.localdate(), **view)
    key = overview_page.page_key(request, board_key, SECTION)
    found = overview_page.cached_page(request, key)
    if found is not None:
        return found
    response = render(
        request,
        "designation/organization_overview.html",
        {"organization": organization, "nav_section": SECTION, "board_body": body},
    )
    overview_page.store_page(key, response)
    return response
