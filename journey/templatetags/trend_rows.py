"""The dashboard's trend card drawn row by row in one call each: the table's 24 months and the
chart's dots and month labels. As template loops they were a third of the content's rendering
(about 8 us per variable, 200 variables); here each is one format_html_join. The markup is the
same as the loops wrote; templates/designation/includes/trend_chart.html and overview_board.html
place it."""

from django import template
from django.utils.html import format_html_join

from metrics.templatetags.metrics_format import rate, usd

register = template.Library()


def _month(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@register.simple_tag
def trend_table_rows(trend) -> str:
    """One <tr> per month of the trend (journey.dashboard's TrendPoint), oldest first."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                _month(p.month),
                p.csp_case_count,
                usd(p.billed_revenue_usd),
                p.ttm_case_volume,
                usd(p.ttm_billed_revenue_usd),
                rate(p.ttm_case_rate),
            )
            for p in trend
        ),
    )


@register.simple_tag
def chart_dots(chart) -> str:
    """One <circle> per month with a rate (journey.charts.TrendChart), its value as its title;
    those above the target larger and marked."""
    return format_html_join(
        "\n",
        '<circle class="dot{}" cx="{}" cy="{}" r="{}"><title>{}: {}</title></circle>',
        (
            (
                " dot-above" if p.above_target else "",
                p.x,
                p.y,
                "4.5" if p.above_target else "3.5",
                _month(p.month),
                rate(p.value),
            )
            for p in chart.defined_points
        ),
    )


@register.simple_tag
def chart_month_labels(chart) -> str:
    """The x axis's month labels, every other one minor (hidden on narrow screens) counting
    back from the last."""
    last = len(chart.x_ticks) - 1
    return format_html_join(
        "\n",
        '<text class="tick{}" x="{}" y="{}" text-anchor="{}">{}</text>',
        (
            (
                "" if (last - n) % 2 == 0 else " tick-minor",
                t.position,
                chart.height - 12,
                t.anchor,
                t.label,
            )
            for n, t in enumerate(chart.x_ticks)
        ),
    )
