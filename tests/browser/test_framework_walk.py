"""The career framework in a real browser: the engineer fills and shares a
self-assessment from "My framework", the manager does the same for the
manager's assessment from the report's dashboard, writes and shares readiness,
and the engineer reads both side by side. Every new page passes axe-core and
fits a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from growth.models import Assessment, Notification, Readiness
from tests.browser.test_axe import PHONE, axe_findings, report
from tests.framework_support import make_framework

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def _checked(page, findings: list) -> None:
    """axe at the page's width and at a phone's, where nothing may overflow."""
    findings += axe_findings(page)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    findings += axe_findings(page, label=f"{page.url} (phone)")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways on a phone"
    page.set_viewport_size(size)


def _fill(page, competencies, rating: str, why: str) -> None:
    for competency in competencies:
        row = page.get_by_role("group", name=competency.name, exact=True)
        row.get_by_label(rating, exact=True).check()
        row.get_by_label("Why, in a sentence").fill(f"{why} {competency.name}")


def test_an_assessment_and_readiness_from_start_to_side_by_side(cast, open_page):
    competencies = make_framework(3)
    findings: list = []

    # The engineer opens "My framework" from her dashboard.
    engineer = open_page(cast.alice.user.email)
    engineer.goto("/me/")
    engineer.get_by_role("link", name="My framework").click()
    engineer.wait_for_url(re.compile(r"/me/framework/$"))
    _checked(engineer, findings)
    engineer.get_by_role("button", name="Start a self-assessment").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/$"))
    _checked(engineer, findings)
    _fill(engineer, competencies, "Meets", "I did it:")
    engineer.get_by_role("button", name="Save draft").click()
    expect(engineer.locator("body")).to_contain_text("Draft saved")
    # Discarding asks first; she keeps it.
    engineer.get_by_role("link", name="Discard this draft…").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/\?discard$"))
    _checked(engineer, findings)
    engineer.get_by_role("link", name="Keep it").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/$"))
    engineer.get_by_role("button", name="Save and share…").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/share/$"))
    _checked(engineer, findings)
    engineer.get_by_role("button", name="Share", exact=True).click()
    engineer.wait_for_url(re.compile(r"/me/framework/$"))
    assert "Self-assessment shared with Mia Manager" in engineer.content()
    assert Assessment.objects.get(role="self").shared_at is not None

    # The manager opens the report's framework page from her dashboard.
    manager = open_page(cast.mia.user.email)
    manager.goto(f"/engineers/{cast.alice.pk}/")
    manager.get_by_role("link", name="Framework & assessments").click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    assert "I did it:" in manager.content()
    manager.get_by_role("button", name="Assess Alice Engineer").click()
    manager.wait_for_url(re.compile(r"/assessments/\d+/$"))
    _fill(manager, competencies, "Exceeds", "She showed it:")
    manager.get_by_role("button", name="Save and share…").click()
    manager.get_by_role("button", name="Share", exact=True).click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    assert "Assessment shared with Alice Engineer" in manager.content()

    # And writes readiness for the next level, then shares it.
    manager.get_by_role("link", name="Write readiness").click()
    manager.wait_for_url(re.compile(r"/framework/readiness/$"))
    _checked(manager, findings)
    manager.get_by_label("Getting there").check()
    manager.get_by_label("Summary").fill("Leads design reviews; next, own a launch.")
    manager.get_by_role("button", name="Save and share…").click()
    manager.wait_for_url(re.compile(r"/framework/readiness/share/$"))
    _checked(manager, findings)
    manager.get_by_role("button", name="Share", exact=True).click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    assert Readiness.objects.get().shared_at is not None

    # The engineer is told, and reads both side by side and the readiness.
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 2
    engineer.goto("/me/framework/")
    content = engineer.content()
    assert "Meets the expectation" in content
    assert "Exceeds the expectation" in content
    assert f"She showed it: {competencies[0].name}" in content
    assert "Leads design reviews; next, own a launch." in content
    _checked(engineer, findings)

    # The public framework, from the navigation.
    engineer.get_by_role("link", name="Framework", exact=True).first.click()
    engineer.wait_for_url(re.compile(r"/framework/$"))
    _checked(engineer, findings)
    engineer.get_by_role("link", name="Engineering", exact=True).click()
    engineer.wait_for_url(re.compile(r"/framework/engineering/$"))
    _checked(engineer, findings)
    assert findings == [], report(findings)
