"""Loopback load test with wrk: /healthz/, the dashboard and the case-rate API against gunicorn
started as production runs it (DEBUG off, gunicorn.conf.py's gthread workers, the production
default of persistent database connections), at 1, 8 and 50 connections, beside three floors
under the same gunicorn configuration: a bare WSGI application, the same with one `SELECT 1` per
request (bench/bare_wsgi.py), and Django with no middleware answering /healthz/ with the
portal's own view (bench/django_floor.py).

    make load    # DEBUG=1 .venv/bin/python -m bench.load_test [--seconds 5 --rounds 3]

For each number of connections, every round runs the three endpoints in turn (interleaved), each
for --seconds; a figure is the median over the rounds of wrk's p50/p95/p99 and requests/s, and
each endpoint's p95 is also given as a ratio to /healthz/'s p95 at the same connections. wrk
(Debian package `wrk`) is installed with apt-get when missing and running as root; otherwise the
test says what to install. It creates (or reuses) a database `portal_loadtest` (or
LOAD_DATABASE_NAME) on the portal's PostgreSQL server (DATABASE_URL, or the embedded one),
migrates it, loads the demo data and adds the largest organisation (bench/dashboard.py), whose
partner admin's dashboard is the one measured; bench/dashboard.py first times that dashboard
in-process beside /healthz/. Production's cache is Redis (CACHE_URL): give CACHE_URL to measure
with it (the dashboard's content and the sessions live there), else each worker has its own
memory cache. The latest figures are written into bench/RESULTS.md.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench import cpu_time, load_env

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
LATEST = "## Latest `make load` run"
CONNECTIONS = (1, 8, 50)
PROXIED = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}  # as through the TLS proxy
FLOOR = "bare WSGI"  # bench/bare_wsgi.py under the same gunicorn configuration
FLOORS = {  # each under the same gunicorn configuration
    FLOOR: "bench.bare_wsgi:application",
    "+ SELECT 1": "bench.bare_wsgi:with_database",
    "Django, no mw": "bench.django_floor:application",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive HTTP connection that looks like it came through the TLS proxy."""

    def __init__(self, port: int, cookies: str = "", token: str = ""):
        self.port = port
        self.headers = dict(PROXIED)
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


def api_token(port: int, username: str, password: str) -> tuple[str, str]:
    """A new API token for `username` and its id (revoke_token revokes it: the user's tokens
    do not pile up over runs, and django-knox reads all of them on every request)."""
    client = Client(port)
    response, body = client.request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": password}),
        extra={"Content-Type": "application/json"},
    )
    if response.status != 200:
        raise SystemExit(f"Token request failed with HTTP {response.status}: {body[:200]!r}")
    issued = json.loads(body)
    return issued["token"], issued["id"]


def revoke_token(port: int, token: str, token_id: str) -> None:
    response, _ = Client(port, token=token).request("DELETE", f"/api/v1/auth/tokens/{token_id}/")
    if response.status != 204:
        print(f"The load test's API token was not revoked (HTTP {response.status}).", flush=True)


# wrk prints p50/75/90/99 only: this script reports p50/p95/p99 and the error counts as JSON.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian when missing and root, else say what to install."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "make load needs wrk: install the Debian/Ubuntu package `wrk` "
            "(sudo apt-get install wrk) or build it from https://github.com/wg/wrk."
        )
    return found


def wrk(binary, script, port, path, headers, connections, seconds) -> dict:
    """One wrk run; its requests/s, p50/p95/p99 in ms and its errors."""
    command = [binary, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])
    return {
        "rps": found["requests"] / (found["duration_us"] / 1e6),
        "p50": found["p50_us"] / 1000,
        "p95": found["p95_us"] / 1000,
        "p99": found["p99_us"] / 1000,
        "errors": found["errors"] + found["non_2xx"],
        "requests": found["requests"],
    }


def wrk_with_cpu(binary, script, pid, port, path, headers, connections, seconds) -> dict:
    """wrk() with "cpu": the ms of CPU per request that the server `pid`, PostgreSQL and Redis
    spent during the run (bench/cpu_time.py; 0 where /proc cannot tell)."""
    before = cpu_time.snapshot(pid)
    result = wrk(binary, script, port, path, headers, connections, seconds)
    used = cpu_time.per_request(before, cpu_time.snapshot(pid), result["requests"])
    result["cpu"] = sum(used.values()) if used else 0.0
    return result


def production_gunicorn() -> dict:
    """gunicorn.conf.py's settings (workers, threads) as production reads them."""
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def start_gunicorn(
    env: dict, workers: int, threads: int, app: str = "portal.wsgi:application", root: Path = ROOT
) -> tuple[subprocess.Popen, int]:
    """gunicorn as the compose file starts it (gunicorn.conf.py), on a free loopback port,
    serving the source tree `root` (this one unless bench/gunicorn_configs.py names another)."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), app, "--config", "gunicorn.conf.py"] + ["--bind", f"127.0.0.1:{port}"],
        cwd=root,
        env={**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            Client(port).request("GET", "/healthz/")
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz/ within 30 s.")


def measure(binary, endpoints, rounds, seconds, servers) -> dict:
    """{(endpoint, connections): median figures}, endpoints interleaved within each round;
    `servers` maps each port to its gunicorn's pid, whose CPU time (and PostgreSQL's and
    Redis's) each run also reads (bench/cpu_time.py)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    runs: dict = {}
    try:
        for connections in CONNECTIONS:
            for _ in range(rounds):
                for name, (port, path, headers) in endpoints.items():
                    result = wrk_with_cpu(
                        binary,
                        script.name,
                        servers[port],
                        port,
                        path,
                        headers,
                        connections,
                        seconds,
                    )
                    runs.setdefault((name, connections), []).append(result)
    finally:
        os.unlink(script.name)
    return {
        key: {
            figure: statistics.median(run[figure] for run in results)
            for figure in ("rps", "p50", "p95", "p99", "cpu")
        }
        | {"errors": sum(run["errors"] for run in results)}
        for key, results in runs.items()
    }


def report(figures: dict, endpoints, header: str) -> list[str]:
    lines = [
        header,
        f"{'endpoint':<16} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p95 / healthz':>13} {'CPU ms':>6} {'errors':>6}",
    ]
    for connections in CONNECTIONS:
        base = figures[("/healthz/", connections)]["p95"]
        for name in endpoints:
            f = figures[(name, connections)]
            lines.append(
                f"{name:<16} {connections:>5} {f['rps']:>8.1f} {f['p50']:>8.2f} {f['p95']:>8.2f} "
                f"{f['p99']:>8.2f} {ratio(f['p95'], base):>13} {f['cpu']:>6.2f} {f['errors']:>6}"
            )
    health = figures[("/healthz/", 8)]["p95"]
    dashboard = figures[("dashboard", 8)]["p95"]
    bare = figures[(FLOOR, 8)]["p95"]
    select = figures[("+ SELECT 1", 8)]["p95"]
    django = figures[("Django, no mw", 8)]["p95"]
    lines.append(
        f"floors at 8 connections, p95: {FLOOR} {bare:.2f} ms (gunicorn, loopback and wrk alone),"
        f" + one SELECT 1 {select:.2f} ms, Django without middleware (the same view)"
        f" {django:.2f} ms; /healthz/ {ratio(health, bare)} the bare floor, dashboard"
        f" {ratio(dashboard, bare)}"
    )
    health_cpu = figures[("/healthz/", 8)]["cpu"]
    board_cpu = ratio(figures[("dashboard", 8)]["cpu"], health_cpu)
    lines.append(
        "CPU ms: per request, the server's, PostgreSQL's and Redis's (not wrk's), median run;"
        f" at 8 connections the dashboard's is {board_cpu} /healthz/'s, /healthz/'s"
        f" {ratio(health_cpu, figures[(FLOOR, 8)]['cpu'])} the bare floor's"
    )
    lines.append(
        f"target /healthz/ p95 <= 5 ms at 8 connections: {health:.2f} ms "
        f"({'met' if 0 < health <= 5 else 'NOT MET'})"
    )
    lines.append(
        f"target dashboard p95 <= 5x /healthz/ p95 at 8 connections: "
        f"{ratio(dashboard, health)} ({'met' if 0 < dashboard <= 5 * health else 'NOT MET'})"
    )
    return lines


def ratio(subject: float, floor: float) -> str:
    """subject / floor, or "n/a" when the floor has no figure (every request failed)."""
    return f"{subject / floor:.2f}x" if floor > 0 else "n/a"


def write_results(lines: list[str], command: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    head, _, after = text.partition(LATEST)
    marker = after.find("\n## ")
    rest = after[marker:] if after and marker >= 0 else ""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    section = (
        f"{LATEST}\n\nWritten by the load test itself ({stamp}, load average {load} at the end)"
        f" with:\n\n    {command}\n\n```\n" + "\n".join(lines) + "\n```\n"
    )
    RESULTS.write_text(head.rstrip() + "\n\n" + section + rest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (>= 3)")
    production = production_gunicorn()
    parser.add_argument(
        "--workers", type=int, default=production["workers"], help="gunicorn.conf.py's default"
    )
    parser.add_argument(
        "--threads", type=int, default=production["threads"], help="gunicorn.conf.py's default"
    )
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: a median needs them")
    binary = ensure_wrk()
    env = load_env.prepare_env()
    from bench import dashboard

    in_process = dashboard.run_child(env, "time").strip().splitlines()
    print("\n".join(in_process), flush=True)
    server, port = start_gunicorn(env, args.workers, args.threads)
    floors: dict = {}
    token = token_id = ""
    try:
        for name, app in FLOORS.items():
            floors[name] = start_gunicorn(env, args.workers, args.threads, app)
        cookies = sign_in(port, dashboard.USERNAME, dashboard.PASSWORD)
        largest = int(dashboard.run_child(env, "largest").strip())
        token, token_id = api_token(port, "contoso", "designation-demo")
        organization = Client(port, token=token).request("GET", "/api/v1/organizations/")[1]
        org_id = int(re.search(rb'"id":\s*(\d+)', organization).group(1))
        endpoints = {
            **{name: (at, "/healthz/", PROXIED) for name, (_, at) in floors.items()},
            "/healthz/": (port, "/healthz/", PROXIED),
            "dashboard": (port, f"/organizations/{largest}/", {**PROXIED, "Cookie": cookies}),
            "case-rate API": (
                port,
                f"/api/v1/organizations/{org_id}/case-rate/",
                {**PROXIED, "Authorization": f"Token {token}"},
            ),
        }
        for name, (port_of, path, headers) in endpoints.items():  # each 200, not a redirect
            client = Client(port_of)
            client.headers = dict(headers)
            status = client.request("GET", path)[0].status
            if status != 200:
                raise SystemExit(f"{name} answered HTTP {status}: nothing to measure.")
        servers = {at: process.pid for process, at in [(server, port), *floors.values()]}
        figures = measure(binary, endpoints, args.rounds, args.seconds, servers)
    finally:
        if token_id:
            revoke_token(port, token, token_id)
        for process in (server, *(floor for floor, _ in floors.values())):
            process.terminate()
            process.wait(timeout=30)
    header = (
        f"wrk, loopback, gunicorn (gunicorn.conf.py) {args.workers} gthread workers of "
        f"{args.threads} thread{'s' if args.threads > 1 else ''}, production settings "
        f"(CONN_MAX_AGE default, cache {'Redis' if env.get('CACHE_URL') else 'in-process memory'}"
        f"), {args.rounds} interleaved rounds of {args.seconds} s per "
        f"endpoint, medians; {os.cpu_count()} cores shared with wrk"
    )
    lines = in_process + report(figures, endpoints, header)
    print("\n".join(lines))
    if not args.no_results:
        write_results(
            lines,
            f"DEBUG=1 .venv/bin/python -m bench.load_test --seconds {args.seconds} "
            f"--rounds {args.rounds} --workers {args.workers} --threads {args.threads}",
        )
    if any(f["errors"] for f in figures.values()):
        raise SystemExit("Some requests failed (see the errors column).")


if __name__ == "__main__":
    main()
