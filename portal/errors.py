"""Refusals every app's services raise, each with a message a person can act on.

The API answers them with their `status` (portal.api.JourneyErrorsMixin); pages show the message.
"""

from django.core.exceptions import PermissionDenied


class JourneyError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConditionFailed(JourneyError):
    """A condition of the action does not hold (which one is in the message)."""

    status = 400


class Forbidden(JourneyError, PermissionDenied):
    """The caller may see the object but not do this (who may is in the message); a page that
    does not catch it answers Django's 403."""

    status = 403


class NotFound(JourneyError):
    """Not there, or not the caller's to see."""

    status = 404


class Conflict(JourneyError):
    """The state moved meanwhile: someone else acted first."""

    status = 409
