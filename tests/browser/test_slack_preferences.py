"""Choosing Slack for one kind of reminder, in a real browser on a phone.

With a Slack bot token in the live server's settings, the profile page offers
one choice of channel per kind, grouped under one legend; Alice, who reaches
her profile from the navigation, picks Slack for goal deadlines, saves, and
finds her choice after a reload. The page passes axe-core and fits a phone's
width at every step.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from growth.models import ReminderPreference
from growth.models.reminders import EMAIL_KIND_CHOICES, ChannelChoice
from tests.conftest import CHROMIUM  # noqa: F401  (the marker below needs it)

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PHONE = 375
GROUP = "Where each kind of reminder reaches you"


@pytest.fixture
def slack_on(settings):
    """Slack configured for the live server (it runs in this process). Nothing
    is sent to Slack here: a port nobody listens on, should anything try."""
    settings.SLACK_BOT_TOKEN = "xoxb-browser-token"
    settings.SLACK_API_URL = "http://127.0.0.1:9/api/"
    settings.SLACK_PUBLIC_CHANNEL = ""


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now."""
    page.evaluate(AXE_SCRIPT)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'],"
        " rules: {'target-size': {enabled: true}}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['targets'][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def fits_the_phone(page) -> bool:
    """No horizontal scroll: the page is no wider than the phone."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE


def select(page, label: str):
    """The channel select of one kind, found by its label (and the required
    field's asterisk) inside the group."""
    group = page.get_by_role("group", name=GROUP)
    return group.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}\*?$"))


def chosen(page) -> dict[str, str]:
    """Each kind's select, by its label, and the value chosen in it."""
    return {
        label: select(page, label).input_value() for _kind, label in EMAIL_KIND_CHOICES
    }


def test_a_person_picks_slack_for_one_kind_and_finds_it_after_a_reload(
    cast, open_page, slack_on
):
    page = open_page(cast.alice.user.email, width=PHONE)
    page.goto("/")
    page.get_by_role("button", name="Show navigation").click()
    page.locator("#main-nav.show").wait_for()  # opened, not mid-animation
    page.locator("nav a[href='/profile/']").click()
    page.wait_for_url("**/profile/")

    # One select per kind, in one group that says what they choose.
    group = page.get_by_role("group", name=GROUP)
    assert group.get_by_role("combobox").count() == len(EMAIL_KIND_CHOICES)
    goal = select(page, "Goal deadline")
    assert goal.locator("option").all_text_contents() == [
        label for _value, label in ChannelChoice.choices
    ]
    assert set(chosen(page).values()) == {ChannelChoice.EMAIL}
    assert page.get_by_text("Every kind still appears under Notifications").count()
    assert fits_the_phone(page)
    assert axe_violations(page) == []

    goal.select_option(label="Slack")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_role("status").filter(has_text="Your profile is saved").wait_for()

    page.reload()
    after = chosen(page)
    assert after.pop("Goal deadline") == ChannelChoice.SLACK
    assert set(after.values()) == {ChannelChoice.EMAIL}
    assert {
        p.kind: p.channel
        for p in ReminderPreference.objects.filter(user=cast.alice.user)
        if p.channel != ChannelChoice.EMAIL
    } == {"goal_deadline": ChannelChoice.SLACK}
    assert fits_the_phone(page)
    assert axe_violations(page) == []
    # Two columns of choices on a wide screen, as clean.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert axe_violations(page) == []


def test_without_slack_the_profile_offers_the_email_switches(cast, open_page):
    page = open_page(cast.alice.user.email, width=PHONE)
    page.goto("/profile/")
    assert page.get_by_role("group", name=GROUP).count() == 0
    assert page.get_by_role("combobox", name="Goal deadline").count() == 0
    assert page.get_by_role("checkbox", name="Email me about goal deadline").count()
    assert fits_the_phone(page)
