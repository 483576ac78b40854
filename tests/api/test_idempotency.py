"""An ``Idempotency-Key`` replays only the request it came with: the same
endpoint and the same body. Sent with anything else it is a 422 that makes
nothing and shows nothing; a retry is answered before its body is checked."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse

from growth.models import (
    FeedbackComment,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    GoalStatus,
    Mentorship,
    RequestStatus,
)
from tests import factories
from tests.pages import signed_in

pytestmark = pytest.mark.django_db

NOTES = reverse("api:note-list")
GOALS = reverse("api:goal-list")
REUSED = {"detail": "This Idempotency-Key was used for a different request."}


def _note(cast, **fields) -> dict:
    return {
        "engineer": cast.alice.pk,
        "kind": "technical",
        "sentiment": "praise",
        "situation": "The release review",
        "behaviour": "You caught the migration lock",
        "impact": "No downtime",
        "suggestion": "Keep checking locks",
        **fields,
    }


def test_a_key_used_on_another_endpoint_is_a_422_that_shows_nothing(api, cast):
    client = api(cast.mia.user)
    headers = {"Idempotency-Key": "shared-key"}
    goal = client.post(
        GOALS,
        {"title": "Write the RFC", "kind": "technical"},
        format="json",
        headers=headers,
    )
    assert goal.status_code == 201
    note = client.post(NOTES, _note(cast), format="json", headers=headers)
    assert note.status_code == 422
    assert note.json() == REUSED
    assert not FeedbackNote.objects.exists()
    # The other way round too: a note's key is no key to a goal.
    made = client.post(
        NOTES, _note(cast), format="json", headers={"Idempotency-Key": "n"}
    )
    assert made.status_code == 201
    refused = client.post(
        GOALS,
        {"title": "Write the RFC", "kind": "technical"},
        format="json",
        headers={"Idempotency-Key": "n"},
    )
    assert (refused.status_code, refused.json()) == (422, REUSED)
    assert Goal.objects.count() == 1


def test_a_key_sent_with_another_body_is_a_422(api, cast):
    client = api(cast.mia.user)
    headers = {"Idempotency-Key": "retry-1"}
    first = client.post(NOTES, _note(cast), format="json", headers=headers)
    other = client.post(
        NOTES, _note(cast, engineer=cast.bob.pk), format="json", headers=headers
    )
    assert first.status_code == 201
    assert (other.status_code, other.json()) == (422, REUSED)
    assert list(FeedbackNote.objects.values_list("engineer", flat=True)) == [
        cast.alice.pk
    ]


def test_the_same_body_written_otherwise_is_the_same_request(api, cast):
    client = api(cast.mia.user)
    body = _note(cast)
    headers = {"Idempotency-Key": "retry-2"}
    first = client.post(
        NOTES, json.dumps(body), content_type="application/json", headers=headers
    )
    # Its fields in another order, spaced out: what a retry in another
    # language might send.
    reordered = json.dumps(dict(reversed(body.items())), indent=2)
    again = client.post(
        NOTES, reordered, content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert FeedbackNote.objects.count() == 1


def test_a_key_used_on_another_notes_comments_is_a_422(api, cast):
    one = factories.make_note(cast.mia.user, cast.alice)
    two = factories.make_note(cast.mia.user, cast.alice)
    client = api(cast.alice.user)
    headers = {"Idempotency-Key": "comment-1"}
    body = {"body": "Thanks, noted"}
    for note, status in ((one, 201), (one, 200), (two, 422)):
        url = reverse("api:note-comments", args=[note.pk])
        response = client.post(url, body, format="json", headers=headers)
        assert response.status_code == status
    assert list(FeedbackComment.objects.values_list("note", flat=True)) == [one.pk]


def test_a_page_forms_key_is_no_key_for_the_api_nor_the_other_way(api, cast):
    key = str(uuid.uuid4())
    page = signed_in(cast.mia.user)
    form = _note(cast) | {"submission_key": key, "visibility": "shared"}
    made = page.post(reverse("feedback-create"), form)
    assert made.status_code == 302
    response = api(cast.mia.user).post(
        NOTES, _note(cast), format="json", headers={"Idempotency-Key": key}
    )
    assert (response.status_code, response.json()) == (422, REUSED)
    # A key the API used, posted by a page's form, makes nothing either.
    api_key = str(uuid.uuid4())
    by_api = api(cast.mia.user).post(
        GOALS,
        {"title": "Write the RFC", "kind": "technical"},
        format="json",
        headers={"Idempotency-Key": api_key},
    )
    assert by_api.status_code == 201
    refused = page.post(reverse("feedback-create"), form | {"submission_key": api_key})
    assert refused.status_code == 400
    assert FeedbackNote.objects.count() == 1


def test_a_retried_answer_to_a_request_replays_though_the_request_is_closed(api, cast):
    asked = factories.make_request(cast.alice, cast.max, message="My talk?")
    client = api(cast.max.user)
    body = _note(cast, request=asked.pk)
    del body["engineer"]  # the note goes to whoever asked
    headers = {"Idempotency-Key": "answer-1"}
    first = client.post(NOTES, body, format="json", headers=headers)
    assert first.status_code == 201, first.json()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.FULFILLED
    again = client.post(NOTES, body, format="json", headers=headers)
    assert again.status_code == 200, again.json()
    assert again.json() == first.json()
    assert FeedbackNote.objects.count() == 1
    # Without the key it is a new answer to a closed request: refused.
    fresh = client.post(NOTES, body, format="json")
    assert fresh.status_code == 400 and set(fresh.json()) == {"request"}


@pytest.mark.parametrize("closed_by", ["achieved", "mentorship_ended"])
def test_a_retried_check_in_replays_though_its_goal_is_closed(api, cast, closed_by):
    goal = factories.make_goal(cast.alice, progress=40)
    url = reverse("api:goal-check-ins", args=[goal.pk])
    client = api(cast.max.user)
    headers = {"Idempotency-Key": "check-in-1"}
    first = client.post(url, {"progress": 70}, format="json", headers=headers)
    assert first.status_code == 201, first.json()
    if closed_by == "achieved":
        Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.ACHIEVED)
        again = client.post(url, {"progress": 70}, format="json", headers=headers)
        assert again.status_code == 200, again.json()
        assert again.json() == first.json()
    else:
        # Max no longer mentors Alice: the retry says nothing of her goal.
        Mentorship.objects.filter(mentor=cast.max, mentee=cast.alice).update(
            ended_on=datetime.date(2026, 1, 1)
        )
        again = client.post(url, {"progress": 70}, format="json", headers=headers)
        assert again.status_code == 404
    assert GoalCheckIn.objects.count() == 1


def test_a_refused_body_leaves_its_key_free(api, cast):
    client = api(cast.mia.user)
    headers = {"Idempotency-Key": "fix-and-retry"}
    refused = client.post(
        NOTES, _note(cast, impact="  "), format="json", headers=headers
    )
    assert refused.status_code == 400 and set(refused.json()) == {"impact"}
    # Corrected, the same key makes the note: the refusal recorded nothing.
    made = client.post(NOTES, _note(cast), format="json", headers=headers)
    assert made.status_code == 201
