"""The team page triages, in Chromium: on a phone, with and without scripts."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PHONE = 375
# Where to keep a picture of the phone layout, when asked (for a look by eye).
SHOTS = Path(os.environ["TEAM_SHOTS"]) if os.environ.get("TEAM_SHOTS") else None


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def team(cast):
    """Alice 31 days without feedback from mia; bob, in the Data team, fine."""
    today = timezone.localdate()
    for person in (cast.alice, cast.bob):
        person.start_date = today - datetime.timedelta(days=400)
        person.save()
    cast.bob.team = cast.data
    cast.bob.save()
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(31))
    for kind in ("technical", "interpersonal"):
        factories.make_note(cast.mia.user, cast.bob, created_at=ago(1), kind=kind)
    factories.make_check_in(cast.mia.user, cast.bob, held_on=today)
    return cast


def row_of(page, name: str):
    return page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name))


def names(page) -> list[str]:
    return [text.strip() for text in page.locator("tbody th").all_inner_texts()]


def within_the_screen(locator, width: int) -> bool:
    box = locator.bounding_box()
    return (
        locator.is_visible()
        and box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= width
    )


def test_on_a_phone_the_name_the_most_urgent_and_the_actions_show(team, open_page):
    page = open_page(team.mia.user.email, width=PHONE)
    page.goto("/team/")

    alice = row_of(page, "Alice Engineer")
    name = alice.get_by_role("link", name="Alice Engineer", exact=True)
    urgent = alice.locator("td.team-summary")
    log_feedback = alice.get_by_role("link", name="Log feedback for Alice Engineer")
    log_one_on_one = alice.get_by_role("link", name="Log 1:1 with Alice Engineer")
    if SHOTS:
        page.screenshot(path=str(SHOTS / "team-phone.png"), full_page=True)
    for part in (name, urgent, log_feedback, log_one_on_one):
        assert within_the_screen(part, PHONE), part
    assert "overdue" in urgent.inner_text()
    # The less urgent columns wait for a wider screen.
    assert not page.get_by_role(
        "columnheader", name="Days since any feedback"
    ).is_visible()
    assert not alice.locator("td").nth(0).is_visible()  # the team
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_the_people_who_need_attention_come_first_with_their_rule(team, open_page):
    page = open_page(team.mia.user.email)
    page.goto("/team/")

    assert names(page) == ["Alice Engineer", "Bob Peer"]
    if SHOTS:
        page.screenshot(path=str(SHOTS / "team-desktop.png"), full_page=True)
    mine = row_of(page, "Alice Engineer").locator("td").nth(1)
    assert mine.inner_text().split() == ["31", "days", "·", "rule", "14", "overdue"]
    assert "the feedback rule is every 14 days" in mine.get_attribute("title")


def contrast(page, locator) -> float:
    """The WCAG contrast ratio of ``locator``'s text on its own background."""
    colours = locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            let back = element, background = style.backgroundColor;
            while (background === "rgba(0, 0, 0, 0)" && back.parentElement) {
                back = back.parentElement;
                background = getComputedStyle(back).backgroundColor;
            }
            return [style.color, background];
        }"""
    )

    def luminance(css: str) -> float:
        red, green, blue = (int(n) / 255 for n in re.findall(r"\d+", css)[:3])

        def linear(c):
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)

    light, dark = sorted(map(luminance, colours), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_names_look_like_links_and_states_are_readable(team, open_page):
    page = open_page(team.mia.user.email)
    page.goto("/team/")

    name = row_of(page, "Alice Engineer").get_by_role(
        "link", name="Alice Engineer", exact=True
    )
    decoration = name.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in decoration
    assert contrast(page, name) >= 4.5
    for judged in page.locator("td.team-judged, td.team-summary").all():
        assert contrast(page, judged) >= 4.5, judged.inner_text()


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


def test_changing_the_team_reloads_the_results_without_show(team, open_page):
    page = open_page(team.mia.user.email)
    violations = watch_violations(page)
    page.goto("/team/")
    page.wait_for_load_state("networkidle")
    assert not page.get_by_role("button", name="Show").is_visible()
    # A mark on this document: a full page load would wipe it.
    page.evaluate("window.stillThisPage = true")

    select = page.get_by_label("Team", exact=True)
    select.focus()
    select.select_option(label="Data")

    page.wait_for_url(re.compile(r"[?&]team=\d+"))
    row_of(page, "Alice Engineer").wait_for(state="detached")
    assert names(page) == ["Bob Peer"]
    assert page.evaluate("window.stillThisPage") is True
    assert page.evaluate("document.activeElement.id") == "id_team"
    assert page.locator("#team-status").inner_text().strip() == "Showing 1 person."
    export = page.get_by_role("link", name="Download this table as CSV")
    assert re.search(r"team=\d+", export.get_attribute("href"))

    page.get_by_label("Include indirect reports").check()
    page.wait_for_url(re.compile(r"indirect=1"))
    assert page.evaluate("window.stillThisPage") is True
    assert violations == []


def test_without_scripts_the_show_button_filters(team, chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(team.mia.user.email)
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/team/")

        page.get_by_label("Team", exact=True).select_option(label="Data")
        assert names(page) == ["Alice Engineer", "Bob Peer"]  # nothing yet
        page.get_by_role("button", name="Show").click()

        page.wait_for_url(re.compile(r"[?&]team=\d+"))
        assert names(page) == ["Bob Peer"]
    finally:
        context.close()


@pytest.mark.parametrize("width", [PHONE, 768, 1024, 1280, 1440])
def test_the_table_fits_every_screen_without_scrolling_sideways(team, open_page, width):
    page = open_page(team.mia.user.email, width=width)
    page.goto("/team/")

    scroller = page.locator(".table-responsive")
    overflow = scroller.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0
    actions = row_of(page, "Alice Engineer").get_by_role(
        "link", name="Log feedback for Alice Engineer"
    )
    assert within_the_screen(actions, width)
    if width >= 1400:  # every column, from the widest container
        assert page.get_by_role("columnheader", name="Team").is_visible()
