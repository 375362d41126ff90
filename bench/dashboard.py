"""The partner dashboard timed in-process for the largest organisation, beside /healthz/ as the
floor, with production settings (DEBUG off), through the whole middleware stack with Django's
test client.

    DEBUG=1 .venv/bin/python -m bench.dashboard [--requests 200 --rounds 3]   # also in make load

It uses the load test's database (bench/load_test.py: migrated, demo data) and adds, once, the
largest organisation: the M scale's largest case count (1,001,000 raw cases), 36 months of
rollups, ten submitted attempts and an open capability audit, twelve appeals and forty unread
notifications for its partner admin (the same history as the fixed-query-count test). Each
round times --requests of /healthz/, --requests of the dashboard warm (its content cached,
journey/dashboard_cache.py) and --requests of it cold (each after a rollup was rewritten, so the
content renders afresh); a figure is the median request of a round, then the median over the
rounds; the ratio is dashboard / healthz.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LARGEST = "Largest Partner (benchmark)"
USERNAME, PASSWORD = "bench-largest", "designation-demo"
TARGET_MS = 15.0


def prepare() -> None:
    """Add the largest organisation and its partner admin (idempotent)."""
    from designation.models import Organization
    from tests.designation import factories
    from tests.journey.large_history import large_history

    if Organization.objects.filter(legal_name=LARGEST).exists():
        return
    org = factories.EligibleOrganizationFactory(legal_name=LARGEST, partner_id="999000001")
    admin = factories.UserFactory(username=USERNAME, password=PASSWORD)
    factories.MembershipFactory(user=admin, organization=org, role="admin")
    auditor = factories.UserFactory(username="bench-largest-auditor", groups=["ISSI auditor"])
    large_history(org, auditor=auditor, filer=admin, recipient_ids=[admin.pk], key="bench-largest")


def largest_id() -> int:
    from designation.models import Organization

    return Organization.objects.get(legal_name=LARGEST).pk


def time_in_process(requests: int, rounds: int) -> list[str]:
    """Median request time of /healthz/ and the dashboard, interleaved rounds."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from tests.journey.large_history import LARGEST_M_ORGANISATION_CASES as CASES

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username=USERNAME))
    paths = {"/healthz/": "/healthz/", "dashboard": f"/organizations/{largest_id()}/"}
    for path in paths.values():
        for _ in range(20):  # warm-up: templates compiled, connection open
            assert client.get(path, secure=True).status_code == 200, path
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(paths["dashboard"], secure=True)
    cold_queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: cold_queries.append(sql) or execute(sql, *args)
    ):
        touch_rollup()
        client.get(paths["dashboard"], secure=True)
    medians: dict[str, list[float]] = {name: [] for name in [*paths, "cold"]}
    # per round, per cold request: ms waiting for the database, ms rendering the content
    waits: list[list[float]] = []
    renders: list[list[float]] = []
    for _ in range(rounds):
        waits.append([])
        renders.append([])
        for name, path in [*paths.items(), ("cold", paths["dashboard"])]:
            times = []
            for _ in range(requests):
                waited, rendered = [0.0], [0.0]
                timing = nullcontext()
                if name == "cold":
                    touch_rollup()  # a change: the next request renders the content afresh
                    timing = _cold_timing(waited, rendered)
                with timing:
                    started = time.perf_counter()
                    client.get(path, secure=True)
                    times.append((time.perf_counter() - started) * 1000)
                if name == "cold":
                    waits[-1].append(waited[0] * 1000)
                    renders[-1].append(rendered[0] * 1000)
            medians[name].append(statistics.median(times))
    health = statistics.median(medians["/healthz/"])
    board = statistics.median(medians["dashboard"])
    cold = statistics.median(medians["cold"])
    waited = statistics.median(statistics.median(round_) for round_ in waits)  # as `cold`
    rendered = statistics.median(statistics.median(round_) for round_ in renders)
    verdict = "met" if board <= TARGET_MS else "NOT MET"
    cold_verdict = "met" if cold <= TARGET_MS else "NOT MET"
    return [
        f"in-process (Django test client, production settings, {rounds} interleaved rounds of "
        f"{requests} requests, median request): /healthz/ {health:.2f} ms, dashboard of the "
        f"largest organisation ({CASES:,} cases) warm (content cached) {board:.2f} ms = "
        f"{board / health:.1f}x, {len(queries)} queries; cold (first request after a "
        f"change) {cold:.2f} ms = {cold / health:.1f}x, {len(cold_queries) - 2} queries"
        f" ({waited:.2f} ms of it waiting for the database, {rendered:.2f} ms rendering the"
        " content's template; the rest is Python: the middleware and page shell, building the"
        " rows, and the Redis round trips)",
        f"target dashboard <= {TARGET_MS:.0f} ms in-process: warm {board:.2f} ms ({verdict}), "
        f"cold {cold:.2f} ms ({cold_verdict})",
    ]


@contextmanager
def _cold_timing(waited: list[float], rendered: list[float]):
    """Add a request's database wait to waited[0] and its content rendering (the dashboard's
    template, journey/dashboard_cache.render_content) to rendered[0]."""
    from django.db import connection

    from journey import dashboard_cache

    render = dashboard_cache.render_content

    def timed_render(*args, **kwargs):
        started = time.perf_counter()
        try:
            return render(*args, **kwargs)
        finally:
            rendered[0] += time.perf_counter() - started

    dashboard_cache.render_content = timed_render
    try:
        with connection.execute_wrapper(_timed(waited)):
            yield
    finally:
        dashboard_cache.render_content = render


def _timed(waited: list[float]):
    """An execute wrapper adding each query's wall time (round trip included) to waited[0]."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[0] += time.perf_counter() - started

    return wrapper


def touch_rollup() -> None:
    """Rewrite one of the largest organisation's rollups unchanged, as a re-import does: a new
    row version, so the dashboard's fingerprint changes and its cached content is not used."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE metrics_monthlyrollup SET csp_case_count = csp_case_count WHERE id = "
            "(SELECT min(id) FROM metrics_monthlyrollup WHERE organization_id = %s)",
            [largest_id()],
        )


def run_child(env: dict, *args: str) -> str:
    """This module in a child process with the load test's (production) environment."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.dashboard", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "step", nargs="?", choices=("prepare", "time", "largest"), help=argparse.SUPPRESS
    )
    parser.add_argument("--requests", type=int, default=200, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (>= 3)")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: a median needs them")
    if args.step:  # the child: Django set up on the load test's database
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        import django

        django.setup()
        if args.step == "prepare":
            prepare()
        elif args.step == "largest":
            print(largest_id())
        else:
            print("\n".join(time_in_process(args.requests, args.rounds)))
        return
    from bench import load_env

    env = load_env.prepare_env()
    print(run_child(env, "time", "--requests", str(args.requests), "--rounds", str(args.rounds)))


if __name__ == "__main__":
    main()
