"""The program's staff roles (Django groups) and who must sign in with a second factor."""

from django.contrib.auth import get_user_model
from django.db.models import Q

REVIEWERS = "Microsoft reviewer"
AUDITORS = "ISSI auditor"
PROGRAM_ADMINS = "Program admin"
STAFF_GROUPS = (REVIEWERS, AUDITORS, PROGRAM_ADMINS)


def has_staff_role(user) -> bool:
    """Reviewers, auditors, program admins and superusers: their second factor is mandatory."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()


def requires_two_factor(user) -> bool:
    """Staff always; a partner user once they have turned on an authenticator app (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    mandatory_or_chosen = Q(groups__name__in=STAFF_GROUPS) | Q(totpdevice__confirmed=True)
    return get_user_model().objects.filter(pk=user.pk).filter(mandatory_or_chosen).exists()
