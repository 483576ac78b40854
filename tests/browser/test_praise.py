"""Praise in one line, in a real browser: one box, then where to go next, and
the wall."""

from __future__ import annotations

import re

import pytest

from growth.models import FeedbackNote
from tests import factories

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_praise_in_one_line_then_another_then_back(cast, open_page):
    page = open_page(cast.bob.user.email)
    page.goto("/feedback/")
    page.get_by_role("link", name="Give praise").first.click()
    page.wait_for_url(re.compile(r"/praise/new/"))
    page.get_by_label("Who are you praising?").select_option(str(cast.alice.pk))
    page.get_by_label("Your praise").fill("Great review of the queue change")
    page.get_by_label("Interpersonal").check()
    page.get_by_label("Show it on the Praise wall").check()
    page.get_by_role("button", name="Send praise").click()
    page.wait_for_url(re.compile(r"/feedback/\d+/$"))
    note = FeedbackNote.objects.get()
    assert (note.message, note.kind, note.public) == (
        "Great review of the queue change",
        "interpersonal",
        True,
    )
    page.get_by_text("Your praise is saved").wait_for()

    page.get_by_role("link", name="Give another to Alice Engineer").click()
    page.wait_for_url(re.compile(rf"/praise/new/\?engineer={cast.alice.pk}"))
    assert page.get_by_label("Your praise").input_value() == ""
    page.get_by_label("Your praise").fill("And for the demo")
    page.get_by_label("Technical").check()
    page.get_by_role("button", name="Send praise").click()
    page.wait_for_url(re.compile(r"/feedback/\d+/$"))
    page.get_by_role("link", name="Back to where you were").click()
    page.wait_for_url(re.compile(r"/feedback/$"))
    assert FeedbackNote.objects.count() == 2


def test_the_wall_shows_public_praise_to_everyone(cast, open_page):
    factories.make_note(
        cast.bob.user,
        cast.alice,
        sentiment="praise",
        public=True,
        message="Thanks for the on-call handover",
        **dict.fromkeys(("situation", "behaviour", "impact", "suggestion"), ""),
    )
    page = open_page(cast.carol.user.email)
    page.goto("/praise/")
    page.get_by_text("Bob Peer praised Alice Engineer").wait_for()
    assert "Thanks for the on-call handover" in page.content()
