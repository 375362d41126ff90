"""The database keeps the audit records' and fees' numbers in their ranges (portal/bounds.py),
even when a write goes past the forms; the pages and operations that type them say the range."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.conversation import Appeal
from assessments.models import AUDIT_RANGES, AuditRecord, FeeSchedule
from portal import bounds
from tests.assessments.factories import audit_for
from tests.designation.factories import enrollment_at

pytestmark = pytest.mark.django_db


def _refused(queryset, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def _beyond(allowed: bounds.Range) -> list[Decimal]:
    step = Decimal(1).scaleb(-allowed.places)
    return [allowed.low - step, allowed.high + step]


@pytest.fixture
def performance(auditor):
    enrollment = enrollment_at("performance", attempt_status="in_progress")
    return audit_for(enrollment, "performance", auditor=auditor, frozen_case_volume=12)


def test_the_database_refuses_audit_figures_outside_their_range(performance):
    audit = AuditRecord.objects.filter(pk=performance.pk)
    checked = {**AUDIT_RANGES, "fee_amount": bounds.FEE_AMOUNT, "csat_score": bounds.CSAT_SCORE}
    for name, allowed in checked.items():
        low, high = _beyond(allowed)
        _refused(audit, **{name: low})
        if allowed not in (bounds.MONEY_FIGURE, bounds.RATE_FIGURE):  # their top is the column's
            _refused(audit, **{name: high})
    _refused(audit, attempt=0)
    _refused(audit, frozen_window_start="2026-02-01", frozen_window_end="2026-01-31")
    audit.update(validated_case_volume=bounds.CASE_VOLUME.high, csat_score=Decimal("5.0"))
    assert audit.get().validated_case_volume == 1_000_000


def test_the_database_refuses_a_fee_outside_its_range():
    fees = FeeSchedule.objects.all()
    for value in _beyond(bounds.FEE_AMOUNT):
        _refused(fees, amount=value)
    assert not FeeSchedule.objects.filter(amount__lt=0).exists()


def test_an_auditor_typing_a_huge_volume_gets_the_range_not_a_failure(
    api_client, auditor, performance
):
    api_client.force_authenticate(auditor)
    answer = api_client.post(
        reverse("audit-submit", args=[performance.pk]),
        {"validated_case_volume": 99999999999999999999},
        format="json",
    )
    assert answer.status_code == 400
    assert bounds.CASE_VOLUME.words() in answer.content.decode()
    assert AuditRecord.objects.get(pk=performance.pk).validated_case_volume is None


@pytest.mark.parametrize("amount", ["-1", "1000000.01", "99999999999999999999", "3350.555"])
def test_the_fee_admin_page_says_the_range_instead_of_failing(client, amount):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))
    before = FeeSchedule.objects.count()
    data = {"kind": "performance", "effective_from": "2030-01-01", "currency": "USD", "note": ""}
    url = reverse("admin:assessments_feeschedule_add")
    page = client.post(url, {**data, "amount": amount}).content.decode()
    assert bounds.FEE_AMOUNT.words() in page
    assert "Ensure that there are no more than" not in page
    assert FeeSchedule.objects.count() == before
    assert client.post(url, {**data, "amount": "3350.00"}).status_code == 302
    assert FeeSchedule.objects.count() == before + 1


def test_the_database_refuses_an_appeal_window_closing_before_its_decision(performance, auditor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            enrollment=performance.enrollment,
            subject=Appeal.Subject.DETERMINATION,
            decision_key=f"determination-{performance.pk}",
            decision_on="2026-11-20",
            closes_on="2026-11-19",
            statement="The rate is wrong.",
            filed_by=auditor,
        )
    assert not Appeal.objects.exists()
