"""The product's core loops, in a real browser, as the people who use it."""

from __future__ import annotations

import re

import pytest

from growth.models import CheckIn, FeedbackNote, GoalCheckIn
from tests import factories

# Committed, for the live server's thread; the flush after each test takes the
# migrations' competencies and reminder rules, which tests/conftest.py's
# ``_seeded`` puts back before the next.
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def team_row(page, name: str):
    return page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name))


def unacknowledged_cell(page, name: str) -> str:
    # Columns: name (th), team, days mine, days any, technical, interpersonal,
    # goals at risk, days since 1:1, unacknowledged, actions.
    return team_row(page, name).locator("td").nth(7).inner_text().strip()


def test_feedback_goes_round_the_loop(cast, open_page):
    manager = open_page(cast.mia.user.email)

    # The manager logs interpersonal feedback from the team dashboard.
    manager.goto("/team/")
    assert unacknowledged_cell(manager, "Alice Engineer") == "0"
    team_row(manager, "Alice Engineer").get_by_role("link", name="Log feedback").click()
    manager.get_by_label("Interpersonal", exact=True).check()
    manager.get_by_label("Competency").select_option(label="Communication")
    manager.get_by_label("Constructive", exact=False).check()
    manager.get_by_label("Situation").fill("In Monday's planning with the design team")
    manager.get_by_label("Behaviour").fill("You cut Sam off twice while he explained")
    manager.get_by_label("Impact").fill("Sam stopped contributing for the rest")
    manager.get_by_label("Suggestion").fill("Let people finish, then ask one question")
    manager.get_by_role("button", name="Save feedback").click()
    manager.wait_for_url(re.compile(r"/feedback/\d+/$"))
    note = FeedbackNote.objects.get(author=cast.mia.user, engineer=cast.alice)
    assert note.kind == "interpersonal"
    manager.goto("/team/")
    assert unacknowledged_cell(manager, "Alice Engineer") == "1"

    # The engineer sees it on top of her dashboard, reads it and replies.
    engineer = open_page(cast.alice.user.email)
    engineer.goto("/me/")
    card = engineer.locator(f"#note-{note.pk}-card")
    assert "You cut Sam off twice" in card.inner_text()
    card.get_by_role("button", name=re.compile("Acknowledge|Mark as read")).click()
    card = engineer.locator(f"#note-{note.pk}-card")
    card.get_by_text("Read on").wait_for()
    card.get_by_label(re.compile("Reply to")).fill("Thank you, I had not noticed")
    card.get_by_role("button", name=re.compile("Send reply|Reply")).click()
    engineer.locator(f"#note-{note.pk}-card").get_by_text(
        "Your reply is in the conversation."
    ).wait_for()
    note.refresh_from_db()
    assert note.acknowledged_at is not None
    assert note.comments.get().body == "Thank you, I had not noticed"

    # The manager sees the acknowledgement on the team dashboard.
    manager.reload()
    assert unacknowledged_cell(manager, "Alice Engineer") == "0"


def test_a_mentor_logs_a_check_in(cast, open_page):
    mentor = open_page(cast.max.user.email)
    mentor.goto("/mentoring/")
    mentor.get_by_role("link", name="Log check-in with Alice Engineer").click()
    mentor.get_by_label("Shared notes").fill("Walked through the on-call runbook")
    mentor.get_by_label("Action items").fill(
        "Shadow one on-call shift\nRead the incident guide"
    )
    mentor.get_by_role("button", name=re.compile("Save")).click()
    mentor.wait_for_url(re.compile(r"/check-ins/\d+/$"))
    assert "Shadow one on-call shift" in mentor.content()
    check_in = CheckIn.objects.get(author=cast.max.user, engineer=cast.alice)
    assert check_in.mentorship == cast.max_mentors_alice
    assert check_in.action_items.count() == 2


def test_recording_goal_progress_redraws_the_chart(cast, open_page):
    goal = factories.make_goal(cast.alice, title="Lead a design review")
    factories.make_goal_check_in(goal, cast.alice.user, progress=20)
    engineer = open_page(cast.alice.user.email)
    engineer.goto(f"/goals/{goal.pk}/")
    points_before = engineer.locator("svg.chart circle.point").count()

    engineer.goto(f"/goals/{goal.pk}/check-in/")
    engineer.get_by_label("Progress (%)").fill("60")
    engineer.get_by_label("Note").fill("Ran the first review")
    engineer.get_by_role("button", name="Record progress").click()
    engineer.wait_for_url(re.compile(rf"/goals/{goal.pk}/$"))

    assert GoalCheckIn.objects.filter(goal=goal).count() == 2
    points = engineer.locator("svg.chart circle.point")
    assert points.count() == points_before + 1
    assert any("60%" in label for label in points.locator("title").all_text_contents())
