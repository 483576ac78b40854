"""The README's tour pictures, taken from the demo organisation.

`make screenshots` writes them to static/screenshots/; every other run writes
them to a temporary folder and checks that the pages render as pictures.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Committed, for the live server's thread; the flush after each test takes the
# migrations' competencies and reminder rules, which tests/conftest.py's
# ``_seeded`` puts back before the next.
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "screenshot-pass-123"
REPO_SCREENSHOTS = Path(__file__).resolve().parents[2] / "static" / "screenshots"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    if os.environ.get("CULTIVATE_SCREENSHOTS") == "1":
        REPO_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return REPO_SCREENSHOTS
    return tmp_path


def conversation_path() -> str:
    """A note the demo engineer answered, with its author's answer back."""
    from growth.models import FeedbackComment

    comment = (
        FeedbackComment.objects.filter(note__engineer__user__email=ENGINEER)
        .exclude(author__email=ENGINEER)
        .order_by("-created_at")
        .first()
    )
    return f"/feedback/{comment.note_id}/"


ENGINEER = "engineer@example.com"
PAGES = [
    (ENGINEER, "/me/", "growth-dashboard.png", "My growth"),
    ("manager@example.com", "/team/", "team-dashboard.png", "Team"),
    (ENGINEER, conversation_path, "feedback-conversation.png", None),
    (ENGINEER, "/one-on-ones/", "my-one-on-ones.png", "My 1:1s"),
    (ENGINEER, "/praise/", "praise-wall.png", "Praise wall"),
    (ENGINEER, "/requests/new/", "ask-for-feedback.png", "Ask for feedback"),
    (ENGINEER, "/me/framework/", "my-framework.png", "My framework"),
    ("manager@example.com", "/team/framework/", "team-framework.png", "Team framework"),
    (ENGINEER, "/framework/engineering/", "framework-track.png", "Engineering"),
]


@pytest.mark.parametrize(
    ("email", "path", "name", "heading"),
    PAGES,
    ids=[name.removesuffix(".png") for _, _, name, _ in PAGES],
)
def test_it_photographs_the_tour(open_page, folder, email, path, name, heading):
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    page = open_page(email, PASSWORD)
    page.goto(path() if callable(path) else path)
    page.get_by_role("heading", level=1, name=heading).first.wait_for()
    target = folder / name
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes().startswith(PNG_MAGIC)
    assert target.stat().st_size > 20_000
