"""Goals, learning and feedback requests take their pages' filters, and the
parameters mean what they mean on the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import GoalKind, GoalStatus, LearningKind, RequestStatus
from tests import factories

pytestmark = pytest.mark.django_db

GOALS = reverse("api:goal-list")
LEARNING = reverse("api:learning-list")
REQUESTS = reverse("api:request-list")


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    ids = [row["id"] for row in response.json()["results"]]
    assert len(ids) == len(set(ids)), "a row listed twice"
    return set(ids)


def test_goals_filter_by_engineer_status_and_kind(api, cast):
    active = factories.make_goal(cast.alice, title="Active")
    achieved = factories.make_goal(cast.alice, status=GoalStatus.ACHIEVED)
    career = factories.make_goal(cast.alice, kind=GoalKind.CAREER)
    bobs = factories.make_goal(cast.bob)
    mia = api(cast.mia.user)
    assert _ids(mia.get(GOALS)) == {active.pk, achieved.pk, career.pk, bobs.pk}
    wanted = {"status": "active", "engineer": cast.alice.pk}
    assert _ids(mia.get(GOALS, wanted)) == {active.pk, career.pk}
    assert _ids(mia.get(GOALS, wanted | {"kind": "career"})) == {career.pk}
    assert _ids(mia.get(GOALS, {"status": "achieved"})) == {achieved.pk}
    # Only the people one follows may be chosen, as on the page; a wrong
    # choice is an error on its parameter, not the whole list.
    carols = factories.make_goal(cast.carol)
    refused = mia.get(GOALS, {"engineer": cast.carol.pk})
    assert refused.status_code == 400 and set(refused.json()) == {"engineer"}
    assert carols.pk not in _ids(mia.get(GOALS))
    assert mia.get(GOALS, {"status": "done"}).status_code == 400


def test_learning_filters_by_kind_date_attendee_and_leader(api, cast):
    march = datetime.date(2026, 3, 10)
    course = factories.make_learning(
        cast.alice.user, attendees=[cast.alice], date=march
    )
    session = factories.make_learning(
        cast.bob.user,
        attendees=[cast.bob],
        kind=LearningKind.LEARNING_SESSION,
        led_by=cast.max,
        date=march + datetime.timedelta(days=20),
    )
    mia = api(cast.mia.user)
    assert _ids(mia.get(LEARNING)) == {course.pk, session.pk}
    assert _ids(mia.get(LEARNING, {"kind": "learning_session"})) == {session.pk}
    assert _ids(mia.get(LEARNING, {"attendee": cast.alice.pk})) == {course.pk}
    assert _ids(mia.get(LEARNING, {"led_by": cast.max.pk})) == {session.pk}
    assert _ids(
        mia.get(LEARNING, {"date_from": "2026-03-01", "date_to": "2026-03-15"})
    ) == {course.pk}
    assert mia.get(LEARNING, {"date_from": "March"}).status_code == 400


def test_requests_filter_by_the_pages_two_lists_and_status(api, cast):
    asked = factories.make_request(cast.bob, cast.alice)
    mine = factories.make_request(cast.alice, cast.max)
    closed = factories.make_request(
        cast.alice, cast.mia, status=RequestStatus.DECLINED, closed_at=timezone.now()
    )
    alice = api(cast.alice.user)
    assert _ids(alice.get(REQUESTS)) == {asked.pk, mine.pk, closed.pk}
    assert _ids(alice.get(REQUESTS, {"box": "asked"})) == {asked.pk}
    assert _ids(alice.get(REQUESTS, {"box": "mine"})) == {mine.pk, closed.pk}
    assert _ids(alice.get(REQUESTS, {"box": "mine", "status": "open"})) == {mine.pk}
    assert _ids(alice.get(REQUESTS, {"status": "declined"})) == {closed.pk}
    assert alice.get(REQUESTS, {"box": "theirs"}).status_code == 400
