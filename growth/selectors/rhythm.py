"""Reads for the learning rhythm: a team's cadence, the learning days derived
from it, and an engineer's plans for them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import CharField, DateField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import Team
from growth import policy, rhythm
from growth.models import Engineer, LearningDayPlan, SprintCadence
from growth.policy import Access

# How far back the learning-days page lists past learning days.
PAST_DAYS = 182
PAST_SHOWN = 12
# How far back a learning day may still be logged.
LOG_DAYS_BACK = 365

# What the growth dashboard's engineer read carries for the card (the fields
# of ``select_related("team__cadence")`` and the annotations below).
CADENCE_FIELDS = (
    "team__cadence__sprint_weeks",
    "team__cadence__first_sprint_start",
    "team__cadence__learning_weekday",
)


def cadence_of(team: Team | None) -> SprintCadence | None:
    """The team's cadence, already read with it, or None."""
    if team is None:
        return None
    try:
        return team.cadence
    except ObjectDoesNotExist:
        return None


# --- the dashboard's card ----------------------------------------------------------


def latest_plan_annotations() -> dict:
    """The engineer's latest learning-day plan, as subqueries of the dashboard's
    read of the engineer rather than a query of its own.

    Plain SQL, as ``leadership_counts``: the ORM took longer to build the
    three subqueries than the database took to run them."""
    q = connection.ops.quote_name
    latest = (
        f"FROM {q(LearningDayPlan._meta.db_table)} p"
        f" WHERE p.engineer_id = {q(Engineer._meta.db_table)}.id"
        " ORDER BY p.day DESC LIMIT 1"
    )

    def field(column: str, output) -> RawSQL:
        return RawSQL(f"(SELECT p.{column} {latest})", (), output)

    return {
        "latest_plan_day": field("day", DateField()),
        "latest_plan_text": field("plan", CharField()),
        "latest_plan_activity": field("activity_id", IntegerField()),
    }


@dataclass(frozen=True)
class LearningDayCard:
    team: str
    next_day: datetime.date
    sprint_number: int
    # The plan for the next learning day, if there is one ("" when none).
    plan: str
    planned: bool
    # The last learning day, planned but not logged yet, if there is one.
    to_log: datetime.date | None


def learning_day_card(engineer: Engineer, *, today: datetime.date):
    """The card for ``engineer``'s dashboard, from what its read carries
    (``latest_plan_annotations``, the team and its cadence); None without a
    cadence. Reads nothing more."""
    cadence = cadence_of(engineer.team)
    if cadence is None:
        return None
    next_day = rhythm.next_learning_day(cadence, today)
    sprint = rhythm.sprint_before(cadence, next_day)
    day = getattr(engineer, "latest_plan_day", None)
    planned = day == next_day
    to_log = None
    if day is not None and day <= today and not engineer.latest_plan_activity:
        to_log = day
    return LearningDayCard(
        team=engineer.team.name,
        next_day=next_day,
        sprint_number=sprint.number if sprint else 0,
        plan=engineer.latest_plan_text if planned else "",
        planned=planned,
        to_log=to_log,
    )


# --- the learning-days page --------------------------------------------------------


def rhythm_engineer(access: Access, pk: int) -> Engineer:
    """Engineer ``pk`` with their team and its cadence, if ``access`` may read
    their plans; else a 404."""
    if not access.follows(pk):
        raise Http404("No such engineer among the people you follow.")
    return Engineer.objects.filter(pk=pk).select_related("user", "team__cadence").get()


@dataclass(frozen=True)
class LearningDay:
    day: datetime.date
    plan: LearningDayPlan | None
    sprint_number: int  # 0 when the day is no longer one of the cadence's


@dataclass(frozen=True)
class LearningDays:
    engineer: Engineer
    cadence: SprintCadence | None
    today: datetime.date
    next: LearningDay | None
    past: list[LearningDay]


def _sprint_number(cadence, day: datetime.date) -> int:
    sprint = rhythm.sprint_before(cadence, day) if cadence else None
    return sprint.number if sprint else 0


def learning_days(access: Access, engineer: Engineer, *, today: datetime.date):
    """The next learning day and the past ones (newest first), each with the
    engineer's plan: one query, for the plans. A plan on a day the cadence no
    longer has (it changed since) is still listed."""
    cadence = cadence_of(engineer.team)
    next_day = rhythm.next_learning_day(cadence, today)
    since = today - datetime.timedelta(days=PAST_DAYS)
    days = (
        set(rhythm.learning_days_between(cadence, since, today)) if cadence else set()
    )
    latest = next_day or today
    plans = {
        plan.day: plan
        for plan in LearningDayPlan.objects.visible_to(access)
        .filter(engineer=engineer, day__gte=since, day__lte=latest)
        .select_related("goal", "competency")
    }
    days |= {day for day in plans if day < (next_day or today + datetime.timedelta(1))}
    days.discard(next_day)
    past = [
        LearningDay(day, plans.get(day), _sprint_number(cadence, day))
        for day in sorted(days, reverse=True)[:PAST_SHOWN]
    ]
    upcoming = None
    if next_day is not None:
        upcoming = LearningDay(
            next_day, plans.get(next_day), _sprint_number(cadence, next_day)
        )
    return LearningDays(engineer, cadence, today, upcoming, past)


def editable_day(
    access: Access, engineer: Engineer, day: datetime.date, *, today: datetime.date
) -> LearningDayPlan | None:
    """The engineer's plan for ``day`` if they may plan or log it (it is the
    next learning day, or a past one within a year, or a day they planned
    already), else a 404."""
    if engineer.pk not in access.own_ids:
        raise Http404("Only the engineer plans their learning day.")
    plan = (
        LearningDayPlan.objects.editable_by(access)
        .filter(engineer=engineer, day=day)
        .select_related("goal", "competency", "activity")
        .first()
    )
    if plan is not None:
        return plan
    cadence = cadence_of(engineer.team)
    in_reach = (
        today - datetime.timedelta(days=LOG_DAYS_BACK)
        <= day
        <= (rhythm.next_learning_day(cadence, today) or today)
    )
    if not (in_reach and rhythm.is_learning_day(cadence, day)):
        raise Http404("That is not one of your team's learning days.")
    return None


# --- the team's rhythm -------------------------------------------------------------


def cadence_teams(access: Access) -> QuerySet:
    """Teams whose cadence ``access`` sets, with their cadence, by name."""
    return policy.cadence_teams(access, Team.objects.all()).select_related("cadence")


@dataclass(frozen=True)
class TeamRhythm:
    team: Team
    cadence: SprintCadence | None
    next_day: datetime.date | None


def team_rhythms(access: Access, *, today: datetime.date) -> list[TeamRhythm]:
    rows = []
    for team in cadence_teams(access).order_by("name"):
        cadence = cadence_of(team)
        rows.append(TeamRhythm(team, cadence, rhythm.next_learning_day(cadence, today)))
    return rows
