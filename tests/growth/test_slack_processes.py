"""Issue 16's promise for Slack with real processes: one message per reminder
under two sweeps and a killed worker.

The sweeps and Celery workers run as subprocesses on this test's PostgreSQL
database, with a throwaway ``redis-server`` as their broker; Slack is the
fake Web API of tests/chat_servers.py on a loopback port, whose address they
get from their environment (``SLACK_API_URL``). Everything is committed
(``transaction=True``). Claims age by an update, as in the email tests:
nobody waits ten minutes.
"""

import datetime
import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from growth.models import (
    DeliveryChannel,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
)
from growth.reminders import delivery, notify_feedback_requested
from tests import factories
from tests.chat_servers import FakeSlack
from tests.reminders_support import (
    BASE_DIR,
    RedisServer,
    Worker,
    only_rules,
    reseed_after,
    test_database_url,
    utc,
    wait_for,
)

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.service("postgres"),
    pytest.mark.django_db(transaction=True),
]

NOW = utc(2026, 11, 30, 9)
TOKEN = "xoxb-process-token"
ASKED = EventKind.FEEDBACK_REQUESTED


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


@pytest.fixture
def fake_slack(settings):
    """The fake Slack Web API, configured here and for every subprocess."""
    with FakeSlack(token=TOKEN) as server:
        settings.SLACK_BOT_TOKEN = TOKEN
        settings.SLACK_API_URL = server.url
        settings.SLACK_PUBLIC_CHANNEL = ""
        try:
            yield server
        finally:
            server.release()  # a held request must not outlive its test


@pytest.fixture
def redis():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def workers(redis, fake_slack, mail_dir, tmp_path):
    """Start workers on Slack and the mail folder with ``workers(**env)``;
    every one is stopped at the end."""
    started = []

    def start(*, wait=True, **env):
        worker = Worker(
            broker_url=redis.url,
            email_url=f"file://{mail_dir}",
            var_dir=tmp_path / "var",
            name=f"cultivate-slack-worker-{len(started) + 1}",
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_API_URL=fake_slack.url,
            **env,
        )
        started.append(worker)
        return worker.start(wait=wait)

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def emailed_reminder_ids(folder) -> Counter:
    """How many times each reminder went by email, from the file backend."""
    return Counter(
        int(pk)
        for path in folder.iterdir()
        for pk in re.findall(r"Message-ID: <reminder-(\d+)@", path.read_text())
    )


def on_slack(user, kind, *, email=True) -> None:
    ReminderPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email_enabled": email, "slack_enabled": True}
    )


def ask_alice(cast, redis, *, email=True) -> Reminder:
    """Bob asks Alice, who chose Slack for this, for feedback: committed, and
    published to the test's Redis after the commit. Returns the Slack row."""
    on_slack(cast.alice.user, ASKED, email=email)
    request = factories.make_request(
        cast.bob, cast.alice, due_on=datetime.date(2026, 12, 11)
    )
    with redis.publishing(), transaction.atomic():
        notify_feedback_requested(request=request, now=timezone.now())
    return Reminder.objects.get(
        recipient=cast.alice.user, kind=ASKED, channel=DeliveryChannel.SLACK
    )


def row_of(reminder) -> Reminder:
    reminder.refresh_from_db()
    return reminder


def claim_ages(pk, by=datetime.timedelta(minutes=11)) -> None:
    """Time passes for the row's claim: by default past the claim timeout."""
    Reminder.objects.filter(pk=pk).update(claimed_at=F("claimed_at") - by)


def logs(*workers) -> str:
    return "\n".join(worker.log(120) for worker in workers)


# --- 1: two sweeps in two processes at once --------------------------------------------


def test_two_processes_sweeping_at_once_post_one_message_and_send_one_email_each(
    fake_slack, tmp_path, mail_dir
):
    only_rules(ReminderKind.FEEDBACK_DUE, send_hour=0)
    team = factories.make_team("Crowd")
    bosses = []
    for n in range(25):
        boss = factories.make_engineer(f"Boss {n}", team=team, start_date=NOW.date())
        factories.make_engineer(
            f"Report {n}", team=team, manager=boss, start_date=datetime.date(2025, 1, 1)
        )
        on_slack(boss.user, ReminderKind.FEEDBACK_DUE)
        fake_slack.users[boss.user.email] = f"UBOSS{n}"
        bosses.append(boss)
    # A busy Slack: the two processes' sends overlap.
    fake_slack.answer_delay = 0.02
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "EMAIL_", "REDIS_", "SLACK_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="growth.settings",
        DATABASE_URL=test_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        EMAIL_URL=f"file://{mail_dir}",
        CULTIVATE_VAR_DIR=str(tmp_path / "var"),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=fake_slack.url,
    )
    command = [sys.executable, "manage.py", "send_reminders"]
    sweeps = [
        subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sweep.communicate(timeout=120)[0] for sweep in sweeps]
    assert [sweep.returncode for sweep in sweeps] == [0, 0], outputs

    due = Reminder.objects.filter(kind=ReminderKind.FEEDBACK_DUE)
    slack_rows = due.filter(channel=DeliveryChannel.SLACK)
    email_rows = due.filter(channel=DeliveryChannel.EMAIL)
    assert set(slack_rows.values_list("recipient_id", flat=True)) == {
        boss.user_id for boss in bosses
    }
    assert set(due.values_list("status", flat=True)) == {ReminderStatus.SENT}
    # Slack: one chat.postMessage per reminder per person, and no other try.
    assert Counter(m["channel"] for m in fake_slack.posted()) == {
        f"UBOSS{n}": 1 for n in range(25)
    }
    assert len(fake_slack.post_requests()) == 25
    assert all("Feedback due" in m["text"] for m in fake_slack.posted())
    # Email: one per reminder, as before Slack.
    emailed = emailed_reminder_ids(mail_dir)
    assert set(emailed) == set(email_rows.values_list("pk", flat=True))
    assert set(emailed.values()) == {1}
    assert Counter(email_rows.values_list("recipient_id", flat=True)) == {
        boss.user_id: 1 for boss in bosses
    }


# --- 2: a worker killed inside chat.postMessage ----------------------------------------


def test_a_worker_killed_inside_post_message_is_handed_back_and_posts_once(
    cast, redis, fake_slack, workers, mail_dir
):
    only_rules()
    fake_slack.users[cast.alice.user.email] = "UALICE"
    # Slack takes a message only once it has answered: the one whose worker
    # died while Slack held it was never posted (as the email test's server).
    fake_slack.keep_unanswered = False
    fake_slack.hold("chat.postMessage")
    first = workers()
    row = ask_alice(cast, redis)
    assert fake_slack.wait_held(1, timeout=30), first.log()
    first.kill()  # SIGKILL while Slack holds the request open
    wait_for(
        lambda: fake_slack.post_requests()[0].gone,
        timeout=10,
        what="the fake Slack to notice the dead client",
    )
    fake_slack.release()
    assert (row_of(row).status, row.attempts) == (ReminderStatus.SENDING, 1)
    assert fake_slack.posted() == []
    second = workers(wait=False)
    # Before the claim timeout the sweep leaves the claim alone: nothing more.
    with redis.publishing():
        assert delivery.sweep(now=timezone.now()).handed_back == 0
    # Eleven minutes on, a sweep finds the claim stale and hands it back.
    claim_ages(row.pk)
    with redis.publishing():
        assert delivery.sweep(now=timezone.now()).handed_back == 1
    second.ready()
    wait_for(
        lambda: row_of(row).status == ReminderStatus.SENT,
        timeout=30,
        what="the Slack message sent by the new worker",
        log=lambda: logs(first, second),
    )
    # A duplicate task (Redis redelivering the dead worker's) posts nothing.
    done = second.count("succeeded in")
    with redis.publishing():
        delivery.enqueue([row.pk])
    wait_for(
        lambda: second.count("succeeded in") > done,
        timeout=30,
        what="the duplicate task to run",
        log=second.log,
    )
    assert [m["channel"] for m in fake_slack.posted()] == ["UALICE"]
    assert len(fake_slack.post_requests()) == 2  # the dead worker's, and this one
    row.refresh_from_db()
    assert row.attempts == 2
    assert "handed back" in row.last_error
    # Alice's email went its own way, once.
    email = Reminder.objects.get(
        recipient=cast.alice.user, kind=ASKED, channel=DeliveryChannel.EMAIL
    )
    assert email.status == ReminderStatus.SENT
    assert emailed_reminder_ids(mail_dir) == {email.pk: 1}


def test_a_post_message_sent_and_never_answered_is_ambiguous_and_not_resent(
    cast, redis, fake_slack, workers
):
    only_rules()
    fake_slack.users[cast.alice.user.email] = "UALICE"
    # Slack takes the message and its answer never comes back in time: the
    # worker cannot know whether it was posted.
    fake_slack.keep_unanswered = True
    fake_slack.hold("chat.postMessage")
    worker = workers(CHAT_TIMEOUT="1")
    row = ask_alice(cast, redis, email=False)
    assert fake_slack.wait_held(1, timeout=30), worker.log()
    wait_for(
        lambda: row_of(row).status == ReminderStatus.AMBIGUOUS,
        timeout=30,
        what="the worker to give up waiting for Slack's answer",
        log=worker.log,
    )
    assert "Ambiguous" in row.last_error
    assert "not sent again unless someone retries it" in row.last_error
    # Slack posted it all the same, with nobody left to tell.
    wait_for(
        lambda: fake_slack.post_requests()[0].gone,
        timeout=10,
        what="the fake Slack to notice the client gave up",
    )
    assert [m["channel"] for m in fake_slack.posted()] == ["UALICE"]
    # Neither a sweep past the claim timeout nor a duplicate task posts again:
    # only a person (the admin's retry) may.
    claim_ages(row.pk)
    done = worker.count("succeeded in")
    with redis.publishing():
        swept = delivery.sweep(now=timezone.now())
        delivery.enqueue([row.pk])
    assert (swept.handed_back, swept.published) == (0, 0)
    wait_for(
        lambda: worker.count("succeeded in") > done,
        timeout=30,
        what="the duplicate task to run",
        log=worker.log,
    )
    assert (row_of(row).status, row.attempts) == (ReminderStatus.AMBIGUOUS, 1)
    assert len(fake_slack.post_requests()) == 1
    assert len(fake_slack.posted()) == 1


# --- 3: a 429 with Retry-After ---------------------------------------------------------


def test_a_429_seen_by_a_worker_waits_for_retry_after_then_posts_once(
    cast, redis, fake_slack, workers
):
    only_rules()
    fake_slack.users[cast.alice.user.email] = "UALICE"
    retry_after = 3  # longer than the worker's backoff of 1 s: Slack's counts
    fake_slack.fail(
        "chat.postMessage",
        429,
        {"error": "ratelimited"},
        headers={"Retry-After": retry_after},
    )
    # Both tries are held a moment, so the test reads the row at each claim.
    fake_slack.hold("chat.postMessage", times=2)
    worker = workers(REMINDER_RETRY_BASE_SECONDS="1")
    row = ask_alice(cast, redis, email=False)

    assert fake_slack.wait_held(1, timeout=30), worker.log()
    first_claim = row_of(row).claimed_at
    assert (row.status, row.attempts) == (ReminderStatus.SENDING, 1)
    fake_slack.release()  # answered 429, Retry-After: 3

    assert fake_slack.wait_held(2, timeout=30), worker.log()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (ReminderStatus.SENDING, 2)
    assert "429" in row.last_error
    assert f"trying again in {retry_after} s" in row.last_error
    # The next attempt was set no sooner than Slack asked, and the second
    # claim came no sooner than that.
    assert row.next_attempt_at - first_claim >= datetime.timedelta(seconds=retry_after)
    assert row.claimed_at >= row.next_attempt_at
    fake_slack.release()

    wait_for(
        lambda: row_of(row).status == ReminderStatus.SENT,
        timeout=30,
        what="the Slack message sent after Retry-After",
        log=worker.log,
    )
    limited, sent = fake_slack.post_requests()
    assert (limited.status, sent.status) == (429, 200)
    assert sent.at - limited.at >= retry_after
    assert [m["channel"] for m in fake_slack.posted()] == ["UALICE"]
    assert worker.count(f"Retry in {retry_after}s") == 1
    assert row.attempts == 2
