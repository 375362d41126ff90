"""Header and navigation data every page needs: the user's organisations and staff roles."""

from designation.models import AUDITORS, PROGRAM_ADMINS, REVIEWERS, Membership


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = set(user.groups.values_list("name", flat=True))
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return {
        "nav_memberships": memberships,
        "nav_is_reviewer": user.is_superuser or REVIEWERS in groups,
        "nav_is_auditor": AUDITORS in groups,
        "nav_is_program_admin": user.is_superuser or PROGRAM_ADMINS in groups,
    }
