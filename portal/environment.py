"""Reading the environment: one place for the settings modules, each malformed value named."""

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def _read(name: str, reader, **kwargs):
    """Read one variable, naming it when its value is malformed."""
    try:
        return reader(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    """A strict boolean: an unrecognised value is an error, not a silent False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} is malformed: use 1/0, true/false, yes/no or on/off.")
    return raw in _TRUE


DEBUG = _bool("DEBUG", False)

# Reverse proxies in front of gunicorn: behind every client address (portal.clientip).
PROXY_COUNT = _read("PROXY_COUNT", env.int, default=0 if DEBUG else 1)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT is malformed: give the number of proxies, 0 or more.")
