"""A team's learning day in a real browser: the manager sets the sprint
rhythm on the team page, the engineer sees the next learning day on their
dashboard and plans it, is reminded the day before, and after the day logs
what they did, which shows on their learning page."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from growth.models import (
    LearningActivity,
    LearningDayPlan,
    LearningKind,
    Reminder,
    ReminderKind,
    SprintCadence,
)
from growth.reminders import deliver, sweep
from tests.reminders_support import only_rules

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def _next_monday() -> datetime.date:
    # Forward, never back: the browser keeps cookies by its own, real clock.
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _long(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def test_a_learning_day_is_set_seen_planned_reminded_and_logged(cast, open_page):
    monday = _next_monday()
    # One-week sprints from the Monday before: the first ends on Sunday, and
    # the learning day is the Wednesday after it.
    learning_day = monday + datetime.timedelta(days=2)
    only_rules(ReminderKind.LEARNING_DAY)
    with time_machine.travel(_at(monday, 10), tick=True) as clock:
        manager = open_page(cast.mia.user.email)
        manager.goto("/team/")
        manager.get_by_role("link", name="Sprint rhythm and learning days").click()
        manager.wait_for_url(re.compile(r"/team/rhythm/$"))
        manager.get_by_role("link", name="Set Platform’s rhythm").click()
        manager.get_by_label("Sprint length in weeks").fill("1")
        start = monday - datetime.timedelta(days=7)
        manager.get_by_label("A sprint started on").fill(start.isoformat())
        manager.get_by_label("Learning day").select_option(label="Wednesday")
        manager.get_by_role("button", name="Save the rhythm").click()
        manager.wait_for_url(re.compile(r"/team/rhythm/$"))
        manager.get_by_text(
            f"the next learning day is {_long(learning_day)}"
        ).wait_for()
        cadence = SprintCadence.objects.get(team=cast.platform)
        assert (cadence.sprint_weeks, cadence.learning_weekday) == (1, 2)

        engineer = open_page(cast.alice.user.email)
        engineer.goto("/me/")
        card = engineer.get_by_role("region", name="Learning day")
        card.get_by_text(_long(learning_day)).wait_for()
        card.get_by_role("link", name="Say what you plan to learn").click()
        engineer.wait_for_url(re.compile(r"/learning-days/$"))
        engineer.get_by_label("What I plan to learn").fill("Tracing with OpenTelemetry")
        engineer.get_by_label("Competency").select_option(label="Production & MLOps")
        engineer.get_by_role("button", name="Plan it").click()
        engineer.get_by_text(f"Saved your plan for {_long(learning_day)}.").wait_for()
        plan = LearningDayPlan.objects.get(engineer=cast.alice)
        assert (plan.day, plan.plan) == (learning_day, "Tracing with OpenTelemetry")
        engineer.goto("/me/")
        engineer.get_by_text("Plan: Tracing with OpenTelemetry").wait_for()

        # The day before, in her morning (09:00 UTC), beat's sweep runs.
        sweep(now=_at(learning_day - datetime.timedelta(days=1), 9))
        reminder = Reminder.objects.get(
            recipient=cast.alice.user, kind=ReminderKind.LEARNING_DAY
        )
        assert reminder.period_key == learning_day.isoformat()
        deliver(reminder.pk)
        (email,) = [m for m in mail.outbox if m.to == [cast.alice.user.email]]
        assert email.subject == f"Your learning day is tomorrow, {_long(learning_day)}"
        assert "Tracing" not in email.body
        engineer.goto("/notifications/")
        engineer.get_by_text(email.subject).wait_for()

        # The day after the learning day, she logs what she did.
        clock.move_to(_at(learning_day + datetime.timedelta(days=1), 10))
        engineer.goto("/learning-days/")
        engineer.get_by_role("link", name=re.compile("Log what I did")).click()
        engineer.get_by_label("What I did").fill("Traced the checkout service")
        engineer.get_by_label("Hours").fill("6.5")
        engineer.get_by_role("button", name="Save").click()
        engineer.wait_for_url(re.compile(r"/learning-days/$"))
        engineer.get_by_text(
            f"Logged 6.5 hours of learning on {_long(learning_day)}."
        ).wait_for()
        activity = LearningActivity.objects.get(kind=LearningKind.LEARNING_DAY)
        assert (activity.date, str(activity.hours)) == (learning_day, "6.5")

        engineer.get_by_role("link", name="All my learning").click()
        engineer.wait_for_url(re.compile(r"/learning/\?tab=mine"))
        hours = engineer.get_by_role("table").first
        assert "6.5" in hours.inner_text()
