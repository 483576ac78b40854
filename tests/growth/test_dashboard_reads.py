"""The dashboard's hand-written reads give what the ORM's policy querysets
give, for every person, every engineer and notes (and 1:1s) on every boundary."""

import bisect
import datetime
import zoneinfo
from collections import Counter

import pytest
from django.db.models import Q

from growth import policy
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckInKind,
    Engineer,
    FeedbackNote,
    GoalCheckIn,
    Visibility,
)
from growth.selectors import dashboard
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PEOPLE = ("alice", "mia", "max", "olivia", "skip", "bob", "carol", "cora")


def bounds_and_since(zone=PARIS):
    months = dashboard.month_starts(NOW, zone)
    bounds = dashboard._local_midnights(
        [*months, dashboard._next_month(months[-1])], zone
    )
    return bounds, NOW - datetime.timedelta(days=dashboard.COVERAGE_DAYS)


@pytest.fixture
def notes(cast):
    """Notes about alice and bob of every visibility, by several people, on
    and around the month boundaries and the 90-day line, and one deleted."""
    bounds, since = bounds_and_since()
    second = datetime.timedelta(seconds=1)
    moments = [
        bounds[0] - second,  # before the chart
        bounds[0],
        bounds[1] - second,
        bounds[1],
        since - second,
        since,
        bounds[-1] - second,
        bounds[-1],  # after it
    ]
    kinds = ["technical", "interpersonal"]
    authors = [cast.mia.user, cast.max.user, cast.bob.user, cast.alice.user]
    made = []
    for i, when in enumerate(moments):
        for visibility in Visibility:
            for engineer in (cast.alice, cast.bob):
                made.append(
                    factories.make_note(
                        authors[i % len(authors)],
                        engineer,
                        kind=kinds[i % 2],
                        created_at=when,
                        visibility=visibility,
                    )
                )
    made[6].delete()  # shared, about alice, on the first day of the chart
    return made


def expected(user, engineer, bounds, since) -> Counter:
    """The rows as the ORM's rule gives them, bucketed here."""
    rows = Counter()
    for note in (
        FeedbackNote.objects.visible_to(user)
        .filter(engineer=engineer)
        .exclude(visibility=Visibility.SELF)
        .filter(created_at__gte=min(bounds[0], since), created_at__lt=bounds[-1])
    ):
        month = bisect.bisect_right(bounds, note.created_at) - 1
        rows[
            note.kind,
            note.competency_id,
            month if month < len(bounds) - 1 else -1,
            int(note.created_at >= since),
        ] += 1
    return rows


@pytest.mark.parametrize("who", PEOPLE)
def test_the_feedback_rows_are_the_notes_the_policy_lets_them_read(cast, notes, who):
    user = getattr(cast, who).user
    bounds, since = bounds_and_since()
    for engineer in (cast.alice, cast.bob):
        about = policy.notes_about(user, engineer.pk)
        rows = Counter(
            tuple(row)
            for row in dashboard.feedback_rows(about, bounds=bounds, since=since)
        )
        assert rows == expected(user, engineer, bounds, since), engineer


def test_the_feedback_rows_hold_every_month_and_the_90_day_line(cast, notes):
    bounds, since = bounds_and_since()
    about = policy.notes_about(cast.mia.user, cast.alice.pk)
    rows = dashboard.feedback_rows(about, bounds=bounds, since=since)
    # Shared and manager-only notes at six moments inside the chart's months.
    assert len(rows) == 11  # one deleted
    assert {month for _kind, _competency, month, _recent in rows} == {0, 1, 2, 5}
    assert sum(recent for *_rest, recent in rows) == 4


@pytest.mark.parametrize("who", PEOPLE)
def test_the_check_in_rows_are_the_check_ins_the_policy_lets_them_read(cast, who):
    user = getattr(cast, who).user
    since = NOW - datetime.timedelta(days=30)
    goals = [
        factories.make_goal(cast.alice, title="Alice's"),
        factories.make_goal(cast.bob, title="Bob's"),
    ]
    for goal in goals:
        for days, progress in ((31, 5), (30, 10), (2, 40)):
            factories.make_goal_check_in(
                goal,
                goal.engineer.user,
                progress,
                created_at=NOW - datetime.timedelta(days=days),
            )

    rows = dashboard.check_in_rows(
        policy.goals_with_readable_check_ins(user, goals), since=since
    )

    assert rows == [
        (check_in.goal_id, check_in.progress, check_in.created_at)
        for check_in in GoalCheckIn.objects.visible_to(user)
        .filter(goal__in=goals, created_at__gte=since)
        .order_by("created_at", "pk")
    ]
    assert all(when.tzinfo is not None for *_rest, when in rows)
    # Two a goal at and after the line: alice's for her and her mentor, both
    # goals' for mia, who manages alice and bob, none for anyone else.
    assert len(rows) == {"alice": 2, "max": 2, "mia": 4, "bob": 2}.get(who, 0)


@pytest.fixture
def pairs_agenda(cast):
    """Action items and talking points about alice and max: of 1:1s and
    mentoring (active and ended), open and done or discussed, owned by each
    side or by nobody, added by several people."""
    for engineer, manager, mentorship, ended in (
        (cast.alice, cast.mia, cast.max_mentors_alice, cast.olivia_mentored_alice),
        (cast.max, cast.skip, cast.cora_coaches_max, None),
    ):
        held = [
            factories.make_check_in(manager.user, engineer),
            factories.make_check_in(
                mentorship.mentor.user, engineer, mentorship=mentorship
            ),
        ]
        for check_in in held:
            for owner in (engineer.user, check_in.author, None):
                for done_at in (None, NOW):
                    ActionItem.objects.create(
                        check_in=check_in,
                        description="Read the RFC",
                        owner=owner,
                        done_at=done_at,
                    )
        for pair in (None, mentorship, ended):
            kind = CheckInKind.MENTORING if pair else CheckInKind.ONE_ON_ONE
            adders = (engineer.user, pair.mentor.user if pair else manager.user)
            for added_by in adders:
                for discussed_in in (None, held[1] if pair else held[0]):
                    AgendaItem.objects.create(
                        engineer=engineer,
                        kind=kind,
                        mentorship=pair,
                        added_by=added_by,
                        text="Next steps",
                        discussed_in=discussed_in,
                    )


@pytest.mark.parametrize("who", PEOPLE)
def test_the_my_one_on_ones_counts_are_what_the_policy_lets_them_count(
    cast, pairs_agenda, who
):
    access = policy.access_of(getattr(cast, who).user)
    counted = Engineer.objects.filter(pk__in=[cast.alice.pk, cast.max.pk]).annotate(
        **dashboard.my_one_on_ones_counts(access)
    )
    for engineer in counted:
        items = (
            ActionItem.objects.owned_by(access)
            .open()
            .filter(check_in__engineer=engineer)
        )
        points = (
            AgendaItem.objects.visible_to(access)
            .open()
            .filter(engineer=engineer)
            .filter(Q(mentorship__isnull=True) | Q(mentorship__ended_on__isnull=True))
        )
        assert engineer.open_action_items == items.count(), engineer
        assert engineer.agenda_points == points.count(), engineer
    if who == "alice":
        # Her own dashboard: open items she owns or nobody does (two check-ins,
        # two each), and every open point of her 1:1s and active mentoring.
        mine = {engineer.pk: engineer for engineer in counted}[cast.alice.pk]
        assert (mine.open_action_items, mine.agenda_points) == (4, 4)
