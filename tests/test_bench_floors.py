"""The floors `make load` measures beside /healthz/ (bench/bare_wsgi.py, bench/django_floor.py)
answer as /healthz/ does, so what they cost is comparable with it; the CPU time it reads per
request (bench/cpu_time.py) counts what a server really spent."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench import bare_wsgi, cpu_time, load_env

ROOT = Path(__file__).resolve().parent.parent


def _environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def _call(application, path="/healthz/"):
    answered = []
    body = b"".join(application(_environ(path), lambda status, headers: answered.append(status)))
    return answered[0], body


def _test_database_url() -> str:
    return load_env.url_of(connection.settings_dict, connection.settings_dict["NAME"])


@pytest.mark.django_db
def test_the_bare_floor_and_the_database_floor_answer(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", _test_database_url())
    assert _call(bare_wsgi.application) == ("200 OK", b"ok")
    status, body = _call(bare_wsgi.with_database)  # a real SELECT 1 on DATABASE_URL's server
    assert (status, json.loads(body)) == ("200 OK", {"status": "ok"})
    assert bare_wsgi._THREAD.connection.closed == 0  # kept for the thread's next request
    bare_wsgi._THREAD.connection.close()


@pytest.mark.django_db
def test_the_django_floor_runs_the_portal_view_without_middleware():
    """In a child process: the floor empties MIDDLEWARE for the whole process."""
    script = (
        "import sys, io, json\n"
        "from bench import django_floor\n"
        "from django.conf import settings\n"
        "from tests.test_bench_floors import _call\n"
        "status, body = _call(django_floor.application)\n"
        "print(json.dumps([status, body.decode(), settings.MIDDLEWARE]))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": _test_database_url(),
        "ALLOWED_HOSTS": "localhost",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    status, body, middleware = json.loads(done.stdout.strip().splitlines()[-1])
    assert (status, json.loads(body), middleware) == ("200 OK", {"status": "ok"}, [])


@pytest.mark.skipif(not cpu_time.PROC.is_dir(), reason="CPU time is read from Linux's /proc")
def test_cpu_time_counts_a_busy_server_and_divides_by_the_requests():
    """bench/cpu_time.py reads a live process's CPU from /proc (its master is `server_pid`)."""
    busy = (
        "import sys, time\n"
        "input()\n"  # start when told, after the first snapshot
        "t = time.process_time()\n"
        "while time.process_time() - t < 0.5: pass\n"
        "print('done', flush=True)\n"
        "time.sleep(30)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", busy], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        before = cpu_time.snapshot(child.pid)
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"  # it has spent its 0.5 s of CPU
        after = cpu_time.snapshot(child.pid)
    finally:
        child.kill()
        child.wait()
    used = cpu_time.per_request(before, after, requests=10)
    assert 45 <= used["server"] <= 60  # about 500 ms over 10 requests, in 10 ms ticks
    assert set(used) == {"server", "postgres", "redis-server"}
    assert cpu_time.per_request(before, after, requests=0) == {}


def test_a_process_that_ended_is_counted_by_its_parent():
    """A worker (or a database connection) that ended between the snapshots: what it spent
    since the first is still counted, through its parent's reaped-children time."""
    before = {1: ("server", 0, 100, 0), 2: ("server", 1, 40, 0), 7: ("postgres", 0, 5, 0)}
    after = {1: ("server", 0, 110, 70), 3: ("server", 1, 20, 0), 7: ("postgres", 0, 9, 0)}
    ticks = cpu_time.per_request(before, after, requests=1)
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    # master +10, worker 2 ended after 70 (30 since), new worker 3 +20; postgres +4
    assert ticks["server"] == pytest.approx(60 * tick_ms)
    assert ticks["postgres"] == pytest.approx(4 * tick_ms)
