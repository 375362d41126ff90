"""journey/templatetags/trend_rows.py: the trend card's rows drawn in one call each write what
the template loops they replaced wrote (kept here as the reference), for defined and undefined
rates, points above the target and an odd and even number of months."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template import engines

from journey import charts
from metrics.rules import trend_months
from metrics.selectors import TrendPoint

LOOPS = """{% load metrics_format %}
{% for p in trend %}
<tr><th scope="row">{{ p.month|date:"Y-m" }}</th><td class="num">{{ p.csp_case_count }}</td><td class="num">{{ p.billed_revenue_usd|usd }}</td><td class="num">{{ p.ttm_case_volume }}</td><td class="num">{{ p.ttm_billed_revenue_usd|usd }}</td><td class="num">{{ p.ttm_case_rate|rate }}</td></tr>
{% endfor %}
{% for t in c.x_ticks %}
<text class="tick{% if not forloop.revcounter0|divisibleby:2 %} tick-minor{% endif %}" x="{{ t.position }}" y="{{ c.height|add:'-12' }}" text-anchor="{{ t.anchor }}">{{ t.label }}</text>
{% endfor %}
{% for p in c.defined_points %}
<circle class="dot{% if p.above_target %} dot-above{% endif %}" cx="{{ p.x }}" cy="{{ p.y }}" r="{% if p.above_target %}4.5{% else %}3.5{% endif %}"><title>{{ p.month|date:"Y-m" }}: {{ p.value|rate }}</title></circle>
{% endfor %}"""  # noqa: E501 (the loops as they were written)

TAGS = """{% load trend_rows %}
{% trend_table_rows trend %}
{% chart_month_labels c %}
{% chart_dots c %}"""


def _trend(months: int) -> list[TrendPoint]:
    points = []
    for n, month in enumerate(trend_months(date(2026, 12, 1), months), start=1):
        revenue = Decimal(0) if n % 5 == 0 else Decimal("125000.50") * n  # some rates undefined
        points.append(
            TrendPoint(
                month=month,
                csp_case_count=3 * n,
                csp_revenue_usd=revenue,
                acr_revenue_usd=Decimal("0.25") if n % 5 else Decimal(0),
                ttm_case_volume=(40 if n % 2 else 10) * n,  # above and below the target
                ttm_billed_revenue_usd=revenue * 12,
            )
        )
    return points


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("months", [24, 13, 2])
def test_the_tags_write_what_the_loops_wrote(months):
    trend = _trend(months)
    chart = charts.trend_chart([(p.month, p.ttm_case_rate) for p in trend], Decimal("20.00"))
    assert any(p.above_target for p in chart.points)
    assert any(not p.above_target for p in chart.defined_points)
    assert months < 5 or any(p.value is None for p in chart.points)  # no revenue: no rate
    context = {"trend": trend, "c": chart}
    engine = engines["django"]
    expected = _squeezed(engine.from_string(LOOPS).render(context))
    written = _squeezed(engine.from_string(TAGS).render(context))
    assert written == expected
    assert written.count("<tr>") == months
