"""Planning a learning day, logging what was done, and who may see it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from growth.models import (
    LearningActivity,
    LearningDayPlan,
    LearningKind,
    Notification,
    ReminderKind,
    SprintCadence,
)
from tests import factories
from tests.concurrency import key_from, post_twice_at_once

pytestmark = pytest.mark.django_db

# Two-week sprints from Monday 5 January 2026; learning days on the Monday
# after: 19 January, 2 February, 16 February...
FIRST = datetime.date(2026, 1, 5)
NEXT = datetime.date(2026, 2, 2)
PAST = datetime.date(2026, 1, 19)
NOW = datetime.datetime(2026, 1, 28, 12, tzinfo=datetime.UTC)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rhythm(cast):
    return SprintCadence.objects.create(
        team=cast.platform, sprint_weeks=2, first_sprint_start=FIRST, learning_weekday=0
    )


def day_url(day: datetime.date) -> str:
    return reverse("learning-day-edit", args=[day.isoformat()])


def plan_data(client, day, **fields) -> dict:
    page = client.get(day_url(day))
    assert page.status_code == 200
    return {"submission_key": key_from(page.content.decode()), **fields}


def test_it_shows_the_next_learning_day_and_its_sprint(client, cast, rhythm):
    client.force_login(cast.alice.user)
    page = client.get(reverse("learning-days")).content.decode()
    assert "Next learning day: Monday 2 February 2026" in page
    assert "After sprint 2." in page
    assert "Mon 19 Jan 2026" in page  # the past one


def test_it_says_when_the_team_has_no_rhythm(client, cast):
    client.force_login(cast.alice.user)
    page = client.get(reverse("learning-days")).content.decode()
    assert "has no sprint rhythm yet" in page


def test_the_engineer_plans_the_next_learning_day(client, cast, rhythm):
    client.force_login(cast.alice.user)
    goal = factories.make_goal(cast.alice, title="Learn tracing")
    competency = factories.competency()
    data = plan_data(
        client,
        NEXT,
        plan="OpenTelemetry basics",
        goal=goal.pk,
        competency=competency.pk,
    )
    response = client.post(day_url(NEXT), data, follow=True)
    assert "Saved your plan for Monday 2 February." in response.content.decode()
    plan = LearningDayPlan.objects.get()
    assert (plan.engineer, plan.day, plan.plan) == (cast.alice, NEXT, data["plan"])
    assert (plan.goal, plan.competency, plan.activity) == (goal, competency, None)


def test_before_the_day_there_is_nothing_to_log(client, cast, rhythm):
    client.force_login(cast.alice.user)
    page = client.get(day_url(NEXT)).content.decode()
    assert 'name="done"' not in page
    assert 'name="hours"' not in page


def test_logging_what_was_done_records_a_learning_day_with_the_hours(
    client, cast, rhythm
):
    client.force_login(cast.alice.user)
    goal = factories.make_goal(cast.alice)
    data = plan_data(
        client, PAST, plan="Tracing", goal=goal.pk, done="Traced checkout", hours="6.5"
    )
    response = client.post(day_url(PAST), data, follow=True)
    assert "Logged 6.5 hours of learning on Monday 19 January." in (
        response.content.decode()
    )
    plan = LearningDayPlan.objects.get()
    activity = plan.activity
    assert activity.kind == LearningKind.LEARNING_DAY
    assert (activity.date, activity.hours, activity.goal) == (
        PAST,
        Decimal("6.5"),
        goal,
    )
    assert list(activity.attendees.all()) == [cast.alice]
    mine = client.get(reverse("learning-list") + "?tab=mine").content.decode()
    assert "6.5" in mine


def test_logging_again_updates_the_same_activity(client, cast, rhythm):
    client.force_login(cast.alice.user)
    first = plan_data(client, PAST, plan="", done="Tracing", hours="4")
    client.post(day_url(PAST), first)
    again = plan_data(client, PAST, plan="", done="Tracing and metrics", hours="7")
    client.post(day_url(PAST), again)
    activity = LearningActivity.objects.get()
    assert (activity.hours, activity.description) == (
        Decimal("7"),
        "Tracing and metrics",
    )
    assert LearningDayPlan.objects.count() == 1


def test_hours_without_what_was_done_is_an_error(client, cast, rhythm):
    client.force_login(cast.alice.user)
    response = client.post(day_url(PAST), plan_data(client, PAST, plan="x", hours="3"))
    assert response.status_code == 200
    assert "Say what you did, to log the day." in response.content.decode()
    assert not LearningActivity.objects.exists()


def test_the_same_form_posted_twice_saves_once(client, cast, rhythm):
    client.force_login(cast.alice.user)
    data = plan_data(client, PAST, plan="Tracing", done="Traced", hours="5")
    client.post(day_url(PAST), data)
    client.post(day_url(PAST), data)
    assert LearningDayPlan.objects.count() == 1
    assert LearningActivity.objects.count() == 1


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_a_double_post_at_once_logs_one_activity(client, cast, rhythm):
    client.force_login(cast.alice.user)
    data = plan_data(client, PAST, plan="Tracing", done="Traced", hours="5")
    responses = post_twice_at_once(cast.alice.user, day_url(PAST), data)
    assert [r.status_code for r in responses] == [302, 302]
    assert LearningDayPlan.objects.count() == 1
    assert LearningActivity.objects.count() == 1


def test_a_day_that_is_not_a_learning_day_is_a_404(client, cast, rhythm):
    client.force_login(cast.alice.user)
    assert client.get(day_url(NEXT + datetime.timedelta(days=1))).status_code == 404
    assert client.get(day_url(NEXT + datetime.timedelta(days=14))).status_code == 404
    assert client.get("/learning-days/not-a-date/").status_code == 404


def test_without_a_rhythm_no_day_can_be_planned(client, cast):
    client.force_login(cast.alice.user)
    assert client.get(day_url(NEXT)).status_code == 404


def _planned(cast) -> LearningDayPlan:
    return LearningDayPlan.objects.create(
        engineer=cast.alice, day=NEXT, plan="Secret-ish plan about tracing"
    )


def test_the_manager_and_the_mentor_read_the_plans(client, cast, rhythm):
    _planned(cast)
    url = reverse("engineer-learning-days", args=[cast.alice.pk])
    for person in (cast.mia, cast.max):
        client.force_login(person.user)
        page = client.get(url)
        assert page.status_code == 200
        assert "Secret-ish plan about tracing" in page.content.decode()
        assert 'name="plan"' not in page.content.decode()


@pytest.mark.parametrize("who", ["bob", "skip", "carol", "olivia", "cora"])
def test_anyone_else_gets_a_404(client, cast, rhythm, who):
    _planned(cast)
    client.force_login(getattr(cast, who).user)
    url = reverse("engineer-learning-days", args=[cast.alice.pk])
    assert client.get(url).status_code == 404
    dashboard = client.get(reverse("learning-days")).content.decode()
    assert "Secret-ish plan" not in dashboard


def test_only_the_engineer_plans_their_own_days(client, cast, rhythm):
    _planned(cast)
    client.force_login(cast.mia.user)
    # Mia's own learning day is the same day: her plan, not alice's.
    page = client.get(day_url(NEXT)).content.decode()
    assert "Secret-ish plan" not in page
    client.post(day_url(NEXT), {"plan": "Mine"})
    assert LearningDayPlan.objects.get(engineer=cast.alice).plan.startswith("Secret")


def test_the_dashboard_shows_the_next_learning_day_and_the_plan(client, cast, rhythm):
    _planned(cast)
    client.force_login(cast.alice.user)
    page = client.get(reverse("my-growth")).content.decode()
    assert "Next: <strong>Monday 2 February</strong>" in page
    assert "Plan: Secret-ish plan about tracing" in page
    client.force_login(cast.mia.user)
    page = client.get(reverse("engineer-dashboard", args=[cast.alice.pk]))
    assert "Plan: Secret-ish plan about tracing" in page.content.decode()


def test_the_dashboard_asks_to_log_a_planned_past_day(client, cast, rhythm):
    LearningDayPlan.objects.create(engineer=cast.alice, day=PAST, plan="Tracing")
    client.force_login(cast.alice.user)
    page = client.get(reverse("my-growth")).content.decode()
    assert "Log what you did on 19 January" in page
    assert "Say what you plan to learn" in page


def test_planning_reads_the_learning_day_notice(client, cast, rhythm):
    notice = Notification.objects.create(
        recipient=cast.alice.user,
        kind=ReminderKind.LEARNING_DAY,
        message="Your learning day is tomorrow",
        url=reverse("learning-days"),
    )
    client.force_login(cast.alice.user)
    client.post(day_url(NEXT), plan_data(client, NEXT, plan="Tracing"))
    notice.refresh_from_db()
    assert notice.read_at is not None


def _past_days(cast, count: int) -> None:
    for n in range(count):
        day = PAST - datetime.timedelta(days=14 * n)
        plan = LearningDayPlan.objects.create(engineer=cast.alice, day=day, plan="p")
        plan.activity = factories.make_learning(
            cast.alice.user,
            attendees=[cast.alice],
            kind=LearningKind.LEARNING_DAY,
            date=day,
        )
        plan.done, plan.hours = "d", Decimal(3)
        plan.save()


@pytest.mark.parametrize("count", [1, 8])
def test_the_learning_days_page_costs_the_same_however_many_days(
    client, cast, rhythm, django_assert_num_queries, count
):
    SprintCadence.objects.filter(pk=rhythm.pk).update(
        first_sprint_start=FIRST.replace(year=2025)
    )
    _past_days(cast, count)
    client.force_login(cast.alice.user)
    client.get(reverse("learning-days"))
    # Session, user, access; the engineer with the cadence; the plans; the
    # form's goals and competencies.
    with django_assert_num_queries(7):
        assert client.get(reverse("learning-days")).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_the_dashboard_card_costs_no_query_of_its_own(
    client, cast, rhythm, django_assert_num_queries, count
):
    _past_days(cast, count)
    client.force_login(cast.alice.user)
    with_card = client.get(reverse("my-growth"))
    assert "learning-day-heading" in with_card.content.decode()
    SprintCadence.objects.all().delete()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        client.get(reverse("my-growth"))
    SprintCadence.objects.create(
        team=cast.platform, sprint_weeks=2, first_sprint_start=FIRST, learning_weekday=0
    )
    with django_assert_num_queries(len(without)):
        client.get(reverse("my-growth"))
