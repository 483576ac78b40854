"""Sprints and learning days derived from a cadence: dates only."""

from __future__ import annotations

import datetime
import itertools

from growth import rhythm
from growth.models import SprintCadence

D = datetime.date
MONDAY, WEDNESDAY, THURSDAY, FRIDAY = 0, 2, 3, 4


START = D(2026, 1, 5)  # a Monday


def cadence(weeks=2, start=START, weekday=MONDAY) -> SprintCadence:
    return SprintCadence(
        sprint_weeks=weeks, first_sprint_start=start, learning_weekday=weekday
    )


def test_it_puts_the_learning_day_on_the_first_weekday_after_each_sprint():
    # Two-week sprints from Monday 5 January: they end on Sundays.
    days = rhythm.learning_days_between(cadence(), D(2026, 1, 1), D(2026, 2, 28))
    assert days == [D(2026, 1, 19), D(2026, 2, 2), D(2026, 2, 16)]


def test_it_has_no_learning_day_before_the_first_sprint_ends():
    days = rhythm.learning_days_between(cadence(), D(2025, 1, 1), D(2026, 1, 18))
    assert days == []


def test_it_includes_both_ends_of_the_range():
    days = rhythm.learning_days_between(cadence(), D(2026, 1, 19), D(2026, 2, 2))
    assert days == [D(2026, 1, 19), D(2026, 2, 2)]


def test_a_cadence_starting_mid_week_counts_from_its_own_last_day():
    # Sprints from Wednesday 7 January end on Tuesdays; Friday comes three days on.
    mid_week = cadence(start=D(2026, 1, 7), weekday=FRIDAY)
    days = rhythm.learning_days_between(mid_week, D(2026, 1, 1), D(2026, 2, 28))
    assert days == [D(2026, 1, 23), D(2026, 2, 6), D(2026, 2, 20)]
    assert all(day.weekday() == FRIDAY for day in days)


def test_a_learning_weekday_equal_to_the_sprints_last_weekday_is_a_week_later():
    # Sprints from Friday 9 January end on Thursdays: Thursday is not "after" it.
    thursday = cadence(start=D(2026, 1, 9), weekday=THURSDAY)
    (sprint,) = rhythm.sprints_between(thursday, D(2026, 1, 9), D(2026, 1, 9))
    assert sprint.end == D(2026, 1, 22)
    assert sprint.end.weekday() == THURSDAY
    assert sprint.learning_day == D(2026, 1, 29)
    assert rhythm.next_learning_day(thursday, D(2026, 1, 23)) == D(2026, 1, 29)


def test_one_week_sprints_have_a_learning_day_every_week():
    weekly = cadence(weeks=1, weekday=WEDNESDAY)
    days = rhythm.learning_days_between(weekly, D(2026, 1, 1), D(2026, 2, 1))
    assert days == [D(2026, 1, 14), D(2026, 1, 21), D(2026, 1, 28)]


def test_three_week_sprints_have_a_learning_day_every_three_weeks():
    three = cadence(weeks=3, weekday=FRIDAY)
    days = rhythm.learning_days_between(three, D(2026, 1, 1), D(2026, 3, 31))
    assert days == [D(2026, 1, 30), D(2026, 2, 20), D(2026, 3, 13)]


def test_the_next_learning_day_is_today_on_the_day_and_the_following_one_after():
    assert rhythm.next_learning_day(cadence(), D(2026, 1, 19)) == D(2026, 1, 19)
    assert rhythm.next_learning_day(cadence(), D(2026, 1, 20)) == D(2026, 2, 2)
    assert rhythm.next_learning_day(cadence(), D(2025, 6, 1)) == D(2026, 1, 19)


def test_there_is_no_next_learning_day_without_a_cadence():
    assert rhythm.next_learning_day(None, D(2026, 1, 19)) is None


def test_sprints_between_lists_every_sprint_with_a_day_in_the_range():
    sprints = rhythm.sprints_between(cadence(), D(2026, 1, 18), D(2026, 1, 19))
    assert [(s.number, s.start, s.end) for s in sprints] == [
        (1, D(2026, 1, 5), D(2026, 1, 18)),
        (2, D(2026, 1, 19), D(2026, 2, 1)),
    ]
    assert rhythm.sprints_between(cadence(), D(2025, 1, 1), D(2026, 1, 4)) == []


def test_each_learning_day_knows_the_sprint_it_follows():
    sprint = rhythm.sprint_before(cadence(), D(2026, 2, 2))
    assert (sprint.number, sprint.end) == (2, D(2026, 2, 1))
    assert rhythm.sprint_before(cadence(), D(2026, 2, 3)) is None


def test_daylight_saving_changes_nothing_as_only_dates_count():
    # Europe moves its clocks on 29 March and 25 October 2026.
    days = rhythm.learning_days_between(cadence(), D(2026, 3, 1), D(2026, 11, 30))
    gaps = {(later - earlier).days for earlier, later in itertools.pairwise(days)}
    assert gaps == {14}
    assert all(day.weekday() == MONDAY for day in days)


def test_every_day_of_a_long_range_agrees_with_a_day_by_day_walk():
    for weeks in range(1, 7):
        for start in (D(2026, 1, 5), D(2026, 1, 7), D(2026, 1, 11)):
            for weekday in range(5):
                c = cadence(weeks, start, weekday)
                expected = []
                for sprint in rhythm.sprints_between(c, start, D(2027, 1, 1)):
                    day = sprint.end + datetime.timedelta(days=1)
                    while day.weekday() != weekday:
                        day += datetime.timedelta(days=1)
                    expected.append(day)
                found = rhythm.learning_days_between(c, start, D(2027, 6, 1))
                assert found[: len(expected)] == expected
