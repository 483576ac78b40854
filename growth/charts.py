"""Charts drawn by the server as inline SVG, each with its numbers as a table.

A builder here turns plain numbers into geometry (a small dataclass); the
templates in templates/growth/charts/ draw it. The page needs no JavaScript and
no chart library, and a screen reader gets the same numbers from the SVG's
<title> and <desc> and from the data table drawn under it.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

WIDTH = 600
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28

# Colours that stay apart for most colour vision; lines also differ by dash,
# and every number is in the table anyway.
PALETTE = (
    "#0d6efd",
    "#d63384",
    "#198754",
    "#fd7e14",
    "#6f42c1",
    "#20c997",
    "#6c757d",
    "#dc3545",
)
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str = ""


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    series: Series
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        """The polyline's ``points`` attribute."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class DataTable:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """What every chart template needs: size, plot box, axes and text."""

    id: str
    title: str
    desc: str
    table: DataTable
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...] = ()
    lines: tuple[Line, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"

    @property
    def x_label_y(self) -> int:
        return self.bottom + 16


def number(value) -> str:
    """Show ``value`` without a needless ``.0``: 3, 7.5."""
    if value is None:
        return "0"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def _unit(value, unit: str) -> str:
    """``notes`` for many, ``note`` for one."""
    return unit[:-1] if value == 1 and unit.endswith("s") else unit


def nice_ceiling(value: float, steps: int = 4, whole: bool = False) -> tuple:
    """Return a round top for an axis reaching ``value``, and its tick step.

    ``whole`` keeps the step a whole number, for things counted one by one.
    """
    if value <= 0:
        return float(steps), 1.0
    raw = value / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step * steps >= value:
            break
    if whole:
        step = max(1, math.ceil(step))
    return step * steps, step


def stacked_bar_chart(
    *,
    id: str,
    title: str,
    categories: list[str],
    series: list[tuple[str, list]],
    unit: str,
    category_header: str = "Month",
) -> Chart:
    """Draw one stacked bar per category, a segment per series.

    ``series`` is ``[(name, values)]`` with one value per category. Only the
    segments above zero are drawn; the table lists every value, zeros too.
    """
    styled = tuple(
        Series(name=name, colour=PALETTE[i % len(PALETTE)])
        for i, (name, _) in enumerate(series)
    )
    totals = [
        sum((Decimal(str(values[i] or 0)) for _, values in series), Decimal(0))
        for i in range(len(categories))
    ]
    whole = all(total == total.to_integral_value() for total in totals)
    top, step = nice_ceiling(float(max(totals, default=0)), whole=whole)
    chart_top, chart_bottom = TOP, HEIGHT - BOTTOM
    plot_height = chart_bottom - chart_top
    slot = (WIDTH - RIGHT - LEFT) / max(len(categories), 1)
    bar_width = slot * 0.6

    def y_of(value) -> float:
        return chart_bottom - float(value) / top * plot_height

    bars = []
    for i, category in enumerate(categories):
        x = LEFT + slot * i + (slot - bar_width) / 2
        base = Decimal(0)
        for style, (name, values) in zip(styled, series, strict=True):
            value = Decimal(str(values[i] or 0))
            if value <= 0:
                continue
            y_top = y_of(base + value)
            bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(y_top, 1),
                    width=round(bar_width, 1),
                    height=round(y_of(base) - y_top, 1),
                    colour=style.colour,
                    label=f"{category}: {number(value)} {name.lower()} "
                    f"{_unit(value, unit)}",
                )
            )
            base += value

    y_ticks = []
    value = 0.0
    while value <= top + 1e-9:
        y_ticks.append(Tick(position=round(y_of(value), 1), label=number(value)))
        value += step
    x_ticks = tuple(
        Tick(position=round(LEFT + slot * i + slot / 2, 1), label=category)
        for i, category in enumerate(categories)
    )
    names = [name for name, _ in series]
    rows = tuple(
        (
            category,
            *(number(values[i]) for _, values in series),
            *((number(totals[i]),) if len(series) > 1 else ()),
        )
        for i, category in enumerate(categories)
    )
    header = (category_header, *names, *(("Total",) if len(series) > 1 else ()))
    sums = ", ".join(
        f"{number(sum((Decimal(str(v or 0)) for v in values), Decimal(0)))} {name.lower()}"
        for name, values in series
    )
    span = f"{categories[0]} to {categories[-1]}" if categories else "no months"
    return Chart(
        id=id,
        title=title,
        desc=f"{title}, {span}: {sums} {unit} in all.",
        table=DataTable(caption=title, header=header, rows=rows),
        series=styled,
        x_ticks=x_ticks,
        y_ticks=tuple(y_ticks),
        bars=tuple(bars),
    )


def progress_line_chart(
    *,
    id: str,
    title: str,
    series: list[tuple[str, list[tuple[datetime.datetime, int]]]],
    start: datetime.datetime,
    end: datetime.datetime,
    zone: datetime.tzinfo,
) -> Chart:
    """Draw progress (0–100 %) over time: one line per series, a dot per value.

    ``series`` is ``[(name, [(when, percent), ...])]``, oldest first; times are
    placed between ``start`` and ``end`` and labelled in ``zone``.
    """
    if end <= start:
        start = end - datetime.timedelta(days=1)
    span = (end - start).total_seconds()
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def x_of(when: datetime.datetime) -> float:
        return left + (when - start).total_seconds() / span * (right - left)

    def y_of(percent: float) -> float:
        return bottom - percent / 100 * (bottom - top)

    lines = []
    rows = []
    styled = []
    for i, (name, values) in enumerate(series):
        style = Series(
            name=name,
            colour=PALETTE[i % len(PALETTE)],
            dash=DASHES[(i // len(PALETTE) + i) % len(DASHES)],
        )
        styled.append(style)
        points = []
        for when, percent in values:
            day = date_format(when.astimezone(zone).date(), "j M Y")
            points.append(
                Point(
                    x=round(x_of(when), 1),
                    y=round(y_of(percent), 1),
                    label=f"{name}: {percent}% on {day}",
                )
            )
            rows.append((name, day, f"{percent}%"))
        lines.append(Line(series=style, points=tuple(points)))

    y_ticks = tuple(
        Tick(position=round(y_of(p), 1), label=f"{p}%") for p in (0, 25, 50, 75, 100)
    )
    x_ticks = _month_ticks(start, end, zone, x_of)
    if len(x_ticks) < 2:
        # Less than a month or so: label both ends with their dates instead.
        x_ticks = [
            Tick(left, date_format(start.astimezone(zone).date(), "j M"), "start"),
            Tick(right, date_format(end.astimezone(zone).date(), "j M"), "end"),
        ]
    first = date_format(start.astimezone(zone).date(), "j M Y")
    last = date_format(end.astimezone(zone).date(), "j M Y")
    latest = "; ".join(
        f"{name} at {values[-1][1]}%" for name, values in series if values
    )
    return Chart(
        id=id,
        title=title,
        desc=f"{title} from {first} to {last}. Latest: {latest or 'no check-ins'}.",
        table=DataTable(
            caption=title, header=("Goal", "Date", "Progress"), rows=tuple(rows)
        ),
        series=tuple(styled),
        x_ticks=tuple(x_ticks),
        y_ticks=y_ticks,
        lines=tuple(lines),
    )


def _month_ticks(start, end, zone, x_of, most: int = 8):
    """A labelled tick at each month start between ``start`` and ``end``."""
    local = start.astimezone(zone)
    month = datetime.datetime(local.year, local.month, 1, tzinfo=zone)
    starts = []
    while month <= end:
        if month >= start:
            starts.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    every = max(1, math.ceil(len(starts) / most))
    return [
        Tick(position=round(x_of(when), 1), label=date_format(when.date(), "M"))
        for when in starts[::every]
    ]
