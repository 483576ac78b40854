"""Organisation insight: per team and month, counts only, small teams hidden."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import html

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from growth import charts, policy
from growth.selectors import insight
from growth.selectors.insight import HEADERS, TOO_FEW, cells
from growth.spreadsheets import csv_cell

UTC = datetime.UTC


def _build(request) -> insight.Insight:
    found = policy.org_insight_scope(request.user, request.access)
    if found is None:
        raise Http404("Only managers of managers, and staff allowed, see insight.")
    scope, head_id = found
    return insight.insight_build(
        head_id, today=timezone.now().astimezone(UTC).date(), scope=scope
    )


def _chosen(request, months: list[insight.Month]) -> int:
    """The month the team table shows: ``?month=YYYY-MM``, else this one."""
    wanted = request.GET.get("month", "")
    for i, month in enumerate(months):
        if month.key == wanted:
            return i
    return len(months) - 1


_e = html.escape


def _table_html(data: insight.Insight, i: int) -> SafeString:
    """The team table for month ``i``, written here rather than by a template
    loop (forty teams of eleven cells): every value goes through ``_e``."""
    out = [
        '<table class="table table-sm align-middle mb-0 insight-table">'
        f"<caption>Teams in {_e(data.months[i].label)}: counts only; teams of "
        f"fewer than {insight.MIN_GROUP} engineers are not shown</caption>"
        '<thead><tr><th scope="col">Team</th>'
    ]
    out.extend(f'<th scope="col">{_e(h)}</th>' for h in HEADERS)
    out.append("</tr></thead><tbody>")
    for row in data.teams:
        figures = row.months[i]
        out.append(f'<tr><th scope="row">{_e(row.name)}</th>')
        if figures is None:
            out.append(
                f'<td colspan="{len(HEADERS)}" class="text-body-secondary">'
                f"{_e(TOO_FEW.capitalize())} (fewer than {insight.MIN_GROUP} "
                "engineers)</td>"
            )
        else:
            out.extend(f"<td>{_e(cell)}</td>" for cell in cells(figures))
        out.append("</tr>")
    out.append("</tbody><tfoot><tr>")
    out.append('<th scope="row">All shown teams</th>')
    out.extend(f"<td>{_e(cell)}</td>" for cell in cells(data.totals[i]))
    out.append("</tr></tfoot></table>")
    # Safe: every value in it went through _e.
    return mark_safe("".join(out))


def _mid(month: insight.Month) -> datetime.datetime:
    return datetime.datetime.combine(
        month.start + datetime.timedelta(days=14), datetime.time(), tzinfo=UTC
    )


def _charts(data: insight.Insight) -> list[charts.Chart]:
    """The shown teams' totals per month, drawn, each with its table."""
    labels = [month.label for month in data.months]
    totals = data.totals
    feedback = charts.stacked_bar_chart(
        id="insight-feedback",
        title="Shared feedback per month, technical and interpersonal",
        categories=labels,
        series=[
            ("Technical", [f.technical for f in totals]),
            ("Interpersonal", [f.interpersonal for f in totals]),
        ],
        unit="notes",
    )
    shares = [
        ("Feedback coverage", [f.coverage for f in totals]),
        ("Rated actionable", [f.actionable for f in totals]),
        ("Cross-team feedback", [f.cross_team for f in totals]),
        ("Mentoring on cadence", [f.on_cadence for f in totals]),
    ]
    lines = charts.progress_line_chart(
        id="insight-shares",
        title="Shares per month",
        series=[
            (
                name,
                [
                    (_mid(month), value)
                    for month, value in zip(data.months, values, strict=True)
                    if value is not None
                ],
            )
            for name, values in shares
        ],
        start=datetime.datetime.combine(data.months[0].start, datetime.time(), UTC),
        end=datetime.datetime.combine(data.months[-1].end, datetime.time(), UTC),
        zone=UTC,
    )
    lines = dataclasses.replace(
        lines,
        table=charts.DataTable(
            caption="Shares per month",
            header=("Figure", *labels),
            rows=tuple(
                (name, *(insight.percent(value, "none") for value in values))
                for name, values in shares
            ),
        ),
    )
    learning = charts.stacked_bar_chart(
        id="insight-learning",
        title="Learning hours per person per month",
        categories=labels,
        series=[("Hours per person", [f.hours_per_person or 0 for f in totals])],
        unit="hours",
    )
    sessions = charts.stacked_bar_chart(
        id="insight-sessions",
        title="Learning sessions led by seniors per month",
        categories=labels,
        series=[
            ("With newcomers", [f.newcomer_sessions for f in totals]),
            (
                "Without newcomers",
                [f.senior_sessions - f.newcomer_sessions for f in totals],
            ),
        ],
        unit="sessions",
    )
    return [feedback, lines, learning, sessions]


@require_GET
def org_insight(request):
    """Show a manager of managers their organisation (staff with the
    permission every team): per team, the chosen month's figures; below, the
    shown teams' totals per month as charts with their tables."""
    data = _build(request)
    i = _chosen(request, data.months)
    return render(
        request,
        "growth/insight/insight.html",
        {
            "insight": data,
            "month": data.months[i],
            "table": _table_html(data, i),
            "charts": _charts(data),
            "min_group": insight.MIN_GROUP,
            "refresh_minutes": max(1, settings.INSIGHT_REFRESH_SECONDS // 60),
            "coverage_days": insight.COVERAGE_DAYS,
        },
    )


@require_GET
def org_insight_export(request):
    """The same figures as CSV: a row per team and month, the shown teams'
    totals after each month, small teams "too few to show"."""
    data = _build(request)
    today = timezone.now().astimezone(UTC).date()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="insight-{today:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Month", "Team", *HEADERS])
    for i, month in enumerate(data.months):
        for row in data.teams:
            writer.writerow(
                [csv_cell(v) for v in (month.key, row.name, *cells(row.months[i]))]
            )
        writer.writerow(
            [
                csv_cell(v)
                for v in (month.key, "All shown teams", *cells(data.totals[i]))
            ]
        )
    return response


urlpatterns = [
    path("insight/", org_insight, name="org-insight"),
    path("insight/export.csv", org_insight_export, name="org-insight-export"),
]
