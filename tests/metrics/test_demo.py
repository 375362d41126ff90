"""seed_demo's metrics: 24 months for the demo organisations, rates both sides of the target."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from designation.models import Organization
from metrics import selectors
from metrics.models import Case, MonthlyRollup, RevenueLine
from tests.metrics.conftest import TODAY

pytestmark = pytest.mark.django_db


def _everything() -> tuple:
    return (
        sorted(Case.objects.values_list("organization_id", "case_id", "opened_on", "program")),
        sorted(RevenueLine.objects.values_list("organization_id", "billing_month", "amount_usd")),
        sorted(MonthlyRollup.objects.values_list()),
    )


def test_seed_demo_loads_24_months_with_rates_both_sides_of_the_target(time_machine):
    time_machine.move_to("2026-11-21 09:00Z", tick=False)
    call_command("seed_demo")
    contoso = Organization.objects.get(partner_id="1000001")
    adatum = Organization.objects.get(partner_id="1000003")
    assert MonthlyRollup.objects.filter(organization=contoso).count() == 24
    assert RevenueLine.objects.filter(organization=contoso).count() == 48
    below = selectors.case_rate_for(contoso, TODAY)
    above = selectors.case_rate_for(adatum, TODAY)
    assert below.case_rate < Decimal("20.00") and below.meets_target
    assert above.case_rate > Decimal("20.00") and not above.meets_target
    assert Case.objects.filter(organization=contoso).exclude(program="CSP").exists()

    before = _everything()
    call_command("seed_demo")
    assert _everything() == before
