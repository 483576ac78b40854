"""Focus goes where the person's attention should, after a page or an htmx swap.

static/a11y.js moves it: to the first field in error when a form comes back,
to the swapped content's first field in error after an htmx swap, and else,
when the swap took away the element that had focus, to the new content's
element marked data-focus-after-swap or to the swapped region itself. What
the new content says in a status is read out through a live region.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from growth.models import ActionItem
from tests import factories


def wait_for_focus(page, element_id: str) -> None:
    """Wait until the element ``element_id`` holds the page's focus. Not
    Playwright's ``to_be_focused``, which also wants the window focused: a
    headless browser running other pages at once may call it "inactive"."""
    page.wait_for_function(
        "id => document.activeElement !== null && document.activeElement.id === id",
        arg=element_id,
    )


# Committed, for the live server's thread; the flush after each test takes the
# migrations' competencies and reminder rules, which tests/conftest.py's
# ``_seeded`` puts back before the next.
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

FOCUSED_ID = "document.activeElement && document.activeElement.id"


def watch_settles(page):
    """Count htmx swaps that have settled, to wait for the next one."""
    page.evaluate(
        "window.settled = 0;"
        " document.addEventListener('htmx:afterSettle', () => { window.settled++; });"
    )


def wait_for_settle(page, count: int = 1):
    page.wait_for_function("count => window.settled >= count", arg=count)


@pytest.fixture
def note(cast):
    return factories.make_note(cast.mia.user, cast.alice)


def test_a_reply_sent_empty_focuses_the_reply_box(cast, open_page, note):
    page = open_page(cast.alice.user.email)
    page.goto("/me/")
    watch_settles(page)
    card = page.locator(f"#note-{note.pk}-card")
    card.get_by_role("button", name="Send reply").focus()
    page.keyboard.press("Enter")
    wait_for_settle(page)

    reply = page.locator(f"#note-{note.pk}-reply")
    assert "is-invalid" in reply.get_attribute("class")
    assert page.evaluate(FOCUSED_ID) == f"note-{note.pk}-reply"


def test_a_swap_that_removes_the_focused_button_focuses_the_new_card(
    cast, open_page, note
):
    page = open_page(cast.alice.user.email)
    page.goto("/me/")
    watch_settles(page)
    page.locator(f"#note-{note.pk}-card").get_by_role(
        "button", name="Mark as read"
    ).focus()
    page.keyboard.press("Enter")
    wait_for_settle(page)

    card = page.locator(f"#note-{note.pk}-card")
    card.get_by_text("Read on").wait_for()
    # Not the unread count the answer also swaps into the navigation, out of
    # band: the card the person acted on.
    assert page.evaluate(FOCUSED_ID) == f"note-{note.pk}-card"
    assert card.get_attribute("tabindex") == "-1"
    # What the card says it did is read out by the live region.
    status = card.get_by_role("status").inner_text().strip()
    assert status
    page.wait_for_function(
        "text => document.querySelector('[data-a11y-announcer]').textContent === text",
        arg=status,
    )


def test_an_element_marked_in_the_new_content_takes_focus(cast, open_page, note):
    page = open_page(cast.alice.user.email)
    page.goto("/me/")
    watch_settles(page)
    reply_id = f"note-{note.pk}-reply"

    def mark_the_reply_box(route):
        response = route.fetch()
        body = response.text().replace(
            f'id="{reply_id}"', f'id="{reply_id}" data-focus-after-swap', 1
        )
        route.fulfill(response=response, body=body)

    page.route(re.compile(r"/feedback/\d+/acknowledge/$"), mark_the_reply_box)
    page.locator(f"#note-{note.pk}-card").get_by_role(
        "button", name="Mark as read"
    ).click()
    wait_for_settle(page)

    assert page.evaluate(FOCUSED_ID) == reply_id


def test_a_swap_that_leaves_the_focused_field_leaves_focus_there(cast, open_page):
    page = open_page(cast.alice.user.email)
    page.goto("/feedback/new/")
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_load_state("load")
    # The failed submit focused the first field in error.
    assert page.evaluate(
        "document.activeElement.matches('.is-invalid, [aria-invalid=true]')"
    )
    # Even a swap into a field in error leaves focus where the person is:
    # choosing a kind redraws the competency's options, not the person's place.
    page.evaluate(
        "document.querySelector('#id_competency').classList.add('is-invalid')"
    )
    watch_settles(page)
    kind = page.get_by_label("Interpersonal", exact=True)
    kind.focus()
    kind.check()
    wait_for_settle(page)

    assert page.evaluate("document.activeElement.value") == "interpersonal"


def test_toggling_an_action_item_keeps_focus_on_the_item(cast, open_page):
    check_in = factories.make_check_in(cast.mia.user, cast.alice)
    item = ActionItem.objects.create(check_in=check_in, description="Draft the RFC")
    page = open_page(cast.alice.user.email)
    page.goto(f"/check-ins/{check_in.pk}/")
    watch_settles(page)
    page.get_by_role("button", name=re.compile("Mark done")).focus()
    page.keyboard.press("Enter")
    wait_for_settle(page)

    assert page.evaluate(f"!!document.activeElement.closest('#item-{item.pk}')")
    page.get_by_role("button", name=re.compile("Reopen")).wait_for()


def test_an_admin_form_sent_back_focuses_its_first_error(cast, open_page):
    page = open_page(cast.staff.email)
    page.goto("/admin/growth/competency/add/")
    page.get_by_label("Name").fill("Storytelling")
    # The admin fills the key from the name when the name's field is left.
    page.get_by_label("Name").press("Tab")
    expect(page.locator("#id_key")).to_have_value("storytelling")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".errornote").wait_for()

    # Not the first field, which the admin focuses itself: the one in error.
    wait_for_focus(page, "id_kind")


def test_an_autocomplete_field_in_error_focuses_its_box(cast, open_page):
    page = open_page(cast.staff.email)
    page.goto("/admin/growth/goalcheckin/add/")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("load")

    box = page.get_by_role("combobox", name=re.compile(r"^Goal"))
    box.wait_for()
    page.wait_for_function(
        "() => document.activeElement.matches('.select2-selection[role=combobox]')"
    )
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == (
        box.get_attribute("aria-labelledby")
    )


def test_the_admin_autocomplete_boxes_are_named_by_their_labels(cast, open_page):
    goal = factories.make_goal(cast.alice)
    page = open_page(cast.staff.email)
    page.goto(f"/admin/growth/goal/{goal.pk}/change/")

    # Named by the label, then the value shown; an empty box by its label alone.
    page.get_by_role(
        "combobox", name=re.compile(r"^Engineer:? .*Alice Engineer")
    ).wait_for()
    assert page.get_by_role("combobox", name=re.compile(r"^Competency")).count() == 1
