"""The program's staff roles (Django groups) and who must sign in with a second factor."""

REVIEWERS = "Microsoft reviewer"
AUDITORS = "ISSI auditor"
PROGRAM_ADMINS = "Program admin"
STAFF_GROUPS = (REVIEWERS, AUDITORS, PROGRAM_ADMINS)


def requires_two_factor(user) -> bool:
    """Reviewers, auditors, program admins and superusers must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()
