"""Header and navigation data every page needs: the user's organisations, staff roles, the
bell's unread count (all from the one role lookup per request, portal/roles.py) and, for
reviewers and auditors, how much work waits in their queues (one query)."""

from django.urls import get_script_prefix

from designation.roles import memberships_of
from designation.roles import unread_notifications as unread_of
from journey.queues import counts_for
from portal.roles import roles_of


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    # Before the second factor a staff member sees no queue, not even how long it is.
    verified = getattr(user, "is_verified", lambda: True)()
    unread = unread_notifications(request)
    counts = (
        counts_for(request, reviewer=roles.reviewer, auditor=roles.auditor)
        if (roles.reviewer or roles.auditor) and verified
        else {}
    )
    memberships = roles.extras.get("memberships") or []
    return {
        # Built only when a page's navigation is rendered, not when it comes from the cache.
        "nav_memberships": lambda: memberships_of(user),
        "nav_is_reviewer": roles.reviewer,
        "nav_is_auditor": roles.auditor,
        "nav_is_program_admin": roles.program_admin,
        "nav_unread_notifications": unread,
        "nav_counts": counts,
        # Everything of the user the cached header and navigation show (base.html's {% cache %}
        # fragments, with the organisation and the section): a change to any of it is a new key.
        "nav_key": repr(
            (
                get_script_prefix(),  # what every link starts with
                user.pk,
                user.get_full_name(),
                user.username,
                [(m["organization_id"], m["legal_name"], m["role"]) for m in memberships],
                roles.reviewer,
                roles.auditor,
                roles.program_admin,
                unread,
                sorted(counts.items()),
            )
        ),
    }


def unread_notifications(request) -> int:
    """The bell's count (read with the roles, once per request)."""
    return unread_of(request.user)
