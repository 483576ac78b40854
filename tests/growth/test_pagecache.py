"""The page cache: what it reuses, for whom, and when it builds a page anew.

That every write reaches the pages it changes is
``test_pagecache_coherence.py``; this file holds the rest.
"""

from __future__ import annotations

import datetime
import os
import re
import uuid
from collections import Counter

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from growth import pagecache, policy
from growth.models import (
    ActionItem,
    CheckIn,
    Engineer,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    LearningActivity,
    Visibility,
)
from tests import factories
from tests.pages import read, signed_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def queries(client, url) -> tuple[int, tuple[int, str]]:
    with CaptureQueriesContext(connection) as captured:
        page = read(client, url)
    return len(captured), page


def some_history(cast) -> None:
    factories.make_note(cast.mia.user, cast.alice)
    factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    factories.make_note(cast.alice.user, cast.carol)  # peer feedback, outside
    factories.make_note(cast.cora.user, cast.max)
    goal = factories.make_goal(cast.alice)
    factories.make_goal_check_in(goal, cast.max.user)
    factories.make_goal(cast.max)
    factories.make_check_in(cast.mia.user, cast.bob)
    factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    factories.make_check_in(
        cast.olivia.user, cast.alice, mentorship=cast.olivia_mentored_alice
    )
    factories.make_learning(cast.alice.user, attendees=[cast.alice, cast.carol])
    factories.make_learning(cast.carol.user, attendees=[cast.carol], kind="hackathon")
    factories.make_request(cast.alice, cast.carol)
    factories.make_request(cast.max, cast.bob)


PAGES = [
    ("alice", "my-growth"),
    ("mia", "team-dashboard"),
    ("mia", "feedback-list"),
    ("max", "goal-list"),
    ("max", "mentoring"),
]


@pytest.mark.parametrize(("who", "page"), PAGES)
def test_a_repeated_view_reuses_the_page_in_two_queries(cast, who, page):
    some_history(cast)
    client = signed_in(getattr(cast, who).user)
    url = reverse(page)

    first_count, first = queries(client, url)
    again_count, again = queries(client, url)

    assert first[0] == 200
    assert again == first
    assert first_count > 4
    assert again_count == 2  # the session and the user, as on any page


def test_a_note_about_alice_rebuilds_her_managers_page_not_carols(cast):
    mia, carol = signed_in(cast.mia.user), signed_in(cast.carol.user)
    team, me = reverse("team-dashboard"), reverse("my-growth")
    queries(mia, team), queries(carol, me)

    factories.make_note(cast.max.user, cast.alice)

    assert queries(mia, team)[0] > 2
    assert queries(carol, me)[0] == 2


def test_another_session_of_the_same_person_builds_its_own_copy(cast):
    # The content holds the session's CSRF token.
    url = reverse("feedback-list")
    queries(signed_in(cast.alice.user), url)
    assert queries(signed_in(cast.alice.user), url)[0] > 2


def test_a_new_day_builds_the_page_anew(cast):
    client, url = signed_in(cast.alice.user), reverse("goal-list")
    queries(client, url)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert queries(client, url)[0] > 2


def test_the_dashboard_guard_reads_whom_one_follows_from_the_cache(cast):
    alices = reverse("engineer-dashboard", args=[cast.alice.pk])
    assert signed_in(cast.mia.user).get(alices).status_code == 200
    assert signed_in(cast.carol.user).get(alices).status_code == 404
    assert signed_in(cast.olivia.user).get(alices).status_code == 404  # mentored once


def test_follows_is_whom_the_policy_lets_one_open(cast):
    for engineer in Engineer.objects.select_related("user"):
        user = engineer.user
        visible = Engineer.objects.visible_to(user).values_list("pk", flat=True)
        roles = policy.roles_of(user)
        assert roles.follows == set(visible), user
        assert roles.engineer_id == engineer.pk
        assert roles.follows <= roles.circle
    assert policy.roles_of(cast.staff).engineer_id is None


def test_the_circle_holds_everyone_whose_growth_a_page_may_show(cast):
    """Every row a person may read is about someone in their circle, or is
    their own writing (their own stamp), or is for everyone (``everyone``)."""
    some_history(cast)
    checked = Counter()
    for user in [e.user for e in Engineer.objects.select_related("user")]:
        circle = policy.roles_of(user).circle
        for note in FeedbackNote.objects.visible_to(user):
            assert note.engineer_id in circle or note.author_id == user.pk
            checked["notes"] += 1
        for goal in Goal.objects.visible_to(user):
            assert goal.engineer_id in circle
            checked["goals"] += 1
        for check_in in CheckIn.objects.visible_to(user):
            assert check_in.engineer_id in circle or check_in.author_id == user.pk
            checked["check-ins"] += 1
        for request in FeedbackRequest.objects.visible_to(user):
            assert {request.requester_id, request.recipient_id} & circle
            checked["requests"] += 1
        for activity in LearningActivity.objects.visible_to(user):
            named = {
                activity.led_by_id,
                *activity.attendees.values_list("pk", flat=True),
            }
            assert (
                named & circle
                or activity.logged_by_id == user.pk
                or activity.kind in ("learning_session", "hackathon")
            )
            checked["learning"] += 1
    # Every loop ran.
    assert set(checked) == {"notes", "goals", "check-ins", "requests", "learning"}


def test_the_admin_list_is_reused_until_a_note_changes(cast):
    factories.make_note(cast.mia.user, cast.alice)
    client = signed_in(cast.staff)
    url = reverse("admin:growth_feedbacknote_changelist")
    queries(client, url)
    assert queries(client, url)[0] == 2

    note = factories.make_note(cast.max.user, cast.bob, situation="At the offsite")

    count, (_status, html) = queries(client, url)
    assert count > 2
    assert f"/admin/growth/feedbacknote/{note.pk}/change/" in html


def test_the_admin_list_shows_a_waiting_message_once_and_keeps_none(cast):
    note = factories.make_note(cast.mia.user, cast.alice, deleted_at=NOW)
    client = signed_in(cast.staff)
    url = reverse("admin:growth_feedbacknote_changelist")
    queries(client, url)
    response = client.post(url, {"action": "restore", "_selected_action": [note.pk]})
    assert response.status_code == 302  # back to the list, with a message

    shown = read(client, url)[1]
    after = read(client, url)[1]

    assert "Restored 1 note" in shown
    assert "Restored 1 note" not in after
    assert queries(client, url) == (2, read(client, url))


def test_a_cache_that_is_down_builds_every_page(cast, monkeypatch):
    first = factories.make_note(cast.mia.user, cast.alice)

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    for method in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(cache, method, down)
    client = signed_in(cast.alice.user)
    url = reverse("feedback-list")

    assert f"/feedback/{first.pk}/" in client.get(url).text
    # A write still goes through, stamps or not.
    second = factories.make_note(cast.max.user, cast.alice)
    assert f"/feedback/{second.pk}/" in client.get(url).text


@override_settings(PAGE_CACHE_SECONDS=0)
def test_with_no_seconds_nothing_is_kept(cast):
    client, url = signed_in(cast.alice.user), reverse("my-growth")
    first = queries(client, url)[0]
    assert queries(client, url)[0] == first
    assert pagecache.page_key(client.get(url).wsgi_request) is None


def test_a_lost_stamp_builds_the_pages_anew(cast):
    client, url = signed_in(cast.alice.user), reverse("my-growth")
    queries(client, url)
    cache.delete(pagecache.PREFIX + pagecache.EVERYONE)  # evicted, say
    assert queries(client, url)[0] > 2


def test_a_page_without_a_csrf_secret_yet_is_not_kept(cast):
    # Its response sets the secret; content kept now would carry other tokens.
    client, url = Client(), reverse("my-growth")
    client.force_login(cast.alice.user)
    queries(client, url)
    assert queries(client, url)[0] > 2  # built, and kept for this secret
    assert queries(client, url)[0] == 2


def test_a_new_csrf_secret_gets_forms_that_post(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    client = signed_in(cast.alice.user, enforce_csrf_checks=True)
    url = reverse("my-growth")
    client.get(url), client.get(url)  # kept, with forms for the first secret
    client.cookies.pop("csrftoken")  # lost, say, with the session still on
    client.get(url)  # sets a new secret

    html = client.get(url).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = client.post(
        reverse("feedback-acknowledge", args=[note.pk]),
        {"csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.acknowledged_at is not None


@pytest.mark.service("redis")
def test_it_keeps_pages_in_redis_as_production_does(cast, settings):
    prefix = f"cultivate-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    client, url = signed_in(cast.alice.user), reverse("my-growth")
    try:
        queries(client, url)
        assert queries(client, url)[0] == 2
        factories.make_note(cast.mia.user, cast.alice)
        assert queries(client, url)[0] > 2
        assert cache.get(pagecache.PREFIX + pagecache.EVERYONE) is not None
    finally:
        redis = cache._cache.get_client(write=True)
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)


def test_the_file_cache_looks_for_room_once_in_a_hundred_sets(tmp_path, monkeypatch):
    files = pagecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    listed = []
    monkeypatch.setattr(
        files,
        "_list_cache_files",
        lambda: listed.append(1) or [f"{n}" for n in range(5)],
    )
    for n in range(250):
        files.set(f"page-{n}", "<p>content</p>")
    assert len(listed) == 2
    assert files.get("page-249") == "<p>content</p>"


def test_a_page_built_before_the_commit_is_not_reused_after_it(
    cast, django_capture_on_commit_callbacks
):
    """Another request may build the page between the write and its commit,
    from the rows as they were: the stamps change again at commit."""
    client, url = signed_in(cast.mia.user), reverse("team-dashboard")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        factories.make_note(cast.max.user, cast.alice)
        queries(client, url)  # built and kept inside the transaction
        assert queries(client, url)[0] == 2
    assert queries(client, url)[0] > 2


def test_a_row_moved_by_its_column_tells_its_former_owner(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    client, url = signed_in(cast.alice.user), reverse("feedback-list")
    assert f"/feedback/{note.pk}/" in read(client, url)[1]
    note.engineer_id = cast.carol.pk
    note.save(update_fields=["engineer_id"])
    assert f"/feedback/{note.pk}/" not in read(client, url)[1]


def test_deleting_a_person_costs_no_query_a_row_for_the_cache(cast):
    def delete_with(rows: int) -> int:
        engineer = factories.make_engineer(manager=cast.mia)
        goal = factories.make_goal(engineer)
        for _ in range(rows):
            factories.make_goal_check_in(goal, engineer.user)
            check_in = factories.make_check_in(cast.mia.user, engineer)
            ActionItem.objects.create(check_in=check_in, description="Follow up")
        with CaptureQueriesContext(connection) as captured:
            engineer.delete()
        return len(captured)

    assert delete_with(2) == delete_with(12)
