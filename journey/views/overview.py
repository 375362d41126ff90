"""The organisation's overview page: the partner dashboard (journey progress, prerequisites,
case rate and trend, assessments, required actions, badge); staff also see the timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from designation import selectors
from designation.models import ProgramRules
from designation.permissions import is_auditor, is_reviewer
from journey.dashboard import dashboard_for
from portal.dates import day_from_query


@login_required
def organization_overview(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The organisation's dashboard: journey progress, prerequisites, case rate and trend,
    assessments, required actions, badge; staff also see the enrollment's timeline."""
    organization = selectors.organization_with_designation_for(request.user, organization_id)
    on = day_from_query(request)
    staff = is_reviewer(request.user) or is_auditor(request.user)  # the one role lookup
    try:
        board = dashboard_for(organization, viewer=request.user, on=on, with_timeline=staff)
    except ProgramRules.DoesNotExist as exc:
        messages.error(request, f"{exc} Showing today.")
        on = timezone.localdate()
        board = dashboard_for(organization, viewer=request.user, on=on, with_timeline=staff)
    return render(
        request,
        "designation/organization_overview.html",
        {
            "organization": organization,
            "nav_section": "overview",
            "on": on,
            "board": board,
            "prerequisites": board.prerequisites,
            "all_met": board.all_met,
            "staff_view": staff,
            "can_edit": request.user.has_perm("designation.manage_organization_data", organization),
        },
    )
