"""The outbox: recording reminders, publishing them, and sending each one once.

Every email is a ``Reminder`` row before it is a message. A row is unique on
(recipient, kind, period key), so a second beat tick finds it and records
nothing. Sending claims the row with a conditional update (PENDING → SENDING)
that must change exactly one row, so a duplicated task, a retried one or a
second worker sends nothing more. A worker killed mid-send leaves its claim
behind; the sweep hands claims older than ``REMINDER_CLAIM_TIMEOUT_SECONDS``
back.

What is at most once and what at least once:

- An email the mail server accepted is marked sent, on a fresh database
  connection if the first one was lost, and is never sent again.
- A connection lost after the message's final dot (or no answer to it within
  ``EMAIL_TIMEOUT``) may or may not have delivered it: the row is AMBIGUOUS,
  with the reason and the server's last reply, and only a person resends it.
- Anything that fails before the final dot is retried (at least once).
- A worker that dies mid-send, or that cannot record its outcome before it
  stops, is covered by the hand-back: that email may go twice.

Time in the outbox is the database's clock (``Now()``), one clock for every
worker and sweep: claims, hand-backs, retry times and ``sent_at``. The
``now`` that planning uses (which week, whose morning) can be injected;
the outbox's cannot.

Nothing here schedules a task far ahead: Redis would redeliver it after its
visibility timeout. When to try again is data (``next_attempt_at``) that the
sweep reads. For a pending row it is also when the row was last published: a
sweep publishes again a row still pending half a sweep interval later (the
claim makes a second copy a no-op), so what Redis lost goes out within two
sweeps.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import checks, mail
from django.core.mail.backends import smtp
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat, Now
from django.utils.module_loading import import_string
from kombu.exceptions import KombuError

from growth import emails
from growth.celery import app
from growth.chat import cards, slack, slack_configured
from growth.chat.slack import ChatError
from growth.models import (
    DeliveryChannel,
    Engineer,
    FeedbackNote,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
)
from growth.reminders.planning import Planned, plan

logger = logging.getLogger(__name__)

CHUNK = 500
# Seconds a web request gives the broker, to connect and for each reply: a
# hung Redis costs a page about this much, and the sweep publishes instead.
PUBLISH_TIMEOUT = 0.1
# Seconds between tries to write an outcome after the database connection is
# lost (a restart, a failover, a pooler restart): about eight in all.
RECORD_WAITS = (0.1, 0.5, 1, 2, 4)
# How many earlier reasons a row keeps, newest first.
HISTORY_LINES = 20

# Outcomes this process could not write, by row id: (the claim's attempt,
# the fields). Written at the next delivery or sweep that reaches the
# database; lost if the process stops first (the hand-back covers that).
_unwritten: dict[int, tuple[int, dict]] = {}


class RetryLater(Exception):
    """The mail server failed for now; try again in ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(f"retry in {seconds} s")
        self.seconds = seconds


def max_attempts() -> int:
    return settings.REMINDER_MAX_ATTEMPTS


def claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)


def backoff(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed try: doubling, capped."""
    base = settings.REMINDER_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.REMINDER_RETRY_MAX_SECONDS)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# --- startup -----------------------------------------------------------------------


def claim_problems(*, time_limit: float | None) -> list[checks.CheckMessage]:
    """Why a task with hard ``time_limit`` could send an email twice, if it could.

    The sweep hands back a claim older than the claim timeout; a task still
    running then (and only the hard limit stops it) would send beside the one
    the hand-back queues.
    """
    timeout = settings.REMINDER_CLAIM_TIMEOUT_SECONDS
    if time_limit is not None and time_limit < timeout:
        return []
    return [
        checks.Error(
            f"The Celery task time limit ({time_limit} s) must be below "
            f"REMINDER_CLAIM_TIMEOUT_SECONDS ({timeout} s).",
            hint="A claim older than the timeout is handed back and sent again: "
            "a task still running then would send the same email twice. Lower "
            "CELERY_TASK_TIME_LIMIT (or --time-limit) or raise the claim timeout.",
            id="growth.E001",
        )
    ]


def check_claim_timeout(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The system check: the configured task time limit against the claim timeout."""
    return claim_problems(time_limit=settings.CELERY_TASK_TIME_LIMIT)


def refuse_unsafe_worker(sender, **kwargs) -> None:
    """Stop a starting worker whose time limit outlasts a claim (``worker_init``).

    Celery runs Django's checks but ignores what they find, and a worker's
    ``--time-limit`` overrides the setting: so the worker checks its own.
    """
    for problem in claim_problems(time_limit=sender.time_limit):
        raise SystemExit(f"{problem.msg} {problem.hint}")


# --- recording -------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What one ``record()`` wrote (rows another sweep wrote first not counted)."""

    pending: int
    skipped: int

    @property
    def recorded(self) -> int:
        return self.pending + self.skipped


def _opted_out(kinds: Iterable[str]) -> set[tuple[int, str]]:
    return set(
        ReminderPreference.objects.filter(
            email_enabled=False, kind__in=set(kinds)
        ).values_list("user_id", "kind")
    )


def _on_slack(kinds: Iterable[str]) -> set[tuple[int, str]]:
    """(user, kind) of the people who chose Slack; nobody while it is off."""
    if not slack_configured():
        return set()
    return set(
        ReminderPreference.objects.filter(
            slack_enabled=True, kind__in=set(kinds)
        ).values_list("user_id", "kind")
    )


def record(planned: list[Planned], *, now: datetime.datetime) -> Recorded:
    """Write a Reminder row and an in-app notification for each planned email,
    and a second row for each that its recipient chose to get on Slack.

    A row whose recipient turned these emails off is written as SKIPPED: the log
    shows it, and the in-app notification still appears. A Slack row is
    written only for those who chose Slack. Rows already there (another sweep
    got there first) are left alone and not counted.
    """
    if not planned:
        return Recorded(0, 0)
    kinds = {p.kind for p in planned}
    with transaction.atomic():
        # Two sweeps recording the same kinds take turns here, so each knows
        # exactly which rows it wrote (the insert below does not say).
        list(ReminderRule.objects.select_for_update().filter(kind__in=kinds))
        there = set(
            Reminder.objects.filter(
                kind__in=kinds, period_key__in={p.period_key for p in planned}
            ).values_list("recipient_id", "kind", "period_key", "channel")
        )
        email = DeliveryChannel.EMAIL
        new = [
            p
            for p in planned
            if (p.recipient_id, p.kind, p.period_key, email) not in there
        ]
        off = _opted_out(kinds)
        on_slack = _on_slack(kinds)
        reminders = [
            Reminder(
                recipient_id=p.recipient_id,
                kind=p.kind,
                period_key=p.period_key,
                channel=DeliveryChannel.SLACK,
                subject=p.subject,
                payload=p.payload,
                created_at=now,
            )
            for p in planned
            if (p.recipient_id, p.kind) in on_slack
            and (p.recipient_id, p.kind, p.period_key, DeliveryChannel.SLACK)
            not in there
        ]
        notifications = []
        for p in new:
            opted_out = (p.recipient_id, p.kind) in off
            reminders.append(
                Reminder(
                    recipient_id=p.recipient_id,
                    kind=p.kind,
                    period_key=p.period_key,
                    subject=p.subject,
                    payload=p.payload,
                    status=ReminderStatus.SKIPPED
                    if opted_out
                    else ReminderStatus.PENDING,
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
        Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    skipped = sum(r.status == ReminderStatus.SKIPPED for r in reminders)
    return Recorded(pending=len(reminders) - skipped, skipped=skipped)


def _recipient_gone(reminder: Reminder) -> str:
    """Why ``reminder`` must not go out any more, or "" when it may."""
    if not reminder.recipient.is_active:
        return "The recipient's account is inactive."
    if Engineer.objects.filter(user_id=reminder.recipient_id, is_active=False).exists():
        return "The recipient is no longer an active engineer."
    mine = ReminderPreference.objects.filter(
        user_id=reminder.recipient_id, kind=reminder.kind
    )
    if reminder.channel == DeliveryChannel.SLACK:
        if not slack_configured():
            return "Slack is not configured any more."
        if not mine.filter(slack_enabled=True).exists():
            return "The recipient turned Slack off for these."
        return ""
    if mine.filter(email_enabled=False).exists():
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
    """Tell ``recipient`` about an event: in the app, by email unless they
    turned ``kind`` off, and on Slack if they chose it.

    Call it inside the transaction that makes the event: the outbox row commits
    with its cause, and publishing is tried once, briefly, after the commit
    (the next sweep publishes it if that fails). ``key`` names the event
    (``note-12``): the same event twice notifies once. Returns the email's
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
    chosen = ReminderPreference.objects.filter(user=recipient, kind=kind).first()
    opted_out = chosen is not None and not chosen.email_enabled
    ids = []
    if chosen is not None and chosen.slack_enabled and slack_configured():
        on_slack, created = Reminder.objects.get_or_create(
            recipient=recipient,
            kind=kind,
            period_key=key,
            channel=DeliveryChannel.SLACK,
            defaults={
                "subject": subject[:255],
                "payload": payload,
                "created_at": now,
                "next_attempt_at": Now(),
            },
        )
        if created:
            ids.append(on_slack.pk)
    reminder, created = Reminder.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        period_key=key,
        channel=DeliveryChannel.EMAIL,
        defaults={
            "subject": subject[:255],
            "payload": payload,
            "status": ReminderStatus.SKIPPED if opted_out else ReminderStatus.PENDING,
            "last_error": "The recipient turned these emails off." if opted_out else "",
            "created_at": now,
            # Published at once after the commit: the sweep steps in later.
            "next_attempt_at": None if opted_out else Now(),
        },
    )
    if created and reminder.status == ReminderStatus.PENDING:
        ids.append(reminder.pk)
    if ids:
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return reminder


# --- publishing --------------------------------------------------------------------


@dataclass(frozen=True)
class Requeued:
    reclaimed: int  # claims of stopped workers, pending again
    failed: int  # claims that kept dying, failed for good
    queued: int  # tasks handed to the broker


def database_now() -> datetime.datetime:
    """The database's clock, read once: the one clock every worker and sweep
    shares, whatever their hosts' clocks say."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT STATEMENT_TIMESTAMP()")
            return cursor.fetchone()[0]
        cursor.execute("SELECT STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')")
        moment = datetime.datetime.fromisoformat(cursor.fetchone()[0])
        return moment.replace(tzinfo=datetime.UTC)


def republish_after() -> datetime.timedelta:
    """How long a published row waits before a sweep publishes it again: half
    the sweep's interval, so what Redis lost is published within two sweeps."""
    return datetime.timedelta(seconds=settings.REMINDER_SWEEP_SECONDS / 2)


def release_stale_claims(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Hand back rows claimed by a worker that died; return (released, failed).

    Stale by the database's clock (``now`` is not used). A row whose sends
    keep dying is failed, not retried forever.
    """
    return _hand_back(at=database_now())


def _hand_back(*, at: datetime.datetime) -> tuple[int, int]:
    stale = Reminder.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=at - claim_timeout()
    )
    seconds = settings.REMINDER_CLAIM_TIMEOUT_SECONDS

    def reason(text: str) -> Concat:
        return Concat(
            Value(f"{text} [attempt "),
            Cast("attempts", CharField()),
            Value("]\n"),
            "last_error",
            output_field=CharField(),
        )

    failed = stale.filter(attempts__gte=max_attempts()).update(
        status=ReminderStatus.FAILED,
        last_error=reason("The worker stopped while sending it, too many times."),
    )
    released = stale.update(
        status=ReminderStatus.PENDING,
        next_attempt_at=None,
        last_error=reason(
            f"No outcome within {seconds} s of the claim: the worker stopped "
            "or lost the database; handed back."
        ),
    )
    if released or failed:
        logger.warning(
            "Handed back %d stale reminder claim(s); failed %d", released, failed
        )
    return released, failed


def _due(*, at: datetime.datetime | None = None):
    """Pending rows whose next attempt time has come, by the database's clock
    unless ``at`` names a moment (a dry run looking ahead)."""
    moment = Now() if at is None else at
    return Reminder.objects.filter(status=ReminderStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment)
    )


def due_ids(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of the pending rows that may be sent now (or at ``now``, to look)."""
    return list(_due(at=now).order_by("pk").values_list("pk", flat=True))


def requeue(
    *,
    now: datetime.datetime | None = None,
    timeout: float | None = PUBLISH_TIMEOUT,
) -> Requeued:
    """Hand back stale claims, then publish the pending rows that wait.

    A row is published when it never was (or publishing failed), or when it
    was published half a sweep interval ago and is pending still: Redis may
    have lost it, and a copy a worker already took is a no-op (the claim).
    Publishing stamps ``next_attempt_at`` with the database's time: due at
    once, and the moment of the last publication. ``now`` is not used.
    """
    with transaction.atomic():
        marked = database_now()
        released, failed = _hand_back(at=marked)
        # Mark first, then read back what was marked: two statements however
        # many rows. A second sweep running at the same moment waits for our
        # row locks, then finds the rows just published.
        _due(at=marked - republish_after()).update(next_attempt_at=marked)
        ids = list(
            Reminder.objects.filter(
                status=ReminderStatus.PENDING, next_attempt_at=marked
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    published = enqueue(ids, timeout=timeout)
    return Requeued(reclaimed=released, failed=failed, queued=published)


def enqueue(
    ids: Sequence[int],
    *,
    timeout: float | None = PUBLISH_TIMEOUT,
    task=None,
    model=Reminder,
) -> int:
    """Publish ``growth.tasks.send_reminder`` (or ``task``, for rows of
    ``model``) for each id; return how many were.

    Gives up at the first error and leaves the rest due for the next sweep.
    ``timeout`` bounds connecting and each reply, in seconds (None: the
    broker settings'), so a web request waits at most about that long on a
    broker that hangs.
    """
    from growth.tasks import send_reminder  # the tasks module imports this one

    task = task or send_reminder
    if not ids:
        return 0
    options = {}
    if timeout is not None:
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    published = 0
    broker = app.connection_for_write(
        connect_timeout=timeout, transport_options=options
    )
    errors = (
        KombuError,
        OSError,
        *broker.connection_errors,
        *broker.channel_errors,
    )
    try:
        broker.ensure_connection(max_retries=0)
        producer = broker.Producer()
        for pk in ids:
            task.apply_async(args=[pk], producer=producer, retry=False)
            published += 1
    except errors as error:
        logger.warning(
            "Could not publish %d reminder(s), the next sweep will: %s",
            len(ids) - published,
            error,
        )
        for chunk in _chunks(list(ids[published:])):
            # Not a retry's time still to come: only the publication's mark.
            model.objects.filter(
                pk__in=chunk,
                status=ReminderStatus.PENDING,
                next_attempt_at__lte=Now(),
            ).update(next_attempt_at=None)
    finally:
        broker.release()
    return published


# --- sweeping --------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    planned: int  # due now and not yet recorded, when planned
    recorded: int  # rows this sweep wrote (another may have written the rest)
    skipped: int  # of those, for people who turned the emails off
    published: int  # send tasks handed to the broker, new rows and waiting ones
    handed_back: int  # claims of workers that stopped, pending again
    failed: int  # claims that kept dying, failed for good

    def as_dict(self) -> dict:
        return asdict(self)


def sweep(
    *,
    now: datetime.datetime,
    kinds=None,
    publish_timeout: float | None = PUBLISH_TIMEOUT,
) -> SweepResult:
    """Record every reminder due at ``now`` and publish every pending one.

    Safe to run twice, or from two beats at once: the rows are unique per
    recipient, kind and period, and each is sent by whoever claims it. Call it
    outside a transaction: it publishes what it finds at once, and a worker
    could look for rows not yet committed (they would wait for the next sweep).
    """
    from growth.chat import outbox  # it builds on this module

    _write_unwritten()
    planned = plan(now=now, kinds=kinds)
    recorded = record(planned, now=now)
    if kinds is None or ReminderKind.WEEKLY_DIGEST in kinds:
        with transaction.atomic():
            outbox.team_digests_record(now=now)
    requeued = requeue(timeout=publish_timeout)
    outbox.requeue(timeout=publish_timeout)
    swept = ReminderRule.objects.filter(enabled=True)
    if kinds is not None:
        swept = swept.filter(kind__in=kinds)
    swept.update(last_swept_at=now)
    return SweepResult(
        planned=len(planned),
        recorded=recorded.recorded,
        skipped=recorded.skipped,
        published=requeued.queued,
        handed_back=requeued.reclaimed,
        failed=requeued.failed,
    )


# --- the mail server -----------------------------------------------------------------


class _Conversation:
    """Mixed into smtplib's SMTP: how far the conversation got, and what the
    server said last.

    The one moment that matters: after the message's final dot and before the
    server's answer to it, a lost connection leaves the email maybe delivered.
    """

    dot_sent = False
    answered_dot = False
    last_reply = ""

    def send(self, s):
        super().send(s)
        # smtplib sends the message and its final ".\r\n" in one call.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.dot_sent = True

    def getreply(self):
        code, text = super().getreply()
        self.last_reply = f"{code} {text.decode(errors='replace')}".strip()
        self.answered_dot = self.dot_sent
        return code, text

    @property
    def unanswered_dot(self) -> bool:
        return self.dot_sent and not self.answered_dot


class _SMTP(_Conversation, smtplib.SMTP):
    pass


class _SMTPSSL(_Conversation, smtplib.SMTP_SSL):
    pass


class _Backend(smtp.EmailBackend):
    """Django's SMTP backend, keeping its last conversation to read after a failure."""

    conversation: _Conversation | None = None

    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP

    def open(self):
        opened = super().open()
        self.conversation = self.connection
        return opened


def _mail_backend():
    """The configured mail backend; the SMTP one tells where a failure happened."""
    if import_string(settings.EMAIL_BACKEND) is smtp.EmailBackend:
        return _Backend()
    return mail.get_connection()


def _is_permanent(error: BaseException) -> bool:
    """A refusal that the same message will meet again (5xx), not a hiccup."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


# --- writing outcomes ----------------------------------------------------------------


def _ours(pk: int, attempts: int, *, handed_back_too: bool = False):
    """The row while the claim of its ``attempts``-th try is still ours.

    A claim the sweep handed back (pending, same attempt) is still ours to
    finish; one claimed again (a later attempt) is not.
    """
    statuses = [ReminderStatus.SENDING]
    if handed_back_too:
        statuses.append(ReminderStatus.PENDING)
    return Reminder.objects.filter(pk=pk, attempts=attempts, status__in=statuses)


def _on_a_fresh_connection(update: Callable[[], int]) -> int:
    """Run ``update``; after a lost database connection, again on a new one.

    Raises the last error when the database stays out of reach. Inside a
    transaction there is nothing to reconnect to: the error goes up at once.
    """
    for wait in RECORD_WAITS:
        try:
            return update()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block:
                raise
            logger.warning(
                "The database connection was lost (%s); trying again in %s s",
                error,
                wait,
            )
            with suppress(DatabaseError):
                connection.close()  # the next query opens a new one
            time.sleep(wait)
    return update()


def _finish(reminder: Reminder, **fields) -> bool:
    """Write this attempt's outcome if the claim is still ours; True if written.

    Only the claim that is still ours may finish the row. An outcome that
    cannot be written at all is kept for the next success, and logged.
    """
    status = fields["status"]
    try:
        written = _on_a_fresh_connection(
            lambda: _ours(reminder.pk, reminder.attempts).update(**fields)
        )
    except (OperationalError, InterfaceError) as error:
        _unwritten[reminder.pk] = (reminder.attempts, fields)
        logger.error(
            "REMINDER %s IS %s BUT THE DATABASE DOES NOT SAY SO: it could not be "
            "written (%s). This worker writes it at its next delivery; if it stops "
            "first, the sweep hands the row back after %s s and it goes again.",
            reminder.pk,
            status.upper(),
            error,
            settings.REMINDER_CLAIM_TIMEOUT_SECONDS,
        )
        return False
    if not written:
        logger.warning(
            "Reminder %s: its claim (attempt %s) was taken back before its outcome "
            "(%s) was written; the outcome is lost and the row is another's now.",
            reminder.pk,
            reminder.attempts,
            status,
        )
    return bool(written)


def _write_unwritten() -> None:
    """Write the outcomes an earlier database outage kept from the log."""
    for pk, (attempts, fields) in list(_unwritten.items()):
        try:
            written = _ours(pk, attempts, handed_back_too=True).update(**fields)
        except (OperationalError, InterfaceError):
            return  # still out of reach: the next success writes them
        del _unwritten[pk]
        if written:
            logger.warning(
                "Reminder %s: recorded as %s now that the database answers",
                pk,
                fields["status"],
            )
        else:
            logger.error(
                "Reminder %s: could not record it as %s: it was claimed again "
                "meanwhile, and may go twice",
                pk,
                fields["status"],
            )


def _history(reminder: Reminder, reason: str) -> str:
    """The row's reasons, this attempt's first: every attempt's reason is kept."""
    when = reminder.claimed_at.astimezone(datetime.UTC)
    line = (
        f"{reason[:1000]} [attempt {reminder.attempts}, {when:%Y-%m-%d %H:%M:%S} UTC]"
    )
    earlier = reminder.last_error.splitlines()[: HISTORY_LINES - 1]
    return "\n".join([line, *earlier])


# --- sending ---------------------------------------------------------------------


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
    if reminder.kind in emails.NOTE_EVENTS and not reminder.note_is_live:
        return "The note was deleted before this email went out."
    return ""


def deliver(reminder_id: int, *, now: datetime.datetime | None = None) -> str | None:
    """Send one reminder if it is pending and due; return its new status.

    Returns None when the row is not pending, or not due yet (sent, being
    sent, waiting to retry, or gone): a duplicate task does nothing. Raises
    RetryLater after a passing mail-server failure; the row is then pending
    again with its next attempt time set. ``now`` is not used: the outbox
    keeps the database's time.
    """
    _write_unwritten()
    claimed = (
        _due()
        .filter(pk=reminder_id)
        .update(
            status=ReminderStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=Now(),
        )
    )
    if claimed != 1:
        return None
    reminder = _with_its_note(Reminder.objects.select_related("recipient")).get(
        pk=reminder_id
    )
    reason = _note_gone(reminder) or _recipient_gone(reminder)
    if reason:
        logger.info("Reminder %s skipped: %s", reminder.pk, reason)
        _finish(
            reminder,
            status=ReminderStatus.SKIPPED,
            last_error=_history(reminder, reason),
        )
        return ReminderStatus.SKIPPED
    if reminder.channel == DeliveryChannel.SLACK:
        return _deliver_on_slack(reminder)
    try:
        message = emails.reminder_message(reminder)
    except Exception as error:
        # A bug (a template, a missing page), not the mail server: retrying
        # will not help, so record it where the admin shows it.
        logger.exception("Reminder %s could not be built", reminder.pk)
        return _failed(reminder, f"{type(error).__name__}: {error}")
    backend = _mail_backend()
    message.connection = backend
    try:
        message.send()
    except Exception as error:  # which ones may be retried is decided below
        return _failed_to_send(reminder, error, getattr(backend, "conversation", None))
    logger.info("Reminder %s sent [attempt %s]", reminder.pk, reminder.attempts)
    _finish(reminder, status=ReminderStatus.SENT, sent_at=Now())
    return ReminderStatus.SENT


def _deliver_on_slack(reminder: Reminder) -> str:
    """Send ``reminder`` as a Slack direct message, once; as an email is sent,
    with Slack's answers in place of the mail server's."""
    try:
        text = cards.reminder_text(reminder)
    except Exception as error:
        logger.exception("Reminder %s could not be built", reminder.pk)
        return _failed(reminder, f"{type(error).__name__}: {error}")
    try:
        slack.direct_message(reminder.recipient, text=text)
    except ChatError as error:
        return _failed_on_slack(reminder, error)
    logger.info(
        "Reminder %s sent on Slack [attempt %s]", reminder.pk, reminder.attempts
    )
    _finish(reminder, status=ReminderStatus.SENT, sent_at=Now())
    return ReminderStatus.SENT


def _failed_on_slack(reminder: Reminder, error: ChatError) -> str:
    """Record why Slack refused, and whether to try again; raise RetryLater if so.

    A revoked token or an unknown person is failed with Slack's reason; a
    rate limit waits at least as long as Slack's ``Retry-After``.
    """
    if error.ambiguous:
        reason = (
            f"Ambiguous: {error.reason}. It may have been delivered, so it is "
            "not sent again unless someone retries it."
        )
        logger.error("Reminder %s: %s", reminder.pk, reason)
        _finish(
            reminder,
            status=ReminderStatus.AMBIGUOUS,
            last_error=_history(reminder, reason),
        )
        return ReminderStatus.AMBIGUOUS
    if error.permanent or reminder.attempts >= max_attempts():
        logger.warning("Reminder %s failed on Slack: %s", reminder.pk, error.reason)
        return _failed(reminder, error.reason)
    wait = slack.seconds_until(error.retry_after, backoff(reminder.attempts))
    seconds = int(wait.total_seconds())
    logger.warning(
        "Reminder %s, attempt %s: %s; trying again in %s s",
        reminder.pk,
        reminder.attempts,
        error.reason,
        seconds,
    )
    _finish(
        reminder,
        status=ReminderStatus.PENDING,
        last_error=_history(reminder, f"{error.reason}; trying again in {seconds} s"),
        next_attempt_at=Now() + wait,
    )
    # The task's countdown stays within Redis's visibility timeout; a task
    # that wakes before next_attempt_at claims nothing, and the sweep
    # publishes the row once it is due.
    raise RetryLater(min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


def _failed(reminder: Reminder, reason: str) -> str:
    _finish(
        reminder,
        status=ReminderStatus.FAILED,
        last_error=_history(reminder, reason),
    )
    return ReminderStatus.FAILED


def _failed_to_send(
    reminder: Reminder, error: BaseException, conversation: _Conversation | None
) -> str:
    """Record why a send failed, and whether to try again; raise RetryLater if so."""
    detail = f"{type(error).__name__}: {error}"
    if conversation is not None and conversation.unanswered_dot:
        reason = (
            "Ambiguous: the connection was lost after the message's final dot, "
            f"before the server answered ({detail}). It may have been delivered, "
            "so it is not sent again unless someone retries it. The server last "
            f"said: {conversation.last_reply or 'nothing'}"
        )
        logger.error("Reminder %s: %s", reminder.pk, reason)
        _finish(
            reminder,
            status=ReminderStatus.AMBIGUOUS,
            last_error=_history(reminder, reason),
        )
        return ReminderStatus.AMBIGUOUS
    if not isinstance(error, smtplib.SMTPException | OSError | SoftTimeLimitExceeded):
        logger.exception("Reminder %s could not be sent", reminder.pk)
        return _failed(reminder, detail)
    if _is_permanent(error) or reminder.attempts >= max_attempts():
        why = "refused for good" if _is_permanent(error) else "the last attempt"
        logger.warning("Reminder %s failed (%s): %s", reminder.pk, why, detail)
        return _failed(reminder, detail)
    seconds = backoff(reminder.attempts)
    logger.warning(
        "Reminder %s, attempt %s: %s; trying again in %s s",
        reminder.pk,
        reminder.attempts,
        detail,
        seconds,
    )
    _finish(
        reminder,
        status=ReminderStatus.PENDING,
        last_error=_history(reminder, f"{detail}; trying again in {seconds} s"),
        next_attempt_at=Now() + datetime.timedelta(seconds=seconds),
    )
    raise RetryLater(seconds) from error


def retry_failed(ids: Iterable[int], *, now: datetime.datetime | None = None) -> int:
    """Give failed and ambiguous reminders a fresh set of attempts and publish
    them; return how many. A person's decision: an ambiguous email may arrive
    twice. ``now`` is not used."""
    return retry_rows(Reminder, ids, publish=enqueue)


def retry_rows(model, ids: Iterable[int], *, publish) -> int:
    """Put the failed and ambiguous rows of an outbox (``Reminder``, or a
    channel's ``ChannelPost``) among ``ids`` back to pending with fresh
    attempts, and ``publish`` their ids after the commit; return how many."""
    with transaction.atomic():
        pks = list(
            model.objects.filter(
                pk__in=list(ids),
                status__in=[ReminderStatus.FAILED, ReminderStatus.AMBIGUOUS],
            ).values_list("pk", flat=True)
        )
        model.objects.filter(pk__in=pks).update(
            status=ReminderStatus.PENDING,
            attempts=0,
            next_attempt_at=Now(),  # published after the commit
            last_error=Concat(
                Value("Retried by hand.\n"), "last_error", output_field=CharField()
            ),
        )
        if pks:
            transaction.on_commit(lambda: publish(pks), robust=True)
    return len(pks)
