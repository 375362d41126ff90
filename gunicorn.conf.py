"""gunicorn's production configuration. The compose file's web service, the Dockerfile's CMD and
`make load` (bench/load_test.py) all start gunicorn with it (`-c gunicorn.conf.py`), so what the
load test measures is what production runs; GUNICORN_WORKERS and GUNICORN_THREADS override it.

gthread workers keep HTTP connections alive between requests (sync workers close each one after
its response, so every request paid for a new connection) and serve a slow request's neighbours
on the worker's other threads. WORKERS x THREADS database connections stay open (CONN_MAX_AGE).
"""

import os


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "") or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} is malformed: give a whole number of at least 1 (got {raw!r}).")
    return int(raw)


bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = _count("GUNICORN_WORKERS", 2)
threads = _count("GUNICORN_THREADS", 4)
accesslog = "-"
