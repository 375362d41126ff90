"""Template context every page may use: how people can sign in."""

from django.conf import settings


def sign_in(request) -> dict:
    return {"oidc_enabled": settings.OIDC_ENABLED, "oidc_button_label": settings.OIDC_BUTTON_LABEL}
