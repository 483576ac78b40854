"""A new organisation sets up its framework entirely in the browser: staff
imports its own track from a Monzo-style file (and sees a broken file refused
line by line, with nothing written), sets its engineers' levels on it, and
then the engineer and the manager assess against it and compare side by side.

The organisation's people start with no level: nothing here leans on the
default framework the migrations load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from growth.models import (
    Assessment,
    Competency,
    Engineer,
    Expectation,
    Level,
    Readiness,
    Track,
)
from tests.browser.test_axe import PHONE, axe_findings, report

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PLATFORM = """\
---
key: platform
title: Platform engineering
position: 5
levels:
  - key: p1
    name: Platform engineer I
    summary: Runs the team's services with a more experienced engineer nearby.
  - key: p2
    name: Platform engineer II
    summary: Runs the team's services on their own.
  - key: p3
    name: Senior platform engineer
    summary: Shapes the platform other teams build on.
    senior: true
areas:
  - key: operations
    title: Operations
    description: Keeping what others ship on running.
  - key: enablement
    title: Enablement
    description: Making the other teams faster.
topics:
  - name: on-call
    title: On-call
    kind: technical
    area: operations
    description: Answering pages and leaving the rota better than it was.
    content:
      - level: p1
        criteria:
          - Takes a shadow shift and follows the runbook for the top alerts.
      - level: p2
        criteria:
          - Holds the primary pager alone and fixes one noisy alert per rota.
        examples:
          - Deletes an alert nobody acted on in a month.
      - level: p3
        criteria:
          - Designs the rota and the alerting so nobody is paged twice a night.
  - name: infrastructure-as-code
    title: Infrastructure as code
    kind: technical
    area: operations
    description: Every environment built from reviewed code.
    content:
      - level: p1
        criteria:
          - Changes an existing module with a reviewed plan.
      - level: p2
        criteria:
          - Writes a new module other teams reuse without asking how.
      - level: p3
        criteria:
          - Sets the module conventions for the whole organisation.
  - name: developer-support
    title: Developer support
    kind: interpersonal
    area: enablement
    description: Helping the teams that use the platform.
    content:
      - level: p2
        criteria:
          - Answers the platform channel's questions with a link to a written answer.
      - level: p3
        criteria:
          - Runs office hours and turns repeated questions into documentation.
---

Platform engineers build and run what the other teams ship on.
"""

# Two mistakes, on lines 12 and 14: the whole file is refused.
BROKEN = """\
---
key: data-platform
title: Data platform
levels:
  - key: d1
    name: Data platform engineer
topics:
  - name: pipelines
    title: Pipelines
    kind: technical
  - name: warehouse-care
    kind: technicall
    content:
      - level: d9
        criteria:
          - Keeps the warehouse's tables documented.
---
"""

STATEMENTS_AT_P2 = (
    "Holds the primary pager alone and fixes one noisy alert per rota.",
    "Writes a new module other teams reuse without asking how.",
    "Answers the platform channel's questions with a link to a written answer.",
)
COMPETENCIES = ("On-call", "Infrastructure as code", "Developer support")


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


def _framework_rows() -> tuple[int, ...]:
    return (
        Track.objects.count(),
        Level.objects.count(),
        Competency.objects.count(),
        Expectation.objects.count(),
    )


def _fill(page, rating: str, why: str) -> None:
    for name in COMPETENCIES:
        row = page.get_by_role("group", name=name, exact=True)
        row.get_by_label(rating, exact=True).check()
        row.get_by_label("Why, in a sentence").fill(f"{why} {name}")


def _set_level(staff, name: str, level: str, since: str) -> None:
    """Engineers → the person → their level on the new track, with its date."""
    staff.get_by_role("link", name="Home", exact=True).first.click()
    staff.locator("#content-main").get_by_role("link", name="Engineers").click()
    staff.get_by_role("link", name=name, exact=True).click()
    staff.wait_for_url(re.compile(r"/admin/growth/engineer/\d+/change/$"))
    # Levels are grouped by track: "Senior" is under Platform engineering.
    chosen = Level.objects.get(track__name="Platform engineering", name=level)
    staff.get_by_label("Level:", exact=True).select_option(str(chosen.pk))
    expect(
        staff.locator('optgroup[label="Platform engineering"] option:checked')
    ).to_have_text(level)
    staff.get_by_label("At this level since:").fill(since)
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.wait_for_url(re.compile(r"/admin/growth/engineer/$"))
    assert "was changed successfully" in staff.content()


def test_a_new_organisation_imports_its_framework_and_assesses_against_it(
    cast, open_page, tmp_path
):
    # A new organisation: its people were imported with no level.
    Engineer.objects.update(level=None, level_since=None)
    (tmp_path / "platform.md").write_text(PLATFORM, encoding="utf-8")
    (tmp_path / "data-platform.md").write_text(BROKEN, encoding="utf-8")
    findings: list = []

    # Staff finds "Import framework" from the admin's home, by clicking.
    staff = open_page(cast.staff.email)
    staff.goto("/admin/")
    staff.locator("#content-main").get_by_role("link", name="Tracks").click()
    staff.wait_for_url(re.compile(r"/admin/growth/track/$"))
    staff.get_by_role("link", name="Import framework").click()
    staff.wait_for_url(re.compile(r"/admin/growth/track/import-framework/$"))
    _checked(staff, findings)

    # A broken file: every error by line, nothing written.
    before = _framework_rows()
    staff.get_by_label("Framework files").set_input_files(tmp_path / "data-platform.md")
    staff.get_by_role("button", name="Preview").click()
    staff.locator("#framework-errors").wait_for()
    assert staff.locator("#framework-errors li").all_inner_texts() == [
        "data-platform.md line 12: kind 'technicall' is neither technical nor "
        "interpersonal",
        "data-platform.md line 14: level 'd9' is not one of the levels: d1",
    ]
    assert (
        staff.locator(".errornote")
        .inner_text()
        .startswith("Nothing will be imported: 2 errors.")
    )
    assert staff.get_by_role("button", name="Confirm import").count() == 0
    _checked(staff, findings)
    assert _framework_rows() == before

    # The good file: a preview first, still nothing written; then confirmed.
    staff.get_by_label("Framework files").set_input_files(tmp_path / "platform.md")
    staff.get_by_role("button", name="Preview").click()
    staff.get_by_role("button", name="Confirm import").wait_for()
    preview = staff.locator("#content").inner_text()
    assert "Tracks: 1 to create" in preview
    assert "Levels: 3 to create" in preview
    assert "Competencies: 3 to create" in preview
    assert "Expectations: 8 to create" in preview
    assert "create track platform" in preview
    _checked(staff, findings)
    assert _framework_rows() == before
    staff.get_by_role("button", name="Confirm import").click()
    staff.wait_for_url(re.compile(r"/admin/growth/track/$"))
    assert "Imported the framework." in staff.content()
    assert (
        staff.get_by_role("link", name="Platform engineering", exact=True).count() == 1
    )
    platform = Track.objects.get(key="platform")
    assert list(platform.levels.order_by("rank").values_list("key", flat=True)) == [
        "p1",
        "p2",
        "p3",
    ]
    assert Expectation.objects.filter(level__track=platform).count() == 8

    # Staff puts the manager's two reports on the new track.
    _set_level(staff, "Alice Engineer", "Platform engineer II", "2026-01-05")
    _set_level(staff, "Bob Peer", "Platform engineer I", "2026-02-02")
    alice = Engineer.objects.select_related("level").get(pk=cast.alice.pk)
    assert (alice.level.key, alice.level.track.key) == ("p2", "platform")
    assert str(alice.level_since) == "2026-01-05"
    assert Engineer.objects.get(pk=cast.bob.pk).level.key == "p1"

    # The engineer reads her level's expectations from her dashboard.
    engineer = open_page(cast.alice.user.email)
    engineer.goto("/me/")
    engineer.get_by_role("link", name="My framework").click()
    engineer.wait_for_url(re.compile(r"/me/framework/$"))
    content = engineer.locator("body").inner_text()
    assert "Platform engineer II on the Platform engineering track" in content
    assert "Operations" in content and "Enablement" in content
    for statement in STATEMENTS_AT_P2:
        assert statement in content
    assert "Code quality" not in content  # the default track's, not hers
    engineer.get_by_role("button", name="Start a self-assessment").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/$"))
    _fill(engineer, "Meets", "I did it:")
    engineer.get_by_role("button", name="Save and share…").click()
    engineer.wait_for_url(re.compile(r"/assessments/\d+/share/$"))
    engineer.get_by_role("button", name="Share", exact=True).click()
    engineer.wait_for_url(re.compile(r"/me/framework/$"))
    assert "Self-assessment shared with Mia Manager" in engineer.content()
    own = Assessment.objects.get(role="self")
    assert own.level.key == "p2" and own.shared_at is not None
    assert own.ratings.count() == 3

    # The manager: team page → team framework → the report.
    manager = open_page(cast.mia.user.email)
    manager.goto("/")
    manager.get_by_role("link", name="Team", exact=True).first.click()
    manager.get_by_role("link", name="Team framework").click()
    manager.wait_for_url(re.compile(r"/team/framework/$"))
    alice_card = manager.get_by_role("region", name="Alice Engineer", exact=True)
    assert (
        "Platform engineering: Platform engineer II, since 5 Jan 2026"
        in alice_card.inner_text()
    )
    alice_card.get_by_role("link", name="Alice Engineer", exact=True).click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    assert "I did it: On-call" in manager.content()
    manager.get_by_role("button", name="Assess Alice Engineer").click()
    manager.wait_for_url(re.compile(r"/assessments/\d+/$"))
    _fill(manager, "Exceeds", "She showed it:")
    manager.get_by_role("button", name="Save and share…").click()
    manager.get_by_role("button", name="Share", exact=True).click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    assert "Assessment shared with Alice Engineer" in manager.content()

    # Readiness for the new track's next level.
    manager.get_by_role("link", name="Write readiness").click()
    manager.wait_for_url(re.compile(r"/framework/readiness/$"))
    assert "Senior platform engineer" in manager.content()
    manager.get_by_label("Ready", exact=True).check()
    manager.get_by_label("Summary").fill("Runs the rota; ready to shape it.")
    manager.get_by_role("button", name="Save and share…").click()
    manager.get_by_role("button", name="Share", exact=True).click()
    manager.wait_for_url(re.compile(rf"/engineers/{cast.alice.pk}/framework/$"))
    readiness = Readiness.objects.get()
    assert readiness.level.key == "p3" and readiness.shared_at is not None

    # The engineer reads both assessments side by side, and the readiness.
    engineer.goto("/me/framework/")
    content = engineer.content()
    assert "Meets the expectation" in content
    assert "Exceeds the expectation" in content
    for name in COMPETENCIES:
        assert f"I did it: {name}" in content
        assert f"She showed it: {name}" in content
    assert "Ready for Senior platform engineer?" in content
    assert "Runs the rota; ready to shape it." in content
    assert findings == [], report(findings)
