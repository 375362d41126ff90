"""Demo cases and revenue: 24 months for the demo organisations, rates both sides of the target.

Idempotent: rows have natural keys and are inserted with ON CONFLICT DO NOTHING; rollups are
rebuilt only where they differ. A second run on the same day changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from designation.models import Organization
from metrics import rules, services
from metrics.models import Case, RevenueLine

# Month-to-month wobble of the CSP case count, so the trend is not a flat line.
_WOBBLE = (0, 1, -1, 2, 0, -1, 1, 0, -2, 1, 0, -1)


@dataclass(frozen=True)
class DemoMetrics:
    partner_id: str
    csp_cases_per_month: int
    csp_revenue_usd: Decimal
    acr_revenue_usd: Decimal


# TTM rates against the default target of 20.00: Contoso about 11.8 (meets), Litware about 18.7
# (meets, just), Adatum about 27.1 (above it). The journey's demo organisations get their data
# through the importer (journey/demo_journey.py).
DEMO_METRICS = [
    DemoMetrics("1000001", 3, Decimal("180000.00"), Decimal("70000.00")),
    DemoMetrics("1000002", 4, Decimal("150000.00"), Decimal("60000.00")),
    DemoMetrics("1000003", 4, Decimal("110000.00"), Decimal("35000.00")),
]


def _cases(org: Organization, spec: DemoMetrics, months: list[date]) -> list[Case]:
    cases = []
    for index, month in enumerate(months):
        count = max(spec.csp_cases_per_month + _WOBBLE[index % 12], 0)
        for n in range(count + 1):  # one more, of another program, that does not count
            program = Case.Program.CSP if n < count else Case.Program.EA
            cases.append(
                Case(
                    organization=org,
                    case_id=f"DEMO-{month:%Y%m}-{n + 1:02}",
                    opened_on=month + timedelta(days=(n * 9 + index) % 28),
                    program=program,
                    customer_tenant_id=f"tenant-{(index + n) % 7:02}",
                    severity="ABC"[(index + n) % 3],
                    title=f"Backstop escalation {n + 1} of {month:%Y-%m}",
                )
            )
    return cases


def _revenue(org: Organization, spec: DemoMetrics, months: list[date]) -> list[RevenueLine]:
    lines = []
    for index, month in enumerate(months):
        step = Decimal(1 + (index % 5) / 100)  # up to 4% above the base, month by month
        for source, base in (("CSP", spec.csp_revenue_usd), ("ACR", spec.acr_revenue_usd)):
            amount = (base * step).quantize(rules.CENT)
            lines.append(
                RevenueLine(organization=org, billing_month=month, source=source, amount_usd=amount)
            )
    return lines


def seed(today: date) -> list[str]:
    """Add 24 months of demo cases and revenue; say what was seeded, one line per organisation."""
    months = rules.trend_months(today, 24)
    orgs = Organization.objects.in_bulk(
        [s.partner_id for s in DEMO_METRICS], field_name="partner_id"
    )
    cases, lines, seeded = [], [], []
    for spec in DEMO_METRICS:
        org = orgs.get(spec.partner_id)
        if org is None:
            continue
        cases += _cases(org, spec, months)
        lines += _revenue(org, spec, months)
        seeded.append(org)
    Case.objects.bulk_create(cases, ignore_conflicts=True, batch_size=2000)
    RevenueLine.objects.bulk_create(lines, ignore_conflicts=True, batch_size=2000)
    services.rebuild_rollups(organization_ids=[org.pk for org in seeded])
    return [f"24 months of cases and revenue for {org.legal_name}" for org in seeded]
