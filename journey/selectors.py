"""Reads across apps for the journey's pages and API: an enrollment with the audits the viewer
may see, their evidence and the event log; the dashboard's enrollment with its history and
appeals, and the rules and fee in force, each in one query."""

from django.db.models import F, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models import Appeal, AuditRecord, FeeSchedule
from designation.models import Enrollment, EnrollmentEvent, ProgramRules
from designation.selectors import current_enrollments, enrollments_for
from portal import compiled
from portal.folded import folded, prefetched, unfolded


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


def dashboard_enrollment(organization) -> Enrollment | None:
    """The organisation's current enrollment (designation.selectors.current_enrollment) with,
    in the same query, its event log (`history`) and every appeal of the organisation, newest
    first (`organization_appeals`, each with the kind of the audit it contests); compiled once
    per thread (portal/compiled.py)."""

    def build(organization_id):
        appeals = Appeal.objects.filter(
            enrollment__organization=OuterRef("organization_id")
        ).order_by("-filed_at", "-id")
        events = EnrollmentEvent.objects.filter(enrollment=OuterRef("pk")).order_by("sequence")
        return current_enrollments(organization_id).annotate(
            folded_events=folded(events),
            folded_appeals=folded(appeals, audit_kind=F("audit__kind")),
        )[:1]

    found = compiled.instances(("dashboard enrollment",), build, organization_id=organization.pk)
    enrollment = found[0] if found else None
    if enrollment is not None:
        prefetched(enrollment, "events", unfolded(EnrollmentEvent, enrollment.folded_events))
        enrollment.organization_appeals = unfolded(Appeal, enrollment.folded_appeals)
    return enrollment


def rules_with_fee(on, fee_kind: str) -> tuple[ProgramRules, FeeSchedule | None]:
    """The program rules in force on `on` and, in the same query, the fee in force then for an
    attempt of `fee_kind` ("" for none); compiled once per thread and kind."""

    def build(on):
        fee = FeeSchedule.objects.filter(kind=fee_kind, effective_from__lte=on).order_by(
            "-effective_from", "-id"
        )[:1]
        return (
            ProgramRules.objects.filter(effective_from__lte=on)
            .order_by("-effective_from", "-id")
            .annotate(folded_fee=folded(fee))[:1]
        )

    found = compiled.instances(("rules with fee", fee_kind), build, on=on)
    if not found:
        return ProgramRules.objects.in_force(on), None  # raises, saying which day
    fees = unfolded(FeeSchedule, found[0].folded_fee) if fee_kind else []
    return found[0], (fees[0] if fees else None)
