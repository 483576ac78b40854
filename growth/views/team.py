"""The team dashboard: who needs feedback, a 1:1 or help with a goal, first."""

from __future__ import annotations

import csv
import html

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

from growth.forms.team import TeamTableForm
from growth.selectors import leadership, team
from growth.spreadsheets import csv_cell
from growth.views.links import url_for_ids

PAGE_SIZE = 25

# Each state's cell colour: Bootstrap's table variants, black text on a light
# tint (15:1 and more), never the colour alone: the cell says the state too.
STATE_CLASS = {
    team.DUE: "table-warning",
    team.GAP: "table-warning",
    team.OVERDUE: "table-danger",
    team.AT_RISK: "table-danger",
}

# Below md a phone shows the name, what needs attention most and the actions.
# Wider screens add the columns with a rule, the most telling first, and from
# xxl (a 1,320 px container) the columns that only give context: each size
# shows what fits without scrolling sideways.
SHOWN_FROM = {
    "team": "xxl",
    "last_feedback_mine": "md",
    "last_feedback": "xxl",
    "technical": "xxl",
    "interpersonal": "lg",
    "goals_at_risk": "md",
    "last_one_on_one": "md",
    "unacknowledged": "xl",
    "mentoring": "lg",
}


_SHOWN = {key: f"d-none d-{size}-table-cell" for key, size in SHOWN_FROM.items()}


def _shown(key: str) -> str:
    """The display classes of column ``key``."""
    return _SHOWN.get(key, "")


def _managers_only(request):
    """A 404 for anyone who manages no one."""
    if not request.access.manager:
        raise Http404("Only managers have a team dashboard.")


def _options(form: TeamTableForm) -> dict:
    """The form's options, sorted by attention unless the viewer picked a
    column, each column in its own first direction unless they picked one."""
    options = form.options()
    chosen = form.cleaned_data
    if not chosen.get("sort"):
        options["sort"] = team.DEFAULT_SORT
    if not chosen.get("dir"):
        options["direction"] = team.COLUMNS_BY_KEY[options["sort"]].first
    return options


def _table(request):
    """The parsed query and the judged, sorted table."""
    form = TeamTableForm(request.GET, teams=team.team_choices(request.access))
    options = _options(form)
    now = timezone.now()
    table = team.team_table(request.access, zone=request.user.zone, now=now, **options)
    return form, options, table, now


def _rule_of(key: str, rules: team.Rules) -> str:
    """The rule a column is judged by, for its header."""
    return {
        "last_feedback_mine": f"rule {rules.feedback_days} days",
        "interpersonal": f"gap rule {rules.interpersonal_days} days",
        "last_one_on_one": f"rule {rules.one_on_one_days} days",
        "mentoring": "each mentorship's cadence",
    }.get(key, "")


def _headers(request, options, rules: team.Rules) -> list[dict]:
    """Each column's label, rule, sort link, aria-sort value and classes."""
    headers = []
    query = request.GET.copy()
    query.pop("page", None)
    for column in team.COLUMNS:
        current = options["sort"] == column.key
        direction = options["direction"] if current else None
        query["sort"] = column.key
        if direction is None:
            query["dir"] = column.first
        else:
            query["dir"] = "desc" if direction == "asc" else "asc"
        headers.append(
            {
                "column": column,
                "rule": _rule_of(column.key, rules),
                "url": "?" + query.urlencode(),
                "aria_sort": {"asc": "ascending", "desc": "descending"}.get(direction),
                "classes": _shown(column.key),
            }
        )
    return headers


def _days(days: int | None) -> str:
    return "never" if days is None else str(days)


# The cells are written with the standard library's escape, one string a row
# marked safe once: a format_html a cell, a dozen a row, cost more than the
# rest of the row together. Every value from a person or the database passes
# through _e; everything else here is a literal.
_e = html.escape


def _cell(key: str, value) -> str:
    """A cell no rule judges."""
    return f'<td class="{_shown(key)}">{_e(str(value))}</td>'


def _judged(key: str, judgement: team.Judgement) -> str:
    """A cell read against its rule: the rule in its title and, once reached,
    in its text beside the state in words, the colour only repeating them."""
    title, value = _e(judgement.title), _e(judgement.value)
    if not judgement.reached:
        return f'<td class="{_shown(key)}" title="{title}">{value}</td>'
    return (
        f'<td class="{_shown(key)} {STATE_CLASS[judgement.state]} team-judged" '
        f'title="{title}"><span class="team-value">{value}</span> '
        f'<span class="team-word">{_e(judgement.word)}</span></td>'
    )


def _summary(row: team.TeamRow) -> str:
    """The row's most urgent rule in words, the others after it, the score."""
    reached = row.reached
    if not reached:
        return (
            '<td class="team-summary" title="Attention score 0">Within every rule</td>'
        )
    urgent, others = reached[0], reached[1:]
    score = f"{row.attention:.1f}"
    parts = " + ".join(f"{cell.summary} ({cell.score:.1f})" for cell in reached)
    also = (
        '<span class="team-also">Also: '
        + _e("; ".join(cell.summary for cell in others))
        + "</span>"
        if others
        else ""
    )
    return (
        f'<td class="team-summary {STATE_CLASS[urgent.state]}" '
        f'title="Attention score {score}: {_e(parts)}">'
        f'<span class="team-value">{_e(urgent.summary)}</span>{also}'
        f'<span class="team-score">Score {score}</span></td>'
    )


def _row_html(row: team.TeamRow, links: dict[str, str]) -> SafeString:
    """One row of the table, written here rather than by a template loop: the
    loop's tags and lookups cost some 150 µs a row, most of the page's
    rendering. ``links`` holds each link's URL with ``{}`` for the id."""
    engineer = row.engineer
    name, pk = _e(engineer.name), int(engineer.pk)
    if row.is_direct:
        who = f'<a href="{links["dashboard"].format(pk)}">{name}</a>'
        one_on_one = (
            f'<a class="btn btn-outline-secondary btn-sm" '
            f'href="{links["check_in"]}?engineer={pk}&amp;kind=one_on_one">'
            f'Log 1:1<span class="visually-hidden"> with {name}</span></a>'
        )
    else:
        manager = _e(engineer.manager.name) if engineer.manager else ""
        who = (
            f'{name}<div class="small text-body-secondary fw-normal">'
            f"reports to {manager}</div>"
        )
        one_on_one = ""
    if row.feedback is None:
        mine = (
            f'<td class="{_shown("last_feedback_mine")}" '
            f'title="The feedback rule asks their own manager.">'
            f"{_days(row.days_since_mine)}</td>"
        )
    else:
        mine = _judged("last_feedback_mine", row.feedback)
    if row.mentoring is None:
        mentoring = (
            f'<td class="{_shown("mentoring")}" '
            'title="No active mentorship you can see.">'
            '<span aria-hidden="true">—</span>'
            '<span class="visually-hidden">none</span></td>'
        )
    else:
        mentoring = _judged("mentoring", row.mentoring)
    # Safe: every value in it went through _e.
    return mark_safe(
        f'<tr><th scope="row">{who}</th>'
        + _cell("team", engineer.team.name)
        + mine
        + _cell("last_feedback", _days(row.days_since_any))
        + _cell("technical", row.technical)
        + _judged("interpersonal", row.gap)
        + _judged("goals_at_risk", row.goals)
        + _judged("last_one_on_one", row.one_on_one)
        + _cell("unacknowledged", row.unacknowledged)
        + mentoring
        + _summary(row)
        + '<td><div class="d-flex flex-wrap gap-1">'
        f'<a class="btn btn-outline-primary btn-sm" '
        f'href="{links["feedback"]}?engineer={pk}">'
        f'Log feedback<span class="visually-hidden"> for {name}</span></a>'
        f"{one_on_one}</div></td></tr>"
    )


def _links() -> dict[str, str]:
    """The rows' link targets, for ``_row_html``."""
    return {
        "dashboard": url_for_ids("engineer-dashboard"),
        "feedback": reverse("feedback-create"),
        "check_in": reverse("check-in-create"),
    }


def team_dashboard(request):
    """Show a manager one row per report, each value against its rule, who
    needs attention most first. The filter's own requests (htmx, on change)
    get the results alone."""
    _managers_only(request)
    query = request.GET.copy()
    query.pop("page", None)

    form, options, table, _now = _table(request)
    page_obj = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj)
    links = _links()
    context = {
        "form": form,
        "options": options,
        "rules": table.rules,
        "headers": _headers(request, options, table.rules),
        "rows": rows,
        "rows_html": [_row_html(row, links) for row in rows],
        "page_obj": page_obj,
        "querystring_without_page": query.urlencode(),
        "export_query": query.urlencode(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial:
        context["leaders"] = leadership.leadership_of(
            request.access.report_ids,
            today=timezone.localdate(_now, request.user.zone),
        )
    template = "growth/team/_filtered.html" if partial else "growth/team/dashboard.html"
    response = render(request, template, context)
    # The same address answers a page or a part of one.
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    "Days since mentoring check-in",
    "Attention score",
    "Most urgent",
]


def _csv_line(row: team.TeamRow) -> list[str]:
    engineer = row.engineer
    urgent = row.most_urgent
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
        row.days_since_mentoring,
        f"{row.attention:.1f}",
        urgent.summary if urgent else "",
    ]
    return [csv_cell(value) for value in values]


def team_export(request):
    """The same table as a CSV file: filter, toggle and sort included."""
    _managers_only(request)
    _form, _options, table, now = _table(request)
    today = timezone.localdate(now, request.user.zone)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="team-{today:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in table.rows:
        writer.writerow(_csv_line(row))
    return response


urlpatterns = [
    path("team/", team_dashboard, name="team-dashboard"),
    path("team/export.csv", team_export, name="team-export"),
]
