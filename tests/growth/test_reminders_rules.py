"""Who is due which reminder, and when: each rule with time frozen by ``now``.

The cast (tests/conftest.py): skip manages mia, max, cora and olivia; mia
manages alice and bob; max mentors alice; cora mentors (coaches) max; olivia's
mentorship of alice has ended. Everyone lives in UTC unless a test moves them.
Monday 30 November 2026 starts ISO week 2026-W49.
"""

import datetime

import pytest

from accounts.models import User
from growth.models import (
    CheckInKind,
    ReminderKind,
    RequestStatus,
    Visibility,
)
from growth.reminders import plan
from growth.reminders.planning import is_send_time, period_key
from tests import factories
from tests.reminders_support import at, seed_defaults, set_rule, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)  # Monday, 09:00 UTC: every default send hour has come
TODAY = NOW.date()


def days_ago(days: int, hour: int = 8) -> datetime.datetime:
    return utc(2026, 11, 30, hour) - datetime.timedelta(days=days)


@pytest.fixture
def org(cast):
    """The cast, all having started long ago (no one is a new joiner)."""
    seed_defaults()
    for engineer in (
        cast.skip,
        cast.mia,
        cast.alice,
        cast.bob,
        cast.max,
        cast.cora,
        cast.olivia,
        cast.carol,
    ):
        engineer.start_date = datetime.date(2025, 1, 1)
        engineer.save(update_fields=["start_date"])
    return cast


def due(kind: str, now: datetime.datetime = NOW) -> dict[str, list[str]]:
    """Recipient name → the names (or titles) their reminder of ``kind`` lists."""
    planned = plan(now=now, kinds=[kind])
    names = User.objects.in_bulk([p.recipient_id for p in planned])
    return {
        str(names[p.recipient_id]): [
            item.get("name") or item["title"]
            for item in p.items
            if not item.get("organisation")  # a digest's organisation section
        ]
        for p in planned
    }


def note(author, engineer, when, **fields):
    return factories.make_note(author.user, engineer, created_at=when, **fields)


# --- feedback due ------------------------------------------------------------------


def test_it_reminds_a_manager_of_a_report_with_no_feedback_for_14_days(org):
    note(org.mia, org.alice, days_ago(14))
    note(org.mia, org.bob, days_ago(13))
    assert due(ReminderKind.FEEDBACK_DUE)["Mia Manager"] == ["Alice Engineer"]


def test_feedback_days_are_counted_in_the_managers_calendar(org):
    # 14 days ago at 23:30 UTC is already the next day in Tokyo: 13 days there.
    note(org.mia, org.alice, days_ago(14, hour=23) + datetime.timedelta(minutes=30))
    assert "Alice Engineer" in due(ReminderKind.FEEDBACK_DUE)["Mia Manager"]
    org.mia.user.time_zone = "Asia/Tokyo"
    org.mia.user.save(update_fields=["time_zone"])
    assert "Alice Engineer" not in due(ReminderKind.FEEDBACK_DUE)["Mia Manager"]


def test_shared_and_manager_only_notes_count_but_notes_to_self_do_not(org):
    note(org.mia, org.alice, days_ago(2), visibility=Visibility.MANAGER)
    note(org.mia, org.bob, days_ago(30))
    note(org.mia, org.bob, days_ago(1), visibility=Visibility.SELF)
    assert due(ReminderKind.FEEDBACK_DUE)["Mia Manager"] == ["Bob Peer"]


def test_only_the_managers_own_feedback_counts(org):
    note(org.max, org.alice, days_ago(1))
    note(org.mia, org.bob, days_ago(1))
    item = plan(now=NOW, kinds=[ReminderKind.FEEDBACK_DUE])
    mine = next(p for p in item if p.recipient_id == org.mia.user_id)
    assert mine.items == [
        {
            "engineer_id": org.alice.pk,
            "name": "Alice Engineer",
            "last_feedback_on": None,
            "days": None,
        }
    ]


def test_a_new_joiner_is_not_due_before_start_date_plus_n(org):
    note(org.mia, org.bob, days_ago(1))
    org.alice.start_date = TODAY - datetime.timedelta(days=13)
    org.alice.save(update_fields=["start_date"])
    assert "Mia Manager" not in due(ReminderKind.FEEDBACK_DUE)
    org.alice.start_date = TODAY - datetime.timedelta(days=14)
    org.alice.save(update_fields=["start_date"])
    assert due(ReminderKind.FEEDBACK_DUE)["Mia Manager"] == ["Alice Engineer"]


def test_inactive_engineers_neither_get_nor_cause_feedback_reminders(org):
    org.alice.is_active = False
    org.alice.save(update_fields=["is_active"])
    org.bob.user.is_active = False
    org.bob.user.save(update_fields=["is_active"])
    assert "Mia Manager" not in due(ReminderKind.FEEDBACK_DUE)
    org.mia.is_active = False
    org.mia.save(update_fields=["is_active"])
    org.alice.is_active = True
    org.alice.save(update_fields=["is_active"])
    assert "Mia Manager" not in due(ReminderKind.FEEDBACK_DUE)
    assert "Mia Manager" not in due(ReminderKind.WEEKLY_DIGEST)


def test_one_reminder_lists_every_report_that_is_due(org):
    assert due(ReminderKind.FEEDBACK_DUE) == {
        "Mia Manager": ["Alice Engineer", "Bob Peer"],
        "Skip Level": ["Cora Coach", "Max Mentor", "Mia Manager", "Olivia Former"],
    }


def test_the_cadence_comes_from_the_rule(org):
    note(org.mia, org.alice, days_ago(5))
    note(org.mia, org.bob, days_ago(4))
    set_rule(ReminderKind.FEEDBACK_DUE, cadence_days=5)
    assert due(ReminderKind.FEEDBACK_DUE)["Mia Manager"] == ["Alice Engineer"]


def test_a_disabled_rule_plans_nothing(org):
    set_rule(ReminderKind.FEEDBACK_DUE, enabled=False)
    assert due(ReminderKind.FEEDBACK_DUE) == {}


# --- interpersonal gap ---------------------------------------------------------------


def test_it_flags_technical_feedback_with_no_interpersonal_for_60_days(org):
    note(org.max, org.alice, days_ago(10), kind="technical")
    note(org.max, org.alice, days_ago(60), kind="interpersonal")
    note(org.mia, org.bob, days_ago(10), kind="technical")
    note(org.mia, org.bob, days_ago(59), kind="interpersonal")
    assert due(ReminderKind.INTERPERSONAL_GAP) == {"Mia Manager": ["Alice Engineer"]}


def test_no_recent_technical_feedback_is_no_gap(org):
    note(org.mia, org.alice, days_ago(60), kind="technical")
    note(org.mia, org.bob, days_ago(59), kind="technical")
    assert due(ReminderKind.INTERPERSONAL_GAP) == {"Mia Manager": ["Bob Peer"]}


def test_notes_to_self_do_not_count_for_the_gap(org):
    note(org.mia, org.alice, days_ago(3), kind="technical")
    note(org.mia, org.alice, days_ago(2), kind="interpersonal", visibility="self")
    note(org.mia, org.bob, days_ago(3), kind="technical", visibility="self")
    assert due(ReminderKind.INTERPERSONAL_GAP) == {"Mia Manager": ["Alice Engineer"]}


# --- mentoring check-in due ----------------------------------------------------------


def check_in(mentorship, days: int):
    return factories.make_check_in(
        mentorship.mentor.user,
        mentorship.mentee,
        mentorship=mentorship,
        held_on=TODAY - datetime.timedelta(days=days),
    )


def test_a_mentor_is_due_a_check_in_after_the_mentorships_cadence(org):
    check_in(org.max_mentors_alice, 14)
    check_in(org.cora_coaches_max, 13)
    assert due(ReminderKind.CHECKIN_DUE) == {"Max Mentor": ["Alice Engineer"]}


def test_the_cadence_counts_from_the_start_until_the_first_check_in(org):
    org.max_mentors_alice.started_on = TODAY - datetime.timedelta(days=13)
    org.max_mentors_alice.save(update_fields=["started_on"])
    org.cora_coaches_max.started_on = TODAY - datetime.timedelta(days=14)
    org.cora_coaches_max.save(update_fields=["started_on"])
    assert due(ReminderKind.CHECKIN_DUE) == {"Cora Coach": ["Max Mentor"]}


def test_the_rule_adds_days_of_grace_to_each_mentorships_cadence(org):
    org.max_mentors_alice.cadence_days = 7
    org.max_mentors_alice.save(update_fields=["cadence_days"])
    check_in(org.max_mentors_alice, 9)
    check_in(org.cora_coaches_max, 10)
    set_rule(ReminderKind.CHECKIN_DUE, cadence_days=2)
    assert due(ReminderKind.CHECKIN_DUE) == {"Max Mentor": ["Alice Engineer"]}


def test_one_on_ones_are_not_mentoring_check_ins(org):
    check_in(org.cora_coaches_max, 1)
    factories.make_check_in(
        org.max.user, org.alice, kind=CheckInKind.ONE_ON_ONE, held_on=TODAY
    )
    assert due(ReminderKind.CHECKIN_DUE) == {"Max Mentor": ["Alice Engineer"]}


def test_ended_mentorships_and_inactive_mentees_cause_no_check_in_reminder(org):
    # Olivia's mentorship of Alice ended and never had a check-in.
    assert "Olivia Former" not in due(ReminderKind.CHECKIN_DUE)
    org.alice.is_active = False
    org.alice.save(update_fields=["is_active"])
    assert due(ReminderKind.CHECKIN_DUE) == {"Cora Coach": ["Max Mentor"]}


# --- goal deadline -------------------------------------------------------------------


def goal(engineer, *, target_in: int, updated_days_ago: int, **fields):
    made = factories.make_goal(
        engineer, target_date=TODAY + datetime.timedelta(days=target_in), **fields
    )
    type(made).objects.filter(pk=made.pk).update(updated_at=days_ago(updated_days_ago))
    return made


def test_a_goal_due_within_7_days_and_untouched_for_7_reminds_its_engineer(org):
    goal(org.alice, title="Due in 7", target_in=7, updated_days_ago=7)
    goal(org.alice, title="Due in 8", target_in=8, updated_days_ago=30)
    goal(org.alice, title="Touched 6 days ago", target_in=2, updated_days_ago=6)
    goal(org.alice, title="Overdue", target_in=-30, updated_days_ago=8)
    assert due(ReminderKind.GOAL_DEADLINE) == {
        "Alice Engineer": ["Overdue", "Due in 7"]
    }


def test_a_recent_goal_check_in_counts_as_an_update(org):
    checked = goal(org.alice, title="Checked in", target_in=1, updated_days_ago=20)
    factories.make_goal_check_in(checked, org.alice.user, created_at=days_ago(3))
    goal(org.bob, title="Stale check-in", target_in=1, updated_days_ago=20)
    stale = goal(org.bob, title="Old check-in", target_in=1, updated_days_ago=20)
    factories.make_goal_check_in(stale, org.bob.user, created_at=days_ago(7))
    assert due(ReminderKind.GOAL_DEADLINE) == {
        "Bob Peer": ["Stale check-in", "Old check-in"]
    }


def test_finished_goals_and_inactive_engineers_get_no_goal_reminder(org):
    goal(org.alice, title="Still open", target_in=1, updated_days_ago=20)
    goal(org.alice, title="Done", target_in=1, updated_days_ago=20, status="achieved")
    goal(org.bob, title="Dropped", target_in=1, updated_days_ago=20, status="abandoned")
    goal(org.max, title="Max's", target_in=1, updated_days_ago=20)
    org.max.user.is_active = False
    org.max.user.save(update_fields=["is_active"])
    assert due(ReminderKind.GOAL_DEADLINE) == {"Alice Engineer": ["Still open"]}


# --- feedback request pending --------------------------------------------------------


def ask(requester, recipient, *, asked_days_ago: int, due_in: int, **fields):
    return factories.make_request(
        requester,
        recipient,
        created_at=days_ago(asked_days_ago),
        due_on=TODAY + datetime.timedelta(days=due_in),
        **fields,
    )


def test_the_person_asked_is_reminded_3_days_on_or_3_days_before_it_is_due(org):
    ask(org.bob, org.alice, asked_days_ago=3, due_in=30)
    ask(org.mia, org.alice, asked_days_ago=2, due_in=30)
    ask(org.max, org.alice, asked_days_ago=0, due_in=3)
    ask(org.cora, org.alice, asked_days_ago=1, due_in=4)
    assert due(ReminderKind.REQUEST_PENDING) == {
        "Alice Engineer": ["Max Mentor", "Bob Peer"]
    }


def test_closed_requests_and_inactive_requesters_remind_nobody(org):
    ask(
        org.bob,
        org.alice,
        asked_days_ago=10,
        due_in=-1,
        status=RequestStatus.FULFILLED,
        closed_at=NOW,
    )
    ask(org.carol, org.alice, asked_days_ago=10, due_in=-1)
    org.carol.is_active = False
    org.carol.save(update_fields=["is_active"])
    assert due(ReminderKind.REQUEST_PENDING) == {}


# --- weekly digest -------------------------------------------------------------------


def test_the_digest_summarises_each_managers_direct_reports(org):
    note(org.mia, org.alice, days_ago(3))
    note(org.max, org.alice, days_ago(1), visibility=Visibility.SHARED)
    note(org.mia, org.bob, days_ago(1), visibility=Visibility.SELF)
    factories.make_check_in(
        org.mia.user, org.alice, held_on=TODAY - datetime.timedelta(days=5)
    )
    goal(org.alice, title="Overdue", target_in=-1, updated_days_ago=0)
    goal(org.alice, title="Fine", target_in=60, updated_days_ago=30)
    [digest] = [
        p
        for p in plan(now=NOW, kinds=[ReminderKind.WEEKLY_DIGEST])
        if p.recipient_id == org.mia.user_id
    ]
    assert digest.period_key == "2026-W49"
    assert digest.items == [
        {
            "engineer_id": org.alice.pk,
            "name": "Alice Engineer",
            "days_since_mine": 3,
            "days_since_any": 1,
            "unacknowledged": 2,
            "goals_at_risk": 1,
            "last_one_on_one_on": "2026-11-25",
            "days_since_one_on_one": 5,
        },
        {
            "engineer_id": org.bob.pk,
            "name": "Bob Peer",
            "days_since_mine": None,
            "days_since_any": None,
            "unacknowledged": 0,
            "goals_at_risk": 0,
            "last_one_on_one_on": None,
            "days_since_one_on_one": None,
        },
    ]


def test_the_digest_waits_for_its_weekday_and_hour_then_catches_up(org):
    set_rule(ReminderKind.WEEKLY_DIGEST, digest_weekday=2, send_hour=9)  # Wednesday
    assert due(ReminderKind.WEEKLY_DIGEST, utc(2026, 12, 1, 23)) == {}  # Tuesday
    assert due(ReminderKind.WEEKLY_DIGEST, utc(2026, 12, 2, 8, 59)) == {}
    assert "Mia Manager" in due(ReminderKind.WEEKLY_DIGEST, utc(2026, 12, 2, 9))
    # A stopped beat catches up later in the week, even before the send hour.
    assert "Mia Manager" in due(ReminderKind.WEEKLY_DIGEST, utc(2026, 12, 4, 3))


# --- the send hour, the period, time zones --------------------------------------


def test_nothing_is_due_before_the_recipients_local_send_hour(org):
    assert due(ReminderKind.FEEDBACK_DUE, utc(2026, 11, 30, 8, 59)) == {}
    assert due(ReminderKind.FEEDBACK_DUE, utc(2026, 11, 30, 9))
    set_rule(ReminderKind.FEEDBACK_DUE, send_hour=10)
    assert due(ReminderKind.FEEDBACK_DUE, utc(2026, 11, 30, 9, 59)) == {}


def test_the_period_is_the_iso_week_of_the_recipients_local_date():
    # Sunday 23:30 in UTC is already Monday (next ISO week) in Tokyo.
    moment = utc(2026, 11, 29, 23, 30)
    assert period_key(moment) == "2026-W48"
    assert period_key(moment.astimezone(at("Asia/Tokyo", 2026, 1, 1).tzinfo)) == (
        "2026-W49"
    )
    assert period_key(utc(2027, 1, 1, 12)) == "2026-W53"


def test_the_send_time_gate(org):
    rule = set_rule(ReminderKind.WEEKLY_DIGEST, digest_weekday=0, send_hour=9)
    assert not is_send_time(rule, at("Europe/Berlin", 2026, 11, 30, 8, 59))
    assert is_send_time(rule, at("Europe/Berlin", 2026, 11, 30, 9))
    assert is_send_time(rule, at("Europe/Berlin", 2026, 12, 6, 0, 15))  # Sunday
    assert not is_send_time(
        set_rule(ReminderKind.WEEKLY_DIGEST, digest_weekday=6),
        at("Europe/Berlin", 2026, 12, 5, 23),
    )


def test_a_bad_stored_time_zone_reads_as_utc_instead_of_stopping_the_sweep(org):
    type(org.mia.user).objects.filter(pk=org.mia.user_id).update(time_zone="Mars/Base")
    assert due(ReminderKind.FEEDBACK_DUE)["Mia Manager"] == [
        "Alice Engineer",
        "Bob Peer",
    ]
