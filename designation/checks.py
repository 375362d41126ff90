"""Deploy checks for what the badges need: an absolute SITE_URL and a signing key."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def credentials_are_publishable(app_configs, **kwargs):
    """Letters, emails and credentials name SITE_URL; credentials need a signing key."""
    problems = []
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" or not site.netloc:
        problems.append(
            Error(
                "SITE_URL must be the portal's public https:// address.",
                hint="Set SITE_URL, e.g. https://portal.example.com: letters, emails and the "
                "issuer's did:web are built from it.",
                id="designation.E001",
            )
        )
    if not (settings.CREDENTIAL_SIGNING_KEY or settings.CREDENTIAL_SIGNING_KEY_FILE):
        problems.append(
            Error(
                "No key to sign badge credentials.",
                hint="Set CREDENTIAL_SIGNING_KEY (an Ed25519 private key, PEM or JWK) or "
                "CREDENTIAL_SIGNING_KEY_FILE (a file holding one).",
                id="designation.E002",
            )
        )
    return problems
