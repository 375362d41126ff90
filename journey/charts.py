"""The case-rate trend chart as SVG geometry: a pure function of the series and the target.

The template draws what this computes (lines, dots, ticks, the target line), so the chart is
server-rendered, readable without JavaScript and testable without a database or a browser."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36  # room for the axis labels
_NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class ChartPoint:
    """One month on the chart; y is None when the rate is undefined (no revenue)."""

    x: float
    y: float | None
    month: date
    value: Decimal | None
    above_target: bool


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the last month's label ends at the plot's edge


@dataclass(frozen=True)
class TrendChart:
    """Everything the SVG needs, in SVG user units (viewBox 0 0 width height)."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    points: tuple[ChartPoint, ...]
    lines: tuple[str, ...]  # polyline "x,y x,y" strings, broken where the rate is undefined
    target_y: float | None
    target: Decimal | None
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    y_max: Decimal

    @property
    def is_empty(self) -> bool:
        return all(p.y is None for p in self.points)

    @property
    def defined_points(self) -> tuple[ChartPoint, ...]:
        return tuple(p for p in self.points if p.y is not None)


def nice_ceiling(value: Decimal, ticks: int = 5) -> tuple[Decimal, Decimal]:
    """A round axis maximum at or above `value` with at most `ticks` steps of 1, 2, 2.5 or 5
    × 10^n; (ticks, 1) for nothing to show."""
    if value <= 0:
        return Decimal(ticks), Decimal(1)
    raw = value / ticks
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(s * magnitude for s in _NICE_STEPS if s * magnitude >= raw)
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step, step


def _label(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


def trend_chart(
    series: Sequence[tuple[date, Decimal | None]],
    target: Decimal | None,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> TrendChart:
    """Geometry of a line chart of monthly case rates (oldest first) with a target line."""
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    values = [v for _m, v in series if v is not None]
    highest = max([*values, (target or Decimal(0)) * Decimal("1.25"), Decimal(0)])
    y_max, step = nice_ceiling(highest)

    def y_of(value: Decimal) -> float:
        return round(bottom - float(value / y_max) * (bottom - top), 1)

    span = max(len(series) - 1, 1)
    points = tuple(
        ChartPoint(
            x=round(left + (right - left) * index / span, 1),
            y=None if value is None else y_of(value),
            month=month,
            value=value,
            above_target=target is not None and value is not None and value > target,
        )
        for index, (month, value) in enumerate(series)
    )
    lines, current = [], []
    for point in points:
        if point.y is None:
            if current:
                lines.append(" ".join(current))
            current = []
        else:
            current.append(f"{point.x},{point.y}")
    if current:
        lines.append(" ".join(current))
    y_ticks = []
    tick = Decimal(0)
    while tick <= y_max:
        y_ticks.append(Tick(y_of(tick), _label(tick)))
        tick += step
    every = 3 if len(points) > 12 else 1
    x_ticks = tuple(
        Tick(p.x, p.month.strftime("%Y-%m"), "end" if i == len(points) - 1 else "middle")
        for i, p in enumerate(points)
        if (len(points) - 1 - i) % every == 0
    )
    return TrendChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        points=points,
        lines=tuple(lines),
        target_y=None if target is None else y_of(target),
        target=target,
        y_ticks=tuple(y_ticks),
        x_ticks=x_ticks,
        y_max=y_max,
    )
