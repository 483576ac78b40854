"""Asking three people at once on a phone, and each of them dealing with it.

Real Chromium at a phone's width: alice finds three people with the picker's
search box, sends, and reads who was asked; each of the three sees the request
in their inbox; the badge drops for the one who answers and for nobody else.
The picker page passes axe-core and breaks no rule of the
Content-Security-Policy.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from growth.models import FeedbackRequest
from tests import factories
from tests.conftest import CHROMIUM  # noqa: F401  (the marker below needs it)

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PHONE = 375


def watch_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now."""
    page.evaluate(AXE_SCRIPT)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['targets'][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def badge(page) -> int:
    """The navigation's unread count (folded away on a phone, but there)."""
    text = page.locator("nav a[href='/notifications/']").text_content()
    found = re.search(r"(\d+)\s*unread", text)
    return int(found.group(1)) if found else 0


def unread_rows(page) -> int:
    page.goto("/notifications/")
    return page.locator("li[data-unread]").count()


def pick(page, search: str, name: str) -> None:
    page.get_by_label("Find people by name, team or email").fill(search)
    page.get_by_role("checkbox", name=re.compile(name)).check()


def test_asking_three_people_at_once_and_one_answering(cast, open_page):
    for n in range(6):  # enough people for the list to scroll
        factories.make_engineer(f"Extra Person {n}", team=cast.data)
    page = open_page(cast.alice.user.email, width=PHONE)
    violations = watch_violations(page)

    page.goto("/")
    page.get_by_role("button", name="Show navigation").click()
    page.locator("#main-nav.show").wait_for()  # opened, not mid-animation
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name="Ask for feedback").first.click()
    page.wait_for_url("**/requests/new/")

    pick(page, "bob", "Bob Peer")
    pick(page, "outsider", "Carol Outsider")
    pick(page, "max", "Max Mentor")
    count = page.locator("[data-picker-count]")
    assert count.text_content().startswith("3 of 10 chosen: Bob Peer")
    # A search leaves everyone chosen in sight.
    page.get_by_label("Find people by name, team or email").fill("cora")
    assert page.get_by_role("checkbox", name=re.compile("Bob Peer")).is_visible()
    assert not page.get_by_role("checkbox", name=re.compile("Mia Manager")).is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Find people by name, team or email").fill("")

    page.get_by_label(re.compile("What would you like feedback on")).fill(
        "How did my first incident review go?"
    )
    page.get_by_role("button", name="Send requests").click()
    page.wait_for_url("**/requests/")
    # The list fits the phone: its tables scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert (
        page.get_by_role("status")
        .filter(has_text="Requests sent to Bob Peer, Carol Outsider and Max Mentor")
        .is_visible()
    )
    assert FeedbackRequest.objects.count() == 3
    assert violations == []

    # Each of the three finds it in their inbox, with the badge agreeing.
    pages = {}
    for person in (cast.bob, cast.carol, cast.max):
        theirs = open_page(person.user.email, width=PHONE)
        assert badge(theirs) == 1
        assert unread_rows(theirs) == 1
        assert theirs.get_by_role(
            "link", name=re.compile("Alice Engineer asked you for feedback")
        ).is_visible()
        pages[person.pk] = theirs

    # Bob answers from his inbox: the notice takes him to the request.
    bob = pages[cast.bob.pk]
    bob.get_by_role(
        "link", name=re.compile("Alice Engineer asked you for feedback")
    ).click()
    bob.wait_for_url(re.compile(r"/requests/\d+/$"))
    assert badge(bob) == 0
    bob.get_by_role("link", name="Write feedback").click()
    bob.get_by_label("Technical", exact=True).check()
    bob.get_by_label("Praise", exact=False).check()
    bob.get_by_label("Situation").fill("Your first incident review")
    bob.get_by_label("Behaviour").fill("You kept the timeline blameless")
    bob.get_by_label("Impact").fill("People said what really happened")
    bob.get_by_label("Suggestion").fill("Keep the timeline first")
    bob.get_by_role("button", name=re.compile("Save|Send")).first.click()
    bob.wait_for_url(re.compile(r"/feedback/\d+/"))
    assert badge(bob) == 0
    assert unread_rows(bob) == 0

    # Carol and max are still asked.
    for person in (cast.carol, cast.max):
        theirs = pages[person.pk]
        theirs.reload()
        assert badge(theirs) == 1
        assert unread_rows(theirs) == 1


def test_the_picker_stops_at_ten_and_says_so(cast, open_page):
    for n in range(12):
        factories.make_engineer(f"Extra Person {n:02d}", team=cast.data)
    page = open_page(cast.alice.user.email, width=PHONE)
    page.goto("/requests/new/")
    page.get_by_label("Find people by name, team or email").fill("extra")
    boxes = page.get_by_role("checkbox", name=re.compile("Extra Person"))
    for n in range(10):
        boxes.nth(n).check()
    count = page.locator("[data-picker-count]").text_content()
    assert count.startswith("10 of 10 chosen")
    assert "the most at once" in count
    assert boxes.nth(10).is_disabled() and boxes.nth(11).is_disabled()
    boxes.nth(0).uncheck()
    assert boxes.nth(10).is_enabled()
    # Enter in the search box does not send the form.
    page.get_by_label("Find people by name, team or email").press("Enter")
    page.wait_for_timeout(500)
    assert page.url.endswith("/requests/new/")
    assert not FeedbackRequest.objects.exists()
