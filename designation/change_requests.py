"""Change requests: a partner admin proposes a correction to a fact of record, a reviewer
accepts it (the fact changes through designation.facts, recorded) or declines it with a reason."""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from designation import facts
from designation.models import FactChangeRequest, FactKind, Organization
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
    """Record a partner admin's proposal (values already validated by the fact's form)."""
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
    current = {}
    if kind == FactKind.ACCOUNT:
        current = facts.snapshot(organization, kind)
    elif action != FactChangeRequest.Action.ADD:
        model = facts.KINDS[kind][0]
        found = model.objects.filter(pk=fact_id, organization=organization).first()
        if found is None:
            raise NotFound("This organisation has no such fact.")
        current = facts.snapshot(found, kind)
    allowed = set(facts.KINDS[kind][1])
    proposed = {k: facts.json_value(v) for k, v in (proposed or {}).items() if k in allowed}
    request = FactChangeRequest(
        organization=organization,
        kind=kind,
        action=action,
        fact_id=None if kind == FactKind.ACCOUNT else fact_id,
        proposed={} if action == FactChangeRequest.Action.REMOVE else proposed,
        current=current,
        reason=reason.strip(),
        requested_by=by,
    )
    if evidence is not None:
        try:
            name, extension = check_supporting_file(evidence)
        except UploadRefused as exc:
            raise ConditionFailed(str(exc), field="evidence") from exc
        request.evidence_name = name
        request.evidence.save(
            f"{secrets.token_hex(16)}{extension}", ContentFile(evidence.read()), save=False
        )
    request.save()
    return request


def _locked_pending(request_id: int, by) -> FactChangeRequest:
    request = (
        FactChangeRequest.objects.select_for_update().filter(pk=request_id).first()
        if request_id
        else None
    )
    if request is None:
        raise NotFound("No such change request.")
    if not by.has_perm("designation.decide_change_requests", request.organization):
        raise Forbidden(WHO_MAY["designation.decide_change_requests"])
    if request.status != FactChangeRequest.Status.PENDING:
        raise Conflict(f"This change request was already decided: {request.get_status_display()}.")
    return request


def change_request_accept(*, request_id: int, by, note: str = "") -> FactChangeRequest:
    """Accept: the fact changes as proposed (recorded with the request), the request closes."""
    with transaction.atomic():
        request = _locked_pending(request_id, by)
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
        if request.action == FactChangeRequest.Action.REMOVE:
            facts.remove_fact(fact_id=request.fact_id, **common)
        else:
            fact_id = None if request.action == FactChangeRequest.Action.ADD else request.fact_id
            facts.record_fact(values=request.proposed, fact_id=fact_id, **common)
        request.status = FactChangeRequest.Status.ACCEPTED
        request.decided_by, request.decided_at = by, timezone.now()
        request.decision_reason = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return request


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
    return request
