"""Header and navigation data every page needs: the user's organisations, staff roles and, for
reviewers and auditors, how much work waits in their queues (one query), and the bell's unread
count (one query, once per request)."""

from designation import notifications
from designation.models import AUDITORS, PROGRAM_ADMINS, REVIEWERS, Membership
from journey.queues import counts_for, group_names


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = group_names(request)
    reviewer = user.is_superuser or REVIEWERS in groups
    auditor = AUDITORS in groups
    # Before the second factor a staff member sees no queue, not even how long it is.
    verified = getattr(user, "is_verified", lambda: True)()
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return {
        "nav_memberships": memberships,
        "nav_is_reviewer": reviewer,
        "nav_is_auditor": auditor,
        "nav_is_program_admin": user.is_superuser or PROGRAM_ADMINS in groups,
        "nav_unread_notifications": unread_notifications(request),
        "nav_counts": counts_for(request, reviewer=reviewer, auditor=auditor)
        if (reviewer or auditor) and verified
        else {},
    }


def unread_notifications(request) -> int:
    """The bell's count: one query, memoised on the request."""
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        cached = request._unread_notifications = notifications.unread_count(request.user)
    return cached
