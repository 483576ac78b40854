"""Logging learning time: one activity, its attendees and what it counts towards."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from growth.models import Engineer, Goal, LearningActivity


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
            logged_by=logged_by,
            created_at=now,
        )
        activity.attendees.set(attendees)
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
    }
    with transaction.atomic():
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.save(update_fields=[*fields, "updated_at"])
        activity.attendees.set(attendees)
    return activity
