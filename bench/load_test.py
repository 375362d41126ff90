"""Loopback load test: 50 clients on the dashboard and API for 30 s against production gunicorn.

Bounded in time and request count; prints p95 latency and throughput per endpoint.

    make load    # DEBUG=1 .venv/bin/python -m bench.load_test [--clients 50 --seconds 30]

It creates (or reuses) a database `portal_loadtest` on the same PostgreSQL server as the portal
(DATABASE_URL, or the embedded server), migrates it and loads the demo data.
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS = 500_000  # a hard cap whatever the duration


def database_url() -> str:
    """A URL for the load-test database on the portal's own PostgreSQL server."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    db = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'portal_loadtest'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE DATABASE portal_loadtest")
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/portal_loadtest"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive HTTP connection that looks like it came through the TLS proxy."""

    def __init__(self, port: int, cookies: str = "", token: str = ""):
        self.port = port
        self.headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        if cookies:
            self.headers["Cookie"] = cookies
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, extra=None):
        headers = {**self.headers, **(extra or {})}
        reused = self.connection.sock is not None
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._reconnect()
            if not reused:
                raise
            # The server closed an idle keep-alive connection: retry once, as browsers do.
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self._reconnect()
            raise
        return response, response.read()

    def _reconnect(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)


def sign_in(port: int, username: str, password: str) -> str:
    """A session cookie for `username`, through the real sign-in form."""
    client = Client(port)
    response, body = client.request("GET", "/accounts/login/")
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    middleware_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": middleware_token}
    )
    response, _ = client.request(
        "POST",
        "/accounts/login/",
        body=form,
        extra={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": "https://127.0.0.1/accounts/login/",
        },
    )
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or session is None:
        raise SystemExit(f"Sign-in as {username} failed with HTTP {response.status}.")
    return f"sessionid={session.group(1)}; csrftoken={csrf}"


def api_token(port: int, username: str, password: str) -> str:
    import json

    client = Client(port)
    response, body = client.request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": password}),
        extra={"Content-Type": "application/json"},
    )
    if response.status != 200:
        raise SystemExit(f"Token request failed with HTTP {response.status}: {body[:200]!r}")
    return json.loads(body)["token"]


def run_load(
    port: int, auth: dict, paths: dict[str, tuple[str, str]], clients: int, seconds: float
):
    """Each client cycles through the paths until the deadline; returns latencies and errors."""
    latencies: dict[str, list[float]] = {name: [] for name in paths}
    errors: list[str] = []
    lock = threading.Lock()
    count = [0]
    deadline = time.monotonic() + seconds

    def worker():
        session = Client(port, cookies=auth["cookies"])
        api = Client(port, token=auth["token"])
        names = list(paths)
        i = 0
        while time.monotonic() < deadline:
            with lock:
                if count[0] >= MAX_REQUESTS:
                    return
                count[0] += 1
            name = names[i % len(names)]
            i += 1
            kind, path = paths[name]
            client = api if kind == "api" else session
            started = time.perf_counter()
            try:
                response, _ = client.request("GET", path)
                status = response.status
            except (http.client.HTTPException, OSError) as exc:
                status = f"{type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies[name].append(elapsed)
                else:
                    errors.append(f"{name}: {status}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DATABASE_URL=database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        THROTTLE_TOKEN_RATE="1000/minute",
        LOG_LEVEL="WARNING",
    )
    python = sys.executable
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True
        )
    env["DEBUG"] = "0"
    static_root = tempfile.mkdtemp(prefix="portal-static-")
    env["STATIC_ROOT"] = static_root
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    port = free_port()
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                Client(port).request("GET", "/healthz/")
                break
            except OSError:
                time.sleep(0.2)
        cookies = sign_in(port, "contoso", "designation-demo")
        token = api_token(port, "contoso", "designation-demo")
        organization = Client(port, token=token).request("GET", "/api/v1/organizations/")[1]
        org_id = int(re.search(rb'"id":\s*(\d+)', organization).group(1))
        paths = {
            "dashboard page": ("page", f"/organizations/{org_id}/"),
            "API case rate": ("api", f"/api/v1/organizations/{org_id}/case-rate/"),
            "API prerequisites": ("api", f"/api/v1/organizations/{org_id}/prerequisites/"),
            "API organisations": ("api", "/api/v1/organizations/"),
        }
        latencies, errors, elapsed = run_load(
            port, {"cookies": cookies, "token": token}, paths, args.clients, args.seconds
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    total = sum(len(v) for v in latencies.values())
    everything = [x for v in latencies.values() for x in v]
    print(
        f"Load test: {args.clients} clients, {elapsed:.1f} s, gunicorn {args.workers} workers x "
        f"{args.threads} threads, production settings, loopback"
    )
    print(f"{'endpoint':<20} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in latencies.items():
        print(
            f"{name:<20} {len(values):>9} {percentile(values, 0.5) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f}"
        )
    print(
        f"{'all':<20} {total:>9} {percentile(everything, 0.5) * 1000:>8.1f} "
        f"{percentile(everything, 0.95) * 1000:>8.1f} {percentile(everything, 0.99) * 1000:>8.1f}"
    )
    print(f"throughput: {total / elapsed:.1f} requests/s; errors: {len(errors)}")
    if everything:
        print(f"mean latency: {statistics.mean(everything) * 1000:.1f} ms")
    if errors:
        print("first errors:", errors[:10])
        raise SystemExit(1)


if __name__ == "__main__":
    main()
