"""The read side of leading people: team table values, goals at risk, cadence,
and the coaching numbers, at fixed times."""

import datetime

import pytest

from growth.models import Goal, GoalStatus, Visibility
from growth.models.goals import goal_is_at_risk
from growth.policy import access_of
from growth.selectors import checkins, team
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def rows(user, **options):
    table = team.team_table(access_of(user), zone=user.zone, now=NOW, **options)
    return {row.engineer.name: row for row in table.rows}


def coached(user):
    return team.coached_mentors(access_of(user), zone=user.zone, now=NOW)


def stale_goal(engineer, *, target_date, updated_days_ago=20, **fields):
    goal = factories.make_goal(engineer, target_date=target_date, **fields)
    Goal.objects.filter(pk=goal.pk).update(updated_at=ago(updated_days_ago))
    return goal


# --- feedback columns ---------------------------------------------------------


def test_days_since_feedback_from_me_and_from_anyone(cast):
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(3))
    factories.make_note(cast.max.user, cast.alice, created_at=ago(1))

    alice = rows(cast.mia.user)["Alice Engineer"]

    assert alice.days_since_mine == 3
    assert alice.days_since_any == 1


def test_manager_only_notes_count_and_notes_to_self_do_not(cast):
    factories.make_note(
        cast.mia.user, cast.alice, created_at=ago(5), visibility=Visibility.MANAGER
    )
    factories.make_note(
        cast.mia.user, cast.alice, created_at=ago(1), visibility=Visibility.SELF
    )

    alice = rows(cast.mia.user)["Alice Engineer"]

    assert alice.days_since_mine == 5
    assert alice.days_since_any == 5
    assert alice.technical == 1


def test_never_is_none(cast):
    bob = rows(cast.mia.user)["Bob Peer"]

    assert bob.days_since_mine is None
    assert bob.days_since_any is None
    assert bob.days_since_one_on_one is None


def test_days_are_counted_in_the_viewers_time_zone(cast):
    cast.mia.user.time_zone = "Pacific/Auckland"  # UTC+13 in March
    cast.mia.user.save()
    # 20:00 UTC on the 14th is already the 15th in Auckland; it is the 16th there.
    factories.make_note(
        cast.mia.user,
        cast.alice,
        created_at=datetime.datetime(2026, 3, 14, 20, tzinfo=datetime.UTC),
    )

    assert rows(cast.mia.user)["Alice Engineer"].days_since_mine == 1


def test_the_split_covers_the_last_ninety_days(cast):
    factories.make_note(cast.max.user, cast.alice, created_at=ago(10))
    factories.make_note(cast.max.user, cast.alice, created_at=ago(89))
    factories.make_note(
        cast.max.user, cast.alice, created_at=ago(91), kind="interpersonal"
    )
    factories.make_note(
        cast.mia.user, cast.bob, created_at=ago(2), kind="interpersonal"
    )

    table = rows(cast.mia.user)

    assert (
        table["Alice Engineer"].technical,
        table["Alice Engineer"].interpersonal,
    ) == (2, 0)
    assert (table["Bob Peer"].technical, table["Bob Peer"].interpersonal) == (0, 1)


def test_interpersonal_is_missing_only_beside_technical_feedback(cast):
    factories.make_note(cast.max.user, cast.alice, created_at=ago(10))

    table = rows(cast.mia.user)

    assert table["Alice Engineer"].interpersonal_missing
    assert not table["Bob Peer"].interpersonal_missing  # nothing at all is not a split


def test_unacknowledged_counts_shared_notes_not_yet_acknowledged(cast):
    factories.make_note(cast.max.user, cast.alice, created_at=ago(4))
    factories.make_note(
        cast.max.user, cast.alice, created_at=ago(4), acknowledged_at=ago(3)
    )
    factories.make_note(
        cast.mia.user, cast.alice, created_at=ago(4), visibility=Visibility.MANAGER
    )

    assert rows(cast.mia.user)["Alice Engineer"].unacknowledged == 1


# --- goals at risk ------------------------------------------------------------


def test_goals_at_risk(cast):
    alice = cast.alice
    stale_goal(alice, target_date=day(-1), updated_days_ago=0)  # overdue: at risk
    stale_goal(alice, target_date=day(10))  # due soon, untouched: at risk
    stale_goal(alice, target_date=day(14))  # the 14th day still counts: at risk
    stale_goal(alice, target_date=day(15))  # not due soon
    stale_goal(alice, target_date=day(10), updated_days_ago=13)  # recently edited
    checked = stale_goal(alice, target_date=day(10))
    factories.make_goal_check_in(checked, cast.alice.user, created_at=ago(2))
    stale_goal(alice, target_date=day(-5), status=GoalStatus.ACHIEVED)
    stale_goal(alice, target_date=None)

    at_risk = Goal.objects.at_risk(now=NOW, today=TODAY)

    assert at_risk.count() == 3
    assert rows(cast.mia.user)["Alice Engineer"].goals_at_risk == 3
    # The reminders' digest judges each goal in Python, by the same rule.
    for goal in Goal.objects.active().prefetch_related("check_ins"):
        touched = max([goal.updated_at, *(c.created_at for c in goal.check_ins.all())])
        judged = goal_is_at_risk(
            target_on=goal.target_date, touched=touched, today=TODAY, now=NOW
        )
        assert judged is at_risk.filter(pk=goal.pk).exists(), goal.target_date


def test_an_old_check_in_does_not_keep_a_goal_safe(cast):
    goal = stale_goal(cast.alice, target_date=day(5))
    factories.make_goal_check_in(goal, cast.alice.user, created_at=ago(15))

    assert rows(cast.mia.user)["Alice Engineer"].goals_at_risk == 1


# --- 1:1s ---------------------------------------------------------------------


def test_last_one_on_one_is_with_the_current_manager(cast):
    factories.make_check_in(cast.mia.user, cast.alice, held_on=day(-7))
    factories.make_check_in(cast.mia.user, cast.alice, held_on=day(-21))
    factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice, held_on=day(-1)
    )
    factories.make_check_in(cast.skip.user, cast.bob, held_on=day(-2))

    table = rows(cast.mia.user)

    assert table["Alice Engineer"].days_since_one_on_one == 7
    assert table["Bob Peer"].days_since_one_on_one is None


def test_an_indirect_reports_last_one_on_one_is_with_their_own_manager(cast):
    factories.make_check_in(cast.mia.user, cast.alice, held_on=day(-4))

    table = rows(cast.skip.user, indirect=True)

    assert table["Alice Engineer"].days_since_one_on_one == 4
    assert table["Mia Manager"].days_since_one_on_one is None


def test_a_skip_level_counts_only_shared_notes_about_indirect_reports(cast):
    # The README's promise: private content never travels up the chain, so
    # not even the number of manager-only notes about an indirect report.
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(2))
    factories.make_note(
        cast.mia.user, cast.alice, created_at=ago(1), visibility=Visibility.MANAGER
    )

    alice = rows(cast.skip.user, indirect=True)["Alice Engineer"]

    assert alice.technical == 1
    assert alice.days_since_any == 2


def test_a_skip_level_sees_no_change_when_a_manager_only_note_comes_or_goes(cast):
    before = rows(cast.skip.user, indirect=True)["Alice Engineer"]
    note = factories.make_note(
        cast.mia.user, cast.alice, created_at=ago(1), visibility=Visibility.MANAGER
    )
    during = rows(cast.skip.user, indirect=True)["Alice Engineer"]
    note.delete()

    assert during == before


def test_a_manager_counts_manager_only_notes_about_direct_reports(cast):
    factories.make_note(
        cast.max.user, cast.alice, created_at=ago(1), visibility=Visibility.MANAGER
    )

    alice = rows(cast.mia.user)["Alice Engineer"]

    assert alice.technical == 1
    assert alice.days_since_any == 1


# --- who is on the table ------------------------------------------------------


def test_direct_reports_only_by_default(cast):
    assert set(rows(cast.skip.user)) == {
        "Mia Manager",
        "Max Mentor",
        "Cora Coach",
        "Olivia Former",
    }


def test_indirect_reports_are_marked_as_such(cast):
    table = rows(cast.skip.user, indirect=True)

    assert table["Alice Engineer"].is_direct is False
    assert table["Mia Manager"].is_direct is True
    assert len(table) == 6


def test_indirect_reports_stop_after_three_levels(cast):
    level3 = factories.make_engineer("Level Three", manager=cast.alice)
    factories.make_engineer("Level Four", manager=level3)

    names = set(rows(cast.skip.user, indirect=True))

    assert "Level Three" in names
    assert "Level Four" not in names


def test_inactive_engineers_are_left_out(cast):
    cast.bob.is_active = False
    cast.bob.save()

    assert set(rows(cast.mia.user)) == {"Alice Engineer"}


def test_team_filter(cast):
    cast.bob.team = cast.data
    cast.bob.save()

    assert set(rows(cast.mia.user, team=cast.data.pk)) == {"Bob Peer"}
    assert team.team_choices(access_of(cast.mia.user)) == [
        (cast.data.pk, "Data"),
        (cast.platform.pk, "Platform"),
    ]


# --- sorting ------------------------------------------------------------------


def names(user, sort, direction):
    table = team.team_table(
        access_of(user), zone=user.zone, now=NOW, sort=sort, direction=direction
    )
    return [row.engineer.name for row in table.rows]


def test_sort_by_name_both_ways(cast):
    assert names(cast.mia.user, "name", "asc") == ["Alice Engineer", "Bob Peer"]
    assert names(cast.mia.user, "name", "desc") == ["Bob Peer", "Alice Engineer"]


def test_sort_by_days_since_puts_never_after_the_longest(cast):
    factories.make_engineer("Carla Newcomer", manager=cast.mia)  # never
    factories.make_note(cast.max.user, cast.alice, created_at=ago(1))
    factories.make_note(cast.max.user, cast.bob, created_at=ago(30))

    assert names(cast.mia.user, "last_feedback", "asc") == [
        "Alice Engineer",
        "Bob Peer",
        "Carla Newcomer",
    ]
    assert names(cast.mia.user, "last_feedback", "desc") == [
        "Carla Newcomer",
        "Bob Peer",
        "Alice Engineer",
    ]


def test_sort_by_a_count(cast):
    factories.make_note(cast.max.user, cast.bob, created_at=ago(1))

    assert names(cast.mia.user, "technical", "desc") == ["Bob Peer", "Alice Engineer"]
    assert names(cast.mia.user, "technical", "asc") == ["Alice Engineer", "Bob Peer"]


# --- cadence ------------------------------------------------------------------


def test_a_check_in_is_due_a_cadence_after_the_last_or_the_start():
    start = datetime.date(2026, 1, 1)

    assert checkins.check_in_due_on(
        last_held_on=None, started_on=start, cadence_days=14
    ) == datetime.date(2026, 1, 15)
    assert checkins.check_in_due_on(
        last_held_on=datetime.date(2026, 3, 1), started_on=start, cadence_days=14
    ) == datetime.date(2026, 3, 15)


def test_cadence_status():
    assert checkins.cadence_status(day(-1), TODAY) == "overdue"
    assert checkins.cadence_status(TODAY, TODAY) == "due"
    assert checkins.cadence_status(day(1), TODAY) == "ok"


def test_mentee_rows_carry_the_last_check_in(cast):
    factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice, held_on=day(-3)
    )
    latest = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice, held_on=day(-2)
    )

    (row,) = checkins.mentee_rows(access_of(cast.max.user), today=TODAY)

    assert row.mentorship.last_held_on == day(-2)
    assert row.mentorship.last_check_in_id == latest.pk
    assert row.due_on == day(12)
    assert row.status == "ok"


# --- coaching -----------------------------------------------------------------


def test_coaching_numbers(cast):
    max_, alice, bob = cast.max, cast.alice, cast.bob
    max_mentors_bob = factories.make_mentorship(max_, bob, cadence_days=30)
    # alice: started 2026-01-01, cadence 14, last check-in 20 days ago: overdue.
    factories.make_check_in(
        max_.user, alice, mentorship=cast.max_mentors_alice, held_on=day(-20)
    )
    # bob: last check-in 5 days ago with a 30-day cadence: kept.
    factories.make_check_in(max_.user, bob, mentorship=max_mentors_bob, held_on=day(-5))
    note = factories.make_note
    note(max_.user, alice, created_at=ago(3))
    note(max_.user, alice, created_at=ago(4), kind="interpersonal")
    # Counted nowhere: a coach may not read either, so not count them.
    note(max_.user, bob, created_at=ago(5), visibility=Visibility.MANAGER)
    note(max_.user, alice, created_at=ago(6), visibility=Visibility.SELF)
    note(max_.user, cast.carol, created_at=ago(6))  # not a mentee
    note(cast.mia.user, alice, created_at=ago(6))  # not from max
    # Ratings: every acknowledged-and-rated note from max to a mentee, any age.
    note(
        max_.user, alice, created_at=ago(200), acknowledged_at=ago(199), actionable=True
    )
    note(max_.user, bob, created_at=ago(9), acknowledged_at=ago(8), actionable=False)
    note(max_.user, bob, created_at=ago(100), acknowledged_at=ago(8), actionable=True)
    note(max_.user, alice, created_at=ago(9), acknowledged_at=ago(8))  # not rated

    (row,) = coached(cast.cora.user)

    assert row.mentor == max_
    assert row.active_mentees == 2
    assert (row.kept, row.overdue) == (1, 1)
    assert (row.technical, row.interpersonal) == (3, 1)
    assert (row.rated_actionable, row.rated) == (2, 3)


def test_a_mentor_with_no_feedback_has_zero_counts(cast):
    (row,) = coached(cast.cora.user)

    assert (row.technical, row.interpersonal, row.rated) == (0, 0, 0)
    assert row.active_mentees == 1


def test_nobody_to_coach_is_an_empty_list(cast):
    assert coached(cast.max.user) == []
