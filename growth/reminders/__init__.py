"""Reminders: what is due (``rules``), for whom and for which week
(``planning``), the outbox that sends each email once (``delivery``), the
signed opt-out (``optout``), and the events people hear about (below).

Celery beat fires ``growth.tasks.sweep_reminders`` every REMINDER_SWEEP_SECONDS
(fifteen minutes); the sweep (``delivery.sweep``) plans what is due in each
recipient's own morning, records it, and publishes one ``send_reminder`` task
per waiting row. See README.md, "Reminders".
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from accounts.names import name_and_email
from growth import emails
from growth.models import (
    EventKind,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Reminder,
    Sentiment,
    Visibility,
)
from growth.reminders.delivery import (
    RetryLater,
    SweepResult,
    deliver,
    due_ids,
    enqueue,
    event_record,
    record,
    release_stale_claims,
    requeue,
    retry_failed,
    sweep,
)
from growth.reminders.planning import Planned, plan

__all__ = [
    "Planned",
    "RetryLater",
    "SweepResult",
    "deliver",
    "due_ids",
    "enqueue",
    "event_record",
    "notify_feedback_answered",
    "notify_feedback_commented",
    "notify_feedback_received",
    "notify_feedback_requested",
    "plan",
    "record",
    "release_stale_claims",
    "requeue",
    "retry_failed",
    "sweep",
]


def _local_date(moment: datetime.datetime, user) -> str:
    return moment.astimezone(user.zone).date().isoformat()


def notify_feedback_received(
    *, note: FeedbackNote, now: datetime.datetime
) -> Reminder | None:
    """Tell the engineer that shared feedback was logged about them.

    Call it in the transaction that saves the note. The email names the author,
    with their email address (a name alone could be another's), the kind and
    the competency, and links to the note; it never quotes it.
    """
    if note.visibility != Visibility.SHARED:
        return None
    recipient = note.engineer.user
    author = str(note.author) if note.author else "A former employee"
    signed = name_and_email(author, note.author.email) if note.author else author
    kind = note.get_kind_display().lower()
    praise = note.sentiment == Sentiment.PRAISE
    payload = {
        "note_id": note.pk,
        "author_name": author,
        "author_email": note.author.email if note.author else "",
        "kind": kind,
        "competency": str(note.competency) if note.competency_id else "",
        "logged_on": _local_date(note.created_at or now, recipient),
        "praise": praise,
        "public": note.public,
    }
    if praise:
        wall = " on the Praise wall" if note.public else ""
        message = f"{signed} praised your {kind} work{wall}."
    else:
        message = f"{signed} left you {kind} feedback."
    if note.public and praise:
        from growth.chat.outbox import praise_posts_record  # builds on this package

        praise_posts_record(note=note, now=now)
    return event_record(
        recipient=recipient,
        kind=EventKind.FEEDBACK_RECEIVED,
        key=f"note-{note.pk}",
        subject=emails.subject_for(EventKind.FEEDBACK_RECEIVED, payload),
        payload=payload,
        url=reverse("feedback-detail", args=[note.pk]),
        message=message,
        now=now,
    )


def _signed(user) -> tuple[str, str, str]:
    """(name, email, the two together) of a person who acted on a note."""
    if user is None:
        return "A former employee", "", "A former employee"
    name = str(user)
    return name, user.email, name_and_email(name, user.email)


def notify_feedback_commented(
    *, comment: FeedbackComment, recipients, now: datetime.datetime
) -> list[Reminder]:
    """Tell each of ``recipients`` (users who may read the note) about a new
    comment in its conversation, in the app and by email unless they turned
    these off. Call it in the transaction that saves the comment.

    Each is told who wrote, on whose feedback for whom, with a link to the
    note; never what the comment or the note says.
    """
    note = comment.note
    writer, writer_email, signed = _signed(comment.author)
    engineer_user_id = note.engineer.user_id
    author = str(note.author) if note.author else "a former employee"
    engineer = str(note.engineer)
    answered = comment.author_id is not None and comment.author_id == engineer_user_id
    url = reverse("feedback-detail", args=[note.pk])
    sent = []
    for recipient in recipients:
        if recipient.pk == note.author_id:
            role = "author"
            about = (
                "answered your feedback"
                if answered
                else f"commented on your feedback for {engineer}"
            )
        elif recipient.pk == engineer_user_id:
            role = "engineer"
            whose = "their" if comment.author_id == note.author_id else f"{author}'s"
            about = f"commented on {whose} feedback for you"
        else:
            role = "reader"
            about = f"commented on {author}'s feedback for {engineer}"
        payload = {
            "note_id": note.pk,
            "comment_id": comment.pk,
            "writer_name": writer,
            "writer_email": writer_email,
            "author_name": author,
            "engineer_name": engineer,
            "role": role,
            "answered": answered and role == "author",
            "about": about,
            "commented_on": _local_date(comment.created_at or now, recipient),
        }
        reminder = event_record(
            recipient=recipient,
            kind=EventKind.FEEDBACK_COMMENTED,
            key=f"comment-{comment.pk}",
            subject=emails.subject_for(EventKind.FEEDBACK_COMMENTED, payload),
            payload=payload,
            url=url,
            message=f"{signed} {about}.",
            now=now,
        )
        if reminder is not None:
            sent.append(reminder)
    return sent


def notify_feedback_answered(
    *, note: FeedbackNote, by, actionable: bool | None, now: datetime.datetime
) -> Reminder | None:
    """Tell the author that the engineer read ``note`` (``actionable`` None)
    or said whether they could act on it. Call it in the answer's transaction.

    Once per note for reading, and once per answer for rating, however often
    the buttons are pressed.
    """
    recipient = note.author
    if recipient is None or recipient.pk == by.pk:
        return None
    name, email, signed = _signed(by)
    if actionable is None:
        event, key = "read", f"note-{note.pk}-read"
        about = "read your feedback"
    else:
        event = "actionable" if actionable else "not actionable"
        key = f"note-{note.pk}-rated-{'yes' if actionable else 'no'}"
        about = (
            "found your feedback actionable"
            if actionable
            else "did not find your feedback actionable"
        )
    payload = {
        "note_id": note.pk,
        "engineer_name": name,
        "engineer_email": email,
        "event": event,
        "about": about,
        "kind": note.get_kind_display().lower(),
        "logged_on": _local_date(note.created_at or now, recipient),
        "answered_on": _local_date(now, recipient),
    }
    return event_record(
        recipient=recipient,
        kind=EventKind.FEEDBACK_ANSWERED,
        key=key,
        subject=emails.subject_for(EventKind.FEEDBACK_ANSWERED, payload),
        payload=payload,
        url=reverse("feedback-detail", args=[note.pk]),
        message=f"{signed} {about}.",
        now=now,
    )


def notify_feedback_requested(
    *, request: FeedbackRequest, now: datetime.datetime
) -> Reminder | None:
    """Tell the person asked for feedback; call it in the transaction that
    saves the request. The email never quotes the request's message."""
    recipient = request.recipient.user
    requester = str(request.requester)
    due_on = request.due_on
    payload = {
        "request_id": request.pk,
        "engineer_id": request.requester_id,
        "requester_name": requester,
        "due_on": due_on.isoformat(),
        "asked_on": _local_date(request.created_at or now, recipient),
    }
    return event_record(
        recipient=recipient,
        kind=EventKind.FEEDBACK_REQUESTED,
        key=f"request-{request.pk}",
        subject=emails.subject_for(EventKind.FEEDBACK_REQUESTED, payload),
        payload=payload,
        url=reverse("request-detail", args=[request.pk]),
        message=f"{requester} asked you for feedback by {due_on.day} {due_on:%B %Y}.",
        now=now,
    )
