"""The walker's API cases, asked with each role's token instead of a session:
the same answers, and a refused write changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.api.conftest import token_for
from tests.walker import CASES, ROLES, UNAUTHORIZED, build_world, fingerprint

pytestmark = pytest.mark.django_db

API_CASES = [case for case in CASES if "api" in case.tags]


def test_the_walker_has_the_api():
    names = {case.name for case in API_CASES}
    assert {"api:note-list", "api:note-detail", "api:goal-check-ins"} <= names
    assert {"api:request-decline", "api:request-cancel"} <= names


@pytest.mark.parametrize("case", API_CASES, ids=lambda case: case.id)
def test_each_role_gets_the_same_answer_with_a_token(api, cast, case):
    world = build_world(cast)
    problems = []
    for role in ROLES:
        expected = case.answers[role]
        with transaction.atomic():
            client = api(world.user(role))
            url = case.url(world)
            before = fingerprint()
            got = client.get(url).status_code
            # A GET to a POST-only endpoint never does its work.
            want = 405 if case.post_only and expected != UNAUTHORIZED else expected
            if got != want:
                problems.append(f"GET {case.id} as {role}: {got}, not {want}")
            if case.post_only and expected not in (404, UNAUTHORIZED):
                posted = client.post(url, case.payload(world), format="json")
                if posted.status_code != expected:
                    problems.append(f"POST {case.id} as {role}: {posted.status_code}")
                if case.done is not None and not case.done(world, role):
                    problems.append(f"POST {case.id} as {role} did not do its work")
            if expected in (404, UNAUTHORIZED):
                posted = client.post(url, case.payload(world), format="json")
                if posted.status_code not in (expected, 405):
                    problems.append(f"POST {case.id} as {role}: {posted.status_code}")
                if fingerprint() != before:
                    problems.append(f"refused {case.id} as {role} changed data")
            transaction.set_rollback(True)
    assert problems == []


def test_a_token_is_no_key_to_the_pages(client, cast):
    """A token opens the API only: a page sent one still asks to sign in."""
    secret = token_for(cast.alice.user)
    response = client.get("/feedback/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
