"""The Celery tasks and the beat schedule: a few lines each, taking ids."""

import datetime
import json
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db.models.functions import Now
from django.test import override_settings

from growth.celery import app as celery_app
from growth.models import Reminder, ReminderKind, ReminderStatus
from growth.reminders import notify_feedback_requested
from growth.tasks import send_reminder, sweep_reminders
from tests import factories
from tests.reminders_support import (
    CELERY,
    FakeSMTP,
    memory_broker,
    only_rules,
    utc,
)

NOW = utc(2026, 11, 30, 9)


@pytest.fixture
def broker():
    yield from memory_broker()


@pytest.fixture
def reminder(cast, broker):
    request = factories.make_request(
        cast.bob, cast.alice, due_on=datetime.date(2026, 12, 11), created_at=NOW
    )
    return notify_feedback_requested(request=request, now=NOW)


def test_beat_fires_one_sweep_and_one_insight_count_every_15_minutes():
    schedule = {
        "sweep-reminders": {"task": "growth.tasks.sweep_reminders", "schedule": 900},
        "count-insight": {"task": "growth.tasks.count_insight", "schedule": 900},
    }
    assert settings.REMINDER_SWEEP_SECONDS == 15 * 60
    assert schedule == settings.CELERY_BEAT_SCHEDULE
    assert celery_app.conf.beat_schedule == schedule
    assert "growth.tasks.sweep_reminders" in celery_app.tasks
    assert "growth.tasks.send_reminder" in celery_app.tasks
    assert "growth.tasks.count_insight" in celery_app.tasks


def test_retries_wait_far_less_than_the_redis_visibility_timeout():
    # A retry waits in the worker with an ETA; Redis would hand a message that
    # waits longer than its visibility timeout (an hour) to a second worker.
    assert settings.REMINDER_RETRY_MAX_SECONDS == 900


@pytest.mark.parametrize(
    "env",
    [
        {"REMINDER_RETRY_MAX_SECONDS": "4000"},
        {"REMINDER_RETRY_BASE_SECONDS": "0"},
        {"REMINDER_MAX_ATTEMPTS": "0"},
    ],
)
def test_retry_settings_that_could_deliver_twice_or_never_are_refused(tmp_path, env):
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "REMINDER_RETRY_MAX_SECONDS between the base and 3000" in result.stderr


PROBE = (
    "import json, growth.settings as s; print(json.dumps(["
    "s.CELERY_BEAT_SCHEDULE['sweep-reminders']['schedule'], "
    "s.REMINDER_CLAIM_TIMEOUT_SECONDS, s.EMAIL_TIMEOUT]))"
)


def load_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process with ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REMINDER_", "EMAIL_"))
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**clean, "CULTIVATE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_sweep_interval_claim_timeout_and_mail_timeout_come_from_the_environment(
    tmp_path,
):
    assert json.loads(load_settings(tmp_path).stdout) == [900, 600, 20]
    tuned = load_settings(
        tmp_path,
        REMINDER_SWEEP_SECONDS="300",
        REMINDER_CLAIM_TIMEOUT_SECONDS="1200",
        EMAIL_TIMEOUT="7",
    )
    assert json.loads(tuned.stdout) == [300, 1200, 7], tuned.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REMINDER_SWEEP_SECONDS": "15m"}, "REMINDER_SWEEP_SECONDS must be a whole"),
        ({"REMINDER_SWEEP_SECONDS": "0"}, "must be at least 1"),
        ({"REMINDER_CLAIM_TIMEOUT_SECONDS": "-5"}, "must be at least 1"),
        ({"EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT must be a whole number"),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be at least 1 second"),
    ],
)
def test_bad_sweep_claim_and_mail_timeouts_are_refused_loudly(tmp_path, env, message):
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_worker_whose_time_limit_outlasts_a_claim_refuses_to_start(tmp_path):
    # Celery runs Django's checks but ignores what they find: the worker
    # checks its own time limit (with --time-limit, the one it would use).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("CELERY_", "DJANGO_", "REMINDER_", "REDIS_", "DATABASE_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="growth.settings",
        CULTIVATE_VAR_DIR=str(tmp_path),
        REMINDER_CLAIM_TIMEOUT_SECONDS="100",
    )
    worker = [CELERY, "-A", "growth", "worker", "--pool", "solo", "--without-mingle"]
    result = subprocess.run(
        worker,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert (
        "The Celery task time limit (180 s) must be below "
        "REMINDER_CLAIM_TIMEOUT_SECONDS (100 s)"
    ) in result.stderr


@pytest.mark.django_db
def test_the_sweep_task_records_and_queues_at_the_current_time(
    cast, broker, django_capture_on_commit_callbacks
):
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    only_rules(ReminderKind.FEEDBACK_DUE)
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = sweep_reminders.apply().get()
    assert result["planned"] == result["recorded"] == result["published"] == 2
    assert {r.created_at for r in Reminder.objects.all()} == {NOW}
    assert len(broker.ids()) == 2


@pytest.mark.django_db
def test_the_send_task_sends_once_however_often_it_runs(reminder):
    assert send_reminder.apply(args=[reminder.pk]).get() == ReminderStatus.SENT
    assert send_reminder.apply(args=[reminder.pk]).get() is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_the_send_task_retries_a_passing_mail_server_failure(reminder):
    with (
        FakeSMTP(refuse=2) as server,
        override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port),
    ):
        for _try in range(3):
            # Run eagerly, Celery applies the retry at once instead of after
            # its countdown: that early copy finds the row not due and leaves it.
            send_reminder.apply(args=[reminder.pk])
            reminder.refresh_from_db()
            Reminder.objects.filter(pk=reminder.pk).update(next_attempt_at=Now())
    assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 3)
    assert (server.attempts, len(server.accepted)) == (3, 1)


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_a_permanent_failure_does_not_retry(reminder):
    with (
        FakeSMTP(refuse=5, refuse_code=550) as server,
        override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port),
    ):
        assert send_reminder.apply(args=[reminder.pk]).get() == ReminderStatus.FAILED
    assert server.attempts == 1
