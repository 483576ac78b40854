"""Two sweeps in two processes at the same moment, as two beats would run them:
still one email per recipient and rule. They run at the real time (sending
takes no ``--now``): the rule's send hour is midnight, so it is due whenever
the test runs."""

import datetime
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from growth.models import Reminder, ReminderKind, ReminderStatus
from tests import factories
from tests.reminders_support import (
    BASE_DIR,
    only_rules,
    reseed_after,
    test_database_url,
    utc,
)

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]

NOW = utc(2026, 11, 30, 9)


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


def test_two_processes_sweeping_at_once_send_one_email_each(cast, tmp_path):
    only_rules(ReminderKind.FEEDBACK_DUE, send_hour=0)
    team = factories.make_team("Crowd")
    for n in range(25):
        boss = factories.make_engineer(f"Boss {n}", team=team, start_date=NOW.date())
        factories.make_engineer(
            f"Report {n}", team=team, manager=boss, start_date=datetime.date(2025, 1, 1)
        )
    mail_dir = tmp_path / "mail"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "EMAIL_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="growth.settings",
        DATABASE_URL=test_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        EMAIL_URL=f"file://{mail_dir}",
        CULTIVATE_VAR_DIR=str(tmp_path / "var"),
    )
    command = [sys.executable, "manage.py", "send_reminders"]
    beats = [
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
    outputs = [beat.communicate(timeout=120)[0] for beat in beats]
    assert [beat.returncode for beat in beats] == [0, 0], outputs

    sent = Counter(
        int(pk)
        for path in mail_dir.iterdir()
        for pk in re.findall(r"Message-ID: <reminder-(\d+)@", path.read_text())
    )
    reminders = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert reminders.count() >= 25
    assert set(sent) == set(reminders.values_list("pk", flat=True))
    assert set(sent.values()) == {1}
    per_rule = Counter(reminders.values_list("recipient_id", "kind"))
    assert set(per_rule.values()) == {1}
