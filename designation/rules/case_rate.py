"""The case rate and its pass test (SPEC section 5): one definition for metrics and audits.

Pure: values and a date in, values out. No Django, no clock.
"""

from decimal import ROUND_HALF_UP, Decimal

PER_MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


def case_rate(cases: int, revenue_usd: Decimal) -> Decimal | None:
    """CSP cases per USD 1M of CSP+ACR billed revenue, to two places; None when no revenue."""
    if revenue_usd <= 0:
        return None
    return (Decimal(cases) * PER_MILLION / Decimal(revenue_usd)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def meets_target(rate: Decimal | None, target: Decimal) -> bool:
    """Lower is better: the rate meets (passes) the target when it is defined and not above it;
    an undefined rate (no revenue) cannot pass."""
    return rate is not None and rate <= target
