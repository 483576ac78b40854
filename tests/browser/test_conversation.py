"""A note's conversation in a real browser: a comment swaps in with htmx, the
button waits for the answer, and the others are told."""

from __future__ import annotations

import re

import pytest

from growth.models import EventKind, Notification
from tests import factories

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_a_comment_joins_the_conversation_in_place(cast, open_page):
    note = factories.make_note(cast.bob.user, cast.alice)
    page = open_page(cast.alice.user.email)
    page.goto(f"/feedback/{note.pk}/")
    conversation = page.locator(f"#note-{note.pk}-conversation")
    conversation.get_by_text("No comments yet.").wait_for()
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and "/comments/" in request.url
            else None
        ),
    )
    conversation.get_by_label("Add a comment").fill("Thanks, I will try it")
    button = conversation.get_by_role("button", name="Comment")
    button.dblclick()
    conversation = page.locator(f"#note-{note.pk}-conversation")
    conversation.get_by_role("status").get_by_text("Your comment is added.").wait_for()
    assert "Thanks, I will try it" in conversation.inner_text()
    assert conversation.get_by_label("Add a comment").input_value() == ""
    # The page itself stayed: htmx swapped the conversation only.
    assert re.search(rf"/feedback/{note.pk}/$", page.url)
    assert note.comments.count() == 1
    assert len(posts) == 1
    told = Notification.objects.filter(kind=EventKind.FEEDBACK_COMMENTED)
    assert {n.recipient for n in told} == {
        cast.bob.user,
        cast.mia.user,
        cast.max.user,
    }

    # A second comment gets a key of its own: it is added, not taken for the first.
    conversation.get_by_label("Add a comment").fill("And it worked")
    conversation.get_by_role("button", name="Comment").click()
    page.locator(f"#note-{note.pk}-conversation").get_by_text(
        "And it worked"
    ).wait_for()
    assert [c.body for c in note.comments.all()] == [
        "Thanks, I will try it",
        "And it worked",
    ]


def test_the_author_reads_the_answer_and_edits_their_own_comment(cast, open_page):
    note = factories.make_note(cast.bob.user, cast.alice)
    page = open_page(cast.bob.user.email)
    page.goto(f"/feedback/{note.pk}/")
    conversation = page.locator(f"#note-{note.pk}-conversation")
    conversation.get_by_label("Add a comment").fill("Ping me if you want to pair")
    conversation.get_by_role("button", name="Comment").click()
    page.locator(f"#note-{note.pk}-conversation").get_by_role("status").wait_for()
    page.locator(f"#note-{note.pk}-conversation").get_by_role(
        "link", name=re.compile("Edit")
    ).click()
    page.get_by_label("Your comment").fill("Ping me any time to pair")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf"/feedback/{note.pk}/#comment-\d+$"))
    text = page.locator(f"#note-{note.pk}-conversation").inner_text()
    assert "Ping me any time to pair" in text
    assert "edited" in text
    comment = note.comments.get()
    assert comment.history.count() == 2
