"""Change requests: a partner admin proposes a correction to a fact of record, a reviewer
accepts it (the fact changes through designation.facts, recorded) or declines it with a reason.
Reviewers are told of each request, the organisation's admins of each decision."""

import copy
import secrets
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from designation import facts, notifications
from designation.forms import fact_form_for
from designation.models import REVIEWERS, FactChangeRequest, FactKind, Notification, Organization
from designation.permissions import WHO_MAY
from portal.errors import ConditionFailed, Conflict, Forbidden, NotFound
from portal.supporting_files import UploadRefused, check_supporting_file


def change_request_create(
    *,
    organization_id: int,
    kind: str,
    action: str,
    by,
    reason: str,
    proposed: dict | None = None,
    fact_id: int | None = None,
    evidence=None,
) -> FactChangeRequest:
    """Record a partner admin's proposal, its values checked by the fact's form; reviewers are
    told."""
    if kind not in facts.KINDS:
        raise NotFound("Unknown kind of fact.")
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("No such organisation.")
    if not by.has_perm("designation.manage_organization_data", organization):
        raise Forbidden("Only a partner admin of this organisation can propose a change.")
    if action not in FactChangeRequest.Action.values:
        raise ConditionFailed("Choose add, change or remove.", field="action")
    if not reason.strip():
        raise ConditionFailed("Say what is wrong and why.", field="reason")
    if kind == FactKind.ACCOUNT and action != FactChangeRequest.Action.CHANGE:
        raise ConditionFailed("Account facts can only be changed.", field="action")
    if kind != FactKind.ACCOUNT and action != FactChangeRequest.Action.ADD and fact_id is None:
        raise ConditionFailed("Say which fact to change or remove.", field="fact_id")
    instance = _fact_of(organization, kind, None if action == "add" else fact_id)
    current = {} if instance.pk is None else facts.snapshot(instance, kind)
    if action != FactChangeRequest.Action.REMOVE:
        proposed = validated_proposal(kind, copy.copy(instance), proposed)
    request = FactChangeRequest(
        organization=organization,
        kind=kind,
        action=action,
        fact_id=None if kind == FactKind.ACCOUNT else instance.pk,
        proposed={} if action == FactChangeRequest.Action.REMOVE else proposed,
        current=current,
        reason=reason.strip(),
        requested_by=by,
    )
    if evidence is not None:
        _attach_evidence(request, evidence)
    with transaction.atomic():
        request.save()
        _tell_requested(request)
    return request


def _attach_evidence(request: FactChangeRequest, evidence) -> None:
    """Store the evidence file once it passed the supporting-file checks (by content)."""
    try:
        name, extension = check_supporting_file(evidence)
    except UploadRefused as exc:
        raise ConditionFailed(str(exc), field="evidence") from exc
    request.evidence_name = name
    request.evidence.save(
        f"{secrets.token_hex(16)}{extension}", ContentFile(evidence.read()), save=False
    )


def _fact_of(organization: Organization, kind: str, fact_id: int | None):
    """What a proposal starts from: the organisation (account facts), the fact (a change or a
    removal), or a new one (an addition)."""
    model = facts.KINDS[kind][0]
    if model is None:
        return organization
    if fact_id is None:
        return model(organization=organization)
    found = model.objects.filter(pk=fact_id, organization=organization).first()
    if found is None:
        raise NotFound("This organisation has no such fact.")
    return found


SCALARS = (str, int, float, bool, date, type(None))  # dates: from the page's form


def validated_proposal(kind: str, instance, proposed: dict | None) -> dict:
    """The proposed values, checked by the same form as the fact's page; the fact's current
    values fill in what is not proposed. ConditionFailed names the first field in error."""
    fields = facts.KINDS[kind][1]
    proposed = proposed or {}
    unknown = sorted(str(name) for name in proposed if name not in fields)
    if unknown:
        raise ConditionFailed(
            f"Unknown fields for this kind of fact: {', '.join(unknown)}; "
            f"known: {', '.join(fields)}.",
            field="proposed",
        )
    for name, value in proposed.items():
        if not isinstance(value, SCALARS):
            raise ConditionFailed(f"{name}: give one value.", field=f"proposed.{name}")
    base = {} if instance.pk is None else facts.snapshot(instance, kind)
    form = fact_form_for(kind)(data={**base, **proposed}, instance=instance)
    form.fields.pop("reason", None)
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        label = name if name != "__all__" else "proposed"
        raise ConditionFailed(f"{label}: {' '.join(messages)}", field=f"proposed.{name}")
    return {name: facts.json_value(form.cleaned_data[name]) for name in fields}


def check_may_decide(user, organization) -> None:
    """Raise Forbidden unless `user` decides change requests (reviewers, program admins)."""
    if not user.has_perm("designation.decide_change_requests", organization):
        raise Forbidden(WHO_MAY["designation.decide_change_requests"])


def _locked_pending(request_id: int, by) -> FactChangeRequest:
    request = (
        FactChangeRequest.objects.select_for_update().filter(pk=request_id).first()
        if request_id
        else None
    )
    if request is None:
        raise NotFound("No such change request.")
    check_may_decide(by, request.organization)
    if request.status != FactChangeRequest.Status.PENDING:
        raise Conflict(f"This change request was already decided: {request.get_status_display()}.")
    return request


def change_request_accept(*, request_id: int, by, note: str = "") -> FactChangeRequest:
    """Accept: the fact changes as proposed (recorded with the request), the request closes."""
    with transaction.atomic():
        request = _locked_pending(request_id, by)
        _apply(request, by, note)
        request.status = FactChangeRequest.Status.ACCEPTED
        request.decided_by, request.decided_at = by, timezone.now()
        request.decision_reason = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        _tell_decided(request)
    return request


def _apply(request: FactChangeRequest, by, note: str) -> None:
    """Change the fact as proposed, kept in FactChange with the request."""
    reason = f"Change request {request.pk}: {request.reason}"
    if note:
        reason += f" (reviewer: {note})"
    common = {
        "organization_id": request.organization_id,
        "kind": request.kind,
        "by": by,
        "reason": reason[:2000],
        "change_request": request,
        "checked": True,
    }
    try:
        if request.action == FactChangeRequest.Action.REMOVE:
            facts.remove_fact(fact_id=request.fact_id, **common)
        else:
            fact_id = None if request.action == FactChangeRequest.Action.ADD else request.fact_id
            facts.record_fact(values=request.proposed, fact_id=fact_id, **common)
    except NotFound as exc:
        raise Conflict(
            "The fact this request is about was removed meanwhile: decline the request."
        ) from exc


def change_request_decline(*, request_id: int, by, reason: str) -> FactChangeRequest:
    """Decline with a reason the partner reads; no fact changes."""
    if not reason.strip():
        raise ConditionFailed("Say why the change is declined.", field="reason")
    with transaction.atomic():
        request = _locked_pending(request_id, by)
        request.status = FactChangeRequest.Status.DECLINED
        request.decided_by, request.decided_at = by, timezone.now()
        request.decision_reason = reason.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        _tell_decided(request)
    return request


# --- Who is told -------------------------------------------------------------------------------


def _what(request: FactChangeRequest) -> str:
    verb = request.get_action_display().lower()
    return f"{verb} the {request.get_kind_display().lower()}"


def _link(request: FactChangeRequest) -> str:
    return reverse("change-request-page", args=[request.organization_id, request.pk])


def _tell_requested(request: FactChangeRequest) -> None:
    """Reviewers (not the author) hear of a new request, once each."""
    reviewers = notifications.group_user_ids(REVIEWERS)
    notifications.deliver(
        kind=Notification.Kind.FACT_CHANGE_REQUESTED,
        key=f"fact-change-request:{request.pk}:requested",
        recipient_ids=[pk for pk in reviewers if pk != request.requested_by_id],
        title=f"{request.organization} asks to {_what(request)}",
        body=f"Why: {request.reason}"[:1000],
        link=_link(request),
    )


def _tell_decided(request: FactChangeRequest) -> None:
    """The organisation's admins (not the decider) hear the outcome and the reason, once each."""
    accepted = request.status == FactChangeRequest.Status.ACCEPTED
    admins = notifications.organization_user_ids(request.organization_id, admins_only=True)
    reason = request.decision_reason or ("none given" if accepted else "")
    notifications.deliver(
        kind=Notification.Kind.FACT_CHANGE_DECIDED,
        key=f"fact-change-request:{request.pk}:decided",
        recipient_ids=[pk for pk in admins if pk != request.decided_by_id],
        title=(
            f"Accepted: your request to {_what(request)} (the fact was changed)"
            if accepted
            else f"Declined: your request to {_what(request)}"
        ),
        body=f"Reviewer's reason: {reason}"[:1000],
        link=_link(request),
    )
