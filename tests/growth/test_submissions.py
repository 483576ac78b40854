"""A form posted twice — a double click, a retry, a resubmit — creates once."""

import datetime
import uuid

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    AgendaItem,
    CheckIn,
    FeedbackComment,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    LearningActivity,
    Notification,
    Reminder,
    Submission,
)
from growth.services.submissions import create_once
from tests import factories
from tests.concurrency import key_from, post_twice_at_once
from tests.pages import signed_in


def note_form(cast, key: str) -> dict:
    return {
        "submission_key": key,
        "engineer": cast.alice.pk,
        "kind": "technical",
        "sentiment": "praise",
        "situation": "The release review",
        "behaviour": "You caught the migration lock",
        "impact": "No downtime",
        "suggestion": "Keep checking locks",
        "visibility": "shared",
    }


def test_it_renders_a_fresh_key_with_every_form(cast):
    client = signed_in(cast.mia.user)
    url = reverse("feedback-create")
    first = key_from(client.get(url).content.decode())
    second = key_from(client.get(url).content.decode())
    assert first != second


def test_it_keeps_the_key_when_the_form_comes_back_with_errors(cast):
    client = signed_in(cast.mia.user)
    key = str(uuid.uuid4())
    data = note_form(cast, key) | {"situation": ""}
    response = client.post(reverse("feedback-create"), data)
    assert response.status_code == 200
    assert key_from(response.content.decode()) == key
    assert not Submission.objects.exists()


def test_it_answers_a_repeated_post_with_the_first_result(cast):
    client = signed_in(cast.mia.user)
    data = note_form(cast, str(uuid.uuid4()))
    first = client.post(reverse("feedback-create"), data)
    second = client.post(reverse("feedback-create"), data)
    note = FeedbackNote.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("feedback-detail", args=[note.pk])
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 1


def test_it_lets_another_person_use_the_same_key(cast):
    key = uuid.uuid4()
    mine = create_once(
        user=cast.mia.user, key=key, create=lambda: factories.make_goal(cast.alice)
    )
    theirs = create_once(
        user=cast.alice.user, key=key, create=lambda: factories.make_goal(cast.alice)
    )
    assert not mine.repeated and not theirs.repeated
    assert Goal.objects.count() == 2


def test_it_creates_again_when_the_first_attempt_failed(cast):
    key = uuid.uuid4()

    def failing():
        factories.make_goal(cast.alice)
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError):
        create_once(user=cast.mia.user, key=key, create=failing)
    assert not Goal.objects.exists()
    outcome = create_once(
        user=cast.mia.user, key=key, create=lambda: factories.make_goal(cast.alice)
    )
    assert not outcome.repeated
    assert Goal.objects.count() == 1


def test_it_returns_every_object_a_submission_made(cast):
    key = uuid.uuid4()

    def two_goals():
        return [factories.make_goal(cast.alice), factories.make_goal(cast.bob)]

    made = create_once(user=cast.mia.user, key=key, create=two_goals)
    again = create_once(user=cast.mia.user, key=key, create=two_goals)
    assert again.repeated
    assert again.result == made.result
    assert Goal.objects.count() == 2


def test_it_creates_without_protection_when_no_key_is_sent(cast):
    client = signed_in(cast.mia.user)
    data = note_form(cast, "")
    client.post(reverse("feedback-create"), data)
    client.post(reverse("feedback-create"), data)
    assert FeedbackNote.objects.count() == 2


# --- two POSTs at once, on a real database ------------------------------------


def _feedback(cast):
    return (
        cast.mia.user,
        reverse("feedback-create"),
        note_form(cast, ""),
        lambda: FeedbackNote.objects.count(),
    )


def _goal(cast):
    return (
        cast.alice.user,
        reverse("goal-create"),
        {
            "title": "Own the release train",
            "description": "",
            "kind": "technical",
            "target_date": (timezone.localdate() + datetime.timedelta(days=60)),
        },
        lambda: Goal.objects.count(),
    )


def _goal_check_in(cast):
    goal = factories.make_goal(cast.alice)
    return (
        cast.alice.user,
        reverse("goal-check-in", args=[goal.pk]),
        {"progress": 40, "note": "Half way"},
        lambda: GoalCheckIn.objects.count(),
    )


def _goal_from_note(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    return (
        cast.alice.user,
        reverse("goal-from-note", args=[note.pk]),
        {
            "title": "Check locks",
            "description": "",
            "kind": "technical",
            "target_date": (timezone.localdate() + datetime.timedelta(days=30)),
        },
        lambda: Goal.objects.count(),
    )


def _learning(cast):
    return (
        cast.alice.user,
        reverse("learning-create"),
        {
            "title": "Learning day: property tests",
            "kind": "learning_day",
            "date": timezone.localdate(),
            "hours": "6",
        },
        lambda: LearningActivity.objects.count(),
    )


def _one_on_one(cast):
    return (
        cast.mia.user,
        reverse("check-in-create") + f"?kind=one_on_one&engineer={cast.alice.pk}",
        {"held_on": timezone.localdate(), "notes": "Talked", "action_items": "Ship"},
        lambda: CheckIn.objects.count(),
    )


def _praise(cast):
    return (
        cast.bob.user,
        reverse("praise-create") + f"?engineer={cast.alice.pk}",
        {
            "engineer": cast.alice.pk,
            "message": "Thanks for pairing on the flaky test",
            "kind": "interpersonal",
            "competency": "",
        },
        lambda: FeedbackNote.objects.count(),
    )


def _comment(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    return (
        cast.alice.user,
        reverse("feedback-detail", args=[note.pk]),
        {"body": "Thanks, I will try it"},
        lambda: FeedbackComment.objects.count(),
        reverse("feedback-comment", args=[note.pk]),
    )


def _talking_point(cast):
    return (
        cast.alice.user,
        reverse("one-on-one-pair", args=[cast.alice.pk]),
        {"text": "The on-call rota"},
        lambda: AgendaItem.objects.count(),
    )


CREATES = [
    _feedback,
    _goal,
    _goal_check_in,
    _goal_from_note,
    _learning,
    _one_on_one,
    _praise,
    _comment,
    _talking_point,
]


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("create", CREATES, ids=lambda f: f.__name__.strip("_"))
def test_two_posts_of_one_form_at_once_create_once(cast, create):
    user, url, data, count, *posted_to = create(cast)
    client = signed_in(user)
    page = client.get(url)
    assert page.status_code == 200
    data["submission_key"] = key_from(page.content.decode())
    url = posted_to[0] if posted_to else url
    before = count()
    notices = Notification.objects.count()
    outbox = Reminder.objects.count()
    responses = post_twice_at_once(user, url, data)
    assert [r.status_code for r in responses] == [302, 302], [
        r.content.decode()[:2000] for r in responses if r.status_code != 302
    ]
    assert responses[0].url == responses[1].url
    assert count() == before + 1
    # Whatever the first POST told people, the second told nobody again: no
    # person has two notices, or two emails, of one kind about one thing.
    assert Notification.objects.count() - notices <= 2
    told_twice = (
        Notification.objects.values("recipient", "kind", "url")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not told_twice.exists(), list(told_twice)
    emailed_twice = (
        Reminder.objects.values("recipient", "kind", "subject")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert Reminder.objects.count() - outbox <= 2
    assert not emailed_twice.exists(), list(emailed_twice)
    assert Submission.objects.filter(user=user).count() == 1
