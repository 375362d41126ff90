"""Liveness and readiness for the load balancer and compose health checks."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
