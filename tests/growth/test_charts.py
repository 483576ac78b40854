"""Server-drawn charts: the geometry, and the text that stands in for it."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from growth import charts
from growth.models import Goal

UTC = datetime.UTC


def bar_chart(**overrides):
    arguments = {
        "id": "feedback",
        "title": "Feedback notes per month",
        "categories": ["Sep 2026", "Oct 2026", "Nov 2026"],
        "series": [("Technical", [2, 0, 3]), ("Interpersonal", [1, 0, 0])],
        "unit": "notes",
    }
    arguments.update(overrides)
    return charts.stacked_bar_chart(**arguments)


def line_chart(**overrides):
    day = datetime.datetime(2026, 9, 1, 12, tzinfo=UTC)
    arguments = {
        "id": "progress",
        "title": "Progress on active goals",
        "series": [
            ("Lead a review", [(day, 10), (day + datetime.timedelta(days=30), 40)]),
            ("Pair more", [(day + datetime.timedelta(days=45), 25)]),
        ],
        "start": day,
        "end": day + datetime.timedelta(days=60),
        "zone": zoneinfo.ZoneInfo("Europe/Paris"),
    }
    arguments.update(overrides)
    return charts.progress_line_chart(**arguments)


# --- bars -------------------------------------------------------------------------


def test_a_segment_is_drawn_for_each_value_above_zero():
    chart = bar_chart()
    assert [bar.label for bar in chart.bars] == [
        "Sep 2026: 2 technical notes",
        "Sep 2026: 1 interpersonal note",
        "Nov 2026: 3 technical notes",
    ]


def test_segments_stack_from_the_axis_up():
    technical, interpersonal, _ = bar_chart().bars
    assert technical.y + technical.height == pytest.approx(
        charts.HEIGHT - charts.BOTTOM
    )
    assert interpersonal.y + interpersonal.height == pytest.approx(technical.y)
    # 2 and 1 of an axis that reaches 4: heights in the ratio 2 to 1.
    assert technical.height == pytest.approx(2 * interpersonal.height, abs=0.2)


def test_the_tallest_stack_fits_under_the_axis_top():
    chart = bar_chart(series=[("Technical", [7, 9, 3])])
    assert min(bar.y for bar in chart.bars) >= charts.TOP
    assert chart.y_ticks[-1].label == "12"  # 9 rounds up to a step of 3


def test_the_table_lists_every_value_and_the_totals():
    chart = bar_chart()
    assert chart.table.header == ("Month", "Technical", "Interpersonal", "Total")
    assert chart.table.rows == (
        ("Sep 2026", "2", "1", "3"),
        ("Oct 2026", "0", "0", "0"),
        ("Nov 2026", "3", "0", "3"),
    )


def test_a_single_series_has_no_total_column_and_keeps_its_decimals():
    chart = bar_chart(series=[("Hours", [Decimal("7.5"), Decimal("0"), Decimal("2")])])
    assert chart.table.header == ("Month", "Hours")
    assert chart.table.rows[0] == ("Sep 2026", "7.5")
    assert "9.5 hours" in chart.desc


def test_a_series_named_after_its_unit_is_not_said_twice():
    chart = bar_chart(
        series=[("Hours", [Decimal("7.5"), Decimal("0"), Decimal("1")])], unit="hours"
    )
    assert [bar.label for bar in chart.bars] == [
        "Sep 2026: 7.5 hours",
        "Nov 2026: 1 hour",
    ]


def test_the_description_sums_each_series():
    assert bar_chart().desc == (
        "Feedback notes per month, Sep 2026 to Nov 2026: "
        "5 technical, 1 interpersonal notes in all."
    )


def test_an_empty_chart_still_has_an_axis():
    chart = bar_chart(series=[("Technical", [0, 0, 0])])
    assert chart.bars == ()
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3", "4"]


def test_the_svg_has_a_rect_per_segment_a_title_a_desc_and_the_table():
    chart = bar_chart()
    html = render_to_string("growth/charts/bar_chart.html", {"chart": chart})
    assert html.count('class="bar"') == 3
    assert 'role="img"' in html
    assert 'aria-labelledby="feedback-title feedback-desc"' in html
    assert '<title id="feedback-title">Feedback notes per month</title>' in html
    assert f'<desc id="feedback-desc">{chart.desc}</desc>' in html
    assert re.search(r"<th scope=\"row\">Nov 2026</th>\s*<td>3</td>", html)
    assert "<summary" in html  # the table is one click away, not on show


def test_text_in_a_chart_is_escaped():
    chart = bar_chart(categories=["<b>", "b", "c"], title="A & B")
    html = render_to_string("growth/charts/bar_chart.html", {"chart": chart})
    assert "<b>" not in html
    assert "&lt;b&gt;" in html and "A &amp; B" in html


# --- lines ------------------------------------------------------------------------


def test_each_series_is_a_line_with_a_dot_per_value():
    chart = line_chart()
    assert [len(line.points) for line in chart.lines] == [2, 1]
    html = render_to_string("growth/charts/line_chart.html", {"chart": chart})
    assert html.count("<polyline") == 2
    assert html.count('class="point"') == 3


def test_a_goal_title_is_escaped_in_the_legend_the_points_and_the_table():
    day = datetime.datetime(2026, 9, 1, 12, tzinfo=UTC)
    hostile = '<script>alert("x")</script>'
    chart = line_chart(series=[(hostile, [(day, 10)]), ("Pair more", [(day, 20)])])
    html = render_to_string("growth/charts/line_chart.html", {"chart": chart})
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    # Once in the legend, the dot's title, the table, and the description.
    assert html.count(escaped) == 4


def test_points_sit_by_time_and_percent():
    first, second = line_chart().lines[0].points
    assert first.x == charts.LEFT
    assert first.y == pytest.approx(charts.HEIGHT - charts.BOTTOM - 0.1 * 180, abs=0.1)
    assert second.x == pytest.approx(charts.LEFT + 0.5 * (charts.WIDTH - 12 - 40), 0.1)
    assert second.y < first.y  # higher progress is higher up


def test_the_line_table_lists_each_value_by_date_in_the_zone():
    chart = line_chart()
    assert chart.table.header == ("Goal", "Date", "Progress")
    assert chart.table.rows == (
        ("Lead a review", "1 Sep 2026", "10%"),
        ("Lead a review", "1 Oct 2026", "40%"),
        ("Pair more", "16 Oct 2026", "25%"),
    )
    assert "Latest: Lead a review at 40%; Pair more at 25%." in chart.desc


def test_month_ticks_label_the_time_axis_at_each_month_start_in_the_zone():
    start = datetime.datetime(2026, 8, 15, tzinfo=UTC)
    end = datetime.datetime(2026, 11, 20, tzinfo=UTC)
    labels = [tick.label for tick in line_chart(start=start, end=end).x_ticks]
    assert labels == ["Sep", "Oct", "Nov"]


def test_a_short_span_labels_both_ends_with_their_dates():
    start = datetime.datetime(2026, 11, 3, tzinfo=UTC)
    end = datetime.datetime(2026, 11, 20, tzinfo=UTC)
    ticks = line_chart(start=start, end=end).x_ticks
    assert [(t.label, t.anchor) for t in ticks] == [
        ("3 Nov", "start"),
        ("20 Nov", "end"),
    ]


def test_a_single_moment_still_has_a_time_axis():
    day = datetime.datetime(2026, 9, 1, tzinfo=UTC)
    chart = line_chart(series=[("Goal", [(day, 50)])], start=day, end=day)
    assert chart.lines[0].points[0].x == charts.WIDTH - charts.RIGHT


def test_lines_differ_by_more_than_colour():
    many = [(f"Goal {i}", []) for i in range(10)]
    chart = line_chart(series=many)
    styles = {(s.colour, s.dash) for s in chart.series}
    assert len(styles) == 10


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 4), (1, 4), (3, 4), (4, 4), (5, 8), (9, 12), (17, 20), (60, 80)],
)
def test_axes_of_counts_end_at_a_round_number_with_whole_steps(value, top):
    top_found, step = charts.nice_ceiling(value, whole=True)
    assert top_found == top
    assert step == int(step)


@pytest.mark.parametrize(
    ("value", "top"), [(1, 1), (7.5, 8), (9, 10), (0.5, 0.8), (130, 200)]
)
def test_axes_of_amounts_end_at_a_round_number(value, top):
    assert charts.nice_ceiling(value)[0] == pytest.approx(top)


# --- goal progress bars ----------------------------------------------------------


def test_goal_bars_link_each_goal_and_escape_its_title():
    goal = Goal(pk=7, title="<b>Ship</b> & tell", progress=40, status="active")
    html = charts.goal_bars([goal], today=datetime.date(2026, 11, 25))
    assert 'href="/goals/7/"' in html
    assert "&lt;b&gt;Ship&lt;/b&gt; &amp; tell" in html and "<b>" not in html
    assert 'aria-valuenow="40"' in html and '<rect width="40%"' in html


@pytest.mark.parametrize(
    ("target", "badge"),
    [
        (datetime.date(2026, 11, 24), "Overdue"),
        (datetime.date(2026, 11, 25), "Active"),
        (None, "Active"),
    ],
)
def test_goal_bars_badge_an_overdue_goal(target, badge):
    goal = Goal(pk=1, title="Lead", progress=0, status="active", target_date=target)
    html = charts.goal_bars([goal], today=datetime.date(2026, 11, 25))
    assert f">{badge}</span>" in html
    assert ("· due 24 Nov 2026" in html) == (target == datetime.date(2026, 11, 24))
    assert '<rect width="0%"' not in html  # no bar drawn at zero
