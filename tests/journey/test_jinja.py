"""journey/jinja.py and the dashboard's Jinja2 content template: its filters show what the Django
templates' filters show, and the trend card's loops write what the Django loops they replaced
wrote (kept here as the reference), for defined and undefined rates, points above the target and
an odd and even number of months."""

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import defaultfilters, engines
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from journey import charts, dashboard_cache
from journey import jinja as board_jinja
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
{% endfor %}"""  # noqa: E501 (the Django template loops as they were written)

# The trend card's rows in the content: table rows, month labels and dots.
ROWS = (
    re.compile(r'<tr><th scope="row">.*?</tr>'),
    re.compile(r'<text class="tick[" ][^>]*text-anchor="(?:middle|end)">.*?</text>'),
    re.compile(r"<circle .*?</circle>"),
)


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


def _content(trend, chart) -> str:
    """The content template with a board that has only a trend (no enrollment, no audits)."""
    figures = SimpleNamespace(
        case_rate=None,
        case_rate_target=Decimal(20),
        meets_target=False,
        case_volume=0,
        billed_revenue_usd=None,
        window_start=None,
        window_end=None,
    )
    board = SimpleNamespace(figures=figures, trend=trend, chart=chart, extra={})
    organization = SimpleNamespace(pk=1, legal_name="Contoso", partner_id="1", country="GB")
    return dashboard_cache.render_content(
        {"organization": organization, "on": date(2026, 12, 1), "board": board}
    )


@pytest.mark.parametrize("months", [24, 13, 2])
def test_the_trend_card_writes_what_the_django_loops_wrote(months):
    trend = _trend(months)
    chart = charts.trend_chart([(p.month, p.ttm_case_rate) for p in trend], Decimal("20.00"))
    assert any(p.above_target for p in chart.points)
    assert any(not p.above_target for p in chart.defined_points)
    assert months < 5 or any(p.value is None for p in chart.points)  # no revenue: no rate
    expected = engines["django"].from_string(LOOPS).render({"trend": trend, "c": chart})
    content = _content(trend, chart)
    for rows in ROWS:
        assert rows.findall(content) == rows.findall(expected)
        assert rows.findall(expected)
    assert content.count('<tr><th scope="row">') == months
    assert "Contoso" in content and "Not applied yet" in content  # no enrollment: no error


DAYS = [date(2024, 2, 29), date(2026, 1, 9), date(999, 12, 31), None, ""]
MOMENTS = [
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 01:30 or 02:30 in Paris
    datetime(2026, 12, 31, 23, 59, tzinfo=UTC),  # already 2027 in Paris
]
SHOWN = [(v, f) for v in DAYS + MOMENTS for f in ("Y-m-d", "Y-m")] + [
    (v, f)
    for v in MOMENTS + [None]
    for f in ("Y-m-d H:i", "c")  # a day has no time of day
]


@pytest.mark.parametrize(("value", "format_string"), SHOWN)
def test_the_date_filter_shows_what_djangos_shows(value, format_string):
    for zone in ("UTC", "Europe/Paris"):
        with override_settings(TIME_ZONE=zone):
            django = (
                engines["django"]
                .from_string("{{ v|date:f }}")
                .render({"v": value, "f": format_string})
            )
            assert board_jinja.date(value, format_string) == django, (value, format_string, zone)
    assert board_jinja.date(date(2024, 2, 29), "Y-m-d") == "2024-02-29"


def test_the_environment_escapes_and_reads_a_missing_name_as_empty():
    env = engines["jinja2"]
    written = env.from_string("{{ x }}|{{ e.state.label }}|{{ n|pluralize }}").render(
        {"x": "<b>&", "n": 2}
    )
    assert written == "&lt;b&gt;&amp;||s"
    assert defaultfilters.pluralize(1) == ""  # the same filter: one takes no "s"
    # A filter is handed a missing value as None: no value, shown as a dash or nothing.
    missing = '{{ e.rate|rate }}|{{ e.usd|usd }}|{{ e.day|date("Y-m-d") }}|{{ e.n|pluralize }}'
    assert env.from_string(missing).render({}) == "–|–||"


def test_numbers_are_written_as_djangos_templates_wrote_them():
    """The content writes numbers unlocalised; Django's templates localise them. With the
    portal's settings (one language, no thousands separator) both write the same digits."""
    values = {"n": 1234567, "d": Decimal("10.50"), "f": 244.0}
    django = engines["django"].from_string("{{ n }} {{ d }} {{ f }}").render(values)
    assert engines["jinja2"].from_string("{{ n }} {{ d }} {{ f }}").render(values) == django


def _rendered_url(name, *args) -> str:
    """url() as the content calls it: inside a rendering, through the engine's templates (the
    rendering escapes the URL as any value; unescaped here to compare it with reverse())."""
    template = engines["jinja2"].from_string("{{ url(name, *args) }}")
    return html.unescape(template.render({"name": name, "args": args}))


@pytest.mark.parametrize("url", [board_jinja.url, _rendered_url], ids=["called", "in a rendering"])
def test_url_is_reverse_under_the_current_url_prefix_and_url_conf(url):
    assert url("audit-page", 7) == reverse("audit-page", args=[7])
    assert url("audit-page", 8) == reverse("audit-page", args=[8])  # not the last
    try:
        set_script_prefix("/portal/")
        under_prefix = url("audit-page", 7)
        assert under_prefix == reverse("audit-page", args=[7])
        assert under_prefix.startswith("/portal/audits/")
    finally:
        set_script_prefix("/")
    assert url("audit-page", 7) == reverse("audit-page", args=[7])
    with override_settings(ROOT_URLCONF="tests.journey.jinja_urls"):
        assert url("audit-page", 7) == "/elsewhere/7/"
        assert url("named", ["a"]) == reverse("named", args=[["a"]])  # not a key
    assert url("audit-page", 7) == reverse("audit-page", args=[7])


def test_a_context_value_named_url_is_not_replaced_by_the_renderings_url():
    template = engines["jinja2"].from_string("{{ url }}|{{ other('audit-page', 7) }}")
    rendered = template.render({"url": "mine", "other": board_jinja.url})
    assert rendered == "mine|" + reverse("audit-page", args=[7])
