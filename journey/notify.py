"""Who is told what, and when: one function per event of the journey, each called with one line
from the service that made it happen (inside its transaction; emails go after commit).

Keys name the event (an enrollment event's hash, an audit's id and what happened to it), so
each event reaches each recipient once however often it is announced.
"""

from collections.abc import Iterable

from django.urls import reverse

from designation import notifications
from designation.models import AUDITORS, REVIEWERS, Membership, Notification

Kind = Notification.Kind


def _org_users(organization_id: int, *, admins_only: bool = False) -> list[int]:
    return notifications.organization_user_ids(organization_id, admins_only=admins_only)


def _org_users_of(organization_ids, *, admins_only: bool = False) -> dict[int, list[int]]:
    """_org_users for many organisations in one query: {organisation id: user ids}."""
    members = Membership.objects.filter(
        organization_id__in=list(organization_ids), user__is_active=True
    )
    if admins_only:
        members = members.filter(role=Membership.Role.ADMIN)
    found: dict[int, list[int]] = {}
    for organization_id, user_id in members.values_list("organization_id", "user_id"):
        found.setdefault(organization_id, []).append(user_id)
    return found


def _group(name: str) -> list[int]:
    return notifications.group_user_ids(name)


def _tell(kind, key, to: Iterable[int], title: str, body: str = "", link: str = "") -> int:
    return notifications.deliver(
        kind=kind, key=key, recipient_ids=to, title=title, body=body, link=link
    )


def _audit_link(audit) -> str:
    return reverse("audit-page", args=[audit.pk])


def _enrollment_link(enrollment) -> str:
    return reverse("enrollment-page", args=[enrollment.pk])


def _audit_name(audit) -> str:
    return f"{audit.get_kind_display()} (attempt {audit.attempt}) of {audit.organization}"


# --- Eligibility --------------------------------------------------------------------------


def eligibility_submitted(enrollment) -> None:
    _tell(
        Kind.ELIGIBILITY_SUBMITTED,
        f"event:{enrollment.last_event_hash}",
        _group(REVIEWERS),
        f"{enrollment.organization} submitted its pre-enrollment form for eligibility review",
        "Review the prerequisites and approve or reject eligibility.",
        _enrollment_link(enrollment),
    )


def eligibility_decided(enrollment) -> None:
    approved = enrollment.state == enrollment.State.PERFORMANCE
    title = (
        "Eligibility approved: you can start the performance assessment"
        if approved
        else "Eligibility rejected"
    )
    body = "" if approved else f"Reason: {enrollment.reason}"
    _tell(
        Kind.ELIGIBILITY_DECIDED,
        f"event:{enrollment.last_event_hash}",
        _org_users(enrollment.organization_id),
        title,
        body,
        _enrollment_link(enrollment),
    )


# --- Audits -------------------------------------------------------------------------------


def audit_queued(audit) -> None:
    _tell(
        Kind.AUDIT_QUEUED,
        f"audit:{audit.pk}:queued",
        _group(AUDITORS),
        f"New in the ISSI queue: {_audit_name(audit)}",
        "Claim it to take it on.",
        _audit_link(audit),
    )


def audit_claimed(audit) -> None:
    _tell(
        Kind.AUDIT_CLAIMED,
        f"audit:{audit.pk}:claimed",
        _org_users(audit.enrollment.organization_id),
        f"An ISSI auditor claimed your {audit.get_kind_display().lower()}",
        f"Claimed on {audit.assigned_on.isoformat()}.",
        _audit_link(audit),
    )


def changes_requested(audit, requests) -> None:
    first = min(requests, key=lambda r: r.pk)
    lines = [f"- {r.subject_label}: {r.note} (answer by {r.due_on.isoformat()})" for r in requests]
    _tell(
        Kind.CHANGES_REQUESTED,
        f"change-request:{first.pk}:requested",
        _org_users(audit.enrollment.organization_id),
        f"ISSI requests changes to your {audit.get_kind_display().lower()}",
        "\n".join(lines),
        _audit_link(audit),
    )


def changes_answered(audit, requests) -> None:
    last = max(requests, key=lambda r: r.pk)
    _tell(
        Kind.CHANGES_ANSWERED,
        f"change-request:{last.pk}:answered",
        [audit.auditor_id],
        f"{audit.organization} answered your requested changes",
        "\n".join(f"- {r.subject_label}: {r.reply}" for r in requests),
        _audit_link(audit),
    )


def audit_submitted(audit) -> None:
    to = _org_users(audit.enrollment.organization_id)
    body = "ISSI recorded its result."
    if audit.kind == audit.Kind.PERFORMANCE:
        to += _group(REVIEWERS)
        body = f"Validated case volume {audit.validated_case_volume}: the case rate waits for "
        body += "Microsoft's determination."
    _tell(
        Kind.AUDIT_SUBMITTED,
        f"audit:{audit.pk}:submitted",
        to,
        f"Submitted: {_audit_name(audit)}",
        body,
        _audit_link(audit),
    )


def audit_decided(audit) -> None:
    outcome = "passed" if audit.passed else "failed"
    body = "" if audit.passed else "A retake may start; or appeal within the appeal window."
    _tell(
        Kind.AUDIT_DECIDED,
        f"audit:{audit.pk}:decided",
        [*_org_users(audit.enrollment.organization_id), audit.auditor_id],
        f"The {audit.get_kind_display().lower()} {outcome}",
        body,
        _audit_link(audit),
    )


def case_rate_determined(audit) -> None:
    outcome = "passed" if audit.passed else "failed"
    _tell(
        Kind.CASE_RATE_DETERMINED,
        f"audit:{audit.pk}:determined",
        [*_org_users(audit.enrollment.organization_id), audit.auditor_id],
        f"Case rate determined: {audit.final_case_rate} cases per USD 1M ({outcome})",
        audit.override_reason and f"Overridden: {audit.override_reason}",
        _audit_link(audit),
    )


# --- Renewal ------------------------------------------------------------------------------


def renewal_reminders(due: list[tuple[object, str, str]]) -> int:
    """Each (designation, kind, label) reminder to its organisation's admins; one INSERT for
    all of them (each designation a row with pk, organization_id, anniversary_on and the
    organisation's legal_name)."""
    admins = _org_users_of({d.organization_id for d, _kind, _label in due}, admins_only=True)
    return notifications.deliver_many(
        notifications.Delivery(
            Kind.RENEWAL_REMINDER,
            f"reminder:{d.pk}:{d.anniversary_on.isoformat()}:{kind}",
            tuple(admins.get(d.organization_id, ())),
            f"Renewal reminder ({label})",
            f"{d.legal_name}: your designation's anniversary is "
            f"{d.anniversary_on.isoformat()}. Complete the renewal in the portal before "
            "the renewal window closes, or the designation lapses.",
            reverse("enrollment-home", args=[d.organization_id]),
        )
        for d, kind, label in due
    )


def designations_lapsed(designations: list) -> int:
    """Each lapsed designation to its organisation's users; one INSERT for all of them."""
    users = _org_users_of({d.organization_id for d in designations})
    return notifications.deliver_many(
        notifications.Delivery(
            Kind.DESIGNATION_LAPSED,
            f"lapsed:{d.pk}:{d.anniversary_on.isoformat()}",
            tuple(users.get(d.organization_id, ())),
            "Your Support Services designation lapsed",
            f"The renewal window of the anniversary {d.anniversary_on.isoformat()} closed "
            "without a completed renewal; the badge is withdrawn. Apply again to regain it.",
            reverse("badge", args=[d.organization_id]),
        )
        for d in designations
    )


# --- Comments -----------------------------------------------------------------------------


def comment_added(comment) -> None:
    """The thread's participants, not the author: the organisation's users (unless the note is
    internal), the assigned auditor(s) and whoever wrote in the thread before."""
    from assessments.models import AuditRecord, Comment

    enrollment = comment.enrollment
    to = [] if comment.internal else _org_users(enrollment.organization_id)
    audits = AuditRecord.objects.filter(enrollment=enrollment)
    if comment.audit_id:
        audits = audits.filter(pk=comment.audit_id)
    to += [pk for pk in audits.values_list("auditor_id", flat=True) if pk]
    earlier = Comment.objects.filter(enrollment=enrollment, audit_id=comment.audit_id)
    if comment.internal:  # staff only: never a partner
        members = Membership.objects.filter(organization_id=enrollment.organization_id)
        earlier = earlier.exclude(author__in=members.values("user_id"))
    to += list(earlier.values_list("author_id", flat=True))
    to = [pk for pk in to if pk != comment.author_id]
    subject = comment.audit.get_kind_display().lower() if comment.audit_id else "enrollment"
    link = _audit_link(comment.audit) if comment.audit_id else _enrollment_link(enrollment)
    _tell(
        Kind.COMMENT_ADDED,
        f"comment:{comment.pk}",
        to,
        f"{comment.author.get_username()} commented on the {subject} of {enrollment.organization}"
        + (" (internal note)" if comment.internal else ""),
        comment.body[:1000],
        link,
    )


# --- Appeals ------------------------------------------------------------------------------


def appeal_filed(appeal) -> None:
    organization = appeal.enrollment.organization
    _tell(
        Kind.APPEAL_FILED,
        f"appeal:{appeal.pk}:filed",
        [pk for pk in _group(REVIEWERS) if pk != appeal.decision_by_id],
        f"{organization} appealed the {appeal.get_subject_display().lower()}",
        appeal.statement[:1000],
        reverse("appeal-page", args=[appeal.pk]),
    )


def appeal_decided(appeal) -> None:
    words = "overturned" if appeal.status == appeal.Status.OVERTURNED else "upheld"
    to = _org_users(appeal.enrollment.organization_id)
    if appeal.audit_id and appeal.audit.auditor_id:
        to.append(appeal.audit.auditor_id)
    _tell(
        Kind.APPEAL_DECIDED,
        f"appeal:{appeal.pk}:decided",
        to,
        f"Your appeal of the {appeal.get_subject_display().lower()} was {words}",
        f"Reason: {appeal.reason}",
        reverse("appeal-page", args=[appeal.pk]),
    )
