"""Partner facts feed benchmark: 100,000 partners in one file, loaded as the command loads it.

    DEBUG=1 .venv/bin/python -m bench.partner_facts [--partners 100000]

Runs in its own database `bench_facts` (BENCH_FACTS_DATABASE_NAME) on the portal's server, which
it empties first. Prints, for accounts.csv and support_contracts.csv: the first load (every
partner new), a re-import of the same file (nothing changes but the confirmation time) and a
load where one partner in ten changed, each with its rows per second. Target (issue 11): well
under a minute for 100,000 partners. Not a test: the figures depend on the machine.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault(
    "BENCH_DATABASE_NAME", os.environ.get("BENCH_FACTS_DATABASE_NAME", "bench_facts")
)

from bench import data  # noqa: E402 (the database name must be set first)

ACCOUNTS_HEADER = (
    "partner_id,legal_name,country,in_good_standing,partner_center_registered,tax_billing_on_file"
)
COUNTRIES = ("US", "GB", "DE", "FR", "JP", "IN", "BR", "AU")


def write_accounts(path: Path, partners: int, renamed_every: int = 0) -> None:
    with path.open("w") as out:
        out.write(ACCOUNTS_HEADER + "\n")
        for i in range(partners):
            name = f"Partner {i} Ltd" + (
                " (renamed)" if renamed_every and i % renamed_every == 0 else ""
            )
            registered = "true" if i % 3 else "false"
            out.write(f"{5000000 + i},{name},{COUNTRIES[i % 8]},true,{registered},true\n")


def write_contracts(path: Path, partners: int, extended_every: int = 0) -> None:
    with path.open("w") as out:
        out.write("partner_id,plan,starts_on,ends_on\n")
        for i in range(partners):
            ends = "2028-06-30" if extended_every and i % extended_every == 0 else "2027-06-30"
            out.write(f"{5000000 + i},{('psfp', 'asfp')[i % 2]},2026-07-01,{ends}\n")


def _load(path: Path, kind: str) -> tuple[float, object]:
    from designation.feed import run_feed

    started = time.perf_counter()
    with path.open("rb") as fileobj:
        outcome = run_feed(kind=kind, fileobj=fileobj, size=path.stat().st_size)
    elapsed = time.perf_counter() - started
    assert outcome.ok, outcome.detail
    return elapsed, outcome


def _report(label: str, rows: int, elapsed: float, outcome) -> None:
    print(
        f"  {label:<34} {elapsed:7.2f} s  {rows / elapsed:>10,.0f} rows/s   "
        f"new {outcome.created:,}  changed {outcome.updated:,}  removed {outcome.removed:,}  "
        f"unchanged {outcome.unchanged:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    partners = parser.parse_args().partners
    data.use_bench_database()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE designation_organization, designation_factchange CASCADE")
    print(f"Partner facts feed, {partners:,} partners in one file (database {data.BENCH_DB})")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        accounts, contracts = folder / "accounts.csv", folder / "support_contracts.csv"
        write_accounts(accounts, partners)
        write_contracts(contracts, partners)
        for label, path, kind in (
            ("accounts.csv, all new", accounts, "accounts"),
            ("accounts.csv, same file again", accounts, "accounts"),
            ("support_contracts.csv, all new", contracts, "support_contracts"),
            ("support_contracts.csv, same again", contracts, "support_contracts"),
        ):
            _report(label, partners, *_load(path, kind))
        write_accounts(accounts, partners, renamed_every=10)
        _report("accounts.csv, 1 in 10 renamed", partners, *_load(accounts, "accounts"))
        write_contracts(contracts, partners, extended_every=10)
        _report(
            "support_contracts.csv, 1 in 10 ext.", partners, *_load(contracts, "support_contracts")
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM designation_factchange")
        print(f"  history rows kept: {cursor.fetchone()[0]:,}")


if __name__ == "__main__":
    main()
