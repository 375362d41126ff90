"""The database keeps revenue, rollups, snapshots, benchmarks and import progress in their ranges
(portal/bounds.py) even past the importer; the importer names an out-of-range cell with the
range and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from metrics.models import (
    CaseRateSnapshot,
    CohortBenchmark,
    ImportRecord,
    MonthlyRollup,
    RevenueLine,
)
from portal import bounds
from tests.metrics.conftest import REVENUE_HEADER, Upload, csv_bytes

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 1)


def _refused(model, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)


def test_the_database_refuses_negative_or_out_of_order_figures(org):
    _refused(RevenueLine, organization=org, billing_month=JAN, source="CSP", amount_usd="-0.01")
    _refused(MonthlyRollup, organization=org, month=JAN, acr_revenue_usd="-1")
    snapshot = {"organization": org, "as_of": JAN, "case_volume": 1, "billed_revenue_usd": 1}
    _refused(CaseRateSnapshot, **snapshot, window_start=JAN, window_end=date(2025, 12, 31))
    _refused(CaseRateSnapshot, **snapshot, window_start=JAN, window_end=JAN, case_rate=-1)
    _refused(
        CaseRateSnapshot,
        **snapshot,
        window_start=JAN,
        window_end=JAN,
        case_rate_target=bounds.CASE_RATE_TARGET.high + 1,
    )
    _refused(ImportRecord, organization=org, kind="cases", file_name="cases.csv", progress=101)
    _refused(
        CohortBenchmark,
        as_of=JAN,
        kind="overall",
        organizations=10,
        p25=Decimal("5"),
        median=Decimal("4"),
        p75=Decimal("6"),
        deciles=[Decimal("1")] * 9,
        published=True,
    )
    RevenueLine.objects.create(
        organization=org, billing_month=JAN, source="CSP", amount_usd=bounds.REVENUE_AMOUNT.high
    )
    assert RevenueLine.objects.get().amount_usd == Decimal("999999999999.99")


@pytest.mark.parametrize("amount", ["-5", "99999999999999999999", "1000000000000.00", "12.345"])
def test_the_revenue_api_names_an_out_of_range_amount_with_the_range(
    api_client, partner_admin, org, amount
):
    api_client.force_authenticate(partner_admin)
    data = csv_bytes(REVENUE_HEADER, "2026-01,CSP,10", f"2026-02,ACR,{amount}")
    answer = api_client.post(
        reverse("api-revenue-import", args=[org.pk]),
        {"file": Upload(data, "revenue.csv")},
        format="multipart",
    )
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "amount_usd"
    assert bounds.REVENUE_AMOUNT.words() in body["errors"][0]["message"]
    assert not RevenueLine.objects.filter(organization=org).exists()
