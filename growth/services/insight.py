"""Counting the organisation insight ahead of its readers (growth.InsightCount)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction

from growth import rhythm
from growth.models import Attendance, Engineer, InsightCount, LearningKind
from growth.selectors.insight import (
    CADENCE_FIELDS,
    Raw,
    cadence_of,
    kept_counts,
    months_to,
    organisation_below,
    raw_counts,
    reporting_lines,
)


def insight_counts_refresh(*, now: datetime.datetime) -> int:
    """Count the last months afresh, for everyone and for the organisation of
    each manager of managers, per team and month; return the rows kept.

    Seven queries, then sums in Python: each engineer's counts are read once
    and added into every organisation they belong to. The table is replaced
    in one transaction, so a reader sees the last counting or this one.
    """
    today = now.astimezone(datetime.UTC).date()
    months = months_to(today)
    engineers = Engineer.objects.active()
    people = list(
        engineers.order_by().values_list(
            "pk", "manager_id", "team_id", "start_date", *CADENCE_FIELDS
        )
    )
    raw = raw_counts(
        engineers, [(row[0], row[3]) for row in people], months=months, by="engineer"
    )
    team_of = {row[0]: row[2] for row in people}
    below, heads = reporting_lines((row[0], row[1]) for row in people)
    days_of = _learning_days(people, months)
    loggers = _learning_day_loggers(days_of)
    scopes = {None: set(team_of)}
    for head in heads:
        scopes[head] = organisation_below(head, below)
    rows = []
    for head, members in scopes.items():
        teams: dict[tuple[int, int], Raw] = defaultdict(Raw)
        for pk in members:
            for i in range(len(months)):
                counts = raw.get((pk, i))
                if counts is not None:
                    teams[team_of[pk], i].add(counts)
        in_team: dict[int, set[int]] = defaultdict(set)
        for pk in members:
            in_team[team_of[pk]].add(pk)
        for team_id, team_members in in_team.items():
            for i, day in days_of.get(team_id, ()):
                counts = teams[team_id, i]
                counts.learning_days += 1
                # Held: someone of the team, in this organisation, logged it.
                counts.learning_days_held += bool(loggers[day] & team_members)
        rows.extend(
            InsightCount(
                head_id=head,
                team_id=team_id,
                month=months[i].start,
                engineers=counts.engineers,
                learning_days=counts.learning_days,
                learning_days_held=counts.learning_days_held,
                counted_at=now,
                **kept_counts(counts),
            )
            for (team_id, i), counts in teams.items()
        )
    with transaction.atomic():
        InsightCount.objects.all().delete()
        InsightCount.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _learning_days(people, months) -> dict[int, list[tuple[int, datetime.date]]]:
    """Each team's learning days in ``months``, with the month's index."""
    first, last = months[0], months[-1]
    by_month = {(m.start.year, m.start.month): i for i, m in enumerate(months)}
    days: dict[int, list[tuple[int, datetime.date]]] = {}
    for _pk, _m, team_id, _s, *cadence in people:
        found = cadence_of(team_id, *cadence)
        if team_id in days or found is None:
            continue
        days[team_id] = [
            (by_month[day.year, day.month], day)
            for day in rhythm.learning_days_between(found, first.start, last.as_of)
        ]
    return days


def _learning_day_loggers(days_of) -> dict[datetime.date, set[int]]:
    """Who logged a learning day on each of the learning days: one query."""
    dates = sorted({day for days in days_of.values() for _i, day in days})
    loggers: dict[datetime.date, set[int]] = defaultdict(set)
    for engineer_id, day in (
        Attendance.objects.filter(
            date__in=dates, learningactivity__kind=LearningKind.LEARNING_DAY
        )
        .order_by()
        .values_list("engineer_id", "date")
    ):
        loggers[day].add(engineer_id)
    return loggers
