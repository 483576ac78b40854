"""An engineer's framework page, one competency's card, written in Python.

The page repeats the card for every competency of the level, with the
evidence and both ratings in it: as a template loop (an include for each
rating, a ``{% url %}`` for each link) it was most of the page's rendering.
As in the team table (``growth.views.team``), every value from a person or the
database passes through ``_e``; everything else here is a literal, and the
whole card is marked safe once.
"""

from __future__ import annotations

import html

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from growth.models import Sentiment
from growth.views.links import url_for_ids

_e = html.escape

RATING_BADGE = {"below": "text-bg-warning", "exceeds": "text-bg-primary"}


def links() -> dict[str, str]:
    """The cards' link targets, with ``{}`` for the id."""
    return {
        "note": url_for_ids("feedback-detail"),
        "goal": url_for_ids("goal-detail"),
        "learning": url_for_ids("learning-detail"),
    }


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _day(moment, year: bool = False) -> str:
    """``moment`` as ``date:"j M"`` (``"j M Y"`` with ``year``) writes it, in
    the current zone, without the filter's cost (a card has dozens)."""
    local = moment.astimezone(timezone.get_current_timezone())
    day = f"{local.day} {MONTHS_3[local.month].title()}"
    return f"{day} {local.year}" if year else day


def _evidence(ev, links: dict[str, str]) -> str:
    if ev.empty:
        return (
            '<p class="text-body-secondary small mb-0">None in the last 12 months.</p>'
        )
    items = []
    if ev.note_count:
        n, sentiment, kind = ev.note_count, ev.by_sentiment, ev.by_kind
        notes = " · ".join(
            f'<a href="{links["note"].format(int(note.pk))}">'
            f"{_e(Sentiment(note.sentiment).label.lower())} from "
            f"{_e(note.author or 'a former employee')}, "
            f"{_e(_day(note.created_at))}</a>"
            for note in ev.note_links
        )
        items.append(
            f"<li>{n} note{_plural(n)}: "
            f"{sentiment['praise']} praise, {sentiment['constructive']} constructive; "
            f"{kind['technical']} technical, {kind['interpersonal']} interpersonal. "
            f"{notes}</li>"
        )
    for goal in ev.goals:
        items.append(
            f'<li>Goal <a href="{links["goal"].format(int(goal.pk))}">'
            f"{_e(goal.title)}</a> "
            f"({_e(goal.get_status_display().lower())}, {int(goal.progress)}%)</li>"
        )
    for activity in ev.learning:
        verb = "Led" if activity.led else "Attended"
        items.append(
            f'<li>{verb} <a href="{links["learning"].format(int(activity.pk))}">'
            f"{_e(activity.title)}</a>, {_e(date_format(activity.date, 'j M Y'))}</li>"
        )
    if ev.mentoring:
        m = int(ev.mentoring)
        items.append(f"<li>{m} mentoring check-in{_plural(m)} held as a mentor</li>")
    return f'<ul class="small mb-0">{"".join(items)}</ul>'


def _rating(rating, links: dict[str, str]) -> str:
    """One side's rating: badge, sentence and the evidence the viewer may read."""
    if rating is None:
        return '<span class="text-body-secondary">Not rated.</span>'
    badge = RATING_BADGE.get(rating.rating, "text-bg-success")
    out = f'<span class="badge {badge}">{_e(rating.get_rating_display())}</span>'
    if rating.comment:
        out += f'<p class="note-text mb-1 mt-1">{_e(rating.comment)}</p>'
    cited = rating.links
    items = [
        f'<li><a href="{links["note"].format(int(note.pk))}">'
        f"{_e(Sentiment(note.sentiment).label)}, "
        f"{_e(_day(note.created_at, year=True))}</a></li>"
        for note in cited["notes"]
    ]
    items += [
        f'<li>Goal: <a href="{links["goal"].format(int(goal.pk))}">'
        f"{_e(goal.title)}</a></li>"
        for goal in cited["goals"]
    ]
    items += [
        f'<li>Learning: <a href="{links["learning"].format(int(activity.pk))}">'
        f"{_e(activity.title)}</a></li>"
        for activity in cited["learning"]
    ]
    if items:
        out += f'<ul class="small list-unstyled mb-0">{"".join(items)}</ul>'
    return out


def competency_html(row, *, page, links: dict[str, str]) -> SafeString:
    """The card of one competency (``selectors.framework.Row``) on ``page``.
    Dates are written in the current zone: call it inside the viewer's."""
    # Named by key: the team framework links here as #competency-<key>.
    anchor = f"competency-{_e(row.competency.key)}"
    here = row.expectation.statement if row.expectation else ""
    next_level = ""
    if page.next_level:
        there = (
            row.next_expectation.statement
            if row.next_expectation and row.next_expectation.statement
            else "Not part of the next level."
        )
        next_level = (
            '<p class="small text-body-secondary mb-0">'
            f"At {_e(page.next_level.name)}</p>"
            f'<p class="mb-0">{_e(there)}</p>'
        )
    ratings = ""
    if page.self_assessment or page.manager_assessment:
        ratings = (
            '<div class="row g-3 mt-1"><div class="col-md-6">'
            '<h4 class="h6">Self-assessment</h4>'
            f"{_rating(row.self_rating, links)}</div>"
            '<div class="col-md-6"><h4 class="h6">Manager’s assessment</h4>'
            f"{_rating(row.manager_rating, links)}</div></div>"
        )
    # Safe: every value in it went through _e or int.
    return mark_safe(
        f'<article class="card mb-3" aria-labelledby="{anchor}">'
        '<div class="card-body">'
        f'<h3 class="h6" id="{anchor}">{_e(row.competency.name)}</h3>'
        '<div class="row g-3"><div class="col-md-6">'
        f'<p class="small text-body-secondary mb-0">At {_e(page.level.name)}</p>'
        f'<p class="mb-0">{_e(here)}</p></div>'
        f'<div class="col-md-6">{next_level}</div></div>'
        '<h4 class="h6 mt-3">Evidence</h4>'
        f"{_evidence(row.evidence, links)}{ratings}</div></article>"
    )
