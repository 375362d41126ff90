"""A real Celery worker against Redis: nightly recompute, queue-on-commit, browser imports."""

import time
from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from metrics import tasks
from metrics.models import Case, CaseRateSnapshot, ImportRecord, MonthlyRollup
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, csv_bytes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

_BROKER_SETTINGS = ("broker_url", "result_backend", "task_always_eager")


def _forget_connections(app) -> None:
    """Make the app open new broker and backend connections from its (changed) settings."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture
def worker(celery_eager, redis_url):
    """The portal's Celery app on Redis, not eager, with one solo worker thread running."""
    app = celery_eager
    saved = {name: app.conf[name] for name in _BROKER_SETTINGS}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    _forget_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def _wait_for(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("the worker did not do it in time")


@pytest.fixture
def org_with_rollup(db):
    org = factories.OrganizationFactory()
    MonthlyRollup.objects.create(
        organization=org, month=date(2026, 6, 1), csp_case_count=3, csp_revenue_usd=100000
    )
    return org


def test_the_worker_runs_the_nightly_recompute(worker, org_with_rollup):
    result = tasks.recompute_case_rates.delay("2026-11-21")
    assert result.get(timeout=30) == "Case rates for 2026-11-21: 1 organisations."
    snapshot = CaseRateSnapshot.objects.get(organization=org_with_rollup)
    assert (snapshot.as_of, snapshot.case_volume, snapshot.case_rate) == (
        date(2026, 11, 21),
        3,
        Decimal("30.00"),
    )


def test_a_task_queued_on_commit_runs_and_a_rolled_back_one_is_never_sent(worker, org_with_rollup):
    with transaction.atomic():
        tasks.recompute_case_rates.delay_on_commit("2026-11-20")
        # Not sent before the commit: the worker cannot run it yet.
        time.sleep(0.5)
        assert not CaseRateSnapshot.objects.filter(as_of=date(2026, 11, 20)).exists()
    _wait_for(lambda: CaseRateSnapshot.objects.filter(as_of=date(2026, 11, 20)).exists())

    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.recompute_case_rates.delay_on_commit("2026-11-19")
        raise RuntimeError("roll back")
    # The solo worker takes tasks in order: once this one is done, an earlier one would be too.
    tasks.recompute_case_rates.delay("2026-11-18").get(timeout=30)
    assert set(CaseRateSnapshot.objects.values_list("as_of", flat=True)) == {
        date(2026, 11, 20),
        date(2026, 11, 18),
    }


def test_a_browser_import_runs_on_the_worker_with_progress(worker, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = factories.MembershipFactory(role="admin")
    org = membership.organization
    client.force_login(membership.user)
    rows = [f"R-{n},2026-0{1 + n % 9}-02,CSP,,," for n in range(2_000)]
    response = client.post(
        reverse("metrics-import", args=[org.pk, "cases"]),
        {"cases-file": SimpleUploadedFile("cases.csv", csv_bytes(CASES_HEADER, *rows))},
    )
    record = ImportRecord.objects.get(organization=org)
    assert response.url == reverse("metrics-import-detail", args=[org.pk, record.pk])
    status_url = reverse("metrics-import-status", args=[org.pk, record.pk])
    _wait_for(lambda: client.get(status_url).json()["finished"])
    record.refresh_from_db()
    assert (record.outcome, record.created, record.progress) == ("ok", 2_000, 100)
    assert Case.objects.filter(organization=org).count() == 2_000
    assert list((tmp_path / "imports").iterdir()) == []  # the saved upload is removed
