"""A learning session in a real browser: a senior proposes and schedules it,
two newcomers sign up, the leader confirms who came, both say how it went, and
the leader reads it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from growth.models import LearningActivity, LearningSession, SessionFeedback

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_a_session_from_proposal_to_feedback(cast, open_page):
    today = timezone.localdate()
    for newcomer in (cast.alice, cast.bob):
        newcomer.start_date = today - datetime.timedelta(days=30)
        newcomer.save(update_fields=["start_date"])
    starts = timezone.localtime() + datetime.timedelta(days=2)

    page = open_page(cast.skip.user.email)
    page.goto("/learning/")
    page.get_by_role("link", name="Sessions and hackathons").click()
    page.get_by_role("link", name="Propose a session").first.click()
    page.get_by_label("Title").fill("How our deploys work")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place or link").fill("Room 4")
    page.get_by_label("Suited to newcomers").check()
    page.get_by_role("button", name="Propose this session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    page.get_by_role("button", name="Schedule and open sign-ups").click()
    page.get_by_text("Scheduled: sign-ups are open.").wait_for()
    session = LearningSession.objects.get()

    for newcomer in (cast.alice, cast.bob):
        page = open_page(newcomer.user.email)
        page.goto("/sessions/")
        page.get_by_role("link", name="How our deploys work").click()
        page.get_by_role("button", name="Sign up").click()
        page.get_by_text("You are signed up. See you there!").wait_for()
    assert session.signups.count() == 2

    # The session took place.
    LearningSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = open_page(cast.skip.user.email)
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("link", name="Confirm who came").click()
    page.get_by_role("button", name="Confirm attendance").click()
    page.get_by_text("Attendance confirmed: 2 people came").wait_for()
    activity = LearningActivity.objects.get()
    assert set(activity.attendees.all()) == {cast.alice, cast.bob}

    for newcomer, line in ((cast.alice, "Now I can ship"), (cast.bob, "Too quick")):
        page = open_page(newcomer.user.email)
        page.goto(f"/sessions/{session.pk}/")
        page.get_by_label("Yes").check()
        page.get_by_label("In one line").fill(line)
        page.get_by_role("button", name=re.compile("Send to")).click()
        page.get_by_text("your feedback went to the leader").wait_for()
    assert SessionFeedback.objects.count() == 2

    page = open_page(cast.skip.user.email)
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_text("Now I can ship").wait_for()
    page.get_by_text("Too quick").wait_for()
