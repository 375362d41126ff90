"""gunicorn's production configuration. The compose file's web service, the Dockerfile's CMD and
`make load` (bench/load_test.py) all start gunicorn with it (`-c gunicorn.conf.py`), so what the
load test measures is what production runs; GUNICORN_WORKERS, GUNICORN_THREADS and
GUNICORN_ACCESS_LOG override it.

gthread workers keep HTTP connections alive between requests (sync workers close each one after
its response, so every request paid for a new connection) and serve a slow request's neighbours
on the worker's other thread. WORKERS x THREADS database connections stay open (CONN_MAX_AGE).

Two threads, not four: a worker's threads take turns at one GIL, and every hand-over costs. On
2 cores, 8 connections, interleaved (bench/gunicorn_configs.py, bench/RESULTS.md round 10), 2 x 2
beat 2 x 4 on every p95 of every run: /healthz/ p95 8.21 against 10.38 ms, the dashboard's
34.5 against 41.5 ms, 4.35 against 4.68 ms of CPU a dashboard. One thread (2 x 1) was quicker
still, but then a worker serves one request at a time: a slow one (an evidence scan, a PDF) holds
up every connection the worker has, so the second thread stays.
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
threads = _count("GUNICORN_THREADS", 2)
# No access log of its own unless GUNICORN_ACCESS_LOG names one ("-" for stdout, or a file): the
# buffering proxy in front (README) logs each request with the real client, and one line per
# request here cost 0.08 of /healthz/'s 0.64 ms of CPU (bench/RESULTS.md, round 11). Errors and
# the portal's own log lines go to stderr either way.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "").strip() or None
