"""Django's password sign-in backend, whose session lookup (the user of every signed-in
request) reads the user's roles in the same query as the user (portal/roles.py)."""

from django.contrib.auth.backends import ModelBackend

from portal.roles import user_with_roles


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's account with its roles, as long as it may still sign in."""
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
