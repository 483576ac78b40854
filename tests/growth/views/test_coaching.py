"""Coaching: how the mentors I coach are doing, in counts and dates only."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import ActionItem, Visibility
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
COACHING = reverse("coaching")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def test_anonymous_people_are_sent_to_sign_in(client, cast):
    response = client.get(COACHING)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coach_gets_the_page(client, cast):
    client.force_login(cast.cora.user)

    response = client.get(COACHING)

    assert response.status_code == 200
    assert [row.mentor for row in response.context["mentors"]] == [cast.max]


@pytest.mark.parametrize(
    "person", ["max", "mia", "skip", "alice", "bob", "carol", "olivia"]
)
def test_everyone_else_gets_a_404(client, cast, person):
    client.force_login(getattr(cast, person).user)

    assert client.get(COACHING).status_code == 404


def test_staff_get_a_404(client, cast):
    client.force_login(cast.staff)

    assert client.get(COACHING).status_code == 404


def test_a_coach_stops_coaching_when_the_mentor_stops_mentoring(client, cast):
    cast.max_mentors_alice.ended_on = TODAY
    cast.max_mentors_alice.save()
    client.force_login(cast.cora.user)

    assert client.get(COACHING).status_code == 404


def test_it_shows_the_mentors_numbers(client, cast):
    max_ = cast.max
    factories.make_check_in(
        max_.user,
        cast.alice,
        mentorship=cast.max_mentors_alice,
        held_on=TODAY - datetime.timedelta(days=20),
    )
    factories.make_mentorship(max_, cast.bob)  # started in January, never met
    factories.make_note(max_.user, cast.alice, created_at=ago(2))
    factories.make_note(max_.user, cast.alice, created_at=ago(2), kind="interpersonal")
    factories.make_note(
        max_.user,
        cast.alice,
        created_at=ago(3),
        acknowledged_at=ago(2),
        actionable=True,
    )
    factories.make_note(
        max_.user, cast.bob, created_at=ago(3), acknowledged_at=ago(2), actionable=False
    )
    client.force_login(cast.cora.user)

    response = client.get(COACHING)

    body = response.content.decode()
    assert "Max Mentor" in body
    assert "0 of 2" in body  # neither mentorship within its cadence
    assert "2 overdue" in body
    assert "4: 3 technical, 1 interpersonal" in body
    assert "1 of 2 rated actionable" in body


def test_it_never_shows_what_was_written(client, cast):
    for visibility in Visibility:
        factories.make_note(
            cast.max.user,
            cast.alice,
            visibility=visibility,
            created_at=ago(1),
            situation=f"SECRET-SITUATION-{visibility}",
            behaviour=f"SECRET-BEHAVIOUR-{visibility}",
            impact=f"SECRET-IMPACT-{visibility}",
            suggestion=f"SECRET-SUGGESTION-{visibility}",
        )
    check_in = factories.make_check_in(
        cast.max.user,
        cast.alice,
        mentorship=cast.max_mentors_alice,
        notes="SECRET-CHECK-IN-NOTES",
    )
    ActionItem.objects.create(check_in=check_in, description="SECRET-ACTION-ITEM")
    client.force_login(cast.cora.user)

    response = client.get(COACHING)

    assert response.status_code == 200
    assert b"SECRET-" not in response.content
    # Only the shared note counts: a coach may not know the others exist.
    assert "1: 1 technical, 0 interpersonal" in response.content.decode()


def build_mentors(coach, count: int) -> None:
    """``count`` coached mentors, each with two mentees, notes and check-ins."""
    for n in range(count):
        mentor = factories.make_engineer(f"Mentor {n:02}")
        factories.make_mentorship(coach, mentor)
        for m in range(2):
            mentee = factories.make_engineer(f"Mentee {n:02}-{m}")
            mentorship = factories.make_mentorship(mentor, mentee)
            factories.make_check_in(
                mentor.user, mentee, mentorship=mentorship, held_on=TODAY
            )
            factories.make_note(mentor.user, mentee, created_at=ago(m + 1))
            factories.make_note(
                mentor.user,
                mentee,
                created_at=ago(m + 1),
                acknowledged_at=ago(m),
                actionable=bool(m),
            )


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(COACHING)
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_few_and_many(client, db):
    few_coach = factories.make_engineer("Few Coach")
    many_coach = factories.make_engineer("Many Coach")
    build_mentors(few_coach, 2)
    build_mentors(many_coach, 12)

    client.force_login(few_coach.user)
    few = count_queries(client)
    client.force_login(many_coach.user)
    many = count_queries(client)

    assert few == many
    # ... and one for the count of coached mentors with a recent assessment.
    assert many <= 7
