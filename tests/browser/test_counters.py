"""The character counters, in Chromium: they follow the typing, never cut."""

from __future__ import annotations

import re

import pytest

from growth.models import FeedbackNote, limits
from tests import factories
from tests.browser.test_csp import watch_violations

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def counter_text(page, field_id: str) -> str:
    return page.locator(f"#{field_id}_counter [data-counter-text]").inner_text()


def test_typing_updates_the_counter_and_long_text_is_kept_whole(cast, open_page):
    page = open_page(cast.bob.user.email)
    violations = watch_violations(page)
    page.goto(f"/feedback/new/?engineer={cast.alice.pk}")
    situation = page.get_by_label("Situation")
    assert counter_text(page, "id_situation") == "0 / 5,000"
    assert "id_situation_counter" in situation.get_attribute("aria-describedby")

    situation.press_sequentially("Stand-up 😀")
    assert counter_text(page, "id_situation") == "10 / 5,000"  # an emoji is one

    # A paste past the limit stays whole: the counter says by how much.
    situation.fill("x" * (limits.NOTE_PART + 1))
    assert len(situation.input_value()) == limits.NOTE_PART + 1
    assert counter_text(page, "id_situation") == "5,001 / 5,000 · 1 too many"
    counter = page.locator("#id_situation_counter")
    assert "is-over" in counter.get_attribute("class")
    live = page.locator("#id_situation_counter + [aria-live=polite]")
    assert live.inner_text() == "1 character over the limit of 5,000."

    # The server refuses it with a field error and keeps every character.
    page.get_by_label("Interpersonal", exact=True).check()
    page.get_by_label("Constructive", exact=False).check()
    page.get_by_label("Behaviour").fill("You cut Sam off twice")
    page.get_by_label("Impact").fill("Sam stopped contributing")
    page.get_by_label("Suggestion").fill("Let people finish")
    page.get_by_role("button", name="Save feedback").click()
    page.get_by_text("Keep this to 5,000 characters; it has 5,001").wait_for()
    assert len(page.get_by_label("Situation").input_value()) == 5_001
    assert counter_text(page, "id_situation") == "5,001 / 5,000 · 1 too many"
    assert not FeedbackNote.objects.exists()

    # Back under the limit, it is said once, and the note saves whole.
    page.get_by_label("Situation").press("End")
    page.get_by_label("Situation").press("Backspace")
    assert counter_text(page, "id_situation") == "5,000 / 5,000"
    assert "is-over" not in counter.get_attribute("class")
    assert live.inner_text() == "0 characters left."
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_url(re.compile(r"/feedback/\d+/$"))
    assert len(FeedbackNote.objects.get().situation) == limits.NOTE_PART
    assert violations == []


def test_a_card_htmx_swaps_in_counts_too(cast, open_page):
    note = factories.make_note(cast.mia.user, cast.alice)
    page = open_page(cast.alice.user.email)
    page.goto("/me/")
    card = page.locator(f"#note-{note.pk}-card")
    card.get_by_role("button", name="Mark as read").click()
    card.get_by_text("Read on").wait_for()  # the card is a new one, from htmx

    reply = card.get_by_label(re.compile("Reply to"))
    reply.fill("y" * (limits.REPLY + 2))
    assert counter_text(page, f"note-{note.pk}-reply") == "5,002 / 5,000 · 2 too many"
    card.get_by_role("button", name="Send reply").click()
    card.get_by_text("Keep this to 5,000 characters; it has 5,002").wait_for()
    # The card came back over the limit: the counter says so at once.
    assert counter_text(page, f"note-{note.pk}-reply") == "5,002 / 5,000 · 2 too many"
    assert len(card.get_by_label(re.compile("Reply to")).input_value()) == 5_002
    assert not note.comments.exists()

    card.get_by_label(re.compile("Reply to")).fill("Thank you")
    assert counter_text(page, f"note-{note.pk}-reply") == "9 / 5,000"
