"""The Celery tasks and the beat schedule: a few lines each, taking ids."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings

from growth.celery import app as celery_app
from growth.models import Reminder, ReminderKind, ReminderStatus
from growth.reminders import notify_feedback_requested
from growth.tasks import send_reminder, sweep_reminders
from tests import factories
from tests.reminders_support import FakeSMTP, memory_broker, only_rules, utc

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


def test_beat_fires_one_sweep_every_15_minutes():
    schedule = {"task": "growth.tasks.sweep_reminders", "schedule": 15 * 60}
    assert {"sweep-reminders": schedule} == settings.CELERY_BEAT_SCHEDULE
    assert celery_app.conf.beat_schedule == {"sweep-reminders": schedule}
    assert "growth.tasks.sweep_reminders" in celery_app.tasks
    assert "growth.tasks.send_reminder" in celery_app.tasks


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
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REMINDER_")}
    result = subprocess.run(
        [sys.executable, "-c", "import growth.settings"],
        cwd=settings.BASE_DIR,
        env={**clean, "CULTIVATE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "REMINDER_RETRY_MAX_SECONDS between the base and 3000" in result.stderr


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
    assert result["planned"] == result["queued"] == 2
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
        # Run eagerly, Celery applies each retry at once instead of after it.
        send_reminder.apply(args=[reminder.pk])
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 3)
    assert len(server.accepted) == 1


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
def test_a_permanent_failure_does_not_retry(reminder):
    with (
        FakeSMTP(refuse=5, refuse_code=550) as server,
        override_settings(EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port),
    ):
        assert send_reminder.apply(args=[reminder.pk]).get() == ReminderStatus.FAILED
    assert server.attempts == 1
