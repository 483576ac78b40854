"""The team dashboard: who needs feedback, a 1:1 or help with a goal."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from growth.forms.team import TeamTableForm
from growth.selectors import team
from growth.spreadsheets import csv_cell

PAGE_SIZE = 25


def _managers_only(request):
    """A 404 for anyone who manages no one."""
    if not request.access.manager:
        raise Http404("Only managers have a team dashboard.")


def _table(request):
    """The parsed query and the sorted rows."""
    form = TeamTableForm(request.GET, teams=team.team_choices(request.access))
    options = form.options()
    now = timezone.now()
    rows = team.team_table(request.access, zone=request.user.zone, now=now, **options)
    return form, options, rows, now


def _headers(request, options) -> list[dict]:
    """Each column's label, sort link and aria-sort value."""
    headers = []
    for column in team.COLUMNS:
        current = options["sort"] == column.key
        direction = options["direction"] if current else None
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = column.key
        query["dir"] = "desc" if direction == "asc" else "asc"
        headers.append(
            {
                "column": column,
                "url": "?" + query.urlencode(),
                "aria_sort": {"asc": "ascending", "desc": "descending"}.get(direction),
            }
        )
    return headers


def team_dashboard(request):
    """Show a manager one row per report: feedback, goals at risk, 1:1s."""
    _managers_only(request)
    query = request.GET.copy()
    query.pop("page", None)

    form, options, rows, now = _table(request)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/team/dashboard.html",
        {
            "form": form,
            "options": options,
            "headers": _headers(request, options),
            "rows": [
                team.team_row(e, access=request.access, zone=request.user.zone, now=now)
                for e in page_obj
            ],
            "page_obj": page_obj,
            "querystring_without_page": query.urlencode(),
            "export_query": query.urlencode(),
        },
    )


CSV_HEADER = [
    "Name",
    "Team",
    "Reports to",
    "Direct report",
    "Days since my feedback",
    "Days since any feedback",
    "Technical feedback (90 days)",
    "Interpersonal feedback (90 days)",
    "Interpersonal missing",
    "Goals at risk",
    "Days since 1:1",
    "Unacknowledged feedback",
]


def _csv_line(row: team.TeamRow) -> list[str]:
    engineer = row.engineer
    values = [
        engineer.name,
        engineer.team.name,
        engineer.manager.name if engineer.manager else "",
        "yes" if row.is_direct else "no",
        row.days_since_mine,
        row.days_since_any,
        row.technical,
        row.interpersonal,
        "yes" if row.interpersonal_missing else "no",
        row.goals_at_risk,
        row.days_since_one_on_one,
        row.unacknowledged,
    ]
    return [csv_cell(value) for value in values]


def team_export(request):
    """The same table as a CSV file: filter, toggle and sort included."""
    _managers_only(request)
    _form, _options, rows, now = _table(request)
    today = timezone.localdate(now, request.user.zone)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="team-{today:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for engineer in rows:
        writer.writerow(
            _csv_line(
                team.team_row(
                    engineer, access=request.access, zone=request.user.zone, now=now
                )
            )
        )
    return response


urlpatterns = [
    path("team/", team_dashboard, name="team-dashboard"),
    path("team/export.csv", team_export, name="team-export"),
]
