"""System checks for operators."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def evidence_is_scanned(app_configs, **kwargs):
    """In production, evidence must go through a real malware scanner."""
    if settings.EVIDENCE_SCANNER.endswith("NoopScanner"):
        return [
            Warning(
                "Evidence files are not scanned for malware.",
                hint="Set CLAMD_ADDRESS to a clamd daemon (host:port or socket path).",
                id="assessments.W001",
            )
        ]
    return []
