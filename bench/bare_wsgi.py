"""The floors of `make load`, each served by the same gunicorn configuration as the portal:

- `application` answers every request with "ok" and does nothing else: what wrk measures of it is
  the cost of gunicorn, loopback HTTP and wrk itself on this machine, which no view can go below;
- `with_database` also sends one `SELECT 1` per request on its thread's persistent connection to
  the portal's database (DATABASE_URL), as /healthz/ does, with no framework around it: the
  floor of any health check that asks the database.

bench/django_floor.py is the third: Django itself with no middleware."""

import os
import threading

_THREAD = threading.local()


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def with_database(environ, start_response):
    import psycopg2

    for attempt in range(2):  # a connection the database dropped: once more on a new one
        connection = getattr(_THREAD, "connection", None)
        if connection is None:
            connection = _THREAD.connection = psycopg2.connect(os.environ["DATABASE_URL"])
            connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            break
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            connection.close()
            _THREAD.connection = None
            if attempt:
                raise
    body = b'{"status": "ok"}'
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
