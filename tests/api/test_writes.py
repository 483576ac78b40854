"""Goals, goal check-ins, feedback requests and learning written through the
API: the pages' forms and services, their rules and notifications, once per
``Idempotency-Key``; a 404 for a goal one may not check in on."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalStatus,
    LearningActivity,
    Notification,
    RequestStatus,
    WorkLink,
)
from tests import factories

pytestmark = pytest.mark.django_db

GOALS = reverse("api:goal-list")
REQUESTS = reverse("api:request-list")
LEARNING = reverse("api:learning-list")
NOTES = reverse("api:note-list")
PULL = "https://github.com/acme/app/pull/42"


def _check_ins(goal) -> str:
    return reverse("api:goal-check-ins", args=[goal.pk])


# --- goals -----------------------------------------------------------------------


def test_it_sets_a_goal_for_oneself_when_nobody_is_named(api, cast):
    response = api(cast.alice.user).post(
        GOALS, {"title": "Lead a design review", "kind": "technical"}, format="json"
    )
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(pk=response.json()["id"])
    assert (goal.engineer, goal.created_by) == (cast.alice, cast.alice.user)
    assert (goal.status, goal.progress) == (GoalStatus.ACTIVE, 0)
    assert response.json()["engineer"] == {
        "id": cast.alice.pk,
        "name": "Alice Engineer",
    }


def test_a_manager_sets_a_goal_for_a_report_and_nobody_else_does(api, cast):
    body = {"engineer": cast.alice.pk, "title": "Run a retro", "kind": "career"}
    made = api(cast.mia.user).post(GOALS, body, format="json")
    assert made.status_code == 201, made.json()
    assert Goal.objects.get(pk=made.json()["id"]).engineer == cast.alice
    # Her mentor reads her goals but does not set them; a peer, nothing at all;
    # nor does anyone exist with this id: the same answer for each.
    for user, engineer in (
        (cast.max.user, cast.alice.pk),
        (cast.bob.user, cast.alice.pk),
        (cast.mia.user, 10**6),
    ):
        refused = api(user).post(GOALS, body | {"engineer": engineer}, format="json")
        assert refused.status_code == 400
        assert set(refused.json()) == {"engineer"}
    assert Goal.objects.count() == 1


def test_a_goals_errors_are_the_forms_on_their_fields(api, cast):
    long_ago = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    response = api(cast.alice.user).post(
        GOALS,
        {"title": "  ", "kind": "vague", "target_date": long_ago},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"kind"}  # a wrong choice is refused first
    response = api(cast.alice.user).post(
        GOALS, {"title": "", "kind": "technical"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"title"}
    # The form takes any date; the service refuses one long gone, on its field.
    response = api(cast.alice.user).post(
        GOALS, {"title": "Ship", "kind": "technical", "target_date": long_ago},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()) == {"target_date"}
    assert not Goal.objects.exists()


def test_the_same_key_sets_one_goal(api, cast):
    client = api(cast.alice.user)
    body = {"title": "Write an RFC", "kind": "technical"}
    headers = {"Idempotency-Key": "goal-1"}
    first = client.post(GOALS, body, format="json", headers=headers)
    again = client.post(GOALS, body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Goal.objects.count() == 1


# --- goal check-ins --------------------------------------------------------------


def test_a_mentor_checks_in_with_links_and_the_goal_moves(api, cast):
    goal = factories.make_goal(cast.alice)
    response = api(cast.max.user).post(
        _check_ins(goal),
        {"progress": 60, "note": "Design doc done", "links": [f"{PULL} The RFC"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["progress"], made["note"], made["author"]) == (
        60,
        "Design doc done",
        "Max Mentor",
    )
    assert made["links"] == [
        {
            "url": PULL,
            "kind": "pull_request",
            "host": "github.com",
            "label": "#42",
            "title": "The RFC",
        }
    ]
    goal.refresh_from_db()
    assert goal.progress == 60
    listed = api(cast.alice.user).get(_check_ins(goal)).json()["results"]
    assert listed == [made]


def test_who_may_not_check_in_gets_a_404_and_nothing_changes(api, cast):
    goal = factories.make_goal(cast.alice, progress=10)
    body = {"progress": 90}
    for user in (cast.bob.user, cast.skip.user, cast.carol.user):
        assert api(user).post(_check_ins(goal), body, format="json").status_code == 404
    missing = reverse("api:goal-check-ins", args=[10**6])
    assert api(cast.mia.user).post(missing, body, format="json").status_code == 404
    goal.refresh_from_db()
    assert (goal.progress, GoalCheckIn.objects.count()) == (10, 0)


def test_a_check_ins_errors_save_nothing(api, cast):
    goal = factories.make_goal(cast.alice, progress=10)
    client = api(cast.alice.user)
    response = client.post(
        _check_ins(goal),
        {"progress": 101, "links": [PULL, "ftp://files.example.com/x"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"progress", "links"}
    done = factories.make_goal(cast.alice, status=GoalStatus.ACHIEVED)
    response = client.post(_check_ins(done), {"progress": 50}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert (GoalCheckIn.objects.count(), WorkLink.objects.count()) == (0, 0)
    goal.refresh_from_db()
    assert goal.progress == 10


def test_the_same_key_records_progress_once(api, cast):
    goal = factories.make_goal(cast.alice)
    client = api(cast.mia.user)
    headers = {"Idempotency-Key": "progress-1"}
    body = {"progress": 30, "links": [PULL]}
    first = client.post(_check_ins(goal), body, format="json", headers=headers)
    again = client.post(_check_ins(goal), body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert (GoalCheckIn.objects.count(), WorkLink.objects.count()) == (1, 1)


# --- feedback requests -----------------------------------------------------------


def test_it_asks_several_people_and_tells_each(api, cast):
    response = api(cast.alice.user).post(
        REQUESTS,
        {"recipients": [cast.max.pk, cast.bob.pk], "message": "How was my demo?"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert [r["recipient"]["id"] for r in made] == [cast.max.pk, cast.bob.pk]
    week = timezone.localdate() + datetime.timedelta(days=7)
    assert {r["due_on"] for r in made} == {week.isoformat()}
    assert {r["requester"]["id"] for r in made} == {cast.alice.pk}
    for person in (cast.max, cast.bob):
        assert Notification.objects.filter(recipient=person.user).count() == 1


def test_if_anyone_cannot_be_asked_nobody_is(api, cast):
    factories.make_request(cast.alice, cast.bob)
    response = api(cast.alice.user).post(
        REQUESTS,
        {"recipients": [cast.max.pk, cast.bob.pk, cast.alice.pk]},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"recipients"}
    assert any("Bob Peer" in error for error in errors["recipients"])
    assert any("yourself" in error for error in errors["recipients"])
    assert FeedbackRequest.objects.count() == 1
    assert not Notification.objects.filter(recipient=cast.max.user).exists()
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = api(cast.alice.user).post(
        REQUESTS, {"recipients": [], "due_on": past}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"recipients", "due_on"}


def test_the_same_key_asks_once(api, cast):
    client = api(cast.alice.user)
    headers = {"Idempotency-Key": "ask-1"}
    body = {"recipients": [cast.max.pk, cast.bob.pk]}
    first = client.post(REQUESTS, body, format="json", headers=headers)
    again = client.post(REQUESTS, body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert FeedbackRequest.objects.count() == 2
    assert Notification.objects.filter(recipient=cast.max.user).count() == 1


def test_someone_who_is_no_engineer_asks_nobody(api, cast):
    response = api(cast.staff).post(
        REQUESTS, {"recipients": [cast.max.pk]}, format="json"
    )
    assert response.status_code == 404
    assert not FeedbackRequest.objects.exists()


# --- answering a request with a note ---------------------------------------------


def _answer(request_pk: int, **fields) -> dict:
    return {
        "request": request_pk,
        "kind": "technical",
        "sentiment": "praise",
        "situation": "At the demo",
        "behaviour": "You showed the failure first",
        "impact": "Everyone followed",
        "suggestion": "Do it again at the all-hands",
        **fields,
    }


def test_a_note_answers_a_request_and_goes_to_who_asked(api, cast):
    asked = factories.make_request(cast.alice, cast.max)
    response = api(cast.max.user).post(NOTES, _answer(asked.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["request"] == asked.pk
    note = FeedbackNote.objects.get(pk=response.json()["id"])
    assert (note.engineer, note.request) == (cast.alice, asked)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.FULFILLED
    assert Notification.objects.filter(
        recipient=cast.alice.user, kind="feedback_received"
    ).exists()


def test_only_the_person_asked_answers_and_only_once(api, cast):
    asked = factories.make_request(cast.alice, cast.max)
    # Bob was not asked; alice asked and cannot answer herself; nobody answers
    # a request that is not there: one answer for all.
    for user, pk in (
        (cast.bob.user, asked.pk),
        (cast.alice.user, asked.pk),
        (cast.max.user, 10**6),
    ):
        response = api(user).post(NOTES, _answer(pk), format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"request"}
    max_ = api(cast.max.user)
    other = max_.post(NOTES, _answer(asked.pk, engineer=cast.bob.pk), format="json")
    assert other.status_code == 400 and set(other.json()) == {"engineer"}
    private = max_.post(NOTES, _answer(asked.pk, visibility="self"), format="json")
    assert private.status_code == 400 and set(private.json()) == {"visibility"}
    assert not FeedbackNote.objects.exists()
    assert max_.post(NOTES, _answer(asked.pk), format="json").status_code == 201
    again = max_.post(NOTES, _answer(asked.pk), format="json")
    assert again.status_code == 400 and set(again.json()) == {"request"}
    assert FeedbackNote.objects.count() == 1


# --- learning --------------------------------------------------------------------


def test_it_logs_learning_with_its_competency_and_the_caller_attending(api, cast):
    competency = factories.competency("technical")
    response = api(cast.alice.user).post(
        LEARNING,
        {
            "kind": "course",
            "title": "Kubernetes the hard way",
            "hours": "7.5",
            "competency": competency.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["attendees"] == [{"id": cast.alice.pk, "name": "Alice Engineer"}]
    assert made["competency"] == {
        "id": competency.pk,
        "name": competency.name,
        "kind": "technical",
    }
    assert made["date"] == timezone.localdate().isoformat()
    activity = LearningActivity.objects.get(pk=made["id"])
    assert (activity.logged_by, str(activity.hours)) == (cast.alice.user, "7.5")
    listed = api(cast.mia.user).get(LEARNING).json()["results"]
    assert [a["competency"] for a in listed] == [made["competency"]]


def test_learnings_errors_are_the_forms_on_their_fields(api, cast):
    bobs = factories.make_goal(cast.bob)
    response = api(cast.alice.user).post(
        LEARNING,
        {
            "kind": "course",
            "title": "",
            "hours": "0",
            "goal": bobs.pk,
            "attendees": [cast.alice.pk, 10**6],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"title", "hours", "goal", "attendees"}
    assert not LearningActivity.objects.exists()


def test_the_same_key_logs_learning_once(api, cast):
    client = api(cast.alice.user)
    headers = {"Idempotency-Key": "learning-1"}
    body = {"kind": "reading", "title": "SRE book", "hours": 2}
    first = client.post(LEARNING, body, format="json", headers=headers)
    again = client.post(LEARNING, body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert LearningActivity.objects.count() == 1


def test_the_engineer_and_manager_change_a_goal_and_a_mentor_may_not(api, cast):
    goal = factories.make_goal(cast.alice, title="Lead a review", progress=40)
    url = reverse("api:goal-detail", args=[goal.pk])
    response = api(cast.mia.user).patch(url, {"status": "achieved"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["title"]) == (
        "achieved",
        "Lead a review",
    )
    goal.refresh_from_db()
    assert (goal.status, goal.title, goal.progress) == (
        GoalStatus.ACHIEVED,
        "Lead a review",
        40,
    )
    # Her mentor reads it but does not change it; a peer does not see it.
    for user in (cast.max.user, cast.bob.user):
        refused = api(user).patch(url, {"title": "Mine now"}, format="json")
        assert refused.status_code == 404
    blank = api(cast.alice.user).patch(url, {"title": " "}, format="json")
    assert blank.status_code == 400 and set(blank.json()) == {"title"}
    goal.refresh_from_db()
    assert goal.title == "Lead a review"


def test_the_person_asked_declines_and_the_asker_cancels(api, cast):
    declined = factories.make_request(cast.alice, cast.max)
    cancelled = factories.make_request(cast.alice, cast.bob)

    def close(user, feedback_request, how):
        url = reverse(f"api:request-{how}", args=[feedback_request.pk])
        return api(user).post(url, format="json")

    # Each side only does its own; anyone else is told nothing exists.
    assert close(cast.alice.user, declined, "decline").status_code == 404
    assert close(cast.max.user, declined, "cancel").status_code == 404
    assert close(cast.carol.user, declined, "decline").status_code == 404
    response = close(cast.max.user, declined, "decline")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    response = close(cast.alice.user, cancelled, "cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = close(cast.max.user, declined, "decline")
    assert again.status_code == 400 and set(again.json()) == {"status"}
    statuses = dict(FeedbackRequest.objects.values_list("pk", "status"))
    assert statuses == {
        declined.pk: RequestStatus.DECLINED,
        cancelled.pk: RequestStatus.CANCELLED,
    }


def test_who_logged_learning_changes_it_and_nobody_else_does(api, cast):
    activity = factories.make_learning(
        cast.alice.user, attendees=[cast.alice], title="SRE book", hours=2
    )
    url = reverse("api:learning-detail", args=[activity.pk])
    competency = factories.competency("interpersonal")
    response = api(cast.alice.user).patch(
        url, {"hours": "3.5", "competency": competency.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    changed = response.json()
    assert (changed["title"], changed["hours"]) == ("SRE book", "3.5")
    assert changed["competency"]["id"] == competency.pk
    assert changed["attendees"] == [{"id": cast.alice.pk, "name": "Alice Engineer"}]
    # Her manager reads it but does not change it; bob does not see it.
    for user in (cast.mia.user, cast.bob.user):
        refused = api(user).patch(url, {"title": "Mine"}, format="json")
        assert refused.status_code == 404
    bad = api(cast.alice.user).patch(url, {"hours": "0"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"hours"}
    activity.refresh_from_db()
    assert (activity.title, str(activity.hours)) == ("SRE book", "3.5")
