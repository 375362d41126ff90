"""Django admin without secrets: no API tokens at all, and authenticators without their keys.

A program admin may see that a person has an authenticator and delete it (a lost phone), never
read the secret that would let them generate that person's codes.
"""

from django.apps import apps
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken


class AuthenticatorAdmin(admin.ModelAdmin):
    """Which people have an authenticator, confirmed or not; no key, no QR code, no adding."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # an authenticator is set up by its owner on the two-factor page

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _replace(model, model_admin) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    if model_admin is not None:
        admin.site.register(model, model_admin)


_replace(AuthToken, None)  # knox lists token digests and shows a new token once: neither here
_replace(TOTPDevice, AuthenticatorAdmin)
if apps.is_installed("django_otp.plugins.otp_static"):  # backup codes, when installed
    from django_otp.plugins.otp_static.models import StaticDevice

    _replace(StaticDevice, AuthenticatorAdmin)
