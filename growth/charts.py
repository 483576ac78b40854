"""Charts drawn by the server as inline SVG, each with its numbers as a table.

A builder here turns plain numbers into geometry (a small dataclass), and
``Chart.as_html()`` writes it out: legend, SVG and table. The page needs no
JavaScript and no chart library, and a screen reader gets the same numbers from
the SVG's <title> and <desc> and from the data table drawn under it.

The markup is written in Python rather than by loops of template tags: a year
of check-ins is hundreds of elements, and each tag costs more than the string
it makes. Every piece of text goes through ``_esc`` on its way out.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

WIDTH = 600
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28

# Colours that stay apart for most colour vision; lines also differ by dash,
# and every number is in the table anyway.
PALETTE = (
    "#0a58ca",
    "#d63384",
    "#198754",
    "#ca6510",
    "#6f42c1",
    "#1aa179",
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

    def as_html(self) -> SafeString:
        """The chart as a ``<figure>``: legend, SVG and the table of its numbers."""
        parts = ['<figure class="mb-0">\n']
        _legend(self, parts)
        _svg(self, parts)
        _table(self.id, self.table, parts)
        parts.append("</figure>\n")
        return mark_safe("".join(parts))


def number(value) -> str:
    """Show ``value`` without a needless ``.0``: 3, 7.5."""
    if value is None:
        return "0"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def _what(series: str, value, unit: str) -> str:
    """What a bar counts: "technical notes", or "hours" when the series is
    named after its unit (not "hours hours")."""
    counted = _unit(value, unit)
    if series.lower() in (unit, unit[:-1]):
        return counted
    return f"{series.lower()} {counted}"


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
                    label=f"{category}: {number(value)} {_what(name, value, unit)}",
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

    day_label = _day_labeller(zone)
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
            day = day_label(when)
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


@functools.lru_cache(maxsize=1024)
def _month_text(language: str | None, year: int, month: int, fmt: str) -> str:
    """A month's name (``fmt`` "M Y" or "M") in ``language``: the same for
    every page, so formatted once a process rather than on each chart."""
    return date_format(datetime.date(year, month, 1), fmt)


def month_label(day: datetime.date, fmt: str = "M Y") -> str:
    """``date_format(day, fmt)`` for a month's format ("M Y": Nov 2026, or "M")."""
    return _month_text(get_language(), day.year, day.month, fmt)


def _date_labeller():
    """Return a function labelling a date: 3 Nov 2026.

    The same text as ``date_format(day, "j M Y")``, with the month and year
    formatted once per month and language (``month_label``): a year of
    check-ins is hundreds of dates, and each ``date_format`` call goes through
    the locale's format lookups again.
    """
    language = get_language()

    def label(day: datetime.date) -> str:
        return f"{day.day} {_month_text(language, day.year, day.month, 'M Y')}"

    return label


def _day_labeller(zone: datetime.tzinfo):
    """Return a function labelling a moment with its day in ``zone``: 3 Nov 2026."""
    label = _date_labeller()
    return lambda when: label(when.astimezone(zone).date())


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
        Tick(position=round(x_of(when), 1), label=month_label(when.date(), "M"))
        for when in starts[::every]
    ]


# --- writing it out ------------------------------------------------------------

# The escaping Django's templates apply (``django.utils.html.escape`` is this
# function behind a lazy-string wrapper, which costs more than the escaping).
_esc = html.escape


def _legend(chart: Chart, out: list[str]) -> None:
    """A swatch per series, only when there is more than one to tell apart."""
    if len(chart.series) < 2:
        return
    width = "10" if chart.bars else "3"
    out.append('<ul class="list-inline small mb-1">\n')
    for series in chart.series:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        out.append(
            '<li class="list-inline-item">'
            '<svg width="24" height="10" aria-hidden="true" focusable="false">'
            f'<line x1="0" y1="5" x2="24" y2="5" stroke="{series.colour}"'
            f' stroke-width="{width}"{dash} /></svg>\n'
            f"{_esc(series.name)}</li>\n"
        )
    out.append("</ul>\n")


def _svg(chart: Chart, out: list[str]) -> None:
    """The drawing, labelled by its title and description for screen readers."""
    chart_id = _esc(chart.id)
    out.append(
        f'<svg class="chart w-100 h-auto" viewBox="0 0 {chart.width} {chart.height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        ' focusable="false">\n'
        f'<title id="{chart_id}-title">{_esc(chart.title)}</title>\n'
        f'<desc id="{chart_id}-desc">{_esc(chart.desc)}</desc>\n'
    )
    left, right, bottom = chart.left, chart.right, chart.bottom
    for tick in chart.y_ticks:
        y = tick.position
        out.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}" />'
            f'<text x="{left - 6}" y="{y}" text-anchor="end"'
            f' dominant-baseline="middle">{_esc(tick.label)}</text>\n'
        )
    out.append(
        f'<line class="axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" />\n'
    )
    label_y = chart.x_label_y
    for tick in chart.x_ticks:
        out.append(
            f'<text x="{tick.position}" y="{label_y}" text-anchor="{tick.anchor}">'
            f"{_esc(tick.label)}</text>\n"
        )
    for bar in chart.bars:
        out.append(
            f'<rect class="bar" x="{bar.x}" y="{bar.y}" width="{bar.width}"'
            f' height="{bar.height}" fill="{bar.colour}">'
            f"<title>{_esc(bar.label)}</title></rect>\n"
        )
    for line in chart.lines:
        style = line.series
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        out.append(
            f'<g class="series" stroke="{style.colour}" fill="{style.colour}">'
            f'<polyline points="{line.path}" fill="none" stroke-width="2"{dash} />\n'
        )
        for point in line.points:
            out.append(
                f'<circle class="point" cx="{point.x}" cy="{point.y}" r="4">'
                f"<title>{_esc(point.label)}</title></circle>\n"
            )
        out.append("</g>\n")
    out.append("</svg>\n")


def _table(chart_id: str, table: DataTable, out: list[str]) -> None:
    """Every number of the chart, one click away: the first cell heads its row."""
    out.append(
        '<details class="mt-1">\n'
        '<summary class="small">Show the numbers as a table</summary>\n'
        '<div class="table-responsive">\n'
        f'<table class="table table-sm small mb-0" id="{_esc(chart_id)}-table">\n'
        f"<caption>{_esc(table.caption)}</caption>\n<thead>\n<tr>"
    )
    out.extend(f'<th scope="col">{_esc(heading)}</th>' for heading in table.header)
    out.append("</tr>\n</thead>\n<tbody>\n")
    for first, *cells in table.rows:
        out.append(f'<tr><th scope="row">{_esc(first)}</th>')
        out.extend(f"<td>{_esc(cell)}</td>" for cell in cells)
        out.append("</tr>\n")
    out.append("</tbody>\n</table>\n</div>\n</details>\n")


# --- goal progress bars ----------------------------------------------------------


def goal_bars(goals, *, today: datetime.date) -> SafeString:
    """The active goals as a list, each with its due date, badge and bar.

    The badge and bar of goals/_status.html and goals/_progress.html, written
    here for an active goal: a long list pays for a dozen template lookups a
    goal otherwise. Keep the three alike.
    """
    detail = _url_of_pk("goal-detail")
    day_label = _date_labeller()
    out = ['<ul class="list-unstyled mb-3">\n']
    for goal in goals:
        title = _esc(goal.title)
        progress = int(goal.progress)
        due = ""
        badge = '<span class="badge text-bg-primary">Active</span>'
        if goal.target_date:
            due = f" · due {_esc(day_label(goal.target_date))}"
            if goal.target_date < today:
                badge = '<span class="badge text-bg-warning">Overdue</span>'
        bar = (
            f'<rect width="{progress}%" height="12" rx="6" fill="#0a58ca" />'
            if progress
            else ""
        )
        out.append(
            '<li class="mb-3">\n'
            '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'<a href="{detail(goal.pk)}">{title}</a>\n'
            f'<span class="small text-body-secondary">{progress}%{due}\n'
            f"{badge}</span>\n</div>\n"
            '<svg class="d-block w-100" height="12" role="progressbar"'
            f' aria-label="Progress on {title}" aria-valuenow="{progress}"'
            ' aria-valuemin="0" aria-valuemax="100" focusable="false">\n'
            '<rect width="100%" height="12" rx="6" fill="#e9ecef" />'
            f"{bar}\n</svg>\n</li>\n"
        )
    out.append("</ul>\n")
    return mark_safe("".join(out))


def _url_of_pk(name: str):
    """Return a function giving the URL ``name`` of an object by its pk, for
    a list: ``reverse`` once rather than once an item."""
    sentinel = "2147483647"
    before, after = (
        _esc(part) for part in reverse(name, args=[sentinel]).split(sentinel)
    )
    return lambda pk: f"{before}{int(pk)}{after}"
