"""Every page built for a signed-in person tells caches to keep none of it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tests.walker import CASES, OK, ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build_world(cast)


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_every_page_a_signed_in_person_opens_is_private_and_not_stored(client, world):
    checked, problems = 0, []
    for case in CASES:
        if case.post_only:
            continue
        for role in ROLES:
            user = world.user(role)
            if user is None or case.answers[role] != OK:
                continue
            with transaction.atomic():
                client.force_login(user)
                response = client.get(case.url(world))
                transaction.set_rollback(True)
            checked += 1
            if not {"private", "no-store"} <= _directives(response):
                problems.append(f"{case.id} as {role}: {response.get('Cache-Control')}")
    assert problems == []
    assert checked > 50  # the walk reached the app's pages


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("healthz"))
    assert "must-revalidate" in _directives(response)  # never_cache's own
