"""Reads for ISSI audit records, scoped to what the caller may see."""

from datetime import date

from django.db.models import BooleanField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments import rules as audit_rules
from assessments.models import (
    Appeal,
    Attachment,
    AuditRecord,
    ChangeRequest,
    Comment,
    EvidenceFile,
    EvidenceScan,
    FeeSchedule,
)
from designation.models.enrollment import ASSESSMENT_STATES
from designation.models.organizations import Scope


def audits_for(user) -> QuerySet[AuditRecord]:
    """Audits the user may see, oldest first, with what their pages and API show."""
    return (
        AuditRecord.objects.visible_to(user)
        .select_related("enrollment__organization", "auditor", "determined_by", "corrected_by")
        .prefetch_related(
            Prefetch("evidence", EvidenceFile.objects.select_related("uploaded_by")),
            "excluded_cases",
        )
        .order_by("created_at", "id")
    )


def sees_only_audits(user) -> bool:
    """An ISSI auditor (and nothing more): their answers carry no reviewer's reasons and no
    partner data beyond the organisation's name, partner ID and country (SPEC section 1)."""
    scope = Scope.of(user)
    return scope is not None and scope.auditor and not scope.everything


def audit_for(user, audit_id: int) -> AuditRecord:
    return get_object_or_404(audits_for(user), pk=audit_id)


def unclaimed_queue() -> QuerySet[AuditRecord]:
    """The ISSI queue: unassigned audits of open enrollments, oldest first."""
    return (
        AuditRecord.objects.filter(status=AuditRecord.Status.UNASSIGNED, auditor=None)
        .filter(enrollment__state__in=ASSESSMENT_STATES)
        .select_related("enrollment__organization")
        .order_by("created_at", "id")
    )


def assigned_to(user) -> QuerySet[AuditRecord]:
    return (
        AuditRecord.objects.filter(auditor=user)
        .select_related("enrollment__organization")
        .order_by("status", "created_at", "id")
    )


def case_rates_to_determine() -> QuerySet[AuditRecord]:
    """Submitted performance audits waiting for the reviewer's final case rate, oldest first."""
    return (
        AuditRecord.objects.filter(kind=AuditRecord.Kind.PERFORMANCE, status="submitted")
        .current()
        .select_related("enrollment__organization", "auditor")
        .order_by("submitted_at", "id")
    )


def evidence_download_refusal(evidence: EvidenceFile) -> str | None:
    """Why an evidence file cannot be downloaded now (malware scan pending or failed), or None."""
    scan = EvidenceScan.objects.filter(evidence=evidence).first()
    if scan is None:
        return "This file is still waiting for its malware scan; try again in a few minutes."
    if not scan.clean:
        return (
            f"This file was quarantined by the malware scan ({scan.detail}); upload a clean copy."
        )
    return None


def evidence_for(user, evidence_id: int) -> EvidenceFile:
    """An evidence file the user may download; 404 for anyone else."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("audit__enrollment"),
        pk=evidence_id,
        audit__in=AuditRecord.objects.visible_to(user).values("pk"),
    )
    if not user.has_perm("assessments.download_evidence", evidence.audit):
        raise Http404("No such evidence file among those you can see.")
    return evidence


def audits_of(organization, *, viewer) -> QuerySet[AuditRecord]:
    """Every audit record of the organisation the viewer may see, newest first."""
    return (
        AuditRecord.objects.visible_to(viewer)
        .filter(enrollment__organization=organization)
        .select_related("auditor", "enrollment")
        .order_by("-created_at", "-id")
    )


def fee_in_force(kind: str, on: date) -> FeeSchedule:
    """The fee for an attempt of `kind` started on `on`."""
    return FeeSchedule.objects.in_force(kind, on)


def change_requests_of(audit: AuditRecord) -> list[ChangeRequest]:
    """The changes requested on an audit, oldest first, with who asked and answered."""
    return list(
        ChangeRequest.objects.filter(audit=audit)
        .select_related("requested_by", "answered_by", "evidence")
        .order_by("requested_at", "id")
    )


def comments_of(*, enrollment_id: int, audit_id: int | None, staff: bool) -> list[Comment]:
    """One thread (an enrollment's own when audit_id is None), oldest first; internal notes
    only for staff. The caller has scoped the enrollment or audit."""
    return list(
        Comment.objects.filter(enrollment_id=enrollment_id, audit_id=audit_id)
        .for_viewer(staff=staff)
        .select_related("author", "attachment")
    )


def appeals_queue() -> QuerySet[Appeal]:
    """Appeals waiting for a reviewer, oldest first."""
    return (
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .select_related("enrollment__organization", "audit")
        .order_by("filed_at", "id")
    )


def appeal_for(user, appeal_id: int) -> Appeal:
    """An appeal of an enrollment the user may see; 404 otherwise."""
    from designation.models import Enrollment

    return get_object_or_404(
        Appeal.objects.select_related(
            "enrollment__organization",
            "audit",
            "filed_by",
            "decided_by",
            "superseding_audit",
            "attachment",
        ),
        pk=appeal_id,
        enrollment__in=Enrollment.objects.visible_to(user).values("pk"),
    )


def appeals_of_enrollment(enrollment_id: int) -> list[Appeal]:
    return list(
        Appeal.objects.filter(enrollment_id=enrollment_id)
        .select_related("attachment")
        .order_by("filed_at", "id")
    )


def appeals_for(user) -> QuerySet[Appeal]:
    """Appeals of the enrollments the user may see, oldest first."""
    from designation.models import Enrollment

    return (
        Appeal.objects.filter(enrollment__in=Enrollment.objects.visible_to(user).values("pk"))
        .select_related("filed_by", "decided_by", "attachment")
        .order_by("filed_at", "id")
    )


def attachment_for(user, attachment_id: int, *, staff: bool) -> Attachment:
    """An attachment the user may download: its comment's thread (an internal note's only for
    staff) or its appeal is one the user can see; 404 for anyone else."""
    from designation.models import Enrollment

    enrollments = Enrollment.objects.visible_to(user).values("pk")
    audits = AuditRecord.objects.visible_to(user).values("pk")
    # As the threads are scoped: an audit's by the audit, an enrollment's own by the enrollment.
    comments = Comment.objects.for_viewer(staff=staff).filter(
        Q(audit=None, enrollment__in=enrollments) | Q(audit__in=audits)
    )
    appeals = Appeal.objects.filter(enrollment__in=enrollments)
    return get_object_or_404(
        Attachment.objects.filter(Q(comment__in=comments) | Q(appeal__in=appeals)),
        pk=attachment_id,
    )


def attachment_download_refusal(attachment: Attachment) -> str | None:
    """Why an attachment cannot be downloaded now (malware scan pending or failed), or None."""
    if attachment.clean is None:
        return "This file is still waiting for its malware scan; try again in a few minutes."
    if not attachment.clean:
        return f"This file was quarantined by the malware scan ({attachment.scan_detail})."
    return None


# assessments.rules.audit_overdue as one SQL expression, so that a queue filters and flags its
# overdue audits in its own query: an open request past its deadline, or the ISSI due date
# (rules.audit_due_on) plus the days the partner held the ball (rules.days_held: the distinct
# days from each request to its answer, or to today while open) before today. Dates are UTC, as
# the clocks on the audit page read them.
_ISSI_DUE_SQL = """(
    CASE WHEN assessments_auditrecord.kind = 'performance'
              AND assessments_auditrecord.performance_window_ends_on IS NOT NULL
         THEN assessments_auditrecord.performance_window_ends_on
         ELSE COALESCE(
           assessments_auditrecord.assigned_on,
           (assessments_auditrecord.created_at AT TIME ZONE 'UTC')::date
         ) + %s
    END
)"""
# The days held are counted only for an audit whose unpaused due date has passed (CASE is lazy).
OVERDUE_SQL = f"""
assessments_auditrecord.status IN ('unassigned', 'claimed') AND (
  EXISTS (
    SELECT 1 FROM assessments_changerequest cr
    WHERE cr.audit_id = assessments_auditrecord.id AND cr.answered_at IS NULL AND cr.due_on < %s
  )
  OR CASE WHEN %s > {_ISSI_DUE_SQL} THEN %s > {_ISSI_DUE_SQL} + (
      SELECT count(DISTINCT held.day)::int
      FROM assessments_changerequest h
      CROSS JOIN LATERAL generate_series(
        (h.requested_at AT TIME ZONE 'UTC')::date,
        COALESCE((h.answered_at AT TIME ZONE 'UTC')::date, %s) - 1,
        interval '1 day'
      ) AS held(day)
      WHERE h.audit_id = assessments_auditrecord.id
    ) ELSE false END
)
"""  # noqa: S608 (no input in it: the values are parameters)


def with_overdue(queryset: QuerySet[AuditRecord], *, on: date) -> QuerySet[AuditRecord]:
    """The audits with `overdue` (rules.audit_overdue on `on`), computed in the same query."""
    days = audit_rules.AUDIT_DUE_DAYS
    params = (on, on, days, on, days, on)
    expression = RawSQL(OVERDUE_SQL, params, output_field=BooleanField())  # noqa: S611
    return queryset.annotate(overdue=expression)
