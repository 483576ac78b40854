"""Helpers for the reminder tests.

- ``memory_broker``: the Celery app publishes to an in-memory broker; drain it
  to see what was queued (no test publishes to a real, shared broker by
  accident). ``publishing_to(url)`` points it anywhere else, a dead port too.
- ``seed_defaults`` and ``reseed_after``: the rules and competencies that the
  data migration seeds, put back after a transactional test flushed them.
- ``FakeSMTP``: a tiny SMTP server that can refuse, hold, and count messages.
- ``RedisServer`` and ``Worker``: a throwaway ``redis-server`` on a spare port
  and a real ``celery -A growth worker`` subprocess against the test database.
- ``build_organisation``: thousands of engineers with bulk_create, fast.

Every wait here is bounded, and every process is stopped in a ``finally``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import importlib
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from kombu.transport.memory import Channel

from accounts.models import Team, User
from growth.celery import app as celery_app
from growth.models import (
    Engineer,
    FeedbackNote,
    Goal,
    Mentorship,
    ReminderKind,
    ReminderRule,
    Sentiment,
    Visibility,
)

BASE_DIR = Path(settings.BASE_DIR)
CELERY = shutil.which("celery", path=str(BASE_DIR / ".venv" / "bin")) or "celery"
REDIS_SERVER = shutil.which("redis-server") or "redis-server"


def at(zone: str, *args) -> datetime.datetime:
    """An aware datetime in ``zone``: at("Asia/Tokyo", 2026, 11, 30, 9)."""
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def seed_defaults() -> None:
    """Put back what the data migration seeds: the default competencies and one
    rule per kind. A transactional test's flush removes them for every test
    that runs after it in the same process."""
    migration = importlib.import_module(
        "growth.migrations.0002_default_competencies_and_rules"
    )
    migration.seed(django_apps, None)


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


@contextlib.contextmanager
def publishing_to(url: str, **transport_options):
    """Make the app publish to ``url`` for a while."""
    conf = celery_app.conf
    saved = (conf.get("broker_write_url"), conf.broker_transport_options)
    conf.broker_write_url = url
    conf.broker_transport_options = transport_options
    try:
        yield
    finally:
        conf.broker_write_url, conf.broker_transport_options = saved


def memory_broker():
    """For a fixture: ``yield from memory_broker()`` publishes to memory meanwhile."""
    Channel.queues.clear()
    with publishing_to("memory://"):
        yield Queued()
    Channel.queues.clear()


# --- a fake SMTP server -------------------------------------------------------------


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeSMTP:
    """An SMTP server on a spare port that keeps what it accepts.

    ``refuse`` transient (451) replies before it accepts; ``hold`` makes it keep
    the next message waiting, unanswered, until ``release()``.
    """

    def __init__(self, *, refuse: int = 0, refuse_code: int = 451):
        self.accepted: list[bytes] = []
        self.refuse = refuse
        self.refuse_code = refuse_code
        self.attempts = 0
        self.hold = False
        self.holding = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                with contextlib.suppress(OSError):
                    outer._converse(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _converse(self, handler) -> None:
        handler.reply("220 fake ESMTP")
        while True:
            line = handler.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                handler.reply("250 fake")
            elif command.startswith("MAIL FROM"):
                with self._lock:
                    self.attempts += 1
                    refuse = self.refuse > 0
                    self.refuse -= refuse
                if refuse:
                    handler.reply(f"{self.refuse_code} try again later")
                else:
                    handler.reply("250 ok")
            elif command.startswith("RCPT TO"):
                handler.reply("250 ok")
            elif command == "DATA":
                handler.reply("354 go ahead")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = handler.rfile.readline()
                    if not chunk:
                        return
                    data += chunk
                if self.hold:
                    self.holding.set()
                    self._released.wait(timeout=30)
                    if _peer_gone(handler.connection):
                        return  # the sender died before we answered: not accepted
                with self._lock:
                    self.accepted.append(data)
                handler.reply("250 queued")
            elif command == "QUIT":
                handler.reply("221 bye")
                return
            else:
                handler.reply("250 ok")

    def release(self) -> None:
        self.hold = False
        self._released.set()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.server.shutdown()
        self.server.server_close()


def _peer_gone(sock: socket.socket) -> bool:
    sock.settimeout(0.5)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except TimeoutError:
        return False
    except OSError:
        return True
    finally:
        sock.settimeout(30)


# --- throwaway services -------------------------------------------------------------


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    condition: Callable[[], object],
    *,
    timeout: float,
    what: str,
    log: Callable[[], str] | None = None,
):
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` s
    (showing ``log()``, say a worker's output, if given)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{log()}" if log else ""
            pytest.fail(f"Timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen, *, grace: float = 10) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


class RedisServer:
    """A redis-server of our own on a spare port, that a test may stop and restart."""

    def __init__(self):
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=10, what=f"redis-server on {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, grace=5)
            self.process = None

    def publishing(self):
        return publishing_to(
            self.url,
            socket_connect_timeout=3,
            socket_timeout=5,
            visibility_timeout=3600,
        )


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
    """``celery -A growth worker`` in a subprocess, sharing the test database."""

    def __init__(self, *, broker_url: str, email_url: str, var_dir: Path, **env):
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "DJANGO_", "EMAIL_", "REMINDER_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="growth.settings",
            DJANGO_DEBUG="1",
            DATABASE_URL=test_database_url(),
            DATABASE_CONN_MAX_AGE="0",
            REDIS_URL=broker_url,
            EMAIL_URL=email_url,
            CULTIVATE_VAR_DIR=str(var_dir),
            SITE_URL="http://cultivate.test",
            LOG_LEVEL="INFO",
            **env,
        )
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self._ready = threading.Event()

    def start(self, *, timeout: float = 30) -> Worker:
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
        if not self._ready.wait(timeout):
            self.stop()
            pytest.fail("The Celery worker did not start:\n" + self.log())
        return self

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append(line)
            if " ready." in line:
                self._ready.set()

    def log(self) -> str:
        return "".join(self.lines[-80:])

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def kill(self) -> None:
        """SIGKILL the worker, as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


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
