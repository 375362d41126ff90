"""Liveness and readiness for the load balancer and compose health checks.

A probe is answered by HealthCheckMiddleware, early in the middleware, not after the session,
CSRF, sign-in, two-factor, messages and lockout middleware it never uses; the route stays, so
reverse("healthz") names it and any method other than GET still answers 405 from the view."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PATH = "/healthz/"  # the route of portal/urls.py is made from it


def database_answers() -> bool:
    """One round trip: `SELECT 1` on the request's connection, which is also the connection's
    health check (CONN_HEALTH_CHECKS would otherwise send its own `SELECT 1` first). A stale
    persistent connection is closed and the check tried once more on a new one."""
    for _attempt in range(2):
        try:
            connection.health_check_done = True  # the query below is the health check
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception:
            connection.close()
    return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise; no details that help an attacker."""
    if database_answers():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable"}, status=503)


class HealthCheckMiddleware:
    """GET /healthz/ answered here (settings.MIDDLEWARE: inside the middleware that sets the
    security headers and the Content-Security-Policy, before the rest). The host is still
    checked against ALLOWED_HOSTS, as CommonMiddleware would (400 otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == PATH and request.method == "GET":
            request.get_host()  # DisallowedHost: Django answers 400, as for any page
            return healthz(request)
        return self.get_response(request)
