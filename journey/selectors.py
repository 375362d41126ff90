"""Reads across apps for the journey's pages and API: an enrollment with the audits the viewer
may see, their evidence and the event log."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models import AuditRecord
from designation.models import Enrollment, EnrollmentEvent
from designation.selectors import enrollments_for


def enrollment_details_for(user) -> QuerySet[Enrollment]:
    """Enrollments with the audits the user may see (and their evidence) and the event log."""
    audits = AuditRecord.objects.visible_to(user)
    return enrollments_for(user).prefetch_related(
        Prefetch("events", EnrollmentEvent.objects.select_related("rules_version")),
        Prefetch(
            "audits",
            audits.select_related("auditor").prefetch_related("evidence", "excluded_cases"),
        ),
    )


def enrollment_detail_for(user, enrollment_id: int) -> Enrollment:
    """One enrollment with its audits (those the user may see) and its event log; 404 otherwise."""
    return get_object_or_404(enrollment_details_for(user), pk=enrollment_id)
