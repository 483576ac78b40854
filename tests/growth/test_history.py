"""The change history: every change to a note, goal or mentorship leaves a row
with who made it, when, and the values it left; only staff read it, on each
object's "History" page in the admin.

Notes, goals and mentorships built by the factories have a first row with no
user (no request made them); every change below comes through a page, so its
row must name the person signed in.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from growth.models import (
    Competency,
    FeedbackNote,
    Goal,
    GoalKind,
    GoalStatus,
)
from tests import factories

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(hours=3)
MARKER = "zq-history-4e1"


@pytest.fixture(autouse=True)
def clock():
    # Autouse, so the cast too is made at NOW, never after what a test moves to.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def note(cast, clock):
    """A shared note by bob about alice, written before any request."""
    return factories.make_note(cast.bob.user, cast.alice, suggestion=MARKER)


@pytest.fixture
def goal(cast, clock):
    return factories.make_goal(
        cast.alice, progress=20, target_date=NOW.date() + datetime.timedelta(days=30)
    )


def history_of(instance) -> list:
    """Every history row of ``instance``, oldest first."""
    model = type(instance)
    return list(model.history.filter(id=instance.pk).order_by("history_id"))


def latest(instance):
    return history_of(instance)[-1]


def note_data(note, **fields) -> dict:
    data = {
        "engineer": note.engineer_id,
        "kind": note.kind,
        "competency": note.competency_id or "",
        "sentiment": note.sentiment,
        "situation": note.situation,
        "behaviour": note.behaviour,
        "impact": note.impact,
        "suggestion": note.suggestion,
        "goal": note.goal_id or "",
        "visibility": note.visibility,
    }
    data.update(fields)
    return data


def goal_data(goal=None, **fields) -> dict:
    data = {
        "title": "Pair with the data team",
        "description": "Twice a month",
        "kind": GoalKind.TECHNICAL,
        "competency": Competency.objects.get(name="System design").pk,
        "target_date": (NOW.date() + datetime.timedelta(days=60)).isoformat(),
    }
    if goal is not None:
        data.update(
            title=goal.title,
            description=goal.description,
            kind=goal.kind,
            competency=goal.competency_id or "",
            target_date=goal.target_date.isoformat(),
            status=goal.status,
        )
    data.update(fields)
    return data


def mentorship_data(mentorship, **fields) -> dict:
    data = {
        "mentor": mentorship.mentor_id,
        "mentee": mentorship.mentee_id,
        "started_on": mentorship.started_on.isoformat(),
        "ended_on": "",
        "cadence_days": str(mentorship.cadence_days),
        "focus": mentorship.focus,
    }
    data.update(fields)
    return data


# --- each kind of change leaves a row ---------------------------------------------


def test_writing_a_note_records_its_creation_by_the_author(client, cast, clock):
    client.force_login(cast.bob.user)
    data = note_data(
        FeedbackNote(
            engineer=cast.alice,
            kind="technical",
            competency=factories.competency("technical"),
            sentiment="praise",
            situation="In the incident review",
            behaviour="You walked us through the timeline",
            impact="We found the cause quickly",
            suggestion=MARKER,
            visibility="shared",
        )
    )
    assert client.post(reverse("feedback-create"), data).status_code == 302
    note = FeedbackNote.objects.get()
    (row,) = history_of(note)
    assert row.history_type == "+"
    assert row.history_user == cast.bob.user
    assert row.history_date == NOW
    assert (row.author_id, row.engineer_id, row.suggestion) == (
        cast.bob.user.pk,
        cast.alice.pk,
        MARKER,
    )


def test_the_authors_edit_is_recorded_with_the_new_wording(client, cast, note, clock):
    clock.move_to(LATER)
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(note, suggestion="zq-new-wording"),
    )
    assert response.status_code == 302
    created, edited = history_of(note)
    assert created.history_user is None
    assert created.suggestion == MARKER
    assert edited.history_type == "~"
    assert edited.history_user == cast.bob.user
    assert edited.history_date == LATER
    assert edited.suggestion == "zq-new-wording"
    assert edited.updated_at == LATER


ANSWERS = {
    "feedback-acknowledge": ({}, {"replied_at": None, "actionable": None}),
    # The reply itself is a comment, with a history of its own.
    "feedback-reply": ({"reply": "zq-reply"}, {"replied_at": LATER}),
    "feedback-rate": ({"actionable": "no"}, {"actionable": False}),
}


@pytest.mark.parametrize("url_name", ANSWERS)
def test_the_engineers_answer_is_recorded_as_hers(client, cast, note, clock, url_name):
    posted, expected = ANSWERS[url_name]
    clock.move_to(LATER)
    client.force_login(cast.alice.user)
    response = client.post(reverse(url_name, args=[note.pk]), posted)
    assert response.status_code == 302
    created, answered = history_of(note)
    assert created.acknowledged_at is None
    assert answered.history_type == "~"
    assert answered.history_user == cast.alice.user
    assert answered.history_date == LATER
    assert answered.acknowledged_at == LATER
    for field, value in expected.items():
        assert getattr(answered, field) == value, field
    # The author's words are kept as they were.
    assert answered.suggestion == MARKER


def test_turning_a_note_into_a_goal_records_the_link_and_the_goal(
    client, cast, note, clock
):
    clock.move_to(LATER)
    client.force_login(cast.alice.user)
    response = client.post(reverse("goal-from-note", args=[note.pk]), goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get()
    created, linked = history_of(note)
    assert created.goal_id is None
    assert linked.history_type == "~"
    assert linked.history_user == cast.alice.user
    assert linked.history_date == LATER
    assert linked.goal_id == goal.pk
    (goal_row,) = history_of(goal)
    assert goal_row.history_type == "+"
    assert goal_row.history_user == cast.alice.user
    assert goal_row.title == "Pair with the data team"


def test_the_managers_goal_edit_is_recorded(client, cast, goal, clock):
    clock.move_to(LATER)
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("goal-edit", args=[goal.pk]),
        goal_data(goal, title="zq-new-title", status=GoalStatus.ACHIEVED),
    )
    assert response.status_code == 302
    created, edited = history_of(goal)
    assert created.title == "Lead a design review"
    assert edited.history_type == "~"
    assert edited.history_user == cast.mia.user
    assert edited.history_date == LATER
    assert (edited.title, edited.status) == ("zq-new-title", GoalStatus.ACHIEVED)


def test_the_mentors_check_in_records_the_goals_new_progress(client, cast, goal, clock):
    clock.move_to(LATER)
    client.force_login(cast.max.user)
    response = client.post(
        reverse("goal-check-in", args=[goal.pk]), {"progress": "55", "note": ""}
    )
    assert response.status_code == 302
    created, checked_in = history_of(goal)
    assert created.progress == 20
    assert checked_in.history_type == "~"
    assert checked_in.history_user == cast.max.user
    assert checked_in.history_date == LATER
    assert checked_in.progress == 55


def test_a_mentorship_changed_in_the_admin_is_recorded(client, cast, clock):
    mentorship = cast.max_mentors_alice
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_mentorship_change", args=[mentorship.pk]),
        mentorship_data(mentorship, focus="zq-focus", cadence_days="21"),
    )
    assert response.status_code == 302
    created, changed = history_of(mentorship)
    assert created.history_user is None
    assert changed.history_type == "~"
    assert changed.history_user == cast.staff
    assert (changed.focus, changed.cadence_days) == ("zq-focus", 21)


def test_deleting_and_restoring_a_note_are_recorded(client, cast, note, clock):
    client.force_login(cast.bob.user)
    clock.move_to(LATER)
    client.post(reverse("feedback-delete", args=[note.pk]))
    restored_at = LATER + datetime.timedelta(days=1)
    clock.move_to(restored_at)
    client.post(reverse("feedback-restore", args=[note.pk]))
    created, deleted, restored = history_of(note)
    assert created.deleted_at is None
    assert deleted.history_type == "~"
    assert deleted.history_user == cast.bob.user
    assert (deleted.deleted_at, deleted.deleted_by_id) == (LATER, cast.bob.user.pk)
    assert restored.history_type == "~"
    assert restored.history_user == cast.bob.user
    assert restored.history_date == restored_at
    assert (restored.deleted_at, restored.deleted_by_id) == (None, None)
    assert restored.suggestion == MARKER


def test_a_restore_by_staff_is_recorded_as_theirs(client, cast, note, clock):
    client.force_login(cast.bob.user)
    client.post(reverse("feedback-delete", args=[note.pk]))
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_feedbacknote_changelist"),
        {"action": "restore", "_selected_action": [note.pk]},
    )
    assert response.status_code == 302
    restored = latest(note)
    assert restored.history_user == cast.staff
    assert restored.deleted_at is None


# --- the admin's History pages ----------------------------------------------------


@pytest.fixture
def changed(client, cast, note, goal, clock):
    """A change to each tracked object, each by a different person, through a page.

    Returns, for each model, its History page and who made the change.
    """
    client.force_login(cast.bob.user)
    client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(note, suggestion=f"{MARKER} edited"),
    )
    client.force_login(cast.mia.user)
    client.post(
        reverse("goal-edit", args=[goal.pk]), goal_data(goal, title="zq-goal-title")
    )
    # Not Sam Staff, who reads the pages: the header names the reader anyway.
    ada = factories.make_user("Ada Admin", is_staff=True, is_superuser=True)
    client.force_login(ada)
    mentorship = cast.max_mentors_alice
    client.post(
        reverse("admin:growth_mentorship_change", args=[mentorship.pk]),
        mentorship_data(mentorship, focus="zq-mentoring-focus"),
    )
    client.logout()
    return {
        "note": (note, cast.bob.user),
        "goal": (goal, cast.mia.user),
        "mentorship": (mentorship, ada),
    }


def history_url(instance) -> str:
    meta = instance._meta
    return reverse(
        f"admin:{meta.app_label}_{meta.model_name}_history", args=[instance.pk]
    )


@pytest.mark.parametrize("kind", ["note", "goal", "mentorship"])
def test_staff_read_who_made_each_change(client, cast, changed, kind):
    instance, changed_by = changed[kind]
    client.force_login(cast.staff)
    response = client.get(history_url(instance))
    assert response.status_code == 200
    records = list(response.context["page_obj"])
    # Newest first: the change through the page, then the factory's creation.
    assert [(r.history_type, r.history_user) for r in records] == [
        ("~", changed_by),
        ("+", None),
    ]
    assert str(changed_by) in response.content.decode()


NOT_STAFF = {
    "note": ("bob", "alice", "mia"),  # its author, the engineer, her manager
    "goal": ("alice", "mia"),
    "mentorship": ("max", "alice"),
}


@pytest.mark.parametrize(
    ("kind", "who"),
    [(kind, who) for kind, people in NOT_STAFF.items() for who in people],
)
def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(
    client, cast, changed, kind, who
):
    instance, _ = changed[kind]
    client.force_login(getattr(cast, who).user)
    response = client.get(history_url(instance))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "zq-" not in response.content.decode()
    assert "zq-" not in client.get(history_url(instance), follow=True).text


def test_the_history_of_a_deleted_note_still_opens_for_staff(client, cast, note):
    client.force_login(cast.bob.user)
    client.post(reverse("feedback-delete", args=[note.pk]))
    assert not FeedbackNote.objects.filter(pk=note.pk).exists()
    client.force_login(cast.staff)
    response = client.get(history_url(note))
    assert response.status_code == 200
    newest = response.context["page_obj"][0]
    assert newest.history_user == cast.bob.user
    assert newest.deleted_at is not None
    assert "Bob Peer" in response.content.decode()


def test_a_note_deleted_for_good_in_the_admin_keeps_its_history(client, cast, note):
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_feedbacknote_delete", args=[note.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not FeedbackNote.all_objects.filter(pk=note.pk).exists()
    gone = latest(note)
    assert gone.history_type == "-"
    assert gone.history_user == cast.staff
    assert client.get(history_url(note)).status_code == 200
