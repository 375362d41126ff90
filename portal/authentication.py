"""API token authentication (kept apart from the views: DRF imports it while loading its own)."""

import re

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from portal.roles import remember_roles_per_request

TOKEN_SHAPE = re.compile(r"[0-9a-f]{64}")


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`, checked against the stored hashes; a header that cannot be
    a token is refused before the database is asked."""

    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token.decode("latin-1")):
            raise exceptions.AuthenticationFailed("Invalid token.")
        user, auth_token = super().authenticate_credentials(token)
        remember_roles_per_request(user)  # this request's user: its roles are read once
        return user, auth_token
