"""A 1:1 belongs to both people, in a real browser: the engineer puts a
talking point on the agenda, the manager sees it, discusses it and agrees an
action item, and the engineer ticks it off from her My 1:1s page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from growth.models import ActionItem, AgendaItem, Notification

# Committed, for the live server's thread; the flush after each test takes the
# migrations' competencies and reminder rules, which tests/conftest.py's
# ``_seeded`` puts back before the next.
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def test_a_talking_point_goes_from_the_engineer_to_the_one_on_one_and_back(
    cast, open_page
):
    # The engineer finds her 1:1s from her dashboard and adds a point.
    engineer = open_page(cast.alice.user.email)
    engineer.goto("/me/")
    engineer.get_by_role("link", name="All my 1:1s").click()
    engineer.wait_for_url(re.compile(r"/one-on-ones/$"))
    one_on_ones = engineer.locator(f"#one-on-one-{cast.alice.pk}")
    one_on_ones.get_by_label("Add a talking point").fill("My promotion case")
    one_on_ones.get_by_role("button", name="Add to the agenda").click()
    engineer.wait_for_url(re.compile(r"/one-on-ones/#agenda-one-on-one-\d+$"))
    assert "Talking point added." in engineer.content()
    point = AgendaItem.objects.get()
    assert point.added_by == cast.alice.user

    # Her manager is told, and opens the agenda from the notification.
    manager = open_page(cast.mia.user.email)
    manager.goto("/notifications/")
    manager.get_by_role(
        "link", name="Alice Engineer added a talking point to your next 1:1."
    ).click()
    manager.wait_for_url(re.compile(rf"/one-on-ones/{cast.alice.pk}/$"))
    assert "My promotion case" in manager.content()
    assert Notification.objects.get(recipient=cast.mia.user).read_at is not None

    # She logs the 1:1: the point is ticked as discussed; she agrees an item.
    manager.get_by_role("link", name="Log a 1:1").click()
    assert manager.get_by_label(re.compile("My promotion case")).is_checked()
    manager.get_by_label("Shared notes").fill("Went through the promotion case")
    manager.get_by_label("Private notes").fill("Ready in a quarter, I think")
    manager.get_by_label("Action items").fill("Write the case summary")
    manager.get_by_label("New items due by").fill("2030-01-01")  # refused: too far
    manager.get_by_role("button", name="Save check-in").click()
    expect(manager.locator("body")).to_contain_text("Pick a date from")
    manager.get_by_label("New items due by").fill("")
    manager.get_by_role("button", name="Save check-in").click()
    manager.wait_for_url(re.compile(r"/check-ins/\d+/$"))
    assert "Ready in a quarter" in manager.content()
    point.refresh_from_db()
    assert point.discussed_in is not None

    # The engineer: the point was discussed, the item is hers to tick off.
    engineer.goto("/one-on-ones/")
    agenda = engineer.locator(f"#agenda-one-on-one-{cast.alice.pk}")
    assert "My promotion case" not in agenda.inner_text()
    item = ActionItem.objects.get()
    row = engineer.locator(f"#item-{item.pk}")
    row.get_by_role("button", name=re.compile("Mark done")).click()
    engineer.locator(f"#item-{item.pk}").get_by_role(
        "button", name=re.compile("Reopen")
    ).wait_for()
    item.refresh_from_db()
    assert item.done_at is not None

    # What the manager keeps to herself stays hers.
    engineer.goto(f"/check-ins/{point.discussed_in_id}/")
    assert "Went through the promotion case" in engineer.content()
    assert "Ready in a quarter" not in engineer.content()
