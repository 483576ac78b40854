"""Issue 18's faults, in this process: a real SMTP server on a loopback port
that stalls, hangs up and refuses on cue (``tests.fault_servers.FakeSMTP``),
PostgreSQL sessions ended while an outcome is being written, a sweeping clock
that runs ahead, and the counts a sweep reports.

The outbox keeps the database's clock: a test lets time pass for a row by
moving its timestamps back (``comes_due``, ``claim_ages``). The same faults
with real workers and a real Redis are in ``test_reminders_faults_processes``.
"""

import datetime
import re
import threading

import pytest
from django.core import checks, mail
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from growth import emails
from growth.models import (
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
)
from growth.reminders import delivery, notify_feedback_requested
from growth.reminders.delivery import RetryLater, deliver, record, retry_failed, sweep
from growth.reminders.planning import plan
from growth.tasks import send_reminder
from tests import factories
from tests.fault_servers import FakeSMTP, refusing_connections, spare_port
from tests.growth.test_reminders import claim_ages, comes_due, set_mia_only
from tests.reminders_support import (
    memory_broker,
    only_rules,
    publishing_to,
    reseed_after,
    utc,
)

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)  # a Monday, 09:00 UTC: the planning clock
MINUTE = datetime.timedelta(minutes=1)
AMBIGUOUS = "Ambiguous: the connection was lost after the message's final dot"


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


@pytest.fixture(autouse=True)
def _nothing_unwritten_left_behind():
    yield
    delivery._unwritten.clear()


@pytest.fixture
def broker():
    yield from memory_broker()


@pytest.fixture
def smtp():
    """A fake SMTP server, configured as the mail server, with a 1 s timeout."""
    with (
        FakeSMTP() as server,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=server.port,
            EMAIL_TIMEOUT=1,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ),
    ):
        yield server


@pytest.fixture
def org(cast):
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    return cast


def an_email(cast, asker=None) -> Reminder:
    """Someone asks Alice for feedback: one email to her, pending."""
    request = factories.make_request(
        asker or cast.bob, cast.alice, due_on=datetime.date(2026, 12, 11)
    )
    return notify_feedback_requested(request=request, now=NOW)


def status_of(reminder) -> str:
    reminder.refresh_from_db()
    return reminder.status


def logged(caplog, level: str, *parts) -> list[str]:
    """The messages logged at ``level`` that hold every one of ``parts``."""
    messages = [r.getMessage() for r in caplog.records if r.levelname == level]
    return [text for text in messages if all(part in text for part in parts)]


THREAD_SESSION = "cultivate-fault-thread"


class InAThread(threading.Thread):
    """Run ``function(*args)`` in a thread of its own (its own database session)."""

    def __init__(self, function, *args):
        super().__init__(daemon=True)
        self.function, self.args = function, args
        self.result = self.error = None
        self.start()

    def run(self):
        try:
            # Named, so that a test ends this session and no other one of the
            # process (the live server's, say).
            with connection.cursor() as cursor:
                cursor.execute("SET application_name = %s", [THREAD_SESSION])
            self.result = self.function(*self.args)
        except Exception as error:  # the test reads it
            self.error = error
        finally:
            connections.close_all()


# --- 2: an answer to the final dot that never comes --------------------------------


def test_a_final_reply_later_than_email_timeout_is_ambiguous_and_not_sent_again(
    cast, smtp, broker, caplog
):
    only_rules()
    email = an_email(cast)
    smtp.stall(at="dot")  # the server has the message; it answers too late
    assert deliver(email.pk) == ReminderStatus.AMBIGUOUS
    email.refresh_from_db()
    assert email.status == ReminderStatus.AMBIGUOUS
    assert email.last_error.startswith(AMBIGUOUS)
    assert "timed out" in email.last_error
    assert "The server last said: 354 go ahead" in email.last_error
    assert logged(caplog, "ERROR", f"Reminder {email.pk}:", AMBIGUOUS)
    smtp.release()
    # Nothing sends it again on its own: not the sweep, not a duplicate task.
    assert sweep(now=NOW + MINUTE).published == 0
    assert deliver(email.pk) is None
    assert smtp.reminder_ids() == [email.pk]


def test_a_connection_lost_after_the_final_dot_is_ambiguous(cast, smtp, broker):
    only_rules()
    email = an_email(cast)
    smtp.hang_up(at="dot")
    assert deliver(email.pk) == ReminderStatus.AMBIGUOUS
    email.refresh_from_db()
    assert email.last_error.startswith(AMBIGUOUS)
    assert "SMTPServerDisconnected" in email.last_error
    assert sweep(now=NOW).published == 0
    assert smtp.reminder_ids() == [email.pk]


def test_the_send_task_does_not_retry_an_ambiguous_email(cast, smtp, broker):
    email = an_email(cast)
    smtp.stall(at="dot", times=None)
    # Run eagerly, Celery would apply a retry at once: there is none.
    assert send_reminder.apply(args=[email.pk]).get() == ReminderStatus.AMBIGUOUS
    assert smtp.conversations == 1
    assert status_of(email) == ReminderStatus.AMBIGUOUS


def test_staff_retry_an_ambiguous_email_by_hand_and_it_goes_again(
    cast, smtp, broker, django_capture_on_commit_callbacks
):
    email = an_email(cast)
    smtp.stall(at="dot")
    assert deliver(email.pk) == ReminderStatus.AMBIGUOUS
    smtp.release()
    broker.drain()
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed([email.pk]) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (ReminderStatus.PENDING, 0)
    first, second = email.last_error.splitlines()[:2]
    assert (first, second[: len(AMBIGUOUS)]) == ("Retried by hand.", AMBIGUOUS)
    assert broker.ids() == [email.pk]
    assert deliver(email.pk) == ReminderStatus.SENT
    # A person decided it: the server may now hold it twice.
    assert smtp.reminder_ids() == [email.pk, email.pk]


# --- before the final dot: retried, every reason kept ---------------------------


def test_a_stall_before_the_recipient_is_retried_and_then_sent_once(cast, smtp, broker):
    email = an_email(cast)
    smtp.stall(at="rcpt")
    with pytest.raises(RetryLater):
        deliver(email.pk)
    email.refresh_from_db()
    assert email.status == ReminderStatus.PENDING
    assert "timed out" in email.last_error
    smtp.release()
    comes_due(email.pk)
    assert deliver(email.pk) == ReminderStatus.SENT
    assert smtp.reminder_ids() == [email.pk]


def test_421_for_a_while_keeps_and_logs_every_attempts_reason(
    cast, smtp, broker, caplog
):
    email = an_email(cast)
    smtp.refuse(421, at="connect", times=2)
    for _attempt in range(2):
        with pytest.raises(RetryLater):
            deliver(email.pk)
        comes_due(email.pk)
    assert deliver(email.pk) == ReminderStatus.SENT
    email.refresh_from_db()
    assert email.status == ReminderStatus.SENT
    # Kept on success, newest first.
    assert re.findall(
        r"SMTPConnectError: \(421.*\[attempt (\d),", email.last_error
    ) == [
        "2",
        "1",
    ]
    assert len(logged(caplog, "WARNING", f"Reminder {email.pk}, attempt", "421")) == 2
    assert smtp.reminder_ids() == [email.pk]


def test_a_550_fails_at_once_with_the_servers_reason(cast, smtp, broker):
    email = an_email(cast)
    smtp.refuse(550, at="rcpt")
    assert deliver(email.pk) == ReminderStatus.FAILED
    email.refresh_from_db()
    assert "SMTPRecipientsRefused" in email.last_error and "550" in email.last_error
    assert smtp.accepted == []


def test_a_refused_connection_is_retried_once_the_server_listens(cast, smtp, broker):
    email = an_email(cast)
    smtp.stop()
    with pytest.raises(RetryLater):
        deliver(email.pk)
    assert "ConnectionRefusedError" in Reminder.objects.get(pk=email.pk).last_error
    smtp.start()
    comes_due(email.pk)
    assert deliver(email.pk) == ReminderStatus.SENT
    assert smtp.reminder_ids() == [email.pk]


# --- 1: sent stays sent when the database is gone ------------------------------------


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_an_outcome_the_database_cannot_take_is_logged_and_written_at_the_next_success(
    cast, smtp, broker, caplog, monkeypatch
):
    only_rules()
    monkeypatch.setattr(delivery, "RECORD_WAITS", (0.05, 0.1))
    first, second = an_email(cast), an_email(cast, asker=cast.max)
    smtp.stall(at="dot")
    sending = InAThread(deliver, first.pk)
    assert smtp.holding.wait(10)
    # The server accepts while the database is out of reach for every retry.
    with refusing_connections(application_name=THREAD_SESSION):
        smtp.release()
        sending.join(timeout=30)
    assert (sending.result, sending.error) == (ReminderStatus.SENT, None)
    assert status_of(first) == ReminderStatus.SENDING
    assert logged(caplog, "ERROR", f"REMINDER {first.pk} IS SENT BUT THE DATABASE")
    # The database is back: this worker's next delivery writes the first too.
    assert deliver(second.pk) == ReminderStatus.SENT
    assert status_of(first) == ReminderStatus.SENT
    claim_ages(first.pk)
    assert sweep(now=NOW).published == 0
    assert sorted(smtp.reminder_ids()) == sorted([first.pk, second.pk])


def test_a_finish_that_lost_its_claim_is_logged(cast, broker, caplog, monkeypatch):
    email = an_email(cast)
    build = emails.reminder_message

    def claimed_again_meanwhile(row):
        # The sweep handed the claim back and another worker took it.
        Reminder.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        return build(row)

    monkeypatch.setattr(emails, "reminder_message", claimed_again_meanwhile)
    assert deliver(email.pk) == ReminderStatus.SENT
    assert len(mail.outbox) == 1
    assert logged(caplog, "WARNING", f"Reminder {email.pk}: its claim (attempt 1)")
    assert status_of(email) == ReminderStatus.SENDING  # the other worker's claim


# --- 6: clocks and claims ------------------------------------------------------------


def test_a_claim_waits_for_its_next_attempt_time(cast, broker):
    only_rules()
    email = an_email(cast)
    Reminder.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert deliver(email.pk) is None  # an early copy of the task
    assert sweep(now=NOW).published == 0
    comes_due(email.pk)
    assert deliver(email.pk) == ReminderStatus.SENT


def test_a_sweep_whose_clock_runs_ahead_leaves_a_live_claim_alone(cast, broker):
    only_rules()
    email = an_email(cast)
    Reminder.objects.filter(pk=email.pk).update(
        status=ReminderStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    # Issue 18, 3 and 6: a --now an hour ahead, or a skewed host, handed back
    # claims still being sent, and they went twice.
    ahead = timezone.now() + datetime.timedelta(hours=1)
    assert sweep(now=ahead).handed_back == 0
    assert status_of(email) == ReminderStatus.SENDING
    claim_ages(email.pk)
    assert sweep(now=ahead).handed_back == 1
    assert status_of(email) == ReminderStatus.PENDING


@override_settings(REMINDER_CLAIM_TIMEOUT_SECONDS=30)
def test_the_claim_timeout_is_a_setting(cast, broker):
    only_rules()
    email = an_email(cast)
    Reminder.objects.filter(pk=email.pk).update(
        status=ReminderStatus.SENDING, attempts=1, claimed_at=timezone.now()
    )
    claim_ages(email.pk, by=datetime.timedelta(seconds=20))
    assert sweep(now=timezone.now()).handed_back == 0
    claim_ages(email.pk, by=datetime.timedelta(seconds=11))
    assert sweep(now=timezone.now()).handed_back == 1


def test_startup_refuses_a_task_time_limit_not_below_the_claim_timeout():
    assert "growth.E001" not in {message.id for message in checks.run_checks()}
    for limit in (600, 900, None):
        with override_settings(
            CELERY_TASK_TIME_LIMIT=limit, REMINDER_CLAIM_TIMEOUT_SECONDS=600
        ):
            [problem] = [m for m in checks.run_checks() if m.id == "growth.E001"]
        assert problem.level == checks.ERROR
        assert "must be below REMINDER_CLAIM_TIMEOUT_SECONDS (600 s)" in problem.msg


# --- 6: what a sweep says it did --------------------------------------------------------


def test_the_sweep_counts_what_it_planned_recorded_published_and_skipped(org, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    ReminderPreference.objects.create(
        user=org.mia.user, kind=ReminderKind.FEEDBACK_DUE, email_enabled=False
    )
    result = sweep(now=NOW)
    assert (result.planned, result.recorded, result.skipped, result.published) == (
        2,
        2,
        1,
        1,
    )
    assert broker.ids() == [Reminder.objects.get(recipient=org.skip.user).pk]


def test_rows_another_sweep_recorded_first_are_not_counted_as_recorded(org):
    only_rules(ReminderKind.FEEDBACK_DUE)
    planned = plan(now=NOW)
    assert record(planned, now=NOW).recorded == 2
    # A second sweep that planned the same rows before the first wrote them.
    assert record(planned, now=NOW).recorded == 0


def test_with_the_broker_down_the_sweep_records_but_publishes_nothing(org, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    with publishing_to(f"redis://127.0.0.1:{spare_port()}/0"):
        result = sweep(now=NOW)
    assert (result.planned, result.recorded, result.published) == (1, 1, 0)
    assert sweep(now=NOW + MINUTE).published == 1


# --- /healthz -------------------------------------------------------------------------


@pytest.fixture
def healthz(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    return lambda: client.get(reverse("healthz"))


def test_healthz_counts_the_reminders_only_a_person_can_send_again(cast, healthz):
    for n, status in enumerate(["ambiguous", "ambiguous", "failed", "sent"]):
        Reminder.objects.create(
            recipient=cast.alice.user,
            kind=ReminderKind.REQUEST_PENDING,
            period_key=f"request-{n}",
            subject="s",
            status=status,
            sent_at=timezone.now(),
        )
    response = healthz()
    assert response.status_code == 200
    assert response.json()["reminders"] == {"failed": 1, "ambiguous": 2}


@override_settings(REMINDER_SWEEP_SECONDS=60)
def test_healthz_calls_the_sweep_stale_after_three_of_its_intervals(cast, healthz):
    ReminderRule.objects.update(last_swept_at=timezone.now() - 2 * MINUTE)
    assert healthz().json()["sweep"]["state"] == "recent"
    ReminderRule.objects.update(last_swept_at=timezone.now() - 4 * MINUTE)
    assert healthz().json()["sweep"]["state"] == "stale"
