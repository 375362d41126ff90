"""Pure rules of an organisation's team (no Django, no clock)."""

from collections.abc import Iterable

ADMIN = "admin"


def leaves_no_admin(roles: Iterable[str], *, current_role: str, new_role: str | None) -> bool:
    """True when changing one member from `current_role` to `new_role` (None: removing them)
    would leave the organisation, whose members hold `roles`, without a partner admin."""
    if current_role != ADMIN or new_role == ADMIN:
        return False
    return sum(1 for role in roles if role == ADMIN) <= 1


def display_name(first_name: str, last_name: str, username: str) -> str:
    """A person's name as people see it: their full name, else their user name."""
    full = f"{first_name} {last_name}".strip()
    return full or username
