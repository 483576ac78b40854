"""The learning pages: who sees what, logging and editing, the tabs and filters."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from growth.forms.dates import years_after
from growth.models import GoalStatus, LearningActivity, LearningKind
from growth.services.learning import (
    learning_activity_create,
    learning_activity_update,
)
from tests import factories
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)


@pytest.fixture
def course(cast):
    """A course alice logged and attended: private to her circle."""
    return factories.make_learning(
        cast.alice.user,
        attendees=[cast.alice],
        title="Kubernetes in depth",
        kind=LearningKind.COURSE,
    )


@pytest.fixture
def session(cast):
    """A learning session bob led: the whole organisation may see it."""
    return factories.make_learning(
        cast.bob.user,
        attendees=[cast.alice, cast.carol],
        title="Property-based testing",
        kind=LearningKind.LEARNING_SESSION,
        led_by=cast.bob,
    )


def signed_in(client, who):
    client.force_login(who.user if hasattr(who, "user") else who)
    return client


def today():
    return timezone.localdate()


def form_data(cast, **overrides):
    data = {
        "kind": LearningKind.COURSE,
        "title": "Designing data-intensive applications",
        "description": "Chapters 1 to 3",
        "date": today().isoformat(),
        "hours": "2.5",
        "led_by": "",
        "attendees": [cast.alice.pk],
        "goal": "",
    }
    data.update(overrides)
    return data


def pages(activity):
    return [
        reverse("learning-list"),
        reverse("learning-create"),
        reverse("learning-detail", args=[activity.pk]),
        reverse("learning-edit", args=[activity.pk]),
    ]


# --- who may see what ------------------------------------------------------------


def test_every_learning_page_sends_anonymous_people_to_sign_in(client, course):
    for url in pages(course):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 200),
        ("mia", 200),
        ("max", 200),
        ("bob", 404),
        ("carol", 404),
        ("olivia", 404),
    ],
)
def test_a_course_is_seen_by_its_attendee_her_manager_and_her_mentor(
    client, cast, course, who, status
):
    signed_in(client, getattr(cast, who))
    response = client.get(reverse("learning-detail", args=[course.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    "who", ["alice", "bob", "carol", "mia", "max", "cora", "olivia", "skip", "staff"]
)
def test_a_learning_session_is_seen_by_everyone_signed_in(client, cast, session, who):
    signed_in(client, getattr(cast, who))
    response = client.get(reverse("learning-detail", args=[session.pk]))
    assert response.status_code == 200
    assert b"Property-based testing" in response.content


def test_the_list_shows_only_what_the_viewer_may_see(client, cast, course, session):
    response = signed_in(client, cast.carol).get(reverse("learning-list"))
    assert b"Property-based testing" in response.content
    assert b"Kubernetes in depth" not in response.content

    response = signed_in(client, cast.mia).get(reverse("learning-list"))
    assert b"Kubernetes in depth" in response.content


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("mia", 404), ("bob", 404)]
)
def test_a_course_is_edited_by_whoever_logged_or_attended_it(
    client, cast, course, who, status
):
    signed_in(client, getattr(cast, who))
    response = client.get(reverse("learning-edit", args=[course.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("bob", 200), ("alice", 404), ("carol", 404)]
)
def test_a_session_is_edited_by_its_leader_not_its_attendees(
    client, cast, session, who, status
):
    signed_in(client, getattr(cast, who))
    response = client.get(reverse("learning-edit", args=[session.pk]))
    assert response.status_code == status


def test_someone_who_may_not_edit_cannot_post_changes_either(client, cast, course):
    signed_in(client, cast.mia)
    response = client.post(
        reverse("learning-edit", args=[course.pk]), form_data(cast, title="Changed")
    )
    assert response.status_code == 404
    course.refresh_from_db()
    assert course.title == "Kubernetes in depth"


def test_the_edit_link_shows_only_to_those_who_may_edit(client, cast, course):
    edit_url = reverse("learning-edit", args=[course.pk]).encode()
    response = signed_in(client, cast.alice).get(
        reverse("learning-detail", args=[course.pk])
    )
    assert edit_url in response.content
    response = signed_in(client, cast.mia).get(
        reverse("learning-detail", args=[course.pk])
    )
    assert edit_url not in response.content


def test_the_detail_links_the_goal_for_those_who_may_see_it(client, cast, course):
    goal = factories.make_goal(cast.alice, title="Run our cluster")
    course.goal = goal
    course.save()
    response = signed_in(client, cast.mia).get(
        reverse("learning-detail", args=[course.pk])
    )
    assert reverse("goal-detail", args=[goal.pk]).encode() in response.content
    assert b"Run our cluster" in response.content


def test_a_public_session_does_not_reveal_a_linked_private_goal(client, cast, session):
    goal = factories.make_goal(cast.alice, title="Become a testing expert")
    session.goal = goal
    session.save()
    response = signed_in(client, cast.carol).get(
        reverse("learning-detail", args=[session.pk])
    )
    assert response.status_code == 200
    assert b"Become a testing expert" not in response.content


# --- logging learning --------------------------------------------------------------


def test_the_new_form_starts_with_me_as_the_attendee(client, cast):
    response = signed_in(client, cast.alice).get(reverse("learning-create"))
    assert response.status_code == 200
    assert response.context["form"].initial["attendees"] == [cast.alice.pk]
    html = response.content.decode()

    def ticked(engineer):
        box = re.search(
            rf'<input[^>]*name="attendees" value="{engineer.pk}"[^>]*>', html
        )
        return box.group(0).endswith(" checked>")

    assert ticked(cast.alice)
    assert not ticked(cast.bob)


def test_the_attendee_choices_are_the_active_engineers(client, cast):
    cast.olivia.is_active = False
    cast.olivia.save()
    response = signed_in(client, cast.alice).get(reverse("learning-create"))
    choices = set(response.context["form"].fields["attendees"].queryset)
    assert cast.bob in choices
    assert cast.olivia not in choices


def test_logging_learning_saves_it_and_shows_it(client, cast):
    goal = factories.make_goal(cast.alice, title="Learn data modelling")
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-create"),
        form_data(cast, attendees=[cast.alice.pk, cast.bob.pk], goal=goal.pk),
    )
    activity = LearningActivity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("learning-detail", args=[activity.pk])
    assert activity.title == "Designing data-intensive applications"
    assert activity.hours == Decimal("2.5")
    assert activity.logged_by == cast.alice.user
    assert activity.goal == goal
    assert set(activity.attendees.all()) == {cast.alice, cast.bob}


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Hours must be more than 0."),
        ("201", "Hours can be at most 200."),
        ("abc", "Enter a number."),
        ("1.25", "no more than 1 decimal place"),
    ],
)
def test_bad_hours_are_a_field_error_and_nothing_is_saved(client, cast, hours, message):
    signed_in(client, cast.alice)
    response = client.post(reverse("learning-create"), form_data(cast, hours=hours))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["hours"])
    assert message.encode() in response.content
    assert b'value="Designing data-intensive applications"' in response.content
    assert not LearningActivity.objects.exists()


def test_a_date_two_years_ahead_is_a_field_error(client, cast):
    two_years = today() + datetime.timedelta(days=730)
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-create"), form_data(cast, date=two_years.isoformat())
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    latest = date_format(years_after(today(), 1), "j M Y")
    assert f"Pick a date from 1 Jan 2000 to {latest}." in response.content.decode()
    assert not LearningActivity.objects.exists()


def test_a_date_within_the_year_ahead_is_fine(client, cast):
    signed_in(client, cast.alice)
    next_month = today() + datetime.timedelta(days=30)
    response = client.post(
        reverse("learning-create"), form_data(cast, date=next_month.isoformat())
    )
    assert response.status_code == 302
    assert LearningActivity.objects.get().date == next_month


def test_the_goal_must_be_one_of_my_own(client, cast):
    bobs_goal = factories.make_goal(cast.bob, title="Bob's goal")
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-create"), form_data(cast, goal=bobs_goal.pk)
    )
    assert response.status_code == 200
    assert "goal" in response.context["form"].errors
    assert not LearningActivity.objects.exists()


def test_only_my_active_goals_are_offered(client, cast):
    mine = factories.make_goal(cast.alice, title="Active")
    done = factories.make_goal(cast.alice, title="Done", status=GoalStatus.ACHIEVED)
    factories.make_goal(cast.bob, title="Bob's")
    response = signed_in(client, cast.alice).get(reverse("learning-create"))
    assert list(response.context["form"].fields["goal"].queryset) == [mine]
    assert done not in response.context["form"].fields["goal"].queryset


# --- editing -----------------------------------------------------------------------


def test_editing_saves_the_changes(client, cast, course):
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-edit", args=[course.pk]),
        form_data(
            cast, title="Kubernetes, part two", hours="4", attendees=[cast.bob.pk]
        ),
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Kubernetes, part two"
    assert course.hours == Decimal("4")
    assert list(course.attendees.all()) == [cast.bob]


def test_a_bad_edit_keeps_what_was_typed_and_saves_nothing(client, cast, course):
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-edit", args=[course.pk]),
        form_data(cast, title="Typed but not saved", hours="0"),
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert b'value="Typed but not saved"' in response.content
    # The heading still names the activity as it is saved.
    assert "Edit “Kubernetes in depth”" in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Kubernetes in depth"
    assert course.hours == Decimal("3")


def test_the_leader_edits_a_session_without_seeing_or_losing_a_private_goal(
    client, cast
):
    goal = factories.make_goal(cast.alice, title="Alice's private goal")
    activity = factories.make_learning(
        cast.alice.user,
        kind=LearningKind.LEARNING_SESSION,
        led_by=cast.bob,
        goal=goal,
        attendees=[cast.alice],
    )
    signed_in(client, cast.bob)
    url = reverse("learning-edit", args=[activity.pk])
    assert b"private goal" not in client.get(url).content
    response = client.post(
        url,
        form_data(
            cast,
            kind=LearningKind.LEARNING_SESSION,
            led_by=cast.bob.pk,
            title="Renamed by the leader",
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.goal == goal
    assert activity.title == "Renamed by the leader"


def test_an_attendee_who_has_left_stays_on_an_edit(client, cast, course):
    course.attendees.add(cast.olivia, through_defaults={"date": course.date})
    cast.olivia.is_active = False
    cast.olivia.save()
    signed_in(client, cast.alice)
    url = reverse("learning-edit", args=[course.pk])
    assert cast.olivia in client.get(url).context["form"].fields["attendees"].queryset
    response = client.post(
        url, form_data(cast, attendees=[cast.alice.pk, cast.olivia.pk])
    )
    assert response.status_code == 302
    assert set(course.attendees.all()) == {cast.alice, cast.olivia}


def test_my_own_linked_goal_can_be_cleared_on_edit(client, cast, course):
    course.goal = factories.make_goal(cast.alice, title="Mine")
    course.save()
    signed_in(client, cast.alice)
    response = client.post(
        reverse("learning-edit", args=[course.pk]), form_data(cast, goal="")
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.goal is None


# --- tabs, filters, pages ------------------------------------------------------------


def test_learning_days_are_grouped_by_date(client, cast):
    for title, day in [("Rust", 6), ("Elm", 6), ("Go", 20)]:
        factories.make_learning(
            cast.alice.user,
            attendees=[cast.alice],
            kind=LearningKind.LEARNING_DAY,
            title=title,
            date=datetime.date(2026, 3, day),
        )
    factories.make_learning(cast.alice.user, attendees=[cast.alice], title="A course")
    response = signed_in(client, cast.alice).get(
        reverse("learning-list"), {"tab": "days"}
    )
    html = response.content.decode()
    assert html.count("Friday 6 March 2026") == 1
    assert "Friday 20 March 2026" in html
    assert "Rust" in html and "Elm" in html
    assert "A course" not in html


def test_hackathons_list_their_participants(client, cast):
    factories.make_learning(
        cast.bob.user,
        attendees=[cast.bob, cast.carol],
        kind=LearningKind.HACKATHON,
        title="Winter hack",
    )
    response = signed_in(client, cast.olivia).get(
        reverse("learning-list"), {"tab": "hackathons"}
    )
    html = response.content.decode()
    assert "Winter hack" in html
    assert "Participants (2):" in html
    assert "Bob Peer, Carol Outsider" in html


def test_sessions_show_who_led_and_who_attended(client, cast, session, course):
    response = signed_in(client, cast.olivia).get(
        reverse("learning-list"), {"tab": "sessions"}
    )
    html = response.content.decode()
    assert "Property-based testing" in html
    assert "<td>Bob Peer</td>" in html
    assert "Alice Engineer, Carol Outsider" in html


def test_my_learning_shows_what_i_attended_and_hours_per_month(client, cast, session):
    for day, hours in [(2, "1.5"), (15, "2")]:
        factories.make_learning(
            cast.mia.user,
            attendees=[cast.alice],
            title=f"Course {day}",
            hours=Decimal(hours),
            date=datetime.date(2026, 4, day),
        )
    factories.make_learning(cast.bob.user, attendees=[cast.bob], title="Bob's own")
    response = signed_in(client, cast.alice).get(
        reverse("learning-list"), {"tab": "mine"}
    )
    html = response.content.decode()
    months = {row["month"]: row["hours"] for row in response.context["monthly"]}
    assert months == {
        datetime.date(2026, 4, 1): Decimal("3.5"),
        datetime.date(2026, 3, 1): Decimal("3"),
    }
    assert "April 2026" in html
    assert "Course 15" in html
    assert "Property-based testing" in html
    assert "Bob&#x27;s own" not in html


def test_the_list_filters_by_kind_attendee_leader_and_dates(client, cast, session):
    factories.make_learning(
        cast.alice.user,
        attendees=[cast.alice],
        title="Early",
        date=datetime.date(2026, 1, 5),
    )
    factories.make_learning(
        cast.alice.user,
        attendees=[cast.bob],
        title="Late",
        date=datetime.date(2026, 6, 5),
    )
    signed_in(client, cast.alice)

    def titles(**params):
        response = client.get(reverse("learning-list"), params)
        return {a.title for a in response.context["page_obj"]}

    assert titles() == {"Early", "Late", "Property-based testing"}
    assert titles(kind=LearningKind.LEARNING_SESSION) == {"Property-based testing"}
    assert titles(attendee=cast.bob.pk) == {"Late"}
    assert titles(led_by=cast.bob.pk) == {"Property-based testing"}
    assert titles(date_from="2026-02-01", date_to="2026-05-01") == {
        "Property-based testing"
    }


def test_a_bad_filter_value_is_shown_as_an_error_not_a_crash(client, cast, course):
    response = signed_in(client, cast.alice).get(
        reverse("learning-list"), {"date_from": "soon"}
    )
    assert response.status_code == 200
    assert "date_from" in response.context["filter"].form.errors
    assert b"Kubernetes in depth" in response.content


def test_the_list_is_paginated_and_keeps_its_filters(client, cast):
    for n in range(30):
        factories.make_learning(
            cast.alice.user,
            attendees=[cast.alice],
            title=f"Reading {n}",
            kind="reading",
        )
    signed_in(client, cast.alice)
    first = client.get(reverse("learning-list"), {"kind": "reading"})
    assert len(first.context["page_obj"]) == 25
    assert b"kind=reading&amp;page=2" in first.content
    second = client.get(reverse("learning-list"), {"kind": "reading", "page": 2})
    assert len(second.context["page_obj"]) == 5


# --- queries -----------------------------------------------------------------------


def build_learning(cast, count):
    for n in range(count):
        people = [cast.alice, cast.bob, cast.carol][: 1 + n % 3]
        factories.make_learning(
            cast.mia.user,
            attendees=people,
            led_by=cast.bob if n % 2 else None,
            kind=[
                LearningKind.COURSE,
                LearningKind.LEARNING_SESSION,
                LearningKind.HACKATHON,
                LearningKind.LEARNING_DAY,
            ][n % 4],
            title=f"Activity {n}",
            date=datetime.date(2026, 1 + n % 6, 1 + n % 20),
        )


count_queries = fresh_queries


@pytest.mark.parametrize("tab", ["all", "days", "hackathons", "sessions", "mine"])
def test_the_list_runs_the_same_queries_for_4_or_40_activities(client, cast, tab):
    signed_in(client, cast.alice)
    build_learning(cast, 4)  # one of each kind, so no tab is empty
    small = count_queries(client, reverse("learning-list"), {"tab": tab})
    build_learning(cast, 36)
    large = count_queries(client, reverse("learning-list"), {"tab": tab})
    assert small == large
    assert large <= 9


def test_the_detail_runs_the_same_queries_for_2_or_20_attendees(client, cast):
    signed_in(client, cast.alice)
    small = factories.make_learning(
        cast.alice.user, attendees=[cast.alice, cast.bob], led_by=cast.bob
    )
    others = [factories.make_engineer() for _ in range(18)]
    large = factories.make_learning(
        cast.alice.user, attendees=[cast.alice, cast.bob, *others], led_by=cast.bob
    )
    small_count = count_queries(client, reverse("learning-detail", args=[small.pk]))
    large_count = count_queries(client, reverse("learning-detail", args=[large.pk]))
    assert small_count == large_count
    assert large_count <= 6


def test_the_form_runs_the_same_queries_for_few_or_many_engineers(client, cast):
    signed_in(client, cast.alice)
    small = count_queries(client, reverse("learning-create"))
    for _ in range(20):
        factories.make_engineer()
    large = count_queries(client, reverse("learning-create"))
    assert small == large


# --- services ----------------------------------------------------------------------


def test_learning_activity_create_records_who_logged_it_and_when(cast):
    activity = learning_activity_create(
        logged_by=cast.mia.user,
        kind=LearningKind.LEARNING_DAY,
        title="Sprint 12 learning day",
        date=datetime.date(2026, 3, 6),
        hours=Decimal("7.5"),
        attendees=[cast.alice, cast.bob],
        now=NOW,
    )
    activity.refresh_from_db()
    assert activity.logged_by == cast.mia.user
    assert activity.created_at == NOW
    assert set(activity.attendees.all()) == {cast.alice, cast.bob}


def test_learning_activity_update_replaces_the_attendees(cast, course):
    learning_activity_update(
        activity=course,
        kind=LearningKind.COURSE,
        title="Kubernetes in depth",
        date=course.date,
        hours=Decimal("5"),
        attendees=[cast.bob],
    )
    course.refresh_from_db()
    assert course.hours == Decimal("5")
    assert list(course.attendees.all()) == [cast.bob]
