"""Writes to the facts of record and to the partner's own acts, each change kept in FactChange.

Facts of record are Microsoft's (reviewers, program admins, the bulk feed); the partner admin
accepts the Code of Conduct and attests authorisation. Every write goes through here.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from designation.models import (
    REVIEWERS,
    CspEnrollment,
    FactChange,
    FactKind,
    FactSource,
    Organization,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.permissions import WHO_MAY
from portal.errors import ConditionFailed, Forbidden, NotFound

ACCOUNT_FIELDS = (
    "legal_name",
    "country",
    "in_good_standing",
    "partner_center_registered",
    "tax_billing_on_file",
)
# kind: (model, the fact's own fields)
KINDS: dict[str, tuple[type[models.Model] | None, tuple[str, ...]]] = {
    FactKind.ACCOUNT: (None, ACCOUNT_FIELDS),
    FactKind.SOLUTIONS_PARTNER: (
        SolutionsPartnerDesignation,
        (
            "area",
            "attained_on",
            "anniversary_on",
            "performance_points",
            "skilling_points",
            "customer_success_points",
        ),
    ),
    FactKind.CSP: (CspEnrollment, ("kind", "enrolled_on", "ended_on")),
    FactKind.SUPPORT_CONTRACT: (SupportContract, ("plan", "starts_on", "ends_on")),
}


def json_value(value):
    """A fact's value as JSON keeps it (dates as YYYY-MM-DD)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(instance, kind: str) -> dict:
    """The fact's own fields as a JSON-ready dict."""
    return {name: json_value(getattr(instance, name)) for name in KINDS[kind][1]}


def source_of(user) -> str:
    """A person's source label: reviewer, or program admin for everyone else who may."""
    if user is None:
        return FactSource.FEED
    if user.groups.filter(name=REVIEWERS).exists():
        return FactSource.REVIEWER
    return FactSource.PROGRAM_ADMIN


def check_may_keep_facts(user, organization) -> None:
    """Raise Forbidden unless `user` keeps the facts of record (reviewer, program admin)."""
    if not user.has_perm("designation.change_organization_facts", organization):
        raise Forbidden(WHO_MAY["designation.change_organization_facts"])


def _lock(organization_id: int) -> Organization:
    try:
        return Organization.objects.select_for_update().get(pk=organization_id)
    except Organization.DoesNotExist as exc:
        raise NotFound("No such organisation.") from exc


def _fact_instance(organization: Organization, kind: str, fact_id: int | None):
    model, _fields = KINDS[kind]
    if model is None:
        return organization
    if fact_id is None:
        return model(organization=organization)
    try:
        return model.objects.select_for_update().get(pk=fact_id, organization=organization)
    except model.DoesNotExist as exc:
        raise NotFound("This organisation has no such fact.") from exc


def _full_clean(instance) -> None:
    try:
        instance.full_clean(exclude=["organization", "partner_id"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ConditionFailed(f"{field}: {' '.join(messages)}", field=field) from exc


def record_fact(
    *,
    organization_id: int,
    kind: str,
    values: dict,
    by,
    fact_id: int | None = None,
    reason: str = "",
    change_request=None,
    checked: bool = False,
) -> FactChange | None:
    """Add (no fact_id) or change one fact of record and keep the change; None when nothing
    differed (the fact is still marked confirmed now). `checked` means the caller already
    checked `by` (a reviewer accepting a change request)."""
    if kind not in KINDS:
        raise NotFound("Unknown kind of fact.")
    with transaction.atomic():
        organization = _lock(organization_id)
        if not checked:
            check_may_keep_facts(by, organization)
        instance = _fact_instance(organization, kind, fact_id)
        adding = instance is not organization and instance.pk is None
        before = {} if adding else snapshot(instance, kind)
        for name in KINDS[kind][1]:
            if name in values:
                setattr(instance, name, values[name])
        if kind == FactKind.ACCOUNT:
            instance.country = (instance.country or "").upper()
        _full_clean(instance)
        after = snapshot(instance, kind)
        source, now = source_of(by), timezone.now()
        _mark_confirmed(instance, kind, source, now)
        instance.save()
        if before == after:
            return None
        return FactChange.objects.create(
            organization=organization,
            kind=kind,
            fact_id=None if kind == FactKind.ACCOUNT else instance.pk,
            action=FactChange.Action.ADDED if adding else FactChange.Action.CHANGED,
            before=before,
            after=after,
            source=source,
            by=by,
            at=now,
            reason=reason,
            change_request=change_request,
        )


def _mark_confirmed(instance, kind: str, source: str, now) -> None:
    if kind == FactKind.ACCOUNT:
        instance.facts_source, instance.facts_confirmed_at = source, now
    else:
        instance.source, instance.confirmed_at = source, now


def remove_fact(
    *,
    organization_id: int,
    kind: str,
    fact_id: int,
    by,
    reason: str = "",
    change_request=None,
    checked: bool = False,
) -> FactChange:
    """Remove one Solutions Partner designation, CSP enrollment or support contract, kept."""
    if kind not in KINDS or kind == FactKind.ACCOUNT:
        raise NotFound("Only designations, CSP enrollments and contracts can be removed.")
    with transaction.atomic():
        organization = _lock(organization_id)
        if not checked:
            check_may_keep_facts(by, organization)
        instance = _fact_instance(organization, kind, fact_id)
        before = snapshot(instance, kind)
        instance.delete()
        return FactChange.objects.create(
            organization=organization,
            kind=kind,
            fact_id=fact_id,
            action=FactChange.Action.REMOVED,
            before=before,
            after={},
            source=source_of(by),
            by=by,
            reason=reason,
            change_request=change_request,
        )


def record_partner_acts(
    *, organization_id: int, by, accept_code_of_conduct: bool, attest: bool, on: date
) -> Organization:
    """The partner admin's own acts: accept the Code of Conduct, attest authorisation (or
    withdraw either), each kept with who and when."""
    with transaction.atomic():
        organization = _lock(organization_id)
        if not by.has_perm("designation.manage_organization_data", organization):
            raise Forbidden(
                "Only a partner admin of this organisation accepts the Code of Conduct "
                "and attests authorisation."
            )
        if accept_code_of_conduct and organization.code_of_conduct_accepted_on is None:
            organization.code_of_conduct_accepted_on = on
            organization.code_of_conduct_accepted_by = by
        elif not accept_code_of_conduct:
            organization.code_of_conduct_accepted_on = None
            organization.code_of_conduct_accepted_by = by
        if attest != organization.representative_attested:
            organization.representative_attested = attest
            organization.representative_attested_by = by
            organization.representative_attested_at = timezone.now()
        organization.save(
            update_fields=[
                "code_of_conduct_accepted_on",
                "code_of_conduct_accepted_by",
                "representative_attested",
                "representative_attested_by",
                "representative_attested_at",
            ]
        )
    return organization
