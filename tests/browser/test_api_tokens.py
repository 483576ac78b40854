"""A token made on the profile page, used as a script would use it.

Real Chromium: max makes a token on his profile, reads its secret once (it is
gone when the page is opened again), opens the API's documentation from the
token section, and then a plain HTTP client, as ``curl`` would, logs
feedback for alice with the token against the live server; alice finds it on
her feedback page. The profile (with a token and its secret on show) and the
documentation page pass axe-core, at desktop and phone width, and break no
rule of the Content-Security-Policy.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_requests_inbox import axe_violations, watch_violations
from tests.conftest import CHROMIUM  # noqa: F401  (the marker below needs it)

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]


def _call(live_server, method: str, path: str, token: str, body=None):
    """One HTTP request with the token, as ``curl -H 'Authorization: …'``."""
    request = urllib.request.Request(
        live_server.url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": "browser-test-1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_token_from_the_profile_logs_feedback_the_engineer_sees(
    cast, open_page, live_server
):
    page = open_page(cast.max.user.email)
    violations = watch_violations(page)
    page.goto("/profile/")
    page.get_by_label("Token name").fill("PR bot")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("cvt_")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 812})
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # Read once: opened again, the page lists the token but not its secret.
    page.goto("/profile/")
    assert page.get_by_label("Your new token").count() == 0
    assert "PR bot" in page.content() and secret not in page.content()

    # The documentation, from the token section, under the same policy.
    page.get_by_role("link", name="the API").click()
    page.wait_for_url("**/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/notes/").count()
    assert axe_violations(page) == []
    # An operation opened, and tried out: its fields, examples and answer.
    page.locator(".opblock-summary-path", has_text="/api/v1/goals/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".responses-wrapper .live-responses-table").wait_for()
    assert axe_violations(page) == []
    # A write's body, to fill in.
    page.locator(
        ".opblock-post .opblock-summary-path", has_text="/api/v1/notes/"
    ).first.click()
    page.locator(".opblock-post.is-open").get_by_role(
        "button", name="Try it out"
    ).click()
    page.locator(".opblock-post.is-open textarea.body-param__text").wait_for()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 812})
    assert axe_violations(page) == []
    assert violations == []

    body = {
        "engineer": cast.alice.pk,
        "kind": "interpersonal",
        "sentiment": "praise",
        "situation": "In Monday's planning",
        "behaviour": "You asked the quiet people first",
        "impact": "We heard every estimate",
        "suggestion": "Teach the trick at the next learning session",
        # What a code host's bot sends: the pull request the note is about.
        "links": ["https://github.com/acme/app/pull/42 The planning checklist"],
    }
    status, note = _call(live_server, "POST", "/api/v1/notes/", secret, body)
    assert status == 201, note
    assert [(link["kind"], link["label"]) for link in note["links"]] == [
        ("pull_request", "#42")
    ]
    # A retry with the same key (a timeout, say) makes nothing new.
    again, same = _call(live_server, "POST", "/api/v1/notes/", secret, body)
    assert (again, same["id"]) == (200, note["id"])
    status, listed = _call(live_server, "GET", "/api/v1/notes/?tab=given", secret)
    assert status == 200 and [n["id"] for n in listed["results"]] == [note["id"]]

    alice = open_page(cast.alice.user.email)
    alice.goto("/feedback/")
    alice.get_by_role("link", name="Teach the trick").click()
    alice.wait_for_url(re.compile(rf"/feedback/{note['id']}/$"))
    assert "You asked the quiet people first" in alice.content()
    # The engineer sees the pull request, named by its host and kind.
    pull = alice.locator('a[href="https://github.com/acme/app/pull/42"]')
    assert "pull request #42" in pull.inner_text()
    assert "github.com" in alice.locator("body").inner_text()

    # Max revokes it from his profile, asked first; the script is refused.
    page.goto("/profile/")
    page.get_by_role("link", name="Revoke PR bot").click()
    page.wait_for_url(re.compile(r"/profile/tokens/\d+/revoke/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revoke the token “PR bot”?"
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revoke this token").click()
    page.wait_for_url(re.compile(r"/profile/#api-tokens$"))
    expect(page.locator("body")).to_contain_text("The token “PR bot” is revoked")
    status, _ = _call(live_server, "GET", "/api/v1/notes/", secret)
    assert status == 401
