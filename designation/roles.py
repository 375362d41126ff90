"""What designation adds to the one role lookup per request (portal/roles.py): the user's
memberships (organisation, name, role) and the bell's unread count, read with the groups."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject

from designation.models import Membership, Notification, Organization
from portal import roles


def _memberships():
    return ArraySubquery(
        Membership.objects.filter(user=OuterRef("pk"))
        .order_by("organization__legal_name", "id")
        .values(
            json=JSONObject(
                id=F("id"),
                organization_id=F("organization_id"),
                legal_name=F("organization__legal_name"),
                role=F("role"),
            )
        )
    )


def _unread():
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at=None)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


def register() -> None:
    """Called once from DesignationConfig.ready()."""
    roles.register_role_annotation("memberships", _memberships)
    roles.register_role_annotation("unread_notifications", _unread)


def memberships_of(user) -> list[Membership]:
    """The user's memberships in name order, each with its organisation's id and name (unsaved
    copies built from the one lookup: for showing and checking, not for saving)."""
    found = roles.roles_of(user)
    if found is None:
        return []
    memberships = []
    for row in found.extras.get("memberships") or []:
        membership = Membership(
            id=row["id"], user_id=user.pk, organization_id=row["organization_id"], role=row["role"]
        )
        membership.organization = Organization(
            id=row["organization_id"], legal_name=row["legal_name"]
        )
        memberships.append(membership)
    return memberships


def role_in(user, organization) -> str | None:
    """The user's role in the organisation (an instance or an id), or None."""
    organization_id = getattr(organization, "pk", organization)
    if organization_id is None:
        return None
    return next(
        (m.role for m in memberships_of(user) if m.organization_id == organization_id), None
    )


def member_organization_ids(user) -> list[int]:
    return [m.organization_id for m in memberships_of(user)]


def unread_notifications(user) -> int:
    """The bell's count."""
    found = roles.roles_of(user)
    return 0 if found is None else int(found.extras.get("unread_notifications") or 0)
