"""Helpers for the reminder tests.

- ``memory_broker``: the Celery app publishes to an in-memory broker; drain it
  to see what was queued (no test publishes to a real, shared broker by
  accident). ``publishing_to(url)`` points it anywhere else, a dead port too.
- ``seed_defaults`` and ``reseed_after``: the rules and competencies that the
  data migration seeds, put back after a transactional test flushed them.
- ``Worker``: a real ``celery -A growth worker`` subprocess against the test
  database. The servers that fail on cue (SMTP, Redis, PostgreSQL sessions)
  are in ``tests.fault_servers``.
- ``build_organisation``: thousands of engineers with bulk_create, fast.

Every wait here is bounded, and every process is stopped in a ``finally``.
"""

from __future__ import annotations

import base64
import datetime
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zoneinfo
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.utils.text import slugify
from kombu.transport.memory import Channel

from accounts.models import Team, User
from growth.models import (
    Competency,
    Engineer,
    FeedbackNote,
    Goal,
    Mentorship,
    ReminderKind,
    ReminderRule,
    Sentiment,
    Visibility,
)
from tests.fault_servers import (  # noqa: F401  (re-exported for the tests)
    FakeSMTP,
    RedisServer,
    publishing_to,
    spare_port,
    stop_process,
    wait_for,
)

BASE_DIR = Path(settings.BASE_DIR)
# The project's virtualenv, else the one running the tests (a checkout that
# shares another's virtualenv), else whatever PATH finds.
CELERY = (
    shutil.which("celery", path=str(BASE_DIR / ".venv" / "bin"))
    or shutil.which("celery", path=str(Path(sys.executable).parent))
    or "celery"
)


def at(zone: str, *args) -> datetime.datetime:
    """An aware datetime in ``zone``: at("Asia/Tokyo", 2026, 11, 30, 9)."""
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def seed_defaults() -> None:
    """Put back what the data migration seeds: the default competencies and one
    rule per kind. A transactional test's flush removes them for every test
    that runs after it in the same process."""
    first = importlib.import_module(
        "growth.migrations.0002_default_competencies_and_rules"
    )
    for name, kind, description in first.COMPETENCIES:
        Competency.objects.get_or_create(
            key=slugify(name),
            defaults={"name": name, "kind": kind, "description": description},
        )
    for kind, cadence_days, description in first.RULES:
        ReminderRule.objects.get_or_create(
            kind=kind,
            defaults={"cadence_days": cadence_days, "description": description},
        )
    for name in (
        "0017_sprint_rhythm",
        "0021_career_framework",
        "0024_default_framework",
        "0025_assessment_reminder",
    ):
        importlib.import_module(f"growth.migrations.{name}").seed(django_apps, None)


def reseed_after(django_db_blocker):
    """For a module fixture of transactional tests: ``yield from`` it, and the
    seeded rows are back for the modules that run next."""
    yield
    with django_db_blocker.unblock():
        seed_defaults()
        connection.close()


def set_rule(kind: str, **fields) -> ReminderRule:
    seed_defaults()
    ReminderRule.objects.filter(kind=kind).update(**fields)
    return ReminderRule.objects.get(kind=kind)


def only_rules(*kinds: str, **fields) -> None:
    """Enable exactly ``kinds`` (with ``fields``), and switch every other rule off."""
    seed_defaults()
    ReminderRule.objects.exclude(kind__in=kinds).update(enabled=False)
    ReminderRule.objects.filter(kind__in=kinds).update(enabled=True, **fields)


# --- the broker ---------------------------------------------------------------------


class Queued:
    """What the app published to the in-memory broker."""

    def drain(self) -> list[tuple[str, list]]:
        """Take every queued message: (task name, args)."""
        found = []
        for queue in list(Channel.queues.values()):
            while not queue.empty():
                message = queue.get_nowait()
                body = message["body"]
                if message["properties"].get("body_encoding") == "base64":
                    body = base64.b64decode(body)
                args, _kwargs, _embed = json.loads(body)
                found.append((message["headers"]["task"], args))
        return found

    def ids(self) -> list[int]:
        return [
            args[0] for name, args in self.drain() if name.endswith("send_reminder")
        ]


def memory_broker():
    """For a fixture: ``yield from memory_broker()`` publishes to memory meanwhile."""
    Channel.queues.clear()
    with publishing_to("memory://"):
        yield Queued()
    Channel.queues.clear()


# --- a worker -----------------------------------------------------------------------


def test_database_url() -> str:
    """The URL of the database this test runs in, for a subprocess to share."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


test_database_url.__test__ = False  # not a test, despite its name


class Worker:
    """``celery -A growth worker`` in a subprocess, sharing the test database.

    Its database sessions carry ``name`` as their application name, so a test
    can end them (``fault_servers.terminate_sessions``).
    """

    def __init__(
        self,
        *,
        broker_url: str,
        email_url: str,
        var_dir: Path,
        name: str = "cultivate-worker",
        **env,
    ):
        self.name = name
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "DJANGO_", "EMAIL_", "REMINDER_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="growth.settings",
            DJANGO_DEBUG="1",
            DATABASE_URL=f"{test_database_url()}?application_name={name}",
            DATABASE_CONN_MAX_AGE="0",
            REDIS_URL=broker_url,
            EMAIL_URL=email_url,
            CULTIVATE_VAR_DIR=str(var_dir),
            SITE_URL="http://cultivate.test",
            LOG_LEVEL="INFO",
        )
        self.env.update(env)
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self._ready = threading.Event()

    def start(self, *, timeout: float = 30, wait: bool = True) -> Worker:
        """Start the worker; unless ``wait`` is False, until it is ready."""
        self.lines = []
        self._ready.clear()
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "growth",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        return self.ready(timeout) if wait else self

    def ready(self, timeout: float = 30) -> Worker:
        """Wait until the worker consumes; fail the test if it does not."""
        if not self._ready.wait(timeout):
            self.stop()
            pytest.fail("The Celery worker did not start:\n" + self.log())
        return self

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line)
            if " ready." in line:
                self._ready.set()

    def log(self, lines: int = 80) -> str:
        return "".join(self.lines[-lines:])

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def kill(self) -> None:
        """SIGKILL the worker, as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


# --- a big organisation, fast ----------------------------------------------------


def build_organisation(
    engineers: int, *, reports_per_manager: int = 10, start: datetime.date
) -> None:
    """``engineers`` active engineers in teams of ``reports_per_manager`` under a
    manager each, with feedback, goals, mentorships: every rule has work to do.

    Built with bulk_create, so 5,000 engineers take a second or two.
    """
    team = Team.objects.create(name=f"Big {engineers}")
    suffix = f"{engineers}-{time.monotonic_ns()}"
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{i}.{suffix}@example.com",
                display_name=f"Person {i}",
                password="!",
                time_zone=("UTC", "Asia/Tokyo", "America/Los_Angeles")[i % 3],
            )
            for i in range(engineers)
        ]
    )
    managers = Engineer.objects.bulk_create(
        [
            Engineer(user=user, team=team, start_date=start)
            for user in users[:: reports_per_manager + 1]
        ]
    )
    manager_ids = {manager.user_id for manager in managers}
    reports = []
    for index, user in enumerate(u for u in users if u.pk not in manager_ids):
        manager = managers[index // reports_per_manager % len(managers)]
        reports.append(
            Engineer(user=user, team=team, manager=manager, start_date=start)
        )
    reports = Engineer.objects.bulk_create(reports)
    old = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC)
    FeedbackNote.objects.bulk_create(
        [
            FeedbackNote(
                author_id=report.manager.user_id,
                engineer=report,
                kind="technical",
                sentiment=Sentiment.PRAISE,
                situation="s",
                behaviour="b",
                impact="i",
                suggestion="x",
                visibility=Visibility.SHARED,
                created_at=old,
            )
            for report in reports[::2]
        ]
    )
    Goal.objects.bulk_create(
        [
            Goal(
                engineer=report,
                title=f"Goal {n}",
                kind="technical",
                target_date=start,
                created_at=old,
            )
            for n, report in enumerate(reports[::3])
        ]
    )
    Goal.objects.filter(engineer__team=team).update(updated_at=old)
    Mentorship.objects.bulk_create(
        [
            Mentorship(mentor=mentor, mentee=mentee, started_on=start)
            for mentor, mentee in zip(reports[::2], reports[1::2], strict=False)
        ]
    )


REMINDER_KINDS = tuple(ReminderKind.values)
