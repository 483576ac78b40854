"""The endpoints: what they answer, and that writes go through the pages'
rules, notifications and submission keys."""

from __future__ import annotations

import pytest
from django.urls import reverse

from growth.models import (
    FeedbackComment,
    FeedbackNote,
    LearningKind,
    Notification,
    Visibility,
)
from tests import factories

pytestmark = pytest.mark.django_db

NOTES = reverse("api:note-list")


def _note(cast, **fields) -> dict:
    return {
        "engineer": cast.alice.pk,
        "kind": "interpersonal",
        "sentiment": "constructive",
        "situation": "In the incident review",
        "behaviour": "You talked over Bob",
        "impact": "He stopped sharing",
        "suggestion": "Ask him first next time",
        **fields,
    }


def test_it_logs_a_note_and_tells_the_engineer(api, cast):
    response = api(cast.max.user).post(NOTES, _note(cast), format="json")
    assert response.status_code == 201, response.json()
    note = FeedbackNote.objects.get(pk=response.json()["id"])
    assert (note.author, note.engineer) == (cast.max.user, cast.alice)
    assert note.visibility == Visibility.SHARED
    assert Notification.objects.filter(
        recipient=cast.alice.user, kind="feedback_received"
    ).exists()
    assert response.json()["comments_url"].endswith(
        reverse("api:note-comments", args=[note.pk])
    )


def test_the_same_idempotency_key_makes_one_note(api, cast):
    client = api(cast.max.user)
    headers = {"Idempotency-Key": "retry-42"}
    first = client.post(NOTES, _note(cast), format="json", headers=headers)
    again = client.post(NOTES, _note(cast), format="json", headers=headers)
    other = client.post(
        NOTES, _note(cast), format="json", headers={"Idempotency-Key": "retry-43"}
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert FeedbackNote.objects.filter(author=cast.max.user).count() == 2
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 2


def test_errors_come_back_on_their_fields_and_nothing_is_saved(api, cast):
    client = api(cast.bob.user)
    # Bob neither manages nor mentors alice: no manager-only note for him.
    response = client.post(
        NOTES, _note(cast, visibility="manager", impact="  "), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"visibility", "impact"}
    assert not FeedbackNote.objects.exists()
    response = client.post(NOTES, _note(cast, engineer=cast.bob.pk), format="json")
    assert response.status_code == 400
    assert "engineer" in response.json()
    response = client.post(NOTES, _note(cast, kind="vague"), format="json")
    assert response.status_code == 400 and "kind" in response.json()


def test_the_list_keeps_to_the_policy_and_the_pages_filters(api, cast):
    shared = factories.make_note(cast.mia.user, cast.alice, kind="technical")
    factories.make_note(
        cast.mia.user, cast.alice, kind="interpersonal", visibility=Visibility.MANAGER
    )
    factories.make_note(cast.mia.user, cast.bob, kind="interpersonal")
    alice = api(cast.alice.user)
    ids = [note["id"] for note in alice.get(NOTES).json()["results"]]
    assert ids == [shared.pk]
    mia = api(cast.mia.user)
    assert len(mia.get(NOTES).json()["results"]) == 3
    technical = mia.get(NOTES, {"kind": "technical"}).json()["results"]
    assert [note["id"] for note in technical] == [shared.pk]
    about_bob = mia.get(NOTES, {"engineer": cast.bob.pk}).json()["results"]
    assert [note["engineer"]["id"] for note in about_bob] == [cast.bob.pk]
    assert mia.get(NOTES, {"kind": "vague"}).status_code == 400
    # Alice has no people: the tab is not hers, as on the page.
    assert alice.get(NOTES, {"tab": "people"}).status_code == 404
    assert alice.get(NOTES, {"tab": "nope"}).status_code == 400
    received = alice.get(NOTES, {"tab": "received"}).json()["results"]
    assert [note["id"] for note in received] == [shared.pk]


def test_pages_follow_the_cursor(api, cast):
    for _ in range(3):
        factories.make_note(cast.mia.user, cast.alice)
    client = api(cast.alice.user)
    first = client.get(NOTES, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert second["next"] is None


def test_comments_are_read_and_written_by_the_notes_readers(api, cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    url = reverse("api:note-comments", args=[note.pk])
    response = api(cast.alice.user).post(url, {"body": "Thanks, noted"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "Alice Engineer"
    assert Notification.objects.filter(
        recipient=cast.mia.user, kind="feedback_commented"
    ).exists()
    listed = api(cast.max.user).get(url).json()["results"]
    assert [comment["body"] for comment in listed] == ["Thanks, noted"]
    assert api(cast.bob.user).post(url, {"body": "x"}, format="json").status_code == 404
    blank = api(cast.mia.user).post(url, {"body": "   "}, format="json")
    assert blank.status_code == 400 and "body" in blank.json()
    assert FeedbackComment.objects.count() == 1


def test_people_are_the_ones_followed_with_their_track_and_level(api, cast):
    people = api(cast.mia.user).get(reverse("api:person-list")).json()["results"]
    assert {person["id"] for person in people} == {
        cast.mia.pk,
        cast.alice.pk,
        cast.bob.pk,
    }
    assert {(p["track"], p["level"]) for p in people} == {("engineering", "mid")}
    relations = {person["id"]: person["relation"] for person in people}
    assert relations[cast.mia.pk] == ["self"]
    assert relations[cast.alice.pk] == ["report"]


def test_the_people_pages_walk_by_name_through_everyone(api, cast):
    # A second Alice: two people of one name, ordered by id between them.
    namesake = factories.make_engineer("Alice Engineer", manager=cast.mia)
    factories.make_engineer("Aaron Early", manager=cast.mia)
    client = api(cast.mia.user)

    def walk(url: str, direction: str) -> tuple[list[dict], dict]:
        people = []
        while url:
            response = client.get(url)
            assert response.status_code == 200
            page = response.json()
            assert len(page["results"]) == 1
            people += page["results"]
            url = page[direction]
        return people, page

    people, last = walk(f"{reverse('api:person-list')}?page_size=1", "next")
    assert [person["name"] for person in people] == [
        "Aaron Early",
        "Alice Engineer",
        "Alice Engineer",
        "Bob Peer",
        "Mia Manager",
    ]
    assert [person["id"] for person in people[1:3]] == [cast.alice.pk, namesake.pk]
    back, _first = walk(last["previous"], "previous")
    assert back == people[-2::-1]


def test_praise_is_written_once_and_read_on_the_wall(api, cast):
    url = reverse("api:praise-list")
    client = api(cast.bob.user)
    body = {"engineer": cast.alice.pk, "message": "Great demo", "kind": "technical"}
    made = client.post(url, body | {"public": True}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["message"] == "Great demo"
    private = client.post(url, body, format="json")
    assert private.status_code == 201
    wall = api(cast.carol.user).get(url).json()["results"]
    assert [praise["id"] for praise in wall] == [made.json()["id"]]
    refused = client.post(url, body | {"engineer": cast.bob.pk}, format="json")
    assert refused.status_code == 400 and "engineer" in refused.json()


def test_goals_check_ins_requests_and_learning(api, cast):
    goal = factories.make_goal(cast.alice, title="Lead a review")
    factories.make_goal_check_in(goal, cast.alice.user, progress=40)
    factories.make_request(cast.alice, cast.max, message="How was my talk?")
    factories.make_learning(cast.alice.user, attendees=[cast.alice], title="SRE book")
    max_ = api(cast.max.user)
    goals = max_.get(reverse("api:goal-list")).json()["results"]
    assert [g["title"] for g in goals] == ["Lead a review"]
    check_ins = max_.get(goals[0]["check_ins_url"]).json()["results"]
    assert [c["progress"] for c in check_ins] == [40]
    requests = max_.get(reverse("api:request-list")).json()["results"]
    assert [r["message"] for r in requests] == ["How was my talk?"]
    learning = max_.get(reverse("api:learning-list")).json()["results"]
    assert [a["title"] for a in learning] == ["SRE book"]
    assert learning[0]["attendees"] == [{"id": cast.alice.pk, "name": "Alice Engineer"}]
    carol = api(cast.carol.user)
    assert carol.get(reverse("api:goal-list")).json()["results"] == []
    assert carol.get(reverse("api:learning-list")).json()["results"] == []


def test_a_public_session_names_its_goal_only_to_who_may_see_the_goal(api, cast):
    goal = factories.make_goal(cast.alice, title="Give a talk")
    session = factories.make_learning(
        cast.alice.user,
        kind=LearningKind.LEARNING_SESSION,
        title="Profiling in production",
        led_by=cast.alice,
        goal=goal,
    )
    detail = reverse("api:learning-detail", args=[session.pk])
    for user, shown in ((cast.alice.user, goal.pk), (cast.max.user, goal.pk)):
        assert api(user).get(detail).json()["goal"] == shown
        listed = api(user).get(reverse("api:learning-list")).json()["results"]
        assert [a["goal"] for a in listed] == [shown]
    # Carol sees the session, as everyone does, but not whose goal it serves.
    carol = api(cast.carol.user)
    assert carol.get(detail).json()["goal"] is None
    listed = carol.get(reverse("api:learning-list")).json()["results"]
    assert [(a["title"], a["goal"]) for a in listed] == [
        ("Profiling in production", None)
    ]


def test_a_note_carries_links_to_the_work_and_a_bad_one_saves_nothing(api, cast):
    client = api(cast.max.user)
    pull = "https://github.com/acme/app/pull/42"
    response = client.post(
        NOTES, _note(cast, links=[f"{pull} The retry fix"]), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["links"] == [
        {
            "url": pull,
            "kind": "pull_request",
            "host": "github.com",
            "label": "#42",
            "title": "The retry fix",
        }
    ]
    read = client.get(reverse("api:note-detail", args=[response.json()["id"]]))
    assert read.json()["links"] == response.json()["links"]

    response = client.post(
        NOTES, _note(cast, links=[pull, "ftp://files.example.com/x"]), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"links"}
    assert FeedbackNote.objects.count() == 1
