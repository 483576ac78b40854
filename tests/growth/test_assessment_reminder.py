"""The assessment-age reminder: an engineer hears when their latest shared
self-assessment is 180 days old, their manager when their latest shared
manager assessment is; in each person's morning, once per lapse, names,
dates and links only.

The cast (tests/conftest.py): skip manages mia, max, cora and olivia; mia
manages alice and bob. Everyone started on 1 January 2025 here.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from growth.models import (
    AssessmentRole,
    Engineer,
    Notification,
    Reminder,
    ReminderKind,
)
from growth.reminders import deliver, plan, sweep
from tests.framework_support import make_assessment
from tests.reminders_support import memory_broker, only_rules, utc

pytestmark = pytest.mark.django_db

KIND = ReminderKind.ASSESSMENT_DUE
NOW = utc(2026, 11, 30, 9)  # Monday 09:00 UTC
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
COMMENT = "assessment-comment-that-stays-home"


@pytest.fixture(autouse=True)
def broker():
    yield from memory_broker()


@pytest.fixture
def org(cast):
    only_rules(KIND)
    Engineer.objects.update(start_date=datetime.date(2025, 1, 1))
    # Everyone up to date, except what a test takes back.
    for engineer in Engineer.objects.select_related("manager__user", "user"):
        make_assessment(engineer, role=AssessmentRole.SELF, shared_at=NOW - 10 * DAY)
        if engineer.manager:
            make_assessment(engineer, shared_at=NOW - 10 * DAY)
    return cast


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now, kinds=[KIND])

    return run


def due(now=NOW) -> dict[int, list[tuple[str, bool]]]:
    """Recipient user id → (name, own?) of each subject their reminder lists."""
    return {
        p.recipient_id: [(item["name"], item["own"]) for item in p.items]
        for p in plan(now=now, kinds=[KIND])
    }


def age(engineer, role: str, days: int, comment: str = "") -> None:
    """Make ``engineer``'s latest shared assessment of ``role`` ``days`` old."""
    engineer.assessments.filter(role=role).delete()
    make_assessment(
        engineer,
        role=role,
        shared_at=NOW - days * DAY,
        ratings={"code-quality": ("meets", comment)} if comment else None,
    )


def test_nobody_is_due_while_every_assessment_is_recent(org):
    assert due() == {}


def test_the_engineer_hears_when_their_self_assessment_is_180_days_old(org):
    age(org.alice, AssessmentRole.SELF, 179)
    assert due() == {}
    age(org.alice, AssessmentRole.SELF, 180)
    assert due() == {org.alice.user_id: [("Alice Engineer", True)]}


def test_the_manager_hears_of_every_report_in_one_reminder(org):
    age(org.alice, AssessmentRole.MANAGER, 200)
    org.bob.assessments.filter(role=AssessmentRole.MANAGER).delete()
    assert due() == {
        org.mia.user_id: [("Alice Engineer", False), ("Bob Peer", False)],
    }


def test_a_draft_does_not_count_only_a_shared_one(org):
    age(org.alice, AssessmentRole.SELF, 200)
    make_assessment(org.alice, role=AssessmentRole.SELF)  # a fresh draft
    assert org.alice.user_id in due()


def test_with_none_it_is_due_180_days_after_they_started(org):
    org.alice.assessments.all().delete()
    Engineer.objects.filter(pk=org.alice.pk).update(start_date=NOW.date() - 179 * DAY)
    assert due() == {}
    Engineer.objects.filter(pk=org.alice.pk).update(start_date=NOW.date() - 180 * DAY)
    assert due() == {
        org.alice.user_id: [("Alice Engineer", True)],
        org.mia.user_id: [("Alice Engineer", False)],
    }


def test_someone_without_a_level_is_not_assessed_so_not_reminded(org):
    org.alice.assessments.all().delete()
    Engineer.objects.filter(pk=org.alice.pk).update(level=None)
    assert due() == {}


def test_it_arrives_in_the_recipients_morning(org, run):
    age(org.alice, AssessmentRole.SELF, 200)
    org.alice.user.time_zone = "America/Los_Angeles"
    org.alice.user.save(update_fields=["time_zone"])
    run(NOW)  # 01:00 in Los Angeles
    assert not Reminder.objects.exists()
    run(utc(2026, 11, 30, 17))  # 09:00 there
    assert Reminder.objects.get().recipient == org.alice.user


def test_two_sweeps_remind_once_and_again_only_when_another_falls_due(org, run):
    age(org.alice, AssessmentRole.MANAGER, 200)
    run(NOW)
    run(NOW + 30 * MINUTE)
    tick = NOW + 3 * DAY
    while tick < NOW + 40 * DAY:  # into the next month: still once
        run(tick)
        tick += 3 * DAY
    assert Reminder.objects.filter(recipient=org.mia.user).count() == 1
    assert Notification.objects.filter(recipient=org.mia.user).count() == 1
    # Bob's falls due later: one more, listing both.
    age(org.bob, AssessmentRole.MANAGER, 200 - 50)
    run(NOW + 50 * DAY)
    latest = Reminder.objects.filter(recipient=org.mia.user).order_by("pk").last()
    assert Reminder.objects.filter(recipient=org.mia.user).count() == 2
    assert [item["name"] for item in latest.payload["items"]] == [
        "Alice Engineer",
        "Bob Peer",
    ]


def test_assessing_the_latest_report_does_not_tell_again_of_an_earlier_one(org, run):
    age(org.alice, AssessmentRole.MANAGER, 200)
    age(org.bob, AssessmentRole.MANAGER, 190)
    run(NOW)
    told = Reminder.objects.get(recipient=org.mia.user)
    assert [item["name"] for item in told.payload["items"]] == [
        "Alice Engineer",
        "Bob Peer",
    ]
    age(org.bob, AssessmentRole.MANAGER, 0)  # mia assesses bob
    assert due(NOW + DAY) == {}
    run(NOW + DAY)
    assert list(Reminder.objects.filter(recipient=org.mia.user)) == [told]


def test_a_long_due_report_who_moves_in_is_told_of_the_next_morning(org, run):
    age(org.alice, AssessmentRole.MANAGER, 200)
    run(NOW)
    # Carol, with no manager assessment: due since June 2025, long before
    # what mia was told of. She moves to mia.
    run(NOW + 2 * DAY)
    assert Reminder.objects.filter(recipient=org.mia.user).count() == 1
    Engineer.objects.filter(pk=org.carol.pk).update(manager=org.mia)
    run(NOW + 3 * DAY)
    run(NOW + 3 * DAY + 30 * MINUTE)  # a later sweep that morning: nothing more
    latest = Reminder.objects.filter(recipient=org.mia.user).order_by("pk").last()
    assert Reminder.objects.filter(recipient=org.mia.user).count() == 2
    assert latest.period_key == "due-2026-12-03"
    assert [item["name"] for item in latest.payload["items"]] == [
        "Alice Engineer",
        "Carol Outsider",
    ]
    tick = NOW + 4 * DAY
    while tick < NOW + 40 * DAY:  # both told: not again
        run(tick)
        tick += 3 * DAY
    assert Reminder.objects.filter(recipient=org.mia.user).count() == 2


def test_after_a_new_assessment_it_stops(org, run):
    age(org.alice, AssessmentRole.SELF, 200)
    run(NOW)
    age(org.alice, AssessmentRole.SELF, 0)
    assert due(NOW + DAY) == {}


def test_the_rule_is_data(org):
    age(org.alice, AssessmentRole.SELF, 40)
    assert due() == {}
    only_rules(KIND, cadence_days=30)
    assert org.alice.user_id in due()


def test_the_email_carries_names_dates_and_links_never_a_comment(org, run):
    age(org.alice, AssessmentRole.SELF, 200, comment=COMMENT)
    age(org.bob, AssessmentRole.MANAGER, 190, comment=COMMENT)
    run(NOW)
    for reminder in Reminder.objects.all():
        deliver(reminder.pk)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    alice = by_recipient[org.alice.user.email]
    assert alice.subject == "Time to update your self-assessment"
    assert "/me/framework/" in alice.body
    mia = by_recipient[org.mia.user.email]
    assert mia.subject == "Framework assessment due for Bob Peer"
    assert f"/engineers/{org.bob.pk}/framework/" in mia.body
    assert "190 days ago" in mia.body
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert COMMENT not in message.body and COMMENT not in html
