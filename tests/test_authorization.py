"""Every URL, every role: the answer the access policy gives, and never a 403.

The table is ``tests.walker.CASES``. A URL pattern without a case fails the first
test, so a page cannot be added without saying who may open it.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tests.walker import (
    CASES,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    ROLES,
    UNAUTHORIZED,
    build_world,
    fingerprint,
    url_names,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_every_url_pattern_has_a_rule():
    covered = {case.name for case in CASES}
    names = set(url_names())
    assert names - covered == set(), "URL patterns with no rule in tests/walker.py"
    assert covered - names == set(), "rules for URL patterns that are gone"


def test_the_walker_sees_nested_patterns():
    names = url_names()
    assert "password_reset_confirm" in names  # under accounts/
    assert not any(name.startswith("admin") for name in names)


def _answer(response) -> object:
    if response.status_code in (301, 302, 303):
        login = reverse("login")
        return LOGIN if response["Location"].startswith(login + "?") else REDIRECT
    return response.status_code


def _matches(got, expected) -> bool:
    return got in expected if isinstance(expected, tuple) else got == expected


def _sign_in(client, world, role):
    client.logout()
    user = world.user(role)
    if user is not None:
        client.force_login(user)


def _explain(case, role, method, got, expected) -> str:
    return f"{method} {case.id} as {role}: got {got}, expected {expected}"


def _check(client, world, case, role) -> list[str]:
    """Ask as ``role``; return what went wrong, in a rolled-back savepoint so
    the next role sees the same world."""
    problems = []
    expected = case.answers[role]
    with transaction.atomic():
        _sign_in(client, world, role)
        url = case.url(world)
        before = fingerprint()
        if case.post_only:
            # A GET never does the work.
            response = client.get(url)
            got = _answer(response)
            want = expected if expected in (LOGIN, UNAUTHORIZED) else NOT_ALLOWED
            if got != want:
                problems.append(_explain(case, role, "GET", got, want))
            if fingerprint() != before:
                problems.append(f"GET {case.id} as {role} changed the database")
            response = client.post(url, case.payload(world))
            got = _answer(response)
            if not _matches(got, expected):
                problems.append(_explain(case, role, "POST", got, expected))
            refused = (NOT_FOUND, LOGIN, UNAUTHORIZED)
            if expected in refused and fingerprint() != before:
                problems.append(f"refused POST {case.id} as {role} changed the data")
            did_work = case.done is None or case.done(world, role)
            if expected not in refused and not did_work:
                problems.append(f"POST {case.id} as {role} did not do its work")
        else:
            response = client.get(url)
            got = _answer(response)
            if not _matches(got, expected):
                problems.append(_explain(case, role, "GET", got, expected))
            if got == 403:
                problems.append(f"GET {case.id} as {role}: a 403 confirms it exists")
            if expected in (NOT_FOUND, LOGIN, UNAUTHORIZED):
                if fingerprint() != before:
                    problems.append(f"refused GET {case.id} as {role} changed data")
                # The same person sending the form: still refused, nothing saved.
                response = client.post(url, case.payload(world))
                got = _answer(response)
                allowed = {
                    LOGIN: {LOGIN},
                    UNAUTHORIZED: {UNAUTHORIZED},
                    NOT_FOUND: {NOT_FOUND, NOT_ALLOWED},
                }[expected]
                if got not in allowed:
                    problems.append(_explain(case, role, "POST", got, allowed))
                if fingerprint() != before:
                    problems.append(f"refused POST {case.id} as {role} changed data")
        transaction.set_rollback(True)
    return problems


# Cases whose answers are known to be wrong: id -> the bug.
KNOWN_BUGS: dict[str, str] = {}


def _params() -> list:
    params = []
    for case in CASES:
        marks = []
        if case.id in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.id]))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_each_role_gets_the_answer_the_policy_gives(client, world, case):
    assert set(case.answers) == set(ROLES)
    problems = []
    for role in ROLES:
        problems += _check(client, world, case, role)
    assert problems == []


def test_allowed_answers_are_the_page_itself_not_an_error_page(client, world):
    """A 200 from the table is the real page: it extends the base template."""
    client.force_login(world.cast.alice.user)
    response = client.get(reverse("feedback-detail", args=[world.note_shared.pk]))
    assert response.status_code == OK
    assert world.note_shared.behaviour.encode() in response.content


def test_a_404_looks_the_same_for_a_hidden_note_and_a_missing_one(client, world):
    client.force_login(world.cast.alice.user)
    hidden = client.get(reverse("feedback-detail", args=[world.note_manager.pk]))
    missing = client.get(reverse("feedback-detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == NOT_FOUND
    assert without_csrf_tokens(hidden) == without_csrf_tokens(missing)


def without_csrf_tokens(response) -> str:
    """The page with its CSRF tokens blanked: each render masks them afresh."""
    page = response.content.decode()
    page = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", page)
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)


JUNK_QUERIES = [
    "page=-1&tab=nope&kind=nope&sort=nope&dir=sideways&status=nope&fmt=x",
    "page=99999999999999999999&goal=abc&team=abc&indirect=maybe",
    "page=abc&date_from=0000-00-00&date_to=9999-99-99&next=https://evil.example/",
    "engineer=abc&recipient=abc&attendee=abc",
    "engineer=99999999999999999999",
    "engineer=-1&led_by=99999999999999999999&attendee=99999999999999999999",
    "request=99999999999999999999&recipient=99999999999999999999",
    "q=%00%ff&kind=%00",
]


# Query strings that crash a page: case id -> the bug. SQLite only: PostgreSQL
# compares an out-of-range number and finds nothing.
# Cases that answer junk with a server error, each marked xfail with the bug
# until it is fixed. None at the moment.
JUNK_BUGS: dict[str, str] = {}


def _junk_params() -> list:
    params = []
    for case in CASES:
        if case.post_only or not case.crawl:
            continue
        marks = []
        if case.id in JUNK_BUGS:
            marks.append(
                pytest.mark.xfail(
                    connection.vendor == "sqlite",
                    strict=True,
                    reason=JUNK_BUGS[case.id],
                )
            )
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _junk_params())
def test_junk_in_the_query_string_is_never_a_server_error(client, world, case):
    """Any query string gives the page, a redirect, a 404 or a form error."""
    crashes = []
    for role in ("alice", "mia", "max"):
        client.force_login(world.user(role))
        base = case.url(world)
        for junk in JUNK_QUERIES:
            url = f"{base}{'&' if '?' in base else '?'}{junk}"
            try:
                status = client.get(url).status_code
            except Exception as error:  # the test client re-raises a 500's cause
                crashes.append(f"{role} {url}: {type(error).__name__}: {error}")
                continue
            if status not in (200, 302, 400, 404):
                crashes.append(f"{role} {url}: {status}")
    assert crashes == []


@pytest.mark.parametrize(
    "name", ["feedback-detail", "goal-detail", "check-in-detail", "learning-detail"]
)
def test_an_id_out_of_any_range_is_a_404(client, world, name):
    client.force_login(world.cast.mia.user)
    response = client.get(reverse(name, args=[10**30]))
    assert response.status_code == NOT_FOUND
