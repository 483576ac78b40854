"""The Content-Security-Policy is sent and the pages break none of it."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def watch_violations(page) -> list[str]:
    """Collect what Chromium reports in the console about the policy."""
    seen: list[str] = []

    def note(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", note)
    return seen


def test_the_growth_dashboard_breaks_no_rule_of_the_policy(cast, open_page):
    note = factories.make_note(cast.mia.user, cast.alice)
    goal = factories.make_goal(cast.alice)
    factories.make_goal_check_in(goal, cast.alice.user, progress=40)
    page = open_page(cast.alice.user.email)
    violations = watch_violations(page)

    response = page.goto("/me/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    # htmx answers in place without an inline style or eval.
    page.goto(f"/feedback/{note.pk}/")
    page.wait_for_load_state("networkidle")
    assert violations == []

    # The watch does see a violation when there is one.
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.append(s); }"
    )
    page.wait_for_timeout(200)
    assert violations, "an inline <style> should have been refused"
