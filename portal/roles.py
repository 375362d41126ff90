"""The program's staff roles (Django groups), who must sign in with a second factor, and the
one lookup per request that answers both (and whatever else the apps above read per request).

`roles_of(user)` reads the user's groups, whether they chose an authenticator app, and the
annotations the apps above register (their memberships, the bell's unread count) in one query.
For the user of a request (`remember_roles_per_request`) the answer is kept on that user object
until the request ends, so the view, the navigation, the queue counts and the permission checks
share it; any other user object is read afresh each time, as before."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, QuerySet

from portal import compiled

REVIEWERS = "Microsoft reviewer"
AUDITORS = "ISSI auditor"
PROGRAM_ADMINS = "Program admin"
STAFF_GROUPS = (REVIEWERS, AUDITORS, PROGRAM_ADMINS)

_CACHE = "_portal_roles"
_PER_REQUEST = "_portal_roles_per_request"
# name -> a function returning an expression over the user row (OuterRef("pk") is the user).
_ANNOTATIONS: dict[str, Callable[[], object]] = {}


@dataclass(frozen=True)
class Roles:
    """What one user is, read once: staff groups, a chosen second factor, the apps' extras."""

    superuser: bool
    groups: frozenset[str]
    authenticator_chosen: bool
    extras: Mapping[str, object] = field(default_factory=dict)

    @property
    def reviewer(self) -> bool:
        return self.superuser or REVIEWERS in self.groups

    @property
    def auditor(self) -> bool:
        return AUDITORS in self.groups

    @property
    def program_admin(self) -> bool:
        return self.superuser or PROGRAM_ADMINS in self.groups

    @property
    def staff(self) -> bool:
        return self.superuser or bool(self.groups & set(STAFF_GROUPS))


def register_role_annotation(name: str, expression: Callable[[], object]) -> None:
    """An app above portal adds what it reads about every signed-in user to the one lookup."""
    _ANNOTATIONS[name] = expression


def _lookup(user_id: int, user_fields: tuple[str, ...] = ()) -> QuerySet:
    """The one lookup: groups, a confirmed authenticator and the apps' annotations of a user
    (after the user's own columns, when asked for: the session's sign-in reads both at once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    extras = {f"role_{name}": make() for name, make in _ANNOTATIONS.items()}
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            role_groups=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
            role_authenticator=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            **extras,
        )
        .values(*user_fields, "role_groups", "role_authenticator", *extras)
        .order_by("pk")[:1]
    )


def _role_row(user_id: int, user_fields: tuple[str, ...] = ()) -> dict | None:
    """The lookup's row for one user (None when there is no such user), one query, its SQL
    compiled once per thread (portal/compiled.py: compiling the subqueries cost more than
    running them). So an annotation must take no value but the user's row."""
    shape = ("roles", user_fields, tuple(_ANNOTATIONS))  # anew after a registration
    found = compiled.rows(shape, lambda user_id: _lookup(user_id, user_fields), user_id=user_id)
    return found[0] if found else None


def _roles(row: dict, superuser: bool) -> Roles:
    return Roles(
        superuser=superuser,
        groups=frozenset(row.pop("role_groups")),
        authenticator_chosen=row.pop("role_authenticator"),
        extras={name.removeprefix("role_"): value for name, value in row.items()},
    )


def user_with_roles(user_id):
    """The signed-in user of a request, read from the session's user id with their roles in the
    same query (the one lookup, one round trip fewer on every page); None when there is no such
    user. The roles are kept on this object until the request ends, as for any request's user."""
    model = get_user_model()
    fields = tuple(field.attname for field in model._meta.concrete_fields)
    row = _role_row(user_id, fields)
    if row is None:
        return None
    user = model.from_db(DEFAULT_DB_ALIAS, fields, [row.pop(name) for name in fields])
    setattr(user, _CACHE, _roles(row, user.is_superuser))
    remember_roles_per_request(user)
    return user


def remember_roles_per_request(user) -> None:
    """Keep this (request's) user object's roles once read, until the request ends."""
    if user.is_authenticated:
        setattr(user, _PER_REQUEST, True)


def roles_of(user) -> Roles | None:
    """The user's roles in one query (None for an anonymous caller)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    row = _role_row(user.pk)
    if row is None:  # the user was deleted during the request
        return Roles(superuser=False, groups=frozenset(), authenticator_chosen=False)
    roles = _roles(row, user.is_superuser)
    if getattr(user, _PER_REQUEST, False):
        setattr(user, _CACHE, roles)
    return roles


def forget_roles(user) -> None:
    """After a request changed this user's own groups or memberships."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def has_staff_role(user) -> bool:
    """Reviewers, auditors, program admins and superusers: their second factor is mandatory."""
    roles = roles_of(user)
    return roles is not None and roles.staff


def requires_two_factor(user) -> bool:
    """Staff always; a partner user once they have turned on an authenticator app."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = roles_of(user)
    return roles.staff or roles.authenticator_chosen
