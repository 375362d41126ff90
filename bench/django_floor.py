"""A floor of `make load`: Django's WSGI handler with the portal's production settings and URLs
but no middleware at all, so /healthz/ is the portal's own view (one `SELECT 1`) and nothing
else. What wrk measures of it, beside bench/bare_wsgi.py's floors, is what Django itself costs
per request on this machine; the portal's /healthz/ adds its middleware to it."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)
settings.MIDDLEWARE = []

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402 (after the middleware is gone)

application = WSGIHandler()
