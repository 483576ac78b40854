"""Reminders: what is due (``rules``), for whom and for which week
(``planning``), the outbox that sends each email once (``delivery``), the
signed opt-out (``optout``), and the events people hear about (below).

Celery beat fires ``growth.tasks.sweep_reminders`` every fifteen minutes; the
sweep plans what is due in each recipient's own morning, records it, and queues
one ``send_reminder`` task per row. See README.md, "Reminders".
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.urls import reverse

from accounts.names import name_and_email
from growth import emails
from growth.models import (
    EventKind,
    FeedbackNote,
    FeedbackRequest,
    Reminder,
    ReminderRule,
    Visibility,
)
from growth.reminders.delivery import (
    RetryLater,
    deliver,
    due_ids,
    enqueue,
    event_record,
    record,
    release_stale_claims,
    requeue,
    retry_failed,
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
    "notify_feedback_received",
    "notify_feedback_requested",
    "plan",
    "record",
    "release_stale_claims",
    "requeue",
    "retry_failed",
    "sweep",
]


@dataclass(frozen=True)
class SweepResult:
    planned: int
    pending: int
    skipped: int
    reclaimed: int
    failed: int
    queued: int

    def as_dict(self) -> dict:
        return asdict(self)


def sweep(*, now: datetime.datetime, kinds=None) -> SweepResult:
    """Record every reminder due at ``now`` and queue every pending one.

    Safe to run twice, or from two beats at once: the rows are unique per
    recipient, kind and period, and each is sent by whoever claims it.
    """
    planned = plan(now=now, kinds=kinds)
    recorded = record(planned, now=now)
    requeued = requeue(now=now)
    swept = ReminderRule.objects.filter(enabled=True)
    if kinds is not None:
        swept = swept.filter(kind__in=kinds)
    swept.update(last_swept_at=now)
    return SweepResult(
        planned=len(planned),
        pending=recorded.pending,
        skipped=recorded.skipped,
        reclaimed=requeued.reclaimed,
        failed=requeued.failed,
        queued=requeued.queued,
    )


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
    payload = {
        "note_id": note.pk,
        "author_name": author,
        "author_email": note.author.email if note.author else "",
        "kind": kind,
        "competency": str(note.competency) if note.competency_id else "",
        "logged_on": _local_date(note.created_at or now, recipient),
    }
    return event_record(
        recipient=recipient,
        kind=EventKind.FEEDBACK_RECEIVED,
        key=f"note-{note.pk}",
        subject=emails.subject_for(EventKind.FEEDBACK_RECEIVED, payload),
        payload=payload,
        url=reverse("feedback-detail", args=[note.pk]),
        message=f"{signed} left you {kind} feedback.",
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
