"""The team dashboard: who needs feedback, a 1:1 or help with a goal."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from growth.forms.team import TeamTableForm
from growth.selectors import team
from growth.spreadsheets import csv_cell
from growth.views.links import url_for_ids

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
    query = request.GET.copy()
    query.pop("page", None)
    for column in team.COLUMNS:
        current = options["sort"] == column.key
        direction = options["direction"] if current else None
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


def _days(days: int | None) -> str:
    return "never" if days is None else str(days)


def _row_html(row: team.TeamRow, links: dict[str, str]) -> SafeString:
    """One row of the table, written here rather than by a template loop: the
    loop's tags and lookups cost some 150 µs a row, most of the page's
    rendering. ``links`` holds each link's URL with ``{}`` for the id."""
    engineer = row.engineer
    name, pk = engineer.name, engineer.pk
    if row.is_direct:
        who = format_html('<a href="{}">{}</a>', links["dashboard"].format(pk), name)
        one_on_one = format_html(
            '<a class="btn btn-outline-secondary btn-sm" '
            'href="{}?engineer={}&amp;kind=one_on_one">'
            'Log 1:1<span class="visually-hidden"> with {}</span></a>',
            links["check_in"],
            pk,
            name,
        )
    else:
        manager = engineer.manager.name if engineer.manager else ""
        who = format_html(
            '{}<div class="small text-body-secondary fw-normal">reports to {}</div>',
            name,
            manager,
        )
        one_on_one = ""
    missing = (
        mark_safe(
            '<span class="badge text-bg-warning">No interpersonal feedback</span>'
        )
        if row.interpersonal_missing
        else ""
    )
    at_risk = (
        format_html(
            '<span class="badge text-bg-danger">{}'
            '<span class="visually-hidden"> at risk</span></span>',
            row.goals_at_risk,
        )
        if row.goals_at_risk
        else "0"
    )
    return format_html(
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{} {}</td><td>{}</td><td>{}</td><td>{}</td>"
        '<td><div class="d-flex flex-wrap gap-1">'
        '<a class="btn btn-outline-primary btn-sm" href="{}?engineer={}">'
        'Log feedback<span class="visually-hidden"> for {}</span></a>{}'
        "</div></td></tr>",
        who,
        engineer.team.name,
        _days(row.days_since_mine),
        _days(row.days_since_any),
        row.technical,
        row.interpersonal,
        missing,
        at_risk,
        _days(row.days_since_one_on_one),
        row.unacknowledged,
        links["feedback"],
        pk,
        name,
        one_on_one,
    )


def _links() -> dict[str, str]:
    """The rows' link targets, for ``_row_html``."""
    return {
        "dashboard": url_for_ids("engineer-dashboard"),
        "feedback": reverse("feedback-create"),
        "check_in": reverse("check-in-create"),
    }


def team_dashboard(request):
    """Show a manager one row per report: feedback, goals at risk, 1:1s."""
    _managers_only(request)
    query = request.GET.copy()
    query.pop("page", None)

    form, options, engineers, now = _table(request)
    page_obj = Paginator(engineers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        team.team_row(e, access=request.access, zone=request.user.zone, now=now)
        for e in page_obj
    ]
    links = _links()
    return render(
        request,
        "growth/team/dashboard.html",
        {
            "form": form,
            "options": options,
            "headers": _headers(request, options),
            "rows": rows,
            "rows_html": [_row_html(row, links) for row in rows],
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
