"""Money and rates as the portal shows them: `USD 1,234.56`, `12.34`, `–` when undefined."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def usd(value) -> str:
    """USD with thousands separators and two decimals."""
    if value is None or value == "":
        return "–"
    return f"USD {Decimal(value):,.2f}"


@register.filter
def rate(value) -> str:
    """A case rate to two places; an undefined rate (no revenue) as a dash."""
    if value is None:
        return "–"
    return f"{Decimal(value):,.2f}"
