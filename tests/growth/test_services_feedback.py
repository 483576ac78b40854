"""The feedback services: every rule they keep, and what they write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from growth.models import (
    EventKind,
    FeedbackNote,
    FeedbackRequest,
    Notification,
    RequestStatus,
    Visibility,
)
from growth.services.feedback import (
    feedback_comment_create,
    feedback_note_acknowledge,
    feedback_note_create,
    feedback_note_delete,
    feedback_note_rate,
    feedback_note_restore,
    feedback_note_update,
    feedback_request_cancel,
    feedback_request_create,
    feedback_request_decline,
)
from tests import factories

NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(hours=2)
MINUTE = datetime.timedelta(minutes=1)
TODAY = NOW.date()


def note_fields(**fields) -> dict:
    kind = fields.get("kind", "technical")
    values = {
        "kind": kind,
        "competency": factories.competency(kind),
        "sentiment": "constructive",
        "situation": "In Tuesday's design review",
        "behaviour": "You cut Sam off twice",
        "impact": "Sam stopped contributing",
        "suggestion": "Let people finish, then ask a question",
        "visibility": Visibility.SHARED,
        "goal": None,
    }
    values.update(fields)
    return values


def create(author, engineer, **fields) -> FeedbackNote:
    request = fields.pop("request", None)
    return feedback_note_create(
        author=author.user if hasattr(author, "user") else author,
        engineer=engineer,
        request=request,
        now=NOW,
        **note_fields(**fields),
    )


def update(note, author, **fields) -> FeedbackNote:
    values = {
        name: getattr(note, name)
        for name in (
            "kind",
            "competency",
            "sentiment",
            "situation",
            "behaviour",
            "impact",
            "suggestion",
            "visibility",
            "goal",
        )
    }
    values.update(fields)
    return feedback_note_update(note=note, author=author.user, now=LATER, **values)


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- feedback_note_create ------------------------------------------------------


def test_create_saves_a_shared_note_and_notifies_the_engineer(cast):
    note = create(cast.bob, cast.alice)
    assert note.pk
    assert note.created_at == NOW
    assert note.author == cast.bob.user
    notification = Notification.objects.get()
    assert notification.recipient == cast.alice.user
    assert notification.kind == EventKind.FEEDBACK_RECEIVED
    assert notification.created_at == NOW
    assert notification.message == (
        f"Bob Peer ({cast.bob.user.email}) left you technical feedback."
    )
    assert notification.url == f"/feedback/{note.pk}/"


def test_the_notification_leaves_the_note_text_out(cast):
    create(cast.bob, cast.alice, kind="interpersonal")
    message = Notification.objects.get().message
    assert "interpersonal" in message
    for text in ("Tuesday", "cut Sam off", "stopped", "Let people finish"):
        assert text not in message


@pytest.mark.parametrize("visibility", [Visibility.MANAGER, Visibility.SELF])
def test_notes_not_shared_notify_nobody(cast, visibility):
    create(cast.mia, cast.alice, visibility=visibility)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["mia", "max"])
def test_manager_and_mentor_may_write_manager_only(cast, who):
    note = create(getattr(cast, who), cast.alice, visibility=Visibility.MANAGER)
    assert note.visibility == Visibility.MANAGER


@pytest.mark.parametrize("who", ["bob", "olivia", "carol", "skip"])
def test_others_are_refused_manager_only(cast, who):
    with pytest.raises(ValidationError) as excinfo:
        create(getattr(cast, who), cast.alice, visibility=Visibility.MANAGER)
    assert error_fields(excinfo) == {"visibility"}
    assert not FeedbackNote.objects.exists()


def test_create_refuses_an_inactive_engineer(cast):
    cast.carol.is_active = False
    cast.carol.save()
    with pytest.raises(ValidationError) as excinfo:
        create(cast.bob, cast.carol)
    assert "engineer" in error_fields(excinfo)


def test_create_refuses_a_competency_of_the_other_kind(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(
            cast.bob,
            cast.alice,
            kind="technical",
            competency=factories.competency("interpersonal"),
        )
    assert error_fields(excinfo) == {"competency"}


def test_create_refuses_blank_observations(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.bob, cast.alice, impact="  ", suggestion="")
    assert {"impact", "suggestion"} <= error_fields(excinfo)


def test_create_refuses_shared_feedback_to_yourself(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.alice, cast.alice)
    assert "engineer" in error_fields(excinfo)
    assert create(cast.alice, cast.alice, visibility=Visibility.SELF).pk


def test_create_links_a_goal_the_author_can_see(cast):
    goal = factories.make_goal(cast.alice)
    assert create(cast.max, cast.alice, goal=goal).goal == goal


def test_create_refuses_a_goal_of_someone_else(cast):
    goal = factories.make_goal(cast.bob)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.mia, cast.alice, goal=goal)
    assert error_fields(excinfo) == {"goal"}


def test_create_refuses_a_goal_the_author_cannot_see(cast):
    goal = factories.make_goal(cast.alice)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.bob, cast.alice, goal=goal)
    assert error_fields(excinfo) == {"goal"}


# --- fulfilling a request ------------------------------------------------------


def test_create_fulfils_the_request_it_answers(cast):
    asked = factories.make_request(cast.alice, cast.bob)
    note = create(cast.bob, cast.alice, request=asked)
    asked.refresh_from_db()
    assert note.request == asked
    assert asked.status == RequestStatus.FULFILLED
    assert asked.closed_at == NOW


def test_a_peer_answering_may_link_the_goal_they_were_asked_about(cast):
    goal = factories.make_goal(cast.alice)
    asked = factories.make_request(cast.alice, cast.bob, goal=goal)
    assert create(cast.bob, cast.alice, request=asked, goal=goal).goal == goal


def test_create_refuses_a_request_owed_by_someone_else(cast):
    asked = factories.make_request(cast.alice, cast.bob)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.carol, cast.alice, request=asked)
    assert "request" in error_fields(excinfo)
    assert not FeedbackNote.objects.exists()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


def test_create_refuses_a_closed_request(cast):
    asked = factories.make_request(
        cast.alice, cast.bob, status=RequestStatus.DECLINED, closed_at=NOW
    )
    with pytest.raises(ValidationError) as excinfo:
        create(cast.bob, cast.alice, request=asked)
    assert "request" in error_fields(excinfo)


def test_a_request_is_answered_about_its_requester(cast):
    asked = factories.make_request(cast.alice, cast.bob)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.bob, cast.carol, request=asked)
    assert error_fields(excinfo) == {"engineer"}


def test_a_request_is_answered_with_shared_feedback(cast):
    asked = factories.make_request(cast.alice, cast.mia)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.mia, cast.alice, request=asked, visibility=Visibility.MANAGER)
    assert error_fields(excinfo) == {"visibility"}


def test_a_request_is_fulfilled_only_once(cast):
    asked = factories.make_request(cast.alice, cast.bob)
    create(cast.bob, cast.alice, request=asked)
    with pytest.raises(ValidationError):
        create(cast.bob, cast.alice, request=asked)
    assert FeedbackNote.objects.count() == 1


# --- feedback_note_update ------------------------------------------------------


def test_update_changes_the_note_and_stamps_the_time(cast):
    note = create(cast.bob, cast.alice)
    updated = update(note, cast.bob, suggestion="Count to three before you speak")
    note.refresh_from_db()
    assert note.suggestion == "Count to three before you speak"
    assert note.updated_at == LATER
    assert updated.updated_at == LATER


def test_only_the_author_updates(cast):
    note = create(cast.bob, cast.alice)
    with pytest.raises(ValidationError):
        update(note, cast.mia, suggestion="Hijacked")
    note.refresh_from_db()
    assert note.suggestion == "Let people finish, then ask a question"


def test_update_keeps_the_engineers_answers(cast):
    note = create(cast.bob, cast.alice)
    feedback_comment_create(note=note, author=cast.alice.user, body="Thanks", now=NOW)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=True, now=NOW)
    update(note, cast.bob, behaviour="You interrupted Sam twice")
    note.refresh_from_db()
    assert note.behaviour == "You interrupted Sam twice"
    assert note.acknowledged_at == NOW
    assert [c.body for c in note.comments.all()] == ["Thanks"]
    assert note.replied_at == NOW
    assert note.actionable is True


@pytest.mark.parametrize(
    "change",
    [
        {"sentiment": "praise"},
        {"visibility": Visibility.SELF},
        {"kind": "interpersonal", "competency": None},
    ],
)
def test_once_answered_only_the_wording_changes(cast, change):
    note = create(cast.bob, cast.alice)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        update(note, cast.bob, **change)
    assert set(change) & error_fields(excinfo)


def test_update_refuses_manager_only_to_a_peer(cast):
    note = create(cast.bob, cast.alice, visibility=Visibility.SELF)
    with pytest.raises(ValidationError) as excinfo:
        update(note, cast.bob, visibility=Visibility.MANAGER)
    assert error_fields(excinfo) == {"visibility"}


def test_a_former_mentor_may_still_fix_a_manager_only_note(cast):
    note = create(cast.max, cast.alice, visibility=Visibility.MANAGER)
    cast.max_mentors_alice.ended_on = TODAY
    cast.max_mentors_alice.save()
    update(note, cast.max, impact="Sam went quiet for the rest of the meeting")
    note.refresh_from_db()
    assert note.visibility == Visibility.MANAGER


def test_a_note_answering_a_request_stays_shared(cast):
    asked = factories.make_request(cast.alice, cast.bob)
    note = create(cast.bob, cast.alice, request=asked)
    with pytest.raises(ValidationError) as excinfo:
        update(note, cast.bob, visibility=Visibility.SELF)
    assert error_fields(excinfo) == {"visibility"}


def test_sharing_a_note_later_notifies_the_engineer(cast):
    note = create(cast.bob, cast.alice, visibility=Visibility.SELF)
    update(note, cast.bob, visibility=Visibility.SHARED)
    notification = Notification.objects.get()
    assert notification.recipient == cast.alice.user
    assert notification.created_at == LATER


def test_an_update_that_keeps_it_shared_notifies_no_one_again(cast):
    note = create(cast.bob, cast.alice)
    update(note, cast.bob, suggestion="Fixed a typo")
    assert Notification.objects.count() == 1


# --- answering -----------------------------------------------------------------


def test_acknowledge_records_the_first_time(cast):
    note = create(cast.bob, cast.alice)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=NOW)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=LATER)
    note.refresh_from_db()
    assert note.acknowledged_at == NOW


@pytest.mark.parametrize("who", ["bob", "mia", "max", "carol"])
def test_only_the_engineer_acknowledges(cast, who):
    note = create(cast.bob, cast.alice)
    with pytest.raises(ValidationError):
        feedback_note_acknowledge(note=note, user=getattr(cast, who).user, now=NOW)
    note.refresh_from_db()
    assert note.acknowledged_at is None


def test_a_manager_only_note_cannot_be_acknowledged(cast):
    note = create(cast.mia, cast.alice, visibility=Visibility.MANAGER)
    with pytest.raises(ValidationError):
        feedback_note_acknowledge(note=note, user=cast.alice.user, now=NOW)


def test_the_engineers_comments_add_up_and_acknowledge(cast):
    note = create(cast.bob, cast.alice)
    feedback_comment_create(note=note, author=cast.alice.user, body="First", now=NOW)
    feedback_comment_create(
        note=note, author=cast.alice.user, body=" Second ", now=LATER
    )
    note.refresh_from_db()
    assert [c.body for c in note.comments.all()] == ["First", "Second"]
    assert note.replied_at == LATER
    assert note.acknowledged_at == NOW


def test_an_empty_comment_is_refused_on_its_field(cast):
    note = create(cast.bob, cast.alice)
    with pytest.raises(ValidationError) as excinfo:
        feedback_comment_create(note=note, author=cast.alice.user, body="   ", now=NOW)
    assert error_fields(excinfo) == {"body"}
    note.refresh_from_db()
    assert note.acknowledged_at is None


def test_the_managers_comment_does_not_answer_for_the_engineer(cast):
    note = create(cast.bob, cast.alice)
    feedback_comment_create(note=note, author=cast.mia.user, body="Agreed", now=NOW)
    note.refresh_from_db()
    assert (note.acknowledged_at, note.replied_at) == (None, None)


def test_rate_records_the_answer_and_acknowledges(cast):
    note = create(cast.bob, cast.alice)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=False, now=NOW)
    assert note.actionable is False
    feedback_note_rate(note=note, user=cast.alice.user, actionable=True, now=LATER)
    note.refresh_from_db()
    assert note.actionable is True
    assert note.acknowledged_at == NOW


def test_only_the_engineer_rates(cast):
    note = create(cast.bob, cast.alice)
    with pytest.raises(ValidationError):
        feedback_note_rate(note=note, user=cast.bob.user, actionable=True, now=NOW)


# --- requests ------------------------------------------------------------------


def ask(requester, recipient, **fields) -> FeedbackRequest:
    fields.setdefault("due_on", TODAY + datetime.timedelta(days=7))
    fields.setdefault("message", "How did the review go?")
    return feedback_request_create(
        requester=requester, recipient=recipient, now=NOW, **fields
    )


def test_request_create_saves_and_notifies_the_recipient(cast):
    asked = ask(cast.alice, cast.carol)
    assert asked.status == RequestStatus.OPEN
    assert asked.created_at == NOW
    notification = Notification.objects.get()
    assert notification.recipient == cast.carol.user
    assert notification.kind == EventKind.FEEDBACK_REQUESTED
    assert notification.message == (
        "Alice Engineer asked you for feedback by 17 March 2026."
    )
    assert notification.url == f"/requests/{asked.pk}/"


def test_request_create_allows_today_and_refuses_the_past(cast):
    assert ask(cast.alice, cast.bob, due_on=TODAY).pk
    with pytest.raises(ValidationError) as excinfo:
        ask(cast.alice, cast.carol, due_on=TODAY - datetime.timedelta(days=1))
    assert error_fields(excinfo) == {"due_on"}


def test_request_create_reads_today_in_the_requesters_zone(cast):
    cast.alice.user.time_zone = "Pacific/Kiritimati"  # UTC+14
    cast.alice.user.save()
    late = datetime.datetime(2026, 3, 10, 20, tzinfo=datetime.UTC)  # 11 March there
    with pytest.raises(ValidationError):
        feedback_request_create(
            requester=cast.alice,
            recipient=cast.bob,
            due_on=datetime.date(2026, 3, 10),
            now=late,
        )


def test_request_create_refuses_myself(cast):
    with pytest.raises(ValidationError) as excinfo:
        ask(cast.alice, cast.alice)
    assert "recipient" in error_fields(excinfo)


def test_request_create_refuses_an_inactive_recipient(cast):
    cast.carol.is_active = False
    cast.carol.save()
    with pytest.raises(ValidationError) as excinfo:
        ask(cast.alice, cast.carol)
    assert error_fields(excinfo) == {"recipient"}


def test_request_create_refuses_a_second_open_request_to_the_same_person(cast):
    first = ask(cast.alice, cast.bob)
    with pytest.raises(ValidationError) as excinfo:
        ask(cast.alice, cast.bob)
    assert error_fields(excinfo) == {"recipient"}
    feedback_request_cancel(feedback_request=first, user=cast.alice.user, now=NOW)
    assert ask(cast.alice, cast.bob).pk


def test_request_create_refuses_a_goal_of_someone_else(cast):
    with pytest.raises(ValidationError) as excinfo:
        ask(cast.alice, cast.carol, goal=factories.make_goal(cast.bob))
    assert error_fields(excinfo) == {"goal"}
    assert not Notification.objects.exists()


def test_decline_closes_the_request_for_the_recipient(cast):
    asked = ask(cast.alice, cast.bob)
    feedback_request_decline(feedback_request=asked, user=cast.bob.user, now=LATER)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DECLINED
    assert asked.closed_at == LATER


def test_cancel_closes_the_request_for_the_requester(cast):
    asked = ask(cast.alice, cast.bob)
    feedback_request_cancel(feedback_request=asked, user=cast.alice.user, now=LATER)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.CANCELLED
    assert asked.closed_at == LATER


@pytest.mark.parametrize(
    ("service", "who"),
    [
        (feedback_request_decline, "alice"),
        (feedback_request_decline, "mia"),
        (feedback_request_cancel, "bob"),
        (feedback_request_cancel, "carol"),
    ],
)
def test_only_the_right_side_closes_a_request(cast, service, who):
    asked = ask(cast.alice, cast.bob)
    with pytest.raises(ValidationError):
        service(feedback_request=asked, user=getattr(cast, who).user, now=LATER)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


@pytest.mark.parametrize(
    ("service", "who"),
    [(feedback_request_decline, "bob"), (feedback_request_cancel, "alice")],
)
def test_a_closed_request_stays_as_it_was(cast, service, who):
    asked = ask(cast.alice, cast.bob)
    create(cast.bob, cast.alice, request=asked)
    with pytest.raises(ValidationError) as excinfo:
        service(feedback_request=asked, user=getattr(cast, who).user, now=LATER)
    assert error_fields(excinfo) == {"status"}
    asked.refresh_from_db()
    assert asked.status == RequestStatus.FULFILLED
    assert asked.closed_at == NOW


# --- deleting a note, and restoring it -------------------------------------------

UNDO = datetime.timedelta(days=14)  # FEEDBACK_UNDO_DAYS, the default


def test_restorable_by_is_the_authors_notes_deleted_within_the_window(cast):
    mine = create(cast.bob, cast.alice)
    old = create(cast.bob, cast.alice)
    theirs = create(cast.mia, cast.alice)
    create(cast.bob, cast.alice)  # not deleted
    feedback_note_delete(note=mine, author=cast.bob.user, now=LATER)
    feedback_note_delete(note=old, author=cast.bob.user, now=LATER - UNDO - MINUTE)
    feedback_note_delete(note=theirs, author=cast.mia.user, now=LATER)
    notes = FeedbackNote.all_objects
    assert list(notes.restorable_by(cast.bob.user, now=LATER)) == [mine]
    assert list(notes.restorable_by(cast.bob.user, now=LATER + UNDO)) == [mine]
    assert not notes.restorable_by(cast.bob.user, now=LATER + UNDO + MINUTE)
    assert list(notes.restorable_by(cast.mia.user, now=LATER)) == [theirs]
    assert not notes.restorable_by(cast.staff, now=LATER)


def test_an_author_who_left_restores_nothing(cast):
    note = create(cast.bob, cast.alice)
    feedback_note_delete(note=note, author=cast.bob.user, now=LATER)
    type(cast.bob.user).objects.filter(pk=cast.bob.user.pk).update(is_active=False)
    cast.bob.user.refresh_from_db()
    assert not FeedbackNote.all_objects.restorable_by(cast.bob.user, now=LATER)
    with pytest.raises(ValidationError):
        feedback_note_restore(note=note, by=cast.bob.user, now=LATER)


def test_restoring_as_staff_takes_staff(cast):
    note = create(cast.bob, cast.alice)
    feedback_note_delete(note=note, author=cast.bob.user, now=LATER)
    with pytest.raises(ValidationError):
        feedback_note_restore(note=note, by=cast.bob.user, now=LATER, staff=True)
    assert FeedbackNote.all_objects.get(pk=note.pk).is_deleted
    feedback_note_restore(note=note, by=cast.staff, now=LATER + UNDO * 2, staff=True)
    assert not FeedbackNote.all_objects.get(pk=note.pk).is_deleted
