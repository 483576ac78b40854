"""Every date a person types is bounded: a typo like 31 Dec 9999 or 1 Jan 1999
is a field error that names the range, never a saved row."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from growth.forms import dates
from growth.models import CheckIn, FeedbackRequest, Goal, GoalKind, LearningActivity
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def goal_data(target_date: str) -> dict:
    return {
        "title": "Lead a design review",
        "kind": GoalKind.TECHNICAL,
        "target_date": target_date,
    }


def test_a_goal_due_in_9999_is_refused_with_the_range(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("goal-create"), goal_data("9999-12-31"))
    assert response.status_code == 200
    assert response.context["form"].errors["target_date"] == [
        "Pick a date from 1 Jan 2000 to 16 Mar 2036."
    ]
    assert not Goal.objects.exists()


def test_a_goal_ten_years_ahead_is_set(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("goal-create"), goal_data("2036-03-16"))
    assert response.status_code == 302
    assert Goal.objects.get().target_date == datetime.date(2036, 3, 16)


def test_editing_a_goal_bounds_its_target_date_too(client, cast):
    goal = factories.make_goal(cast.alice)
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("goal-edit", args=[goal.pk]),
        {**goal_data("2037-01-01"), "status": goal.status},
    )
    assert (
        "Pick a date from 1 Jan 2000"
        in response.context["form"].errors["target_date"][0]
    )
    goal.refresh_from_db()
    assert goal.target_date is None


def test_the_goal_date_picker_shows_the_range(client, cast):
    client.force_login(cast.alice.user)
    page = client.get(reverse("goal-create")).content.decode()
    assert 'min="2000-01-01"' in page
    assert 'max="2036-03-16"' in page


def test_learning_before_2000_is_refused_with_the_range(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("learning-create"),
        {
            "kind": "course",
            "title": "Fortran 77",
            "date": "1999-12-31",
            "hours": "2",
            "attendees": [cast.alice.pk],
        },
    )
    assert response.context["form"].errors["date"] == [
        "Pick a date from 1 Jan 2000 to 16 Mar 2027."
    ]
    assert not LearningActivity.objects.exists()


def test_a_check_in_before_2000_is_refused_with_the_range(client, cast):
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("check-in-create") + f"?engineer={cast.alice.pk}&kind=one_on_one",
        {"held_on": "0026-03-16"},
    )
    assert response.context["form"].errors["held_on"] == [
        "Pick a date from 1 Jan 2000 to today (16 Mar 2026)."
    ]
    assert not CheckIn.objects.exists()


def test_a_request_due_more_than_a_year_ahead_is_refused(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        {
            "recipient": cast.bob.pk,
            "message": "How did my review go?",
            "due_on": "2027-03-17",
        },
    )
    assert response.context["form"].errors["due_on"] == [
        "Pick a date from today (16 Mar 2026) to 16 Mar 2027."
    ]
    assert not FeedbackRequest.objects.exists()


def test_a_leap_day_moves_to_the_28th_years_later():
    assert dates.years_after(datetime.date(2028, 2, 29), 1) == datetime.date(
        2029, 2, 28
    )
