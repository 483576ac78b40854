"""Issue 18's faults with real processes: Celery workers in subprocesses on this
test's PostgreSQL database, a throwaway ``redis-server`` that a test pauses
(SIGSTOP), kills and starts again, a fake SMTP server on a loopback port, and
the workers' PostgreSQL sessions ended with ``pg_terminate_backend``.

The module's Redis, mail server and two workers are shared by its tests
(a worker takes seconds to start); each test sets the mail server's behaviour,
and it is reset after. Everything here is committed (``transaction=True``).
"""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from growth.models import EventKind, Reminder, ReminderKind, ReminderStatus
from growth.reminders import delivery, notify_feedback_requested
from tests import factories
from tests.fault_servers import FakeSMTP, RedisServer, terminate_sessions, wait_for
from tests.growth.test_reminders import claim_ages
from tests.reminders_support import Worker, only_rules, reseed_after, seed_defaults

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.service("postgres"),
    pytest.mark.django_db(transaction=True),
]

HOUR = datetime.timedelta(hours=1)
UNFINISHED = (ReminderStatus.PENDING, ReminderStatus.SENDING)


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


@pytest.fixture(scope="module")
def redis():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def smtp():
    with FakeSMTP() as server:
        yield server


@pytest.fixture
def mail_server(smtp):
    """The module's mail server, as it was after each test."""
    yield smtp
    smtp.release()
    smtp.clear()
    smtp.holding.clear()
    smtp.accepted.clear()
    smtp.answer_delay = 0.0


@pytest.fixture(scope="module")
def workers(django_db_setup, redis, smtp, tmp_path_factory):
    """Two workers (solo pools) on the module's Redis and mail server."""
    var_dir = tmp_path_factory.mktemp("var")
    started = [
        Worker(
            broker_url=redis.url,
            email_url=smtp.url,
            var_dir=var_dir,
            name=f"cultivate-worker-{n}",
            EMAIL_TIMEOUT="5",
        ).start(wait=False)
        for n in (1, 2)
    ]
    try:
        for worker in started:
            worker.ready()
        yield started
    finally:
        for worker in started:
            worker.stop()


def logs(workers) -> str:
    return "\n".join(worker.log(200) for worker in workers)


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


# --- 1: the database connection lost right after the server accepted ------------------


def test_a_workers_session_ended_while_the_server_holds_its_answer_sends_once(
    cast, redis, workers, mail_server
):
    only_rules()
    mail_server.stall(at="dot")
    email = ask_alice(cast, redis)
    assert mail_server.holding.wait(30), logs(workers)
    # A PostgreSQL restart, a failover, a pooler restart: the sending
    # worker's session ends while the server holds the final answer.
    ended = sum(
        terminate_sessions(application_name=f"cultivate-worker-{n}") for n in (1, 2)
    )
    assert ended >= 1
    mail_server.release()
    wait_for(
        lambda: (
            status_of(email) not in UNFINISHED or "raised unexpected" in logs(workers)
        ),
        timeout=30,
        what="the worker to finish the email",
        log=lambda: logs(workers),
    )
    assert status_of(email) == ReminderStatus.SENT, logs(workers)
    assert "The database connection was lost" in logs(workers)
    # Past the claim timeout, the sweep finds nothing to hand back and resend.
    claim_ages(email.pk)
    with redis.publishing():
        assert delivery.sweep(now=timezone.now()).published == 0
    assert mail_server.reminder_ids() == [email.pk]


# --- 4: a hung Redis does not slow a page -------------------------------------------


def test_a_shared_note_posted_while_redis_hangs_answers_at_once_and_is_sent_once(
    cast, redis, workers, mail_server, client
):
    only_rules()
    client.force_login(cast.mia.user)
    assert client.get(reverse("feedback-create")).status_code == 200  # warm
    redis.pause()  # SIGSTOP: connections are accepted, nothing is answered
    try:
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
        took = time.monotonic() - started
    finally:
        redis.resume()
    assert response.status_code == 302
    assert took < 1, f"the post took {took:.2f} s"
    email = Reminder.objects.get(
        recipient=cast.alice.user, kind=EventKind.FEEDBACK_RECEIVED
    )
    assert (email.status, email.next_attempt_at) == (ReminderStatus.PENDING, None)
    with redis.publishing():
        assert delivery.sweep(now=timezone.now()).published == 1
    wait_for(
        lambda: status_of(email) == ReminderStatus.SENT,
        timeout=30,
        what="the email once Redis answers again",
        log=lambda: logs(workers),
    )
    assert mail_server.reminder_ids() == [email.pk]


# --- 5: Redis lost its queue ------------------------------------------------------------


@override_settings(REMINDER_SWEEP_SECONDS=2)  # a sweep every two seconds
def test_what_redis_lost_is_published_again_within_two_sweeps(
    cast, mail_server, tmp_path
):
    only_rules(ReminderKind.FEEDBACK_DUE, send_hour=0)
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    lost = RedisServer().start()
    worker = None
    try:
        # Published on commit, and by a sweep; no worker has taken them yet.
        event = ask_alice(cast, lost)
        with lost.publishing():
            delivery.sweep(now=timezone.now())
        waiting = Reminder.objects.filter(status__in=UNFINISHED)
        assert waiting.count() == 3
        assert lost.queued() >= 3
        lost.kill()  # no persistence: the queue dies with it
        lost.start()
        assert lost.queued() == 0
        worker = Worker(
            broker_url=lost.url,
            email_url=mail_server.url,
            var_dir=tmp_path / "var",
            name="cultivate-worker-3",
        ).start(wait=False)
        # The next sweep: the rows have waited half its interval by then.
        time.sleep(1)
        with lost.publishing():
            recovery = delivery.sweep(now=timezone.now())
        worker.ready()
        wait_for(
            lambda: not waiting.exists(),
            timeout=30,
            what="every waiting email sent after the next sweep",
            log=worker.log,
        )
        assert recovery.published == 3
    finally:
        if worker is not None:
            worker.stop()
        lost.stop()
    sent = Counter(mail_server.reminder_ids())
    assert event.pk in sent and len(sent) == 3
    assert set(sent.values()) == {1}


# --- two beats and two workers for a simulated week -------------------------------


def test_two_beats_and_two_workers_for_a_simulated_week_send_each_email_once(
    cast, redis, workers, mail_server
):
    seed_defaults()  # every rule on
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    factories.make_goal(cast.alice, target_date=timezone.now().date())
    team = factories.make_team("Crowd")
    for n in range(10):
        boss = factories.make_engineer(f"Boss {n}", team=team)
        factories.make_engineer(
            f"Report {n}", team=team, manager=boss, start_date=datetime.date(2025, 1, 1)
        )
    # A busy server: sends overlap the sweeps, so claims are live when a
    # sweep whose (injected) clock is hours ahead of the database's looks.
    mail_server.answer_delay = 0.05
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    # Every three hours: each send hour is caught up at the next tick, as a
    # stopped beat's would be, and a week takes seconds.
    ticks = [start + hours * HOUR for hours in range(0, 7 * 24, 3)]
    barrier = threading.Barrier(2, timeout=30)
    errors = []

    def beat():
        try:
            barrier.wait()
            for tick in ticks:
                delivery.sweep(now=tick, publish_timeout=None)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    t0 = time.monotonic()
    with redis.publishing():
        beats = [threading.Thread(target=beat) for _ in range(2)]
        for thread in beats:
            thread.start()
        for thread in beats:
            thread.join(timeout=240)
    print("beats took", time.monotonic() - t0)
    assert errors == []
    unfinished = Reminder.objects.filter(status__in=UNFINISHED)
    wait_for(
        lambda: not unfinished.exists(),
        timeout=60,
        what="every recorded email sent",
        log=lambda: logs(workers),
    )
    sent = Counter(mail_server.reminder_ids())
    recorded = Reminder.objects.all()
    assert set(sent.values()) == {1}  # no duplicates
    assert set(sent) == set(recorded.values_list("pk", flat=True))  # none lost
    assert set(recorded.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert len(sent) > 40
    assert {key[-3:] for key in recorded.values_list("period_key", flat=True)} >= {
        f"W{week:02d}"
        for week in {start.isocalendar().week, ticks[-1].isocalendar().week}
    }
