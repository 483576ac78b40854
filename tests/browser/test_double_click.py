"""A double click on Save, in a real browser, saves one thing and tells once."""

from __future__ import annotations

import re

import pytest

from growth.models import FeedbackNote, Notification, Reminder
from tests.conftest import CHROMIUM  # noqa: F401  (the marker below needs it)

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def fill_praise(page, cast):
    page.goto(f"/feedback/new/?engineer={cast.alice.pk}")
    page.get_by_label("Technical", exact=True).check()
    page.get_by_label("Praise", exact=False).check()
    page.get_by_label("Situation").fill("Thursday's release review")
    page.get_by_label("Behaviour").fill("You spotted the lock the migration takes")
    page.get_by_label("Impact").fill("We shipped without downtime")
    page.get_by_label("Suggestion").fill("Keep reading migrations for locks")


def posts_to(page, path: str) -> list:
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and path in request.url
            else None
        ),
    )
    return posts


def test_a_double_click_sends_one_request(cast, open_page):
    page = open_page(cast.mia.user.email)
    fill_praise(page, cast)
    posts = posts_to(page, "/feedback/new/")
    page.get_by_role("button", name="Save feedback").dblclick()
    page.wait_for_url(re.compile(r"/feedback/\d+/$"))
    assert len(posts) == 1
    assert FeedbackNote.objects.filter(engineer=cast.alice).count() == 1


def test_a_retried_post_saves_once_and_tells_once(cast, open_page):
    """A retry after a timeout sends the form's data again, key and all."""
    page = open_page(cast.mia.user.email)
    fill_praise(page, cast)
    form = page.locator("form", has=page.get_by_role("button", name="Save feedback"))
    data = form.evaluate("form => Object.fromEntries(new FormData(form).entries())")
    url = page.url
    answers = [
        page.request.post(url, form=data, headers={"Referer": url}, max_redirects=0)
        for _ in range(2)
    ]
    assert [answer.status for answer in answers] == [302, 302]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert FeedbackNote.objects.filter(engineer=cast.alice).count() == 1
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 1
    assert Reminder.objects.filter(recipient=cast.alice.user).count() == 1
