"""Asking several people at once: one request each, all of them or none.

The cast is in tests/conftest.py; alice does the asking.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    EventKind,
    FeedbackRequest,
    Notification,
    Reminder,
    RequestStatus,
    Submission,
)
from growth.services.requests import MAX_RECIPIENTS, feedback_requests_create
from tests import factories
from tests.concurrency import key_from, post_twice_at_once
from tests.pages import signed_in
from tests.reminders_support import memory_broker

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
DUE = datetime.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _broker():
    yield from memory_broker()


def ask(cast, *recipients, **fields):
    return feedback_requests_create(
        requester=fields.pop("requester", cast.alice),
        recipients=list(recipients),
        due_on=fields.pop("due_on", DUE),
        message=fields.pop("message", "How did the review go?"),
        competency=fields.pop("competency", None),
        goal=fields.pop("goal", None),
        now=NOW,
    )


def refused(cast, *recipients, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        ask(cast, *recipients, **fields)
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()
    assert not Reminder.objects.exists()
    return caught.value.message_dict


@pytest.mark.django_db
def test_it_makes_one_request_per_person_and_tells_each_once(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        made = ask(cast, cast.bob, cast.carol, cast.max)
    assert [r.recipient for r in made] == [cast.bob, cast.carol, cast.max]
    assert all(r.pk and r.status == RequestStatus.OPEN for r in made)
    assert {(r.due_on, r.message) for r in made} == {(DUE, "How did the review go?")}
    told = Notification.objects.filter(kind=EventKind.FEEDBACK_REQUESTED)
    assert sorted(n.recipient_id for n in told) == sorted(
        [cast.bob.user_id, cast.carol.user_id, cast.max.user_id]
    )
    assert {n.url for n in told} == {
        reverse("request-detail", args=[r.pk]) for r in made
    }
    assert Reminder.objects.count() == 3
    assert len(queued) == 3  # one email each, sent after the commit


@pytest.mark.django_db
def test_the_question_may_be_left_out(cast):
    made = ask(cast, cast.bob, message="")
    assert made[0].message == ""


@pytest.mark.django_db
def test_a_goal_and_a_competency_go_on_every_request(cast):
    goal = factories.make_goal(cast.alice)
    competency = factories.competency("interpersonal")
    made = ask(cast, cast.bob, cast.carol, goal=goal, competency=competency)
    assert {(r.goal, r.competency) for r in made} == {(goal, competency)}


@pytest.mark.django_db
def test_nobody_at_all_is_refused(cast):
    assert "at least one" in refused(cast)["recipients"][0]


@pytest.mark.django_db
def test_asking_myself_names_me_and_nobody_is_asked(cast):
    errors = refused(cast, cast.bob, cast.alice)["recipients"]
    assert errors == ["You cannot ask yourself for feedback: leave out Alice Engineer."]


@pytest.mark.django_db
def test_an_inactive_person_is_named_and_nobody_is_asked(cast):
    cast.olivia.is_active = False
    cast.olivia.save()
    errors = refused(cast, cast.bob, cast.olivia)["recipients"]
    assert errors == ["Olivia Former is no longer active here."]


@pytest.mark.django_db
def test_someone_already_asked_is_named_and_nobody_else_is_asked(cast):
    earlier = factories.make_request(cast.alice, cast.bob)
    with pytest.raises(ValidationError) as caught:
        ask(cast, cast.carol, cast.bob)
    assert "open request to Bob Peer" in caught.value.message_dict["recipients"][0]
    assert list(FeedbackRequest.objects.all()) == [earlier]
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_someone_asked_before_and_answered_may_be_asked_again(cast):
    factories.make_request(
        cast.alice, cast.bob, status=RequestStatus.DECLINED, closed_at=NOW
    )
    assert len(ask(cast, cast.bob)) == 1


@pytest.mark.django_db
def test_someone_chosen_twice_is_named_once(cast):
    errors = refused(cast, cast.bob, cast.carol, cast.bob, cast.bob)["recipients"]
    assert errors == ["Bob Peer is chosen twice; once is enough."]


@pytest.mark.django_db
def test_more_than_the_limit_names_the_people_over_it(cast):
    people = [factories.make_engineer(f"Person {n:02d}") for n in range(12)]
    errors = refused(cast, *people)["recipients"]
    assert errors == [
        f"Ask at most {MAX_RECIPIENTS} people at once; you chose 12: "
        "Person 10 and Person 11 are over the limit."
    ]


@pytest.mark.django_db
def test_the_limit_itself_is_fine(cast):
    people = [factories.make_engineer(f"Person {n:02d}") for n in range(MAX_RECIPIENTS)]
    assert len(ask(cast, *people)) == MAX_RECIPIENTS


@pytest.mark.django_db
def test_every_problem_is_said_at_once_and_shared_ones_once(cast):
    factories.make_request(cast.alice, cast.bob)
    cast.olivia.is_active = False
    cast.olivia.save()
    with pytest.raises(ValidationError) as caught:
        ask(
            cast,
            cast.bob,
            cast.olivia,
            cast.carol,
            cast.alice,
            due_on=datetime.date(2026, 3, 1),
        )
    errors = caught.value.message_dict
    assert len(errors["recipients"]) == 3
    assert errors["due_on"] == ["Pick today or a later date."]
    assert FeedbackRequest.objects.count() == 1


@pytest.mark.django_db
def test_someone_elses_goal_is_refused_once(cast):
    errors = refused(cast, cast.bob, cast.carol, goal=factories.make_goal(cast.bob))
    assert list(errors) == ["goal"]
    assert all("your own goals" in message for message in errors["goal"])
    # The same for bob and for carol, and said once.
    assert len(errors["goal"]) == len(set(errors["goal"]))


@pytest.mark.django_db
def test_nothing_is_queued_when_one_person_is_refused(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        refused(cast, cast.bob, cast.carol, cast.alice)
    assert queued == []


# --- one submission, posted twice ------------------------------------------------


def _form(cast, key: str) -> dict:
    return {
        "submission_key": key,
        "recipients": [cast.bob.pk, cast.carol.pk, cast.max.pk],
        "message": "",
        "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }


@pytest.mark.django_db
def test_a_repeated_post_answers_with_the_first_requests(cast):
    client = signed_in(cast.alice.user)
    key = key_from(client.get(reverse("request-create")).content.decode())
    first = client.post(reverse("request-create"), _form(cast, key), follow=True)
    second = client.post(reverse("request-create"), _form(cast, key), follow=True)
    assert FeedbackRequest.objects.count() == 3
    assert Notification.objects.count() == 3
    for response in (first, second):
        assert response.redirect_chain == [(reverse("request-list"), 302)]
        assert b"Bob Peer, Carol Outsider and Max Mentor" in response.content


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_submission_at_once_ask_each_person_once(cast):
    client = signed_in(cast.alice.user)
    key = key_from(client.get(reverse("request-create")).content.decode())
    responses = post_twice_at_once(
        cast.alice.user, reverse("request-create"), _form(cast, key)
    )
    assert [r.status_code for r in responses] == [302, 302], [
        r.content.decode()[:2000] for r in responses if r.status_code != 302
    ]
    assert {r.url for r in responses} == {reverse("request-list")}
    assert sorted(FeedbackRequest.objects.values_list("recipient", flat=True)) == (
        sorted([cast.bob.pk, cast.carol.pk, cast.max.pk])
    )
    assert Notification.objects.count() == 3
    assert Reminder.objects.count() == 3
    submission = Submission.objects.get(user=cast.alice.user)
    assert submission.many
    assert sorted(submission.object_ids) == sorted(
        FeedbackRequest.objects.values_list("pk", flat=True)
    )


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_to_the_same_person_ask_them_once(cast):
    """Two tabs, two keys, both asking bob: the second finds the first's request."""
    data = _form(cast, "")
    data["recipients"] = [cast.bob.pk]
    responses = post_twice_at_once(cast.alice.user, reverse("request-create"), data)
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert FeedbackRequest.objects.filter(recipient=cast.bob).count() == 1
    assert Notification.objects.filter(recipient=cast.bob.user).count() == 1
