"""Goals and their check-ins: creating, changing, recording progress.

The views decide who may call these (through the policy's querysets); these
decide what is valid, and write.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction

from growth.history import record_change
from growth.models import (
    Competency,
    Engineer,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    GoalStatus,
)
from growth.services.links import work_links_read, work_links_replace
from growth.services.validation import validate

# A new goal may be back-dated a little (a goal met last week, a time zone
# ahead of the server), but not set for a date long gone.
TARGET_DATE_GRACE = datetime.timedelta(days=7)


def _touch(goal: Goal, now: datetime.datetime, *, by, **fields) -> None:
    """Write ``fields`` and ``updated_at=now`` (auto_now would take the clock);
    a change of ``fields`` goes into the goal's history as made ``by`` them."""
    Goal.objects.filter(pk=goal.pk).update(updated_at=now, **fields)
    goal.updated_at = now
    for name, value in fields.items():
        setattr(goal, name, value)
    if fields:
        record_change(goal, by=by, when=now)


@transaction.atomic
def goal_create(
    *,
    engineer: Engineer,
    created_by,
    title: str,
    kind: str,
    description: str = "",
    competency: Competency | None = None,
    target_date: datetime.date | None = None,
    now: datetime.datetime,
) -> Goal:
    """Set a new active goal for ``engineer``, at 0 %."""
    goal = Goal(
        engineer=engineer,
        created_by=created_by,
        title=(title or "").strip(),
        description=description or "",
        kind=kind,
        competency=competency,
        target_date=target_date,
        status=GoalStatus.ACTIVE,
        progress=0,
        created_at=now,
    )
    errors = {}
    if target_date is not None and target_date < now.date() - TARGET_DATE_GRACE:
        errors["target_date"] = [
            "A new goal needs a target date from last week onwards, not "
            f"{target_date:%d %b %Y}."
        ]
    if competency is not None and not competency.is_active:
        errors["competency"] = [f"{competency} is retired; pick a current one."]
    validate(goal, errors)
    # The history's first row names who set the goal, in a request or not;
    # then it goes, or it would name them for every later change too.
    goal._history_user = created_by
    goal.save(force_insert=True)
    del goal._history_user
    _touch(goal, now, by=created_by)
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    title: str,
    kind: str,
    description: str = "",
    competency: Competency | None = None,
    target_date: datetime.date | None = None,
    status: str,
    by,
    now: datetime.datetime,
) -> Goal:
    """Change a goal's wording, dates or status (active, achieved, abandoned),
    as ``by``.

    Progress changes only through check-ins, so it keeps its history.
    """
    previous_competency = (
        Goal.objects.filter(pk=goal.pk).values_list("competency_id", flat=True).first()
    )
    fields = {
        "title": (title or "").strip(),
        "description": description or "",
        "kind": kind,
        "competency": competency,
        "target_date": target_date,
        "status": status,
    }
    for name, value in fields.items():
        setattr(goal, name, value)
    errors = {}
    if (
        competency is not None
        and not competency.is_active
        and competency.pk != previous_competency
    ):
        errors["competency"] = [f"{competency} is retired; pick a current one."]
    validate(goal, errors)
    _touch(goal, now, by=by, **fields)
    return goal


@transaction.atomic
def goal_check_in_create(
    *,
    goal: Goal,
    author,
    progress: int,
    note: str = "",
    links: Sequence[str] = (),
    now: datetime.datetime,
) -> GoalCheckIn:
    """Record progress on an active goal; the goal takes the new progress.
    ``links`` are the addresses of the work it is about (``growth.links``).

    Reaching 100 % does not mark the goal achieved: that is the engineer's or
    manager's call, in the goal's edit form (a mentor checks in but cannot edit).
    """
    errors = {}
    if goal.status != GoalStatus.ACTIVE:
        errors[NON_FIELD_ERRORS] = [
            f"This goal is {goal.get_status_display().lower()}; reopen it to record "
            "progress."
        ]
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = ["Progress must be a whole number from 0 to 100."]
        progress = 0  # keep the model's own check from repeating the message
    work_links, link_errors = work_links_read(links)
    if link_errors:
        errors["links"] = link_errors
    check_in = GoalCheckIn(
        goal=goal,
        author=author,
        progress=progress,
        note=(note or "").strip(),
        created_at=now,
    )
    validate(check_in, errors)
    check_in.save(force_insert=True)
    if work_links:
        work_links_replace(owner=check_in, links=work_links, by=author, now=now)
    _touch(goal, now, by=author, progress=progress)
    return check_in


@transaction.atomic
def goal_create_from_note(
    *,
    note: FeedbackNote,
    created_by,
    title: str,
    kind: str,
    description: str = "",
    competency: Competency | None = None,
    target_date: datetime.date | None = None,
    now: datetime.datetime,
) -> Goal:
    """Turn shared feedback into a goal for its engineer, and link the note to it."""
    goal = goal_create(
        engineer=note.engineer,
        created_by=created_by,
        title=title,
        kind=kind,
        description=description,
        competency=competency,
        target_date=target_date,
        now=now,
    )
    # update(), not save(): linking a goal is not an edit of the author's note,
    # but it is a change the note's history keeps.
    FeedbackNote.objects.filter(pk=note.pk).update(goal=goal)
    note.goal = goal
    record_change(note, by=created_by, when=now)
    return goal
