"""Keeping the links of a note or a goal check-in: what the person typed,
read and checked (``growth.links``), replacing what it had.

The note's and check-in's own services call these inside their transaction,
so a bad link refuses the whole save and nothing is half-written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from growth.links import WorkLinkData, read_links
from growth.models import FeedbackNote, GoalCheckIn, WorkLink


def work_links_read(links: Iterable[str] | None) -> tuple[list[WorkLinkData], list]:
    """The links in ``links`` (plain strings: an address, then optionally a
    few words naming it), and the problems found with them (empty when none)."""
    if links is None:
        return [], []
    if isinstance(links, str):
        links = links.splitlines()
    try:
        return read_links(links), []
    except ValidationError as error:
        return [], error.messages


def work_links_replace(
    *,
    owner: FeedbackNote | GoalCheckIn,
    links: list[WorkLinkData],
    by,
    now: datetime.datetime,
) -> list[WorkLink]:
    """Make ``owner``'s links exactly ``links``, in that order: an address kept
    keeps its row (and its history), one gone is deleted, a new one added.
    Each change is a version in the links' history, made ``by`` at ``now``."""
    if isinstance(owner, FeedbackNote):
        mine = {"note": owner}
        engineer_id = owner.engineer_id
    else:
        mine = {"goal_check_in": owner}
        engineer_id = owner.goal.engineer_id
    current = {link.url: link for link in WorkLink.objects.filter(**mine)}
    wanted = {link.url for link in links}
    for url, row in current.items():
        if url not in wanted:
            row._history_user, row._history_date = by, now
            row.delete()
    kept = []
    for position, link in enumerate(links):
        row = current.get(link.url)
        fields = {
            "kind": link.kind,
            "host": link.host,
            "label": link.label,
            "title": link.title,
            "position": position,
        }
        if row is None:
            row = WorkLink(
                **mine, engineer_id=engineer_id, url=link.url, created_at=now, **fields
            )
        elif all(getattr(row, name) == value for name, value in fields.items()):
            kept.append(row)
            continue
        else:
            for name, value in fields.items():
                setattr(row, name, value)
        row._history_user, row._history_date = by, now
        row.save()
        kept.append(row)
    return kept
