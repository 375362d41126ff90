"""gunicorn configurations side by side: the same /healthz/ and dashboard requests against one
gunicorn per (workers x threads) configuration, all started at once and measured in interleaved
rounds (each round runs every endpoint against every configuration in turn), so that a change in
the machine's speed during the run falls on all of them alike. It is how gunicorn.conf.py's
defaults were chosen (bench/RESULTS.md, round 10).

    DEBUG=1 .venv/bin/python -m bench.gunicorn_configs --configs 2x4,2x2,2x1 [--rounds 7]

The database, environment and signed-in dashboard are bench/load_test.py's (LOAD_DATABASE_NAME,
CACHE_URL); figures are medians over the rounds of wrk's p95 and requests/s, and the CPU time
per request of the server, PostgreSQL and Redis (bench/cpu_time.py). Nothing is written to
bench/RESULTS.md.

A configuration may also name the source tree to serve, to compare two versions of the code in
the same rounds: `2x2@/tmp/before,2x2` serves a checkout of an earlier commit (`git worktree add
/tmp/before <commit>`, run with this tree's virtualenv, on the same database, so the two must
share its migrations) beside this tree."""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench import load_env, load_test


def parse_configs(text: str) -> list[tuple[int, int, Path]]:
    """WORKERSxTHREADS[@TREE] entries: "2x4,2x1@/tmp/old" gives [(2, 4, this tree), (2, 1,
    /tmp/old)], each count at least 1, each tree a folder holding a gunicorn.conf.py."""
    configs = []
    for part in text.split(","):
        shape, _, tree = part.strip().partition("@")
        workers, _, threads = shape.partition("x")
        if not (workers.isdigit() and threads.isdigit() and int(workers) and int(threads)):
            raise SystemExit(f"--configs: {part!r} is not WORKERSxTHREADS[@TREE], such as 2x4.")
        root = Path(tree).resolve() if tree else load_test.ROOT
        if not (root / "gunicorn.conf.py").is_file():
            raise SystemExit(f"--configs: {part!r} names no source tree (no gunicorn.conf.py).")
        configs.append((int(workers), int(threads), root))
    return configs


def label(config: tuple[int, int, Path]) -> str:
    """The configuration's name: 2 x 2, with @ TREE when the tree is not this one."""
    workers, threads, root = config
    return f"{workers} x {threads}" + ("" if root == load_test.ROOT else f" @ {root}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--configs", default="2x4,2x2,2x1", help="WORKERSxTHREADS[@TREE], comma-separated"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (>= 3)")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: a median needs them")
    configs = parse_configs(args.configs)
    binary = load_test.ensure_wrk()
    env = load_env.prepare_env()
    from bench import dashboard

    servers = {
        config: load_test.start_gunicorn(env, config[0], config[1], root=config[2])
        for config in configs
    }
    try:
        first_port = next(iter(servers.values()))[1]
        cookies = load_test.sign_in(first_port, dashboard.USERNAME, dashboard.PASSWORD)
        largest = int(dashboard.run_child(env, "largest").strip())
        endpoints = {
            "/healthz/": ("/healthz/", load_test.PROXIED),
            "dashboard": (f"/organizations/{largest}/", {**load_test.PROXIED, "Cookie": cookies}),
        }
        runs = measure(binary, servers, endpoints, args)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
    print(
        f"wrk, loopback, {args.connections} connections, {args.rounds} interleaved rounds of "
        f"{args.seconds} s, medians; {os.cpu_count()} cores shared with wrk"
    )
    width = max(18, *(len(label(config)) for config in configs))
    heading = "workers x threads"
    print(f"{heading:<{width}} {'endpoint':<10} {'req/s':>8} {'p95 ms':>8} {'CPU ms':>7}")
    for (config, name), results in runs.items():
        rps, p95, cpu = (statistics.median(r[f] for r in results) for f in ("rps", "p95", "cpu"))
        print(f"{label(config):<{width}} {name:<10} {rps:>8.1f} {p95:>8.2f} {cpu:>7.2f}")
    for config in configs:
        health = statistics.median(r["p95"] for r in runs[(config, "/healthz/")])
        board = statistics.median(r["p95"] for r in runs[(config, "dashboard")])
        ratio = load_test.ratio(board, health)
        print(f"{label(config)}: dashboard p95 / /healthz/ p95 {ratio}")


def measure(binary, servers, endpoints, args) -> dict:
    """{(config, endpoint): [one wrk run's figures per round]}, warmed first."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(load_test.WRK_REPORT)
    runs: dict = {}
    try:
        for _, port in servers.values():  # each worker's first requests pay for its imports
            for path, headers in endpoints.values():
                load_test.wrk(binary, script.name, port, path, headers, args.connections, 2)
        for _ in range(args.rounds):
            for name, (path, headers) in endpoints.items():
                for config, (process, port) in servers.items():
                    result = load_test.wrk_with_cpu(
                        binary,
                        script.name,
                        process.pid,
                        port,
                        path,
                        headers,
                        args.connections,
                        args.seconds,
                    )
                    runs.setdefault((config, name), []).append(result)
    finally:
        os.unlink(script.name)
    return runs


if __name__ == "__main__":
    main()
