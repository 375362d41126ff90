"""Celery tasks for metrics: thin wrappers that take ids and ISO dates and call one service."""

import os
from datetime import date

from celery import shared_task
from django.utils import timezone

from metrics import services


@shared_task(name="metrics.tasks.recompute_case_rates")
def recompute_case_rates(as_of: str | None = None) -> str:
    """Nightly: every organisation's case-rate snapshot for the day (ISO date; default today)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return str(services.nightly_case_rates(as_of=day))


@shared_task(name="metrics.tasks.run_import")
def run_import(record_id: int, path: str, today: str) -> dict:
    """A long import queued from the browser; the saved file is removed when it is done."""
    try:
        outcome = services.import_recorded_file(
            record_id=record_id, path=path, today=date.fromisoformat(today)
        )
    finally:
        if os.path.exists(path):
            os.remove(path)
    return {"ok": outcome.ok, "rows": outcome.rows, "error_count": outcome.error_count}


@shared_task(name="metrics.tasks.compute_cohort_benchmarks")
def compute_cohort_benchmarks(as_of: str | None = None) -> str:
    """Nightly, after the snapshots: the day's anonymised cohort benchmarks (ISO date)."""
    from metrics.benchmarks import nightly_cohort_benchmarks

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return str(nightly_cohort_benchmarks(as_of=day))


@shared_task(name="metrics.tasks.store_step_stays")
def store_step_stays(as_of: str | None = None) -> str:
    """Nightly: store the stays in each step ended before the day (ISO date; default today)."""
    from metrics.stays import store_step_stays as store

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return str(store(as_of=day))
