"""End to end with a real Redis and a real Celery worker, and the faults.

Each test starts its own ``redis-server`` on a spare port and runs
``celery -A growth worker`` as a subprocess against this test's PostgreSQL
database (so the data is committed: ``transactional_db``). Every wait is
bounded; every process is stopped in a fixture's teardown.
"""

import datetime
import time

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from growth.celery import app as celery_app
from growth.models import EventKind, Reminder, ReminderKind, ReminderStatus
from growth.reminders import delivery, notify_feedback_requested
from tests import factories
from tests.reminders_support import (
    FakeSMTP,
    RedisServer,
    Worker,
    only_rules,
    reseed_after,
    wait_for,
)

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.service("postgres"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


@pytest.fixture
def redis():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(redis, tmp_path):
    """Start workers with ``workers(email_url, **env)``; all stopped at the end."""
    started = []

    def start(email_url, **env):
        worker = Worker(
            broker_url=redis.url, email_url=email_url, var_dir=tmp_path / "var", **env
        )
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def emails_in(folder) -> list[str]:
    """Every message the file backend wrote (one file may hold several)."""
    separator = "-" * 79
    return [
        message.strip()
        for path in sorted(folder.iterdir())
        for message in path.read_text().split(separator)
        if message.strip()
    ]


def status_of(reminder) -> str:
    reminder.refresh_from_db()
    return reminder.status


def ask_alice(cast, redis):
    """Bob asks Alice for feedback, in a committed transaction: one email."""
    request = factories.make_request(
        cast.bob, cast.alice, due_on=datetime.date(2026, 12, 11)
    )
    with redis.publishing(), transaction.atomic():
        return notify_feedback_requested(request=request, now=timezone.now())


def test_beats_sweep_task_delivers_the_digests_end_to_end(
    cast, redis, workers, mail_dir
):
    only_rules(ReminderKind.WEEKLY_DIGEST, digest_weekday=0, send_hour=0)
    worker = workers(f"file://{mail_dir}")
    # What beat does every 15 minutes: publish the sweep task by name.
    with redis.publishing(), celery_app.connection_for_write() as connection:
        celery_app.send_task("growth.tasks.sweep_reminders", connection=connection)
    digests = Reminder.objects.filter(kind=ReminderKind.WEEKLY_DIGEST)
    wait_for(
        lambda: digests.filter(status=ReminderStatus.SENT).count() == 2,
        timeout=30,
        what="two digests sent",
        log=worker.log,
    )
    sent = emails_in(mail_dir)
    assert len(sent) == 2
    to_mia = next(email for email in sent if cast.mia.user.email in email)
    assert "Subject: Your team this week: 2 reports" in to_mia
    assert "Alice Engineer" in to_mia and "Bob Peer" in to_mia
    assert "http://cultivate.test/team/" in to_mia
    assert any(cast.skip.user.email in email for email in sent)


def test_a_worker_killed_mid_send_then_restarted_sends_exactly_one_email(
    cast, redis, workers
):
    only_rules()
    with FakeSMTP() as smtp:
        # The server takes a message only once it has answered its final dot.
        smtp.keep_unanswered = False
        smtp.stall(at="dot")
        first = workers(smtp.url)
        reminder = ask_alice(cast, redis)
        assert smtp.holding.wait(30), first.log()
        first.kill()  # SIGKILL while the mail server holds the message
        smtp.release()
        assert status_of(reminder) == ReminderStatus.SENDING
        second = workers(smtp.url)
        # Eleven minutes on, a tick finds the claim stale and queues it again.
        Reminder.objects.filter(pk=reminder.pk).update(
            claimed_at=F("claimed_at") - datetime.timedelta(minutes=11)
        )
        with redis.publishing():
            assert delivery.sweep(now=timezone.now()).handed_back == 1
        wait_for(
            lambda: status_of(reminder) == ReminderStatus.SENT,
            timeout=30,
            what="the reminder sent after the restart",
            log=second.log,
        )
        # A duplicate of the task (say, Redis redelivering the lost one) sends
        # nothing more.
        done = second.count("succeeded in")
        with redis.publishing():
            delivery.enqueue([reminder.pk])
        wait_for(
            lambda: second.count("succeeded in") > done,
            timeout=30,
            what="the duplicate task to run",
            log=second.log,
        )
        assert len(smtp.accepted) == 1
    reminder.refresh_from_db()
    assert reminder.attempts == 2


def test_a_mail_server_failing_twice_then_accepting_sends_one_email(
    cast, redis, workers
):
    only_rules()
    with FakeSMTP(refuse=2) as smtp:
        worker = workers(smtp.url, REMINDER_RETRY_BASE_SECONDS="1")
        reminder = ask_alice(cast, redis)
        wait_for(
            lambda: status_of(reminder) == ReminderStatus.SENT,
            timeout=30,
            what="the reminder sent on the third attempt",
            log=worker.log,
        )
        assert (smtp.attempts, len(smtp.accepted)) == (3, 1)
    assert reminder.attempts == 3
    assert worker.count("Retry in 1s") == 1
    assert worker.count("Retry in 2s") == 1


def test_redis_down_while_feedback_is_logged_then_it_arrives_once_redis_is_back(
    cast, redis, workers, mail_dir, client
):
    only_rules()
    redis.stop()
    client.force_login(cast.mia.user)
    started = time.monotonic()
    with redis.publishing():
        response = client.post(
            reverse("feedback-create"),
            {
                "engineer": cast.alice.pk,
                "kind": "technical",
                "competency": factories.competency("technical").pk,
                "sentiment": "praise",
                "situation": "In the incident review",
                "behaviour": "You kept the timeline",
                "impact": "We found the cause in minutes",
                "suggestion": "Write it up for the runbook",
                "visibility": "shared",
            },
        )
    # The page succeeds, and is not held up by the broker being down.
    assert response.status_code == 302
    assert time.monotonic() - started < 3
    reminder = Reminder.objects.get(
        recipient=cast.alice.user, kind=EventKind.FEEDBACK_RECEIVED
    )
    assert (reminder.status, reminder.next_attempt_at) == (ReminderStatus.PENDING, None)

    redis.start()
    worker = workers(f"file://{mail_dir}")
    with redis.publishing():
        assert delivery.sweep(now=timezone.now()).published == 1
    wait_for(
        lambda: status_of(reminder) == ReminderStatus.SENT,
        timeout=30,
        what="the notification email once Redis is back",
        log=worker.log,
    )
    [email] = emails_in(mail_dir)
    assert "Subject: Mia Manager " in email  # praised you, or left you feedback
    assert cast.alice.user.email in email
