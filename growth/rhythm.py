"""Sprints and learning days, derived from a team's cadence: pure date
arithmetic, no database.

Sprint ``k`` (from 0) runs ``sprint_weeks`` whole weeks from
``first_sprint_start + k`` sprints; nothing comes before the first. The
learning day after a sprint is the first ``learning_weekday`` strictly after
its last day, so a learning weekday equal to the sprint's last weekday falls a
week later. Dates only: time zones and daylight saving play no part.

``cadence`` is anything with ``sprint_weeks``, ``first_sprint_start`` and
``learning_weekday`` (a ``SprintCadence``, saved or not).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WEEK = 7
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Sprint:
    number: int  # 1 for the first sprint
    start: datetime.date
    end: datetime.date  # its last day
    learning_day: datetime.date  # the learning day after it


def _length(cadence) -> int:
    return WEEK * cadence.sprint_weeks


def _offset(cadence) -> int:
    """Days from a sprint's first day to the learning day after it."""
    last = cadence.first_sprint_start + datetime.timedelta(days=_length(cadence) - 1)
    after = (cadence.learning_weekday - last.weekday() - 1) % WEEK + 1
    return _length(cadence) - 1 + after


def _sprint(cadence, k: int) -> Sprint:
    start = cadence.first_sprint_start + datetime.timedelta(days=_length(cadence) * k)
    return Sprint(
        number=k + 1,
        start=start,
        end=start + datetime.timedelta(days=_length(cadence) - 1),
        learning_day=start + datetime.timedelta(days=_offset(cadence)),
    )


def sprints_between(cadence, start: datetime.date, end: datetime.date) -> list[Sprint]:
    """The sprints with at least one day from ``start`` to ``end`` (inclusive)."""
    length = _length(cadence)
    first = max((start - cadence.first_sprint_start).days // length, 0)
    last = (end - cadence.first_sprint_start).days // length
    return [_sprint(cadence, k) for k in range(first, last + 1)]


def learning_days_between(
    cadence, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The learning days from ``start`` to ``end``, both included, oldest first."""
    length, offset = _length(cadence), _offset(cadence)
    # The k whose learning day first + k * length + offset is within the range.
    first = max(-((offset - (start - cadence.first_sprint_start).days) // length), 0)
    last = ((end - cadence.first_sprint_start).days - offset) // length
    origin = cadence.first_sprint_start + datetime.timedelta(days=offset)
    return [
        origin + datetime.timedelta(days=length * k) for k in range(first, last + 1)
    ]


def next_learning_day(cadence, today: datetime.date) -> datetime.date | None:
    """The first learning day on or after ``today``; None without a cadence."""
    if cadence is None:
        return None
    # Any sprint's length of days from the end of the first sprint on holds
    # exactly one learning day.
    length = datetime.timedelta(days=_length(cadence))
    start = max(today, cadence.first_sprint_start + length)
    (day,) = learning_days_between(cadence, start, start + length - DAY)
    return day


def is_learning_day(cadence, day: datetime.date) -> bool:
    return cadence is not None and learning_days_between(cadence, day, day) == [day]


def sprint_before(cadence, learning_day: datetime.date) -> Sprint | None:
    """The sprint that ``learning_day`` follows, if it is one of the cadence's."""
    if not is_learning_day(cadence, learning_day):
        return None
    k = (learning_day - cadence.first_sprint_start).days // _length(cadence)
    sprint = _sprint(cadence, k)
    if sprint.learning_day != learning_day:
        sprint = _sprint(cadence, k - 1)
    return sprint
