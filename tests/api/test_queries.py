"""Every list endpoint costs the same queries however much it lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from growth.models import FeedbackComment
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(cast, goal, note, n: int) -> None:
    """``n`` more of everything mia may list about alice and bob."""
    one_line = dict.fromkeys(("situation", "behaviour", "impact", "suggestion"), "")
    for i in range(n):
        factories.make_note(cast.mia.user, cast.alice)
        factories.make_note(
            cast.bob.user, cast.alice, sentiment="praise", public=True,
            message=f"Thanks {i}", **one_line,
        )  # fmt: skip
        FeedbackComment.objects.create(note=note, author=cast.alice.user, body="Yes")
        factories.make_goal(cast.bob, title=f"Goal {i}")
        check_in = factories.make_goal_check_in(goal, cast.alice.user, progress=i)
        factories.make_link(check_in, f"https://github.com/acme/app/pull/{i}")
        factories.make_request(cast.mia, cast.skip if i % 2 else cast.max)
        factories.make_learning(
            cast.alice.user,
            attendees=[cast.alice, cast.bob],
            title=f"Course {i}",
            competency=factories.competency(),
        )
        factories.make_engineer(f"Report {i}", team=cast.platform, manager=cast.mia)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response.json()["results"], url  # a list, and not an empty one
    return len(queries)


LISTS = [
    ("person-list", None),
    ("note-list", None),
    ("note-comments", "note"),
    ("request-list", None),
    ("goal-list", None),
    ("goal-check-ins", "goal"),
    ("learning-list", None),
    ("praise-list", None),
]


@pytest.mark.parametrize(("name", "arg"), LISTS, ids=[name for name, _ in LISTS])
def test_a_list_costs_the_same_as_it_grows(cast, name, arg):
    goal = factories.make_goal(cast.alice)
    note = factories.make_note(cast.mia.user, cast.alice)
    objects = {"goal": goal, "note": note}
    url = reverse(f"api:{name}", args=[objects[arg].pk] if arg else [])
    client = APIClient()
    client.force_login(cast.mia.user)
    _grow(cast, goal, note, 1)
    small = _count(client, url)
    _grow(cast, goal, note, 8)
    assert _count(client, url) == small
