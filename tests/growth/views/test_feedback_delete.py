"""Deleting a feedback note, and undoing it.

bob writes a shared note about alice (from the cast in conftest.py): alice is
the engineer, mia her manager, max her mentor. Only bob deletes it, after a
confirmation; then it is gone for all four of them, everywhere, until bob
restores it within the undo window, or staff restore it from the admin later.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import (
    EventKind,
    FeedbackNote,
    Notification,
    Reminder,
    ReminderStatus,
    RequestStatus,
)
from growth.reminders import notify_feedback_received
from tests import factories
from tests.growth.views.test_feedback import note_data

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
UNDO = datetime.timedelta(days=14)  # FEEDBACK_UNDO_DAYS, the default
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
MARKER = "zq-deleted-5b8"
KEPT = "zq-kept-2c7"
READERS = ("alice", "mia", "max", "bob")  # engineer, manager, mentor, author
NOT_AUTHORS = ("alice", "mia", "max", "carol", "staff")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def user_of(cast, who):
    return cast.staff if who == "staff" else getattr(cast, who).user


def signed_in(client, cast, who):
    client.force_login(user_of(cast, who))
    return client


def shared_note(cast, marker, **fields):
    """A shared note by bob about alice, with alice told as the service tells her."""
    note = factories.make_note(
        cast.bob.user,
        cast.alice,
        situation=f"situation {marker}",
        behaviour=f"behaviour {marker}",
        impact=f"impact {marker}",
        suggestion=f"suggestion {marker}",
        **fields,
    )
    notify_feedback_received(note=note, now=NOW)
    return note


@pytest.fixture
def goal(cast):
    return factories.make_goal(cast.alice, title="Own the release train")


@pytest.fixture
def note(cast, goal):
    return shared_note(cast, MARKER, goal=goal)


@pytest.fixture
def kept(cast, goal):
    """Another of bob's notes about alice: deleting the first leaves it alone."""
    return shared_note(cast, KEPT, goal=goal)


def delete(client, cast, note):
    return signed_in(client, cast, "bob").post(
        reverse("feedback-delete", args=[note.pk])
    )


def restore(client, cast, note, who="bob"):
    return signed_in(client, cast, who).post(
        reverse("feedback-restore", args=[note.pk])
    )


def row(note) -> dict:
    """The note's stored values, deleted or not."""
    return FeedbackNote.all_objects.filter(pk=note.pk).values().get()


def is_deleted(note) -> bool:
    return row(note)["deleted_at"] is not None


def link_to(note) -> str:
    return f'href="{reverse("feedback-detail", args=[note.pk])}"'


def pages_of(client, cast, who, goal) -> str:
    """Every page where ``who`` could meet bob's notes about alice, as one text."""
    client = signed_in(client, cast, who)
    urls = [
        reverse("feedback-list") + f"?tab={tab}"
        for tab in ("received", "given", "people")
    ]
    urls += [
        reverse("my-growth"),
        reverse("engineer-dashboard", args=[cast.alice.pk]),
        reverse("goal-detail", args=[goal.pk]),
        reverse("my-export", args=["json"]),
        reverse("notification-list"),
    ]
    text = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        text += response.content.decode()
    return text


# --- asking first ---------------------------------------------------------------


def test_the_author_is_offered_delete_on_the_note(client, cast, note):
    url = reverse("feedback-delete", args=[note.pk])
    detail = reverse("feedback-detail", args=[note.pk])
    assert url in signed_in(client, cast, "bob").get(detail).content.decode()
    for who in ("alice", "mia", "max"):
        html = signed_in(client, cast, who).get(detail).content.decode()
        assert MARKER in html, who
        assert url not in html, who


def test_the_confirmation_page_shows_the_note_and_changes_nothing(client, cast, note):
    history = note.history.count()
    response = signed_in(client, cast, "bob").get(
        reverse("feedback-delete", args=[note.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete this note?" in html
    assert f"situation {MARKER}" in html
    assert "for 14 days" in html
    assert 'method="post"' in html
    assert not is_deleted(note)
    assert note.history.count() == history
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 1
    response = signed_in(client, cast, "alice").get(
        reverse("feedback-detail", args=[note.pk])
    )
    assert response.status_code == 200


def test_the_given_tab_leads_to_deleted_notes(client, cast):
    html = (
        signed_in(client, cast, "bob")
        .get(reverse("feedback-list"), {"tab": "given"})
        .content.decode()
    )
    assert f'href="{reverse("feedback-deleted")}"' in html


# --- deleting -------------------------------------------------------------------


def test_deleting_lands_on_deleted_notes_with_a_restore_button(client, cast, note):
    response = delete(client, cast, note)
    assert response.status_code == 302
    assert response.url == reverse("feedback-deleted")
    stored = row(note)
    assert stored["deleted_at"] == NOW
    assert stored["deleted_by_id"] == cast.bob.user.pk
    html = client.get(response.url).content.decode()
    assert "until 9 December 2026, 10:00" in html  # bob's zone is UTC
    assert f"suggestion {MARKER}" in html
    assert f'action="{reverse("feedback-restore", args=[note.pk])}"' in html
    assert "Restore" in html


@pytest.mark.parametrize("who", READERS)
def test_a_deleted_note_is_gone_for_everyone_who_read_it(
    client, cast, goal, note, kept, who
):
    detail = reverse("feedback-detail", args=[note.pk])
    assert signed_in(client, cast, who).get(detail).status_code == 200
    before = pages_of(client, cast, who, goal)
    assert link_to(note) in before

    delete(client, cast, note)

    response = signed_in(client, cast, who).get(detail)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()
    after = pages_of(client, cast, who, goal)
    assert MARKER not in after
    assert link_to(note) not in after
    # The other note is still where it was.
    assert (KEPT in before) == (KEPT in after)
    assert (link_to(kept) in before) == (link_to(kept) in after)
    assert KEPT in after and link_to(kept) in after


@pytest.mark.parametrize(
    ("who", "url"),
    [("alice", "my-growth"), ("mia", "alice"), ("max", "alice")],
)
def test_dashboard_counts_leave_a_deleted_note_out(client, cast, note, kept, who, url):
    url = (
        reverse("engineer-dashboard", args=[cast.alice.pk])
        if url == "alice"
        else reverse(url)
    )
    client = signed_in(client, cast, who)
    dash = client.get(url).context["dash"]
    assert dash.feedback_total == 2
    waiting = dash.unacknowledged_count
    assert waiting == (2 if who == "alice" else 0)

    delete(client, cast, note)

    dash = signed_in(client, cast, who).get(url).context["dash"]
    assert dash.feedback_total == 1
    assert dash.unacknowledged_count == (1 if who == "alice" else 0)
    assert [n.pk for n in dash.unacknowledged] == ([kept.pk] if who == "alice" else [])


def test_exports_leave_a_deleted_note_out(client, cast, note, kept):
    def exported(who, key):
        response = signed_in(client, cast, who).get(reverse("my-export", args=["json"]))
        return {n["id"] for n in response.json()[key]}

    assert exported("alice", "feedback_received") == {note.pk, kept.pk}
    assert exported("bob", "feedback_given") == {note.pk, kept.pk}
    delete(client, cast, note)
    assert exported("alice", "feedback_received") == {kept.pk}
    assert exported("bob", "feedback_given") == {kept.pk}


def test_deleting_removes_the_engineers_notification_of_it_only(
    client, cast, note, kept
):
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 2
    delete(client, cast, note)
    (left,) = Notification.objects.filter(recipient=cast.alice.user)
    assert left.url == reverse("feedback-detail", args=[kept.pk])
    assert left.kind == EventKind.FEEDBACK_RECEIVED


def test_an_email_not_sent_yet_is_not_sent_for_a_deleted_note(client, cast, note, kept):
    def email_of(n):
        return Reminder.objects.get(
            recipient=cast.alice.user,
            kind=EventKind.FEEDBACK_RECEIVED,
            period_key=f"note-{n.pk}",
        )

    assert email_of(note).status == ReminderStatus.PENDING
    delete(client, cast, note)
    assert email_of(note).status == ReminderStatus.SKIPPED
    assert email_of(kept).status == ReminderStatus.PENDING


def test_a_deleted_note_can_no_longer_be_edited_answered_or_deleted_again(
    client, cast, note
):
    delete(client, cast, note)
    bob = signed_in(client, cast, "bob")
    assert bob.get(reverse("feedback-edit", args=[note.pk])).status_code == 404
    assert bob.get(reverse("feedback-delete", args=[note.pk])).status_code == 404
    assert bob.post(reverse("feedback-delete", args=[note.pk])).status_code == 404
    alice = signed_in(client, cast, "alice")
    for name in ("feedback-acknowledge", "goal-from-note"):
        assert alice.post(reverse(name, args=[note.pk])).status_code == 404, name
    stored = row(note)
    assert stored["acknowledged_at"] is None
    assert stored["deleted_at"] == NOW


def answered_request(cast):
    """alice asked bob for feedback, and bob's shared note answered it."""
    asked = factories.make_request(
        cast.alice, cast.bob, status=RequestStatus.FULFILLED, closed_at=NOW
    )
    return asked, shared_note(cast, MARKER, request=asked)


def request_row(asked) -> tuple:
    asked.refresh_from_db()
    return asked.status, asked.closed_at


def test_a_request_answered_by_a_deleted_note_is_open_again(client, cast):
    asked, answer = answered_request(cast)
    pages = {
        "alice": [reverse("request-detail", args=[asked.pk]), reverse("request-list")],
        "bob": [reverse("request-detail", args=[asked.pk]), reverse("request-list")],
    }

    def seen(who):
        client_ = signed_in(client, cast, who)
        return [client_.get(url).content.decode() for url in pages[who]]

    for who in pages:
        assert all(link_to(answer) in html for html in seen(who)), who
    delete(client, cast, answer)
    assert request_row(asked) == (RequestStatus.OPEN, None)
    answer_again = f"{reverse('feedback-create')}?request={asked.pk}"
    for who in pages:
        for html in seen(who):
            assert link_to(answer) not in html, who
            assert "Answered" not in html, who
            assert (answer_again in html) == (who == "bob"), who


def test_the_confirmation_says_the_request_will_be_open_again(client, cast, note):
    bob = signed_in(client, cast, "bob")
    html = bob.get(reverse("feedback-delete", args=[note.pk])).content.decode()
    assert "request will be open again" not in html
    _asked, answer = answered_request(cast)
    html = bob.get(reverse("feedback-delete", args=[answer.pk])).content.decode()
    assert "Alice Engineer's request will be open again" in html


def test_the_person_asked_answers_again_after_deleting_their_answer(client, cast):
    asked, answer = answered_request(cast)
    delete(client, cast, answer)
    client.post(
        reverse("feedback-create") + f"?request={asked.pk}", note_data(cast.alice)
    )
    again = FeedbackNote.objects.get()
    assert again.request_id == asked.pk
    assert request_row(asked) == (RequestStatus.FULFILLED, NOW)
    # A request has one answer: the deleted one gave it up, in its history.
    assert row(answer)["request_id"] is None
    assert answer.history.latest().request_id is None
    assert answer.history.latest().history_user == cast.bob.user


def test_restoring_an_answer_fulfils_its_request_again(client, cast, clock):
    asked, answer = answered_request(cast)
    delete(client, cast, answer)
    clock.shift(HOUR)
    restore(client, cast, answer)
    assert request_row(asked) == (RequestStatus.FULFILLED, NOW + HOUR)
    assert row(answer)["request_id"] == asked.pk
    assert row(answer)["deleted_at"] is None


def test_restoring_an_answer_after_the_request_was_answered_again(client, cast):
    asked, answer = answered_request(cast)
    delete(client, cast, answer)
    client.post(
        reverse("feedback-create") + f"?request={asked.pk}", note_data(cast.alice)
    )
    again = FeedbackNote.objects.get()
    assert restore(client, cast, answer).status_code == 302
    assert row(answer)["deleted_at"] is None
    assert row(answer)["request_id"] is None
    assert FeedbackNote.objects.get(request=asked) == again
    assert request_row(asked) == (RequestStatus.FULFILLED, NOW)


@pytest.mark.parametrize(
    ("who", "closing"),
    [("alice", "request-cancel"), ("bob", "request-decline")],
)
def test_restoring_an_answer_after_the_request_was_closed_leaves_it_closed(
    client, cast, clock, who, closing
):
    asked, answer = answered_request(cast)
    delete(client, cast, answer)
    clock.shift(HOUR)
    signed_in(client, cast, who).post(reverse(closing, args=[asked.pk]))
    closed = request_row(asked)
    assert closed[0] in (RequestStatus.CANCELLED, RequestStatus.DECLINED)
    clock.shift(HOUR)
    assert restore(client, cast, answer).status_code == 302
    assert request_row(asked) == closed
    # It answers no request now, so it is an ordinary shared note.
    assert row(answer)["deleted_at"] is None
    assert row(answer)["request_id"] is None


# --- only the author, and only by POST -------------------------------------------


@pytest.mark.parametrize("who", NOT_AUTHORS)
def test_nobody_but_the_author_deletes(client, cast, note, who):
    client = signed_in(client, cast, who)
    url = reverse("feedback-delete", args=[note.pk])
    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()
    assert not is_deleted(note)
    assert Notification.objects.filter(recipient=cast.alice.user).count() == 1


@pytest.mark.parametrize("who", NOT_AUTHORS)
def test_nobody_but_the_author_restores_or_sees_it_deleted(client, cast, note, who):
    delete(client, cast, note)
    response = restore(client, cast, note, who=who)
    assert response.status_code == 404
    assert is_deleted(note)
    html = client.get(reverse("feedback-deleted")).content.decode()
    assert MARKER not in html
    assert "Nothing to restore." in html


def test_restore_refuses_get(client, cast, note):
    delete(client, cast, note)
    response = client.get(reverse("feedback-restore", args=[note.pk]))
    assert response.status_code == 405
    assert is_deleted(note)


def test_restoring_a_note_that_is_not_deleted_is_a_404(client, cast, note):
    before = row(note)
    assert restore(client, cast, note).status_code == 404
    assert row(note) == before


@pytest.mark.parametrize("name", ["feedback-delete", "feedback-restore"])
def test_anonymous_visitors_are_sent_to_sign_in(client, cast, note, name):
    response = client.post(reverse(name, args=[note.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not is_deleted(note)


# --- undoing --------------------------------------------------------------------


def test_restoring_within_the_window_brings_the_note_back_as_it_was(
    client, cast, note, clock
):
    signed_in(client, cast, "alice").post(
        reverse("feedback-reply", args=[note.pk]), {"reply": "zq-reply"}
    )
    clock.shift(HOUR)
    before = row(note)
    delete(client, cast, note)
    clock.shift(UNDO - MINUTE)
    response = restore(client, cast, note)
    assert response.status_code == 302
    assert response.url == reverse("feedback-detail", args=[note.pk])
    assert row(note) == before
    html = signed_in(client, cast, "alice").get(response.url).content.decode()
    assert MARKER in html
    assert "zq-reply" in html
    # Deleting and restoring is not an edit of what alice has read.
    assert "Edited after it was read" not in html
    deleted_list = signed_in(client, cast, "bob").get(reverse("feedback-deleted"))
    assert MARKER not in deleted_list.content.decode()


def test_after_the_window_only_staff_restore_it(client, cast, note, clock):
    delete(client, cast, note)
    clock.shift(UNDO + MINUTE)
    html = signed_in(client, cast, "bob").get(reverse("feedback-deleted"))
    assert MARKER not in html.content.decode()
    assert restore(client, cast, note).status_code == 404
    assert is_deleted(note)

    response = signed_in(client, cast, "staff").post(
        reverse("admin:growth_feedbacknote_changelist"),
        {"action": "restore", "_selected_action": [note.pk]},
    )
    assert response.status_code == 302
    stored = row(note)
    assert (stored["deleted_at"], stored["deleted_by_id"]) == (None, None)
    detail = reverse("feedback-detail", args=[note.pk])
    assert signed_in(client, cast, "alice").get(detail).status_code == 200


def test_the_admin_lists_deleted_notes_for_staff(client, cast, note, kept):
    delete(client, cast, note)
    response = signed_in(client, cast, "staff").get(
        reverse("admin:growth_feedbacknote_changelist"), {"deleted": "yes"}
    )
    assert response.status_code == 200
    shown = [n.pk for n in response.context["cl"].result_list]
    assert shown == [note.pk]


# --- cost -----------------------------------------------------------------------


def _deleted_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("feedback-deleted"))
    assert response.status_code == 200
    return len(queries)


def _delete_notes(cast, count: int) -> None:
    goal = factories.make_goal(cast.carol)
    for i in range(count):
        factories.make_note(
            cast.bob.user,
            [cast.alice, cast.carol, cast.mia][i % 3],
            kind=["technical", "interpersonal"][i % 2],
            goal=goal if i % 3 == 1 else None,
            deleted_at=NOW - datetime.timedelta(hours=i),
            deleted_by=cast.bob.user,
        )


def test_the_deleted_list_costs_the_same_queries_at_any_size(client, cast):
    client = signed_in(client, cast, "bob")
    _delete_notes(cast, 3)
    small = _deleted_list_queries(client)
    _delete_notes(cast, 27)
    large = _deleted_list_queries(client)
    assert small == large
    rows = client.get(reverse("feedback-deleted")).content.decode()
    assert rows.count('action="/feedback/') == 25  # one page
