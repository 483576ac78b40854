"""The learning-day reminder: the day before, in each person's morning, once
per learning day, never with what anyone planned."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from growth.models import (
    LearningDayPlan,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
    SprintCadence,
)
from growth.reminders import deliver, sweep
from tests.reminders_support import memory_broker, only_rules, utc

pytestmark = pytest.mark.django_db

KIND = ReminderKind.LEARNING_DAY
# Two-week sprints from Monday 16 November 2026 end on Sundays; the learning
# day is the Tuesday after: 1 December, then 15 December.
FIRST = datetime.date(2026, 11, 16)
DAY = datetime.date(2026, 12, 1)
MONDAY_MORNING = utc(2026, 11, 30, 9)
MINUTE = datetime.timedelta(minutes=1)
PLAN_TEXT = "plan-text-that-must-stay-home"


@pytest.fixture(autouse=True)
def broker():
    yield from memory_broker()


@pytest.fixture
def platform(cast):
    """The platform team (skip, mia, alice, bob) has a rhythm; data has none."""
    only_rules(KIND)
    SprintCadence.objects.create(
        team=cast.platform, sprint_weeks=2, first_sprint_start=FIRST, learning_weekday=1
    )
    return cast


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now, kinds=[KIND])

    return run


def reminded() -> set[tuple[int, str]]:
    return set(
        Reminder.objects.filter(kind=KIND).values_list("recipient", "period_key")
    )


def test_the_team_hears_the_day_before_with_the_day_as_the_period(platform, run):
    run(MONDAY_MORNING)
    people = (platform.skip, platform.mia, platform.alice, platform.bob)
    assert reminded() == {(p.user_id, "2026-12-01") for p in people}


def test_nobody_hears_before_the_send_hour_two_days_before_or_on_the_day(platform, run):
    run(utc(2026, 11, 30, 8, 59))
    run(utc(2026, 11, 29, 9))
    run(utc(2026, 12, 1, 9))
    assert reminded() == set()


def test_each_hears_in_their_own_morning(platform, run):
    for person, zone in (
        (platform.alice, "Asia/Tokyo"),
        (platform.bob, "America/Los_Angeles"),
    ):
        person.user.time_zone = zone
        person.user.save(update_fields=["time_zone"])
    tick = utc(2026, 11, 28, 0)
    while tick < utc(2026, 12, 2, 12):
        run(tick)
        tick += 15 * MINUTE
    sent = dict(
        Reminder.objects.filter(kind=KIND).values_list("recipient", "created_at")
    )
    assert sent[platform.alice.user_id] == utc(2026, 11, 30, 0)  # 09:00 in Tokyo
    assert sent[platform.bob.user_id] == utc(2026, 11, 30, 17)  # 09:00 in LA
    assert sent[platform.mia.user_id] == utc(2026, 11, 30, 9)  # 09:00 UTC
    assert Reminder.objects.filter(kind=KIND).count() == 4


def test_two_sweeps_remind_once_per_learning_day_and_again_for_the_next(platform, run):
    run(MONDAY_MORNING)
    run(MONDAY_MORNING + 30 * MINUTE)
    assert Reminder.objects.filter(recipient=platform.alice.user).count() == 1
    assert Notification.objects.filter(recipient=platform.alice.user).count() == 1
    run(utc(2026, 12, 14, 9))
    keys = Reminder.objects.filter(recipient=platform.alice.user)
    assert sorted(keys.values_list("period_key", flat=True)) == [
        "2026-12-01",
        "2026-12-15",
    ]


def test_the_rule_is_data_and_can_say_two_days_before(platform, run):
    only_rules(KIND, cadence_days=2)
    run(MONDAY_MORNING)
    assert reminded() == set()
    run(utc(2026, 11, 29, 9))
    assert (platform.alice.user_id, "2026-12-01") in reminded()


def test_a_disabled_rule_reminds_nobody(platform, run):
    only_rules(ReminderKind.FEEDBACK_DUE)
    run(MONDAY_MORNING)
    assert reminded() == set()


def test_an_opted_out_person_gets_the_notice_but_no_email(platform, run):
    ReminderPreference.objects.create(
        user=platform.alice.user, kind=KIND, email_enabled=False
    )
    run(MONDAY_MORNING)
    reminder = Reminder.objects.get(recipient=platform.alice.user)
    assert reminder.status == ReminderStatus.SKIPPED
    assert deliver(reminder.pk) is None
    assert [m for m in mail.outbox if platform.alice.user.email in m.to] == []


def test_inactive_people_are_not_reminded(platform, run):
    platform.alice.is_active = False
    platform.alice.save(update_fields=["is_active"])
    platform.bob.user.is_active = False
    platform.bob.user.save(update_fields=["is_active"])
    run(MONDAY_MORNING)
    assert {user for user, _ in reminded()} == {
        platform.skip.user_id,
        platform.mia.user_id,
    }


def test_the_email_names_the_day_and_links_but_carries_no_plan(platform, run):
    LearningDayPlan.objects.create(engineer=platform.alice, day=DAY, plan=PLAN_TEXT)
    run(MONDAY_MORNING)
    reminder = Reminder.objects.get(recipient=platform.alice.user)
    assert deliver(reminder.pk) == ReminderStatus.SENT
    (message,) = [m for m in mail.outbox if m.to == [platform.alice.user.email]]
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html, str(reminder.payload)):
        assert PLAN_TEXT not in text
    assert message.subject == "Your learning day is tomorrow, Tuesday 1 December"
    assert "Platform's learning day after the sprint is Tuesday 1 December 2026" in (
        message.body
    )
    assert "You have said what you plan to learn" in message.body
    assert "/learning-days/" in message.body
    assert "/learning-days/" in html
    notice = Notification.objects.get(recipient=platform.alice.user)
    assert notice.url == "/learning-days/"
    assert PLAN_TEXT not in notice.message


def test_someone_without_a_plan_is_asked_for_one(platform, run):
    run(MONDAY_MORNING)
    reminder = Reminder.objects.get(recipient=platform.bob.user)
    deliver(reminder.pk)
    (message,) = [m for m in mail.outbox if m.to == [platform.bob.user.email]]
    assert "Say what you plan to learn" in message.body


def test_the_sweep_reads_everyone_in_one_query(platform, django_assert_max_num_queries):
    from growth.models import ReminderRule
    from growth.reminders.rules import Clock, learning_day

    rule = ReminderRule.objects.get(kind=KIND)
    with django_assert_max_num_queries(1):
        rows = learning_day(rule, Clock(MONDAY_MORNING))
    assert len(rows) == 4
