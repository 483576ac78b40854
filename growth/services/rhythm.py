"""Writes of the learning rhythm: a team's cadence, and an engineer's plan for
a learning day and what they did on it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from accounts.models import Team
from growth.models import (
    Competency,
    Engineer,
    Goal,
    LearningDayPlan,
    LearningKind,
    SprintCadence,
)
from growth.services.learning import learning_activity_create, learning_activity_update
from growth.services.notifications import notifications_settle


def sprint_cadence_set(
    *,
    team: Team,
    sprint_weeks: int,
    first_sprint_start: datetime.date,
    learning_weekday: int,
    by,
    now: datetime.datetime,
) -> SprintCadence:
    """Give ``team`` this cadence, replacing the one it had; setting the same
    twice changes nothing more."""
    cadence, _created = SprintCadence.objects.update_or_create(
        team=team,
        defaults={
            "sprint_weeks": sprint_weeks,
            "first_sprint_start": first_sprint_start,
            "learning_weekday": learning_weekday,
            "updated_by": by,
            "updated_at": now,
        },
    )
    return cadence


def _title(competency: Competency | None) -> str:
    return f"Learning day: {competency.name}" if competency else "Learning day"


def learning_day_plan_save(
    *,
    engineer: Engineer,
    day: datetime.date,
    plan: str,
    goal: Goal | None = None,
    competency: Competency | None = None,
    done: str = "",
    hours: Decimal | None = None,
    by,
    now: datetime.datetime,
) -> LearningDayPlan:
    """Save ``engineer``'s plan for ``day``; with ``done`` and ``hours``, log
    what they did as well.

    Logging records (or updates) a learning activity of kind learning day that
    the engineer attended, with those hours and the goal, so the learning
    pages, the dashboard and every count see it. One plan per engineer and
    day: saving again updates it, and its activity, never a second one.
    """
    with transaction.atomic():
        record, _created = LearningDayPlan.objects.get_or_create(
            engineer=engineer, day=day, defaults={"created_at": now}
        )
        # Two saves at once take turns here, so the activity is made once.
        record = LearningDayPlan.objects.select_for_update().get(pk=record.pk)
        record.plan = plan
        record.goal = goal
        record.competency = competency
        fields = ["plan", "goal", "competency", "updated_at"]
        if done and hours is not None:
            record.done, record.hours = done, hours
            record.activity = _log(record, by=by, now=now)
            fields += ["done", "hours", "activity"]
        record.save(update_fields=fields)
        notifications_settle(user=by, url=reverse("learning-days"), now=now)
    return record


def _log(record: LearningDayPlan, *, by, now: datetime.datetime):
    values = {
        "kind": LearningKind.LEARNING_DAY,
        "title": _title(record.competency),
        "description": record.done,
        "date": record.day,
        "hours": record.hours,
        "goal": record.goal,
        # The competency they planned to learn is the logged day's evidence.
        "competency": record.competency,
    }
    activity = record.activity
    if activity is None:
        return learning_activity_create(
            logged_by=by, attendees=[record.engineer], now=now, **values
        )
    # Whoever else the engineer added on the learning pages stays.
    return learning_activity_update(
        activity=activity,
        led_by=activity.led_by,
        attendees=list(activity.attendees.all()),
        **values,
    )
