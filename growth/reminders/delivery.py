"""The outbox: recording reminders, queueing them, and sending each exactly once.

Every email is a ``Reminder`` row before it is a message. A row is unique on
(recipient, kind, period key), so a second beat tick finds it and records
nothing. Sending claims the row with a conditional update (PENDING → SENDING)
that must change exactly one row, so a duplicated task, a retried one or a
second worker sends nothing more. A worker killed mid-send leaves its claim
behind; the sweep hands stale claims back after ``CLAIM_TIMEOUT``.

Nothing here schedules a task far ahead: Redis would redeliver it after its
visibility timeout. When to try again is data (``next_attempt_at``) that the
sweep reads every fifteen minutes.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from kombu.exceptions import KombuError

from growth import emails
from growth.celery import app
from growth.models import (
    Engineer,
    EventKind,
    FeedbackNote,
    Notification,
    Reminder,
    ReminderPreference,
    ReminderStatus,
)
from growth.reminders.planning import Planned

logger = logging.getLogger(__name__)

# A send takes seconds (the task's hard time limit is three minutes): a claim
# older than this belongs to a worker that died.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# How long a queued row waits before the sweep queues it again.
QUEUED_FOR = datetime.timedelta(minutes=10)
CHUNK = 500


class RetryLater(Exception):
    """The mail server failed for now; try again in ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(f"retry in {seconds} s")
        self.seconds = seconds


def max_attempts() -> int:
    return settings.REMINDER_MAX_ATTEMPTS


def backoff(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed try: doubling, capped."""
    base = settings.REMINDER_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.REMINDER_RETRY_MAX_SECONDS)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- recording -------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    pending: int
    skipped: int


def _opted_out(kinds: Iterable[str]) -> set[tuple[int, str]]:
    return set(
        ReminderPreference.objects.filter(
            email_enabled=False, kind__in=set(kinds)
        ).values_list("user_id", "kind")
    )


def record(planned: list[Planned], *, now: datetime.datetime) -> Recorded:
    """Write a Reminder row and an in-app notification for each planned email.

    A row whose recipient turned these emails off is written as SKIPPED: the log
    shows it, and the in-app notification still appears. Rows already there
    (another sweep got there first) are left alone; the counts returned are of
    what was planned.
    """
    if not planned:
        return Recorded(0, 0)
    off = _opted_out(p.kind for p in planned)
    reminders = []
    notifications = []
    skipped = 0
    for p in planned:
        opted_out = (p.recipient_id, p.kind) in off
        skipped += opted_out
        reminders.append(
            Reminder(
                recipient_id=p.recipient_id,
                kind=p.kind,
                period_key=p.period_key,
                subject=p.subject,
                payload=p.payload,
                status=ReminderStatus.SKIPPED if opted_out else ReminderStatus.PENDING,
                last_error="The recipient turned these emails off."
                if opted_out
                else "",
                created_at=now,
            )
        )
        notifications.append(
            Notification(
                recipient_id=p.recipient_id,
                kind=p.kind,
                message=p.subject[:255],
                url=emails.page_path(p.kind, p.payload),
                created_at=now,
                dedupe_key=f"{p.kind}:{p.period_key}",
            )
        )
    with transaction.atomic():
        Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return Recorded(len(planned) - skipped, skipped)


def _recipient_gone(reminder: Reminder) -> str:
    """Why ``reminder`` must not go out any more, or "" when it may."""
    if not reminder.recipient.is_active:
        return "The recipient's account is inactive."
    if Engineer.objects.filter(user_id=reminder.recipient_id, is_active=False).exists():
        return "The recipient is no longer an active engineer."
    if ReminderPreference.objects.filter(
        user_id=reminder.recipient_id, kind=reminder.kind, email_enabled=False
    ).exists():
        return "The recipient turned these emails off."
    return ""


def event_record(
    *,
    recipient,
    kind: str,
    key: str,
    subject: str,
    payload: dict,
    url: str,
    message: str,
    now: datetime.datetime,
) -> Reminder | None:
    """Tell ``recipient`` about an event: in the app, and by email unless they
    turned ``kind`` off.

    Call it inside the transaction that makes the event: the outbox row commits
    with its cause, and delivery is queued only after the commit. ``key`` names
    the event (``note-12``): the same event twice notifies once. Returns the
    outbox row, or None for an inactive recipient (who hears nothing).
    """
    if not recipient.is_active:
        return None
    if Engineer.objects.filter(user=recipient, is_active=False).exists():
        return None
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=recipient,
                kind=kind,
                message=message[:255],
                url=url,
                created_at=now,
                dedupe_key=f"{kind}:{key}",
            )
        ],
        ignore_conflicts=True,
    )
    opted_out = ReminderPreference.objects.filter(
        user=recipient, kind=kind, email_enabled=False
    ).exists()
    reminder, created = Reminder.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        period_key=key,
        defaults={
            "subject": subject[:255],
            "payload": payload,
            "status": ReminderStatus.SKIPPED if opted_out else ReminderStatus.PENDING,
            "last_error": "The recipient turned these emails off." if opted_out else "",
            "created_at": now,
            # Queued at once after the commit; the sweep only steps in later.
            "next_attempt_at": None if opted_out else now + QUEUED_FOR,
        },
    )
    if created and reminder.status == ReminderStatus.PENDING:
        ids = [reminder.pk]
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return reminder


# --- queueing --------------------------------------------------------------------


@dataclass(frozen=True)
class Requeued:
    reclaimed: int
    failed: int
    queued: int


def release_stale_claims(*, now: datetime.datetime) -> tuple[int, int]:
    """Hand back rows claimed by a worker that died; return (released, failed).

    A row whose sends keep dying is failed, not retried forever.
    """
    stale = Reminder.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    failed = stale.filter(attempts__gte=max_attempts()).update(
        status=ReminderStatus.FAILED,
        last_error="The worker stopped while sending it, too many times.",
    )
    released = stale.update(status=ReminderStatus.PENDING, next_attempt_at=None)
    return released, failed


def _due(*, now: datetime.datetime):
    return Reminder.objects.filter(status=ReminderStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def due_ids(*, now: datetime.datetime) -> list[int]:
    """Ids of the pending rows that may be sent now."""
    return list(_due(now=now).order_by("pk").values_list("pk", flat=True))


def requeue(*, now: datetime.datetime) -> Requeued:
    """Release stale claims and queue every pending row that is due.

    Each queued row's ``next_attempt_at`` moves ten minutes on, so the next tick
    does not queue it again while it waits in the queue. Delivery is queued
    after the commit; if the broker is down the rows are simply picked up at
    the next tick.
    """
    until = now + QUEUED_FOR
    with transaction.atomic():
        released, failed = release_stale_claims(now=now)
        # Mark first, then read back what was marked: two statements however
        # many rows. A second sweep running at the same moment waits for our
        # row locks, then finds the rows no longer due.
        _due(now=now).update(next_attempt_at=until)
        ids = list(
            Reminder.objects.filter(
                status=ReminderStatus.PENDING, next_attempt_at=until
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids), robust=True)
    return Requeued(reclaimed=released, failed=failed, queued=len(ids))


def enqueue(ids: Sequence[int]) -> int:
    """Queue ``growth.tasks.send_reminder`` for each id; return how many were.

    Fails fast when the broker is down (no connection retries: a web request
    may be waiting) and leaves the rest due at once, for the next sweep.
    """
    from growth.tasks import send_reminder  # the tasks module imports this one

    queued = 0
    connection = app.connection_for_write()
    errors = (
        KombuError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    try:
        connection.ensure_connection(max_retries=0)
        producer = connection.Producer()
        for pk in ids:
            send_reminder.apply_async(args=[pk], producer=producer, retry=False)
            queued += 1
    except errors as error:
        logger.warning(
            "Could not queue %d reminder(s), the sweep will: %s",
            len(ids) - queued,
            error,
        )
        for chunk in _chunks(list(ids[queued:])):
            Reminder.objects.filter(pk__in=chunk, status=ReminderStatus.PENDING).update(
                next_attempt_at=None
            )
    finally:
        connection.release()
    return queued


# --- sending ---------------------------------------------------------------------


def _is_permanent(error: Exception) -> bool:
    """A refusal that the same message will meet again (5xx), not a hiccup."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _finish(reminder: Reminder, **fields) -> int:
    # Only the claim that is still ours may finish the row.
    return Reminder.objects.filter(
        pk=reminder.pk, status=ReminderStatus.SENDING, attempts=reminder.attempts
    ).update(**fields)


def _with_its_note(reminders):
    """Mark each of ``reminders`` with whether the note it is about is live.

    Read with the row, so delivery costs the same queries whatever the kind.
    The default manager leaves deleted notes out.
    """
    note_id = Cast(KeyTextTransform("note_id", "payload"), BigIntegerField())
    return reminders.alias(note_id=note_id).annotate(
        note_is_live=Exists(FeedbackNote.objects.filter(pk=OuterRef("note_id")))
    )


def _note_gone(reminder: Reminder) -> str:
    """Why an email about a note must not go out, or "" when it may.

    Deleting a note skips its pending email, but one being sent then, or
    failed and retried from the admin, is pending again later: checked here.
    """
    if reminder.kind == EventKind.FEEDBACK_RECEIVED and not reminder.note_is_live:
        return "The note was deleted before this email went out."
    return ""


def deliver(reminder_id: int, *, now: datetime.datetime) -> str | None:
    """Send one reminder if it is still pending; return its new status.

    Returns None when the row is not pending (sent, being sent, or gone): a
    duplicate task does nothing. Raises RetryLater after a passing mail-server
    failure; the row is then pending again with its next attempt time set.
    """
    claimed = Reminder.objects.filter(
        pk=reminder_id, status=ReminderStatus.PENDING
    ).update(status=ReminderStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if claimed != 1:
        return None
    reminder = _with_its_note(Reminder.objects.select_related("recipient")).get(
        pk=reminder_id
    )
    reason = _note_gone(reminder) or _recipient_gone(reminder)
    if reason:
        _finish(reminder, status=ReminderStatus.SKIPPED, last_error=reason)
        return ReminderStatus.SKIPPED
    try:
        emails.reminder_message(reminder).send()
    except (smtplib.SMTPException, OSError) as error:
        detail = f"{type(error).__name__}: {error}"[:1000]
        if _is_permanent(error) or reminder.attempts >= max_attempts():
            logger.warning("Reminder %s failed for good: %s", reminder.pk, detail)
            _finish(reminder, status=ReminderStatus.FAILED, last_error=detail)
            return ReminderStatus.FAILED
        seconds = backoff(reminder.attempts)
        _finish(
            reminder,
            status=ReminderStatus.PENDING,
            last_error=detail,
            next_attempt_at=now + datetime.timedelta(seconds=seconds),
        )
        raise RetryLater(seconds) from error
    except Exception as error:
        # A bug (a template, a missing page), not the mail server: retrying
        # will not help, so record it where the admin shows it.
        logger.exception("Reminder %s could not be built", reminder.pk)
        _finish(
            reminder,
            status=ReminderStatus.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:1000],
        )
        return ReminderStatus.FAILED
    _finish(reminder, status=ReminderStatus.SENT, sent_at=now, last_error="")
    return ReminderStatus.SENT


def retry_failed(ids: Iterable[int], *, now: datetime.datetime) -> int:
    """Give failed reminders a fresh set of attempts and queue them; return how many."""
    with transaction.atomic():
        retried = Reminder.objects.filter(
            pk__in=list(ids), status=ReminderStatus.FAILED
        )
        pks = list(retried.values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=pks).update(
            status=ReminderStatus.PENDING,
            attempts=0,
            next_attempt_at=now + QUEUED_FOR,
        )
        if pks:
            transaction.on_commit(lambda: enqueue(pks), robust=True)
    return len(pks)
