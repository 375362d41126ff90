"""Benchmarks: every figure beside its floor, measured in the same rounds, with the ratio.

    make bench                      # scales S then M (the default)
    make bench SCALE=S              # the quick one
    make bench SCALE=L              # 500,000 organisations: long-running (see bench/data.py)
    make bench-nightly              # the nightly job alone at L (its own RESULTS.md section)
    DEBUG=1 .venv/bin/python -m bench --scale S --rounds 5

Data lives in a separate database (BENCH_DATABASE_NAME, default `bench`) on the portal's server
(DATABASE_URL, or the embedded one); it is generated once per scale and reused, and a fresh
database works at every scale. Floor and subject run in turn in each round and a figure is the
median of the rounds (at least 3), so the machine's load moves both. Not a test: the figures
depend on the machine. The latest run's output is written into bench/RESULTS.md.
"""

import argparse
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from bench import data
from bench.timing import Report

RESULTS = Path(__file__).with_name("RESULTS.md")
LATEST = "## Latest `make bench` run"
NIGHTLY = "## Latest `make bench-nightly` run (the nightly job alone)"


def write_results(report: Report, command: str, title: str = LATEST) -> None:
    """Replace the section `title` of bench/RESULTS.md, or add it at the end (the rest is kept
    as written)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    head, rest = text.rstrip() + "\n\n", ""
    if title in text:  # keep whatever precedes and follows that section
        before, after = text.split(title, 1)
        head = before.rstrip() + "\n\n"
        marker = after.find("\n## ")
        rest = after[marker:] if marker >= 0 else ""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    section = (
        f"{title}\n\nWritten by the benchmark itself ({stamp}, load average {load} at the end"
        f" of the run) with:\n\n    {command}\n\n```\n" + "\n".join(report.lines) + "\n```\n"
    )
    RESULTS.write_text(head + section + rest)


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale",
        choices=sorted(data.SCALES),
        action="append",
        help="S (1k orgs, 1M cases), M (10k, 10M) or L (500k, 10M: long); default S and M",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (>= 3)")
    parser.add_argument("--skip-import", action="store_true", help="leave out the 1M-row import")
    parser.add_argument("--skip-reads", action="store_true", help="leave out the read paths")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument(
        "--nightly-only",
        action="store_true",
        help="only the nightly job (as make bench-nightly); written to its own RESULTS.md section",
    )
    options = parser.parse_args()
    if options.rounds < 3:
        parser.error("--rounds must be at least 3: a median needs them")
    data.use_bench_database()
    from django.db import connection

    from bench import imports, nightly, reads

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    report = Report()
    report.say(
        f"PostgreSQL {version} (work_mem {work_mem}), database {data.BENCH_DB}, "
        f"as of {data.AS_OF.isoformat()}, {os.cpu_count()} cores"
    )
    scales = options.scale or ["S", "M"]
    for name in scales:
        scale = data.SCALES[name]
        report.say(
            f"\nScale {name}: {scale.organizations:,} organisations, {scale.cases:,} cases,"
            " 24 months of CSP and ACR revenue"
        )
        if data.loaded_scale() != name:
            data.generate(scale)
        report.say(" Nightly job")
        nightly.run(report, scale, options.rounds)
        if options.nightly_only:
            continue
        if not options.skip_import:
            report.say(" Import")
            imports.run(report, options.rounds)
        if not options.skip_reads:
            report.say(" Reads")
            reads.run(report)
    if not options.no_results:
        args = " ".join(f"--scale {name}" for name in scales)
        if options.nightly_only:
            args += " --nightly-only"
        write_results(
            report,
            f"DEBUG=1 .venv/bin/python -m bench {args} --rounds {options.rounds}",
            NIGHTLY if options.nightly_only else LATEST,
        )


if __name__ == "__main__":
    main()
