"""Logging learning time: one activity, its attendees and what it counts towards."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from growth.models import Attendance, Competency, Engineer, Goal, LearningActivity


def learning_activity_create(
    *,
    logged_by,
    kind: str,
    title: str,
    description: str = "",
    date: datetime.date,
    hours: Decimal,
    led_by: Engineer | None = None,
    attendees: Iterable[Engineer] = (),
    goal: Goal | None = None,
    competency: Competency | None = None,
    now: datetime.datetime,
) -> LearningActivity:
    """Record an activity ``logged_by`` took part in or ran, with who attended."""
    with transaction.atomic():
        activity = LearningActivity.objects.create(
            kind=kind,
            title=title,
            description=description,
            date=date,
            hours=hours,
            led_by=led_by,
            goal=goal,
            competency=competency,
            logged_by=logged_by,
            created_at=now,
        )
        learning_attendees_set(activity=activity, attendees=attendees)
    return activity


def learning_activity_update(
    *,
    activity: LearningActivity,
    kind: str,
    title: str,
    description: str = "",
    date: datetime.date,
    hours: Decimal,
    led_by: Engineer | None = None,
    attendees: Iterable[Engineer] = (),
    goal: Goal | None = None,
    competency: Competency | None = None,
) -> LearningActivity:
    """Change an activity and replace its attendees."""
    fields = {
        "kind": kind,
        "title": title,
        "description": description,
        "date": date,
        "hours": hours,
        "led_by": led_by,
        "goal": goal,
        "competency": competency,
    }
    with transaction.atomic():
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.save(update_fields=[*fields, "updated_at"])
        learning_attendees_set(activity=activity, attendees=attendees)
    return activity


def learning_attendees_set(
    *, activity: LearningActivity, attendees: Iterable[Engineer]
) -> None:
    """Make ``attendees`` the people who attended the saved ``activity``, every
    attendance dated as the activity is.

    The dashboard reads an engineer's learning by the attendances' dates alone,
    so each write of an activity's date or attendees goes through here.
    """
    with transaction.atomic():
        activity.attendees.set(attendees, through_defaults={"date": activity.date})
        # set() keeps whoever was already there as they were: on the old date.
        Attendance.objects.filter(learningactivity=activity).exclude(
            date=activity.date
        ).update(date=activity.date)
