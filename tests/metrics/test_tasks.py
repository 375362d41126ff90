"""Tasks are thin: ISO dates in, one service, a short summary out; queued only on commit."""

from datetime import date
from unittest import mock

import pytest
from django.db import transaction

from metrics import tasks
from metrics.models import Case, CaseRateSnapshot, ImportRecord
from tests.designation import factories
from tests.metrics.conftest import CASES_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


def test_recompute_task_takes_an_iso_date_and_returns_a_summary(org):
    assert tasks.recompute_case_rates.delay("2026-11-21").get() == (
        "Case rates for 2026-11-21: 1 organisations."
    )
    assert CaseRateSnapshot.objects.get().as_of == date(2026, 11, 21)


def test_recompute_task_defaults_to_today_for_the_beat_schedule(org, time_machine):
    time_machine.move_to("2026-11-22 02:00Z")
    tasks.recompute_case_rates.delay()
    assert CaseRateSnapshot.objects.get().as_of == date(2026, 11, 22)


def test_delay_on_commit_sends_on_commit_only(django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.recompute_case_rates, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            tasks.recompute_case_rates.delay_on_commit("2026-11-21")
            assert send.call_count == 0
        assert len(callbacks) == 1
        send.assert_called_once_with(("2026-11-21",), {})

        send.reset_mock()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            tasks.recompute_case_rates.delay_on_commit("2026-11-21")
            raise RuntimeError("roll back")
        assert callbacks == []
        send.assert_not_called()


def test_import_task_imports_the_saved_file_and_removes_it(tmp_path):
    membership = factories.MembershipFactory(role="admin")
    record = ImportRecord.objects.create(
        organization=membership.organization,
        kind="cases",
        file_name="cases.csv",
        imported_by=membership.user,
    )
    path = tmp_path / "upload.csv"
    path.write_bytes(csv_bytes(CASES_HEADER, "Q-1,2026-01-02,CSP,,,"))
    record.file_size = path.stat().st_size
    record.save()
    summary = tasks.run_import.delay(record.pk, str(path), "2026-11-21").get()
    assert summary == {"ok": True, "rows": 1, "error_count": 0}
    assert Case.objects.get(organization=membership.organization).case_id == "Q-1"
    assert not path.exists()
