"""A note's conversation: who may comment, who is told, what is kept.

The cast (conftest.py): mia manages alice and bob, max mentors alice, carol is
an outsider, skip is mia's manager.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from growth.models import (
    EventKind,
    FeedbackComment,
    FeedbackNote,
    Notification,
    Reminder,
    ReminderPreference,
    ReminderStatus,
    Visibility,
)
from growth.services.feedback import (
    feedback_comment_create,
    feedback_comment_update,
    feedback_note_acknowledge,
    feedback_note_delete,
    feedback_note_rate,
    feedback_note_update,
)
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(hours=2)


def comment(note, who, body="Thanks, that helps", now=NOW) -> FeedbackComment:
    return feedback_comment_create(note=note, author=who.user, body=body, now=now)


def told(kind=EventKind.FEEDBACK_COMMENTED) -> set[str]:
    return set(
        Notification.objects.filter(kind=kind).values_list(
            "recipient__display_name", flat=True
        )
    )


# --- who may comment -------------------------------------------------------------


@pytest.mark.parametrize("who", ["bob", "alice", "mia", "max"])
def test_everyone_who_reads_a_shared_note_may_comment(cast, who):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, getattr(cast, who))
    assert note.comments.count() == 1


@pytest.mark.parametrize("who", ["carol", "skip", "cora", "olivia"])
def test_nobody_else_may_comment_on_a_shared_note(cast, who):
    note = factories.make_note(cast.bob.user, cast.alice)
    with pytest.raises(ValidationError):
        comment(note, getattr(cast, who))
    assert not note.comments.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("max", True), ("mia", True), ("alice", False), ("bob", False)],
)
def test_a_manager_only_note_is_a_conversation_of_its_author_and_the_manager(
    cast, who, allowed
):
    note = factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    if allowed:
        comment(note, getattr(cast, who))
    else:
        with pytest.raises(ValidationError):
            comment(note, getattr(cast, who))


def test_a_note_to_self_has_no_one_else(cast):
    note = factories.make_note(cast.mia.user, cast.alice, visibility=Visibility.SELF)
    comment(note, cast.mia, body="Raise it at the next 1:1")
    with pytest.raises(ValidationError):
        comment(note, cast.alice)
    assert Notification.objects.count() == 0


def test_a_deleted_note_takes_no_comment(cast):
    note = factories.make_note(cast.bob.user, cast.alice, deleted_at=NOW)
    with pytest.raises(ValidationError):
        comment(note, cast.bob)


def test_a_blank_comment_is_refused_on_its_field(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    with pytest.raises(ValidationError) as refused:
        comment(note, cast.bob, body=" \n ")
    assert set(refused.value.message_dict) == {"body"}


# --- who is told -------------------------------------------------------------------


def test_a_comment_tells_every_other_reader(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.mia)
    assert told() == {"Bob Peer", "Alice Engineer", "Max Mentor"}


def test_a_comment_on_a_manager_only_note_tells_only_the_other_one(cast):
    note = factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    comment(note, cast.max)
    assert told() == {"Mia Manager"}


def test_the_engineers_comment_answers_the_author(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.alice)
    to_bob = Notification.objects.get(recipient=cast.bob.user)
    assert to_bob.message.startswith("Alice Engineer (")
    assert to_bob.message.endswith(") answered your feedback.")
    assert to_bob.url == reverse("feedback-detail", args=[note.pk])
    note.refresh_from_db()
    assert (note.acknowledged_at, note.replied_at) == (NOW, NOW)
    # The answer says it was read: no second notice for reading it.
    assert not told(EventKind.FEEDBACK_ANSWERED)


def test_a_notice_names_people_never_the_words(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.mia, body="zq-secret-words")
    for reminder in Reminder.objects.all():
        assert "zq-secret-words" not in str(reminder.payload)
        assert "zq-secret-words" not in reminder.subject
    assert not Notification.objects.filter(message__contains="zq-secret").exists()


def test_an_inactive_reader_is_not_told(cast):
    type(cast.max.user).objects.filter(pk=cast.max.user.pk).update(is_active=False)
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.mia)
    assert "Max Mentor" not in told()


def test_the_email_follows_each_persons_switch(cast):
    ReminderPreference.objects.create(
        user=cast.bob.user, kind=EventKind.FEEDBACK_COMMENTED, email_enabled=False
    )
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.alice)
    statuses = dict(
        Reminder.objects.filter(kind=EventKind.FEEDBACK_COMMENTED).values_list(
            "recipient__display_name", "status"
        )
    )
    assert statuses == {
        "Bob Peer": ReminderStatus.SKIPPED,
        "Mia Manager": ReminderStatus.PENDING,
        "Max Mentor": ReminderStatus.PENDING,
    }
    # In the app all the same.
    assert "Bob Peer" in told()


def test_each_comment_is_its_own_notice(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.alice, body="One")
    comment(note, cast.alice, body="Two", now=LATER)
    assert Notification.objects.filter(recipient=cast.bob.user).count() == 2


# --- the author hears of the answers ---------------------------------------------


def test_the_author_is_told_once_that_the_note_was_read(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=NOW)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=LATER)
    (notice,) = Notification.objects.filter(kind=EventKind.FEEDBACK_ANSWERED)
    assert notice.recipient == cast.bob.user
    assert notice.message.endswith(") read your feedback.")


def test_the_author_is_told_how_it_was_rated(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=True, now=NOW)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=True, now=LATER)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=False, now=LATER)
    messages = sorted(
        Notification.objects.filter(kind=EventKind.FEEDBACK_ANSWERED).values_list(
            "message", flat=True
        )
    )
    assert [m.split(") ", 1)[1] for m in messages] == [
        "did not find your feedback actionable.",
        "found your feedback actionable.",
    ]


def test_a_former_employees_note_tells_no_author(cast):
    note = factories.make_note(None, cast.alice)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=NOW)
    comment(note, cast.alice)
    assert not Notification.objects.filter(kind=EventKind.FEEDBACK_ANSWERED)
    assert told() == {"Mia Manager", "Max Mentor"}


# --- editing a comment -------------------------------------------------------------


def test_its_author_edits_a_comment_and_the_history_keeps_both(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    written = comment(note, cast.alice, body="Thanks")
    feedback_comment_update(
        comment=written, author=cast.alice.user, body="Thanks, will do", now=LATER
    )
    written.refresh_from_db()
    assert (written.body, written.updated_at, written.is_edited) == (
        "Thanks, will do",
        LATER,
        True,
    )
    versions = list(written.history.order_by("history_date", "history_id"))
    assert [(v.body, v.history_type, v.history_user) for v in versions] == [
        ("Thanks", "+", cast.alice.user),
        ("Thanks, will do", "~", cast.alice.user),
    ]
    assert versions[-1].history_date == LATER


@pytest.mark.parametrize("who", ["bob", "mia"])
def test_nobody_else_edits_a_comment(cast, who):
    note = factories.make_note(cast.bob.user, cast.alice)
    written = comment(note, cast.alice, body="Thanks")
    with pytest.raises(ValidationError):
        feedback_comment_update(
            comment=written, author=getattr(cast, who).user, body="Hijacked", now=LATER
        )
    written.refresh_from_db()
    assert written.body == "Thanks"


def test_an_edit_tells_nobody_again(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    written = comment(note, cast.alice)
    before = Notification.objects.count()
    feedback_comment_update(
        comment=written, author=cast.alice.user, body="Reworded", now=LATER
    )
    assert Notification.objects.count() == before


# --- the note around it --------------------------------------------------------------


def test_a_conversation_fixes_who_sees_the_note(cast):
    note = factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    comment(note, cast.mia, body="Let us raise it together")
    with pytest.raises(ValidationError) as refused:
        feedback_note_update(
            note=note,
            author=cast.max.user,
            now=LATER,
            **factories.note_as_it_is(note, visibility=Visibility.SHARED, goal=None),
        )
    assert set(refused.value.message_dict) == {"visibility"}
    note.refresh_from_db()
    assert note.visibility == Visibility.MANAGER


def test_deleting_the_note_stops_its_comment_emails(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.mia)
    feedback_note_delete(note=note, author=cast.bob.user, now=LATER)
    assert set(
        Reminder.objects.filter(kind=EventKind.FEEDBACK_COMMENTED).values_list(
            "status", flat=True
        )
    ) == {ReminderStatus.SKIPPED}
    assert not Notification.objects.filter(
        url=reverse("feedback-detail", args=[note.pk])
    )


def test_the_comments_go_with_the_note_and_follow_its_readers(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment(note, cast.mia)
    readable = FeedbackComment.objects.visible_to(cast.carol.user)
    assert not readable.exists()
    assert FeedbackComment.objects.visible_to(cast.max.user).count() == 1
    FeedbackNote.objects.filter(pk=note.pk).update(deleted_at=LATER)
    assert not FeedbackComment.objects.visible_to(cast.mia.user).exists()


def test_a_submission_key_makes_one_comment_of_two_posts(client, cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    client.force_login(cast.mia.user)
    data = {"body": "Seen, thanks", "submission_key": str(uuid.uuid4())}
    url = reverse("feedback-comment", args=[note.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert note.comments.count() == 1
    assert Notification.objects.filter(kind=EventKind.FEEDBACK_COMMENTED).count() == 3
