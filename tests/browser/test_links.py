"""A note started from a pull request's address, in a real browser: the form
comes with the link, passes axe on a desk and a phone, and the saved note
shows the link as a pull request."""

from __future__ import annotations

import re

import pytest

from growth.models import FeedbackNote
from tests import factories
from tests.browser.test_axe import PHONE, axe_findings, report

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

PR = "https://github.com/acme/app/pull/42"


def test_a_manager_gives_feedback_on_a_pull_request(cast, open_page):
    page = open_page(cast.mia.user.email)
    page.goto(f"/feedback/new/?link={PR}&engineer={cast.alice.pk}")
    links = page.get_by_label("Links to the work")
    assert links.input_value() == PR
    findings = axe_findings(page, label="new note with a link")
    assert not findings, report(findings)

    competency = factories.competency("technical")
    page.get_by_label("Technical", exact=True).check()
    page.get_by_label("Competency").select_option(str(competency.pk))
    page.get_by_label("Praise — keep doing this").check()
    page.get_by_label("Situation").fill("In the retry fix's review")
    page.get_by_label("Behaviour").fill("You split the change into three commits")
    page.get_by_label("Impact").fill("Each was reviewed in minutes")
    page.get_by_label("Suggestion").fill("Show the team how you split changes")
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_url(re.compile(r"/feedback/\d+/$"))

    note = FeedbackNote.objects.get()
    assert note.engineer == cast.alice
    shown = page.get_by_role("link", name="github.com · pull request #42")
    assert shown.get_attribute("href") == PR
    assert shown.get_attribute("rel") == "noopener noreferrer nofollow"


def test_the_new_note_page_with_a_link_passes_axe_on_a_phone(cast, open_page):
    page = open_page(cast.mia.user.email, width=PHONE["width"])
    page.goto(f"/feedback/new/?link={PR}")
    assert page.get_by_label("Links to the work").input_value() == PR
    findings = axe_findings(page, label="new note with a link, phone")
    assert not findings, report(findings)
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
