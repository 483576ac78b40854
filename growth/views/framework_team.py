"""The manager's view of the career framework: reports × competencies."""

from __future__ import annotations

import datetime
import html
from typing import NamedTuple

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from growth.selectors import framework_team
from growth.selectors.framework_team import STATES, ReportRow
from growth.views.links import url_for_ids

_e = html.escape
DAY = "j M Y"


class Card(NamedTuple):
    """One report's card, its words written here once rather than looked up
    and filtered by the template for each of them."""

    row: ReportRow
    url: str  # their framework page
    anchor: str  # the id of the card's heading
    level: str
    last_self: str
    last_manager: str
    tally: str
    competencies: SafeString  # the rows of their competency table


def _day(moment: datetime.datetime | None) -> str:
    """As the template's ``date:"j M Y"`` writes it, in the viewer's zone."""
    if moment is None:
        return "none shared yet"
    return date_format(timezone.localtime(moment), DAY)


def _level(row: ReportRow) -> str:
    if row.level is None:
        return "no level set"
    words = f"{row.level.track_name}: {row.level.name}"
    since = row.engineer.level_since
    return f"{words}, since {date_format(since, DAY)}" if since else words


def _tally(row: ReportRow) -> str:
    if row.level is not None and not row.cells:
        return f"no expectations are written for {row.level.name} yet"
    return (
        f"{row.meets} meet, {row.exceeds} exceed, {row.below} below, "
        f"{row.not_assessed} not assessed; evidence missing for {row.evidence_missing}"
    )


# The last two cells of a competency's row, by its state: the same for everyone.
_ASSESSMENT_CELLS = {
    rating: f'<td><span class="badge {_e(badge)}">{_e(word)}</span></td>'
    for rating, (word, badge) in STATES.items()
}
_EVIDENCE_CELLS = {
    True: '<td><span class="badge text-bg-warning">Missing</span></td>',
    False: "<td>shared feedback</td>",
}


def _competency_rows(row: ReportRow, url: str, links: dict[int, str]) -> SafeString:
    """The rows of one report's competency table, written here rather than by
    a template loop (a full team has some two hundred): every value goes
    through ``_e``. ``links`` keeps each competency's escaped link text
    between reports."""
    out = []
    for cell in row.cells:
        competency = cell.competency
        link = links.get(competency.pk)
        if link is None:
            link = links[competency.pk] = (
                f'#competency-{_e(competency.key)}">{_e(competency.name)}</a></th>'
            )
        out.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{_e(url)}{link}'
            f"{_ASSESSMENT_CELLS[cell.rating]}"
            f"{_EVIDENCE_CELLS[cell.evidence_missing]}</tr>"
        )
    # Safe: every value in it went through _e.
    return mark_safe("".join(out))


def team_framework(request):
    """Show a manager where each direct report stands against their level:
    the latest shared manager assessment per competency, missing evidence,
    the last assessments' dates and who is ready to move."""
    if not request.access.manager:
        raise Http404("Only managers have a team framework view.")
    now = timezone.now()
    team = framework_team.team_framework(request.access, now=now)
    framework_url = url_for_ids("engineer-framework")
    cards = []
    links: dict[int, str] = {}
    for row in team.rows:
        url = framework_url.format(row.engineer.pk)
        cards.append(
            Card(
                row=row,
                url=url,
                anchor=f"report-{row.engineer.pk}",
                level=_level(row),
                last_self=_day(row.last_self_at),
                last_manager=_day(row.last_manager_at),
                tally=_tally(row),
                competencies=_competency_rows(row, url, links),
            )
        )
    return render(
        request,
        "growth/framework_team.html",
        {
            "team": team,
            "cards": cards,
            "ready": [card for card in cards if card.row.ready],
            "evidence_days": framework_team.EVIDENCE_WINDOW.days,
            "recent_days": framework_team.RECENT_ASSESSMENT.days,
        },
    )


urlpatterns = [
    path("team/framework/", team_framework, name="team-framework"),
]
