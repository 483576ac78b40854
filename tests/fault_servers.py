"""Real servers that fail on cue, for the reminder fault tests.

- ``FakeSMTP``: an SMTP server on a spare loopback port whose behaviour the
  test sets at each step of a conversation: refuse with a code (421 for a
  while, 550), stall, hang up, or stop listening altogether.
- ``RedisServer``: a throwaway ``redis-server`` on a spare port that a test may
  stop (SIGSTOP), resume, kill (SIGKILL: its queue is gone) and start again.
- ``terminate_sessions`` and ``refusing_connections``: PostgreSQL sessions on
  the test database ended from the test's own connection, as an operator's
  ``pg_terminate_backend`` or a failover would end them.

Every wait here is bounded, and every process is stopped by its owner.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection

from growth.celery import app as celery_app

REDIS_SERVER = shutil.which("redis-server") or "redis-server"
# The steps of a conversation at which FakeSMTP can misbehave: the greeting,
# MAIL FROM, RCPT TO, DATA, and the end of the message (its final dot).
STEPS = ("connect", "mail", "rcpt", "data", "dot")
COMMANDS = {"MAIL FROM": "mail", "RCPT TO": "rcpt", "DATA": "data"}


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
        time.sleep(0.05)


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


# --- SMTP -------------------------------------------------------------------------


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeSMTP:
    """An SMTP server on a spare port that keeps what it accepts, and fails on cue.

    At each step (``STEPS``) a conversation may meet what the test set there,
    for the next ``times`` conversations (None: until ``clear()``):

    - ``refuse(code, at=…)``: answer ``code`` instead of going on (at "connect"
      the server then hangs up, as a 421 greeting does);
    - ``stall(at=…)``: say nothing until ``release()`` or until the client
      gives up; ``holding`` is set meanwhile;
    - ``hang_up(at=…)``: close the connection without a word.

    ``stop()`` stops listening (connections are refused), ``start()`` listens
    again on the same port. ``answer_delay`` (seconds) slows every answer to a
    final dot, as a busy server's is.

    ``accepted`` holds every message the server took responsibility for. A
    message whose final dot arrived counts even if the server then stalled or
    hung up without answering (a real server may queue it all the same); with
    ``keep_unanswered = False`` only a message answered 250 counts.
    """

    def __init__(self, *, refuse: int = 0, refuse_code: int = 451):
        self.accepted: list[bytes] = []
        self.conversations = 0
        self.attempts = 0  # conversations that reached MAIL FROM
        self.keep_unanswered = True
        self.answer_delay = 0.0
        self.holding = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._plan: dict[str, list] = {}
        self.port = spare_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.server: _Server | None = None
        if refuse:
            self.refuse(refuse_code, at="mail", times=refuse)

    # -- what the test sets

    def _set(self, step: str, action: str, argument, times: int | None) -> None:
        assert step in STEPS, step
        with self._lock:
            self._plan[step] = [action, argument, times]

    def refuse(self, code: int, *, at: str = "mail", times: int | None = 1) -> None:
        self._set(at, "refuse", code, times)

    def stall(self, *, at: str, times: int | None = 1) -> None:
        self._released.clear()
        self._set(at, "stall", None, times)

    def hang_up(self, *, at: str, times: int | None = 1) -> None:
        self._set(at, "hang_up", None, times)

    def clear(self) -> None:
        with self._lock:
            self._plan.clear()

    def release(self) -> None:
        """End every stall, now and to come."""
        with self._lock:
            for step, (action, _argument, _times) in list(self._plan.items()):
                if action == "stall":
                    del self._plan[step]
        self._released.set()

    def _next(self, step: str) -> tuple[str, object] | None:
        with self._lock:
            planned = self._plan.get(step)
            if planned is None:
                return None
            action, argument, times = planned
            if times is not None:
                planned[2] -= 1
                if planned[2] <= 0:
                    del self._plan[step]
            return action, argument

    # -- the conversation

    def _converse(self, handler) -> None:
        with self._lock:
            self.conversations += 1
        if self._misbehave("connect", handler) is not None:
            return
        handler.reply("220 fake ESMTP")
        while line := handler.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith("QUIT"):
                handler.reply("221 bye")
                return
            step = next(
                (
                    step
                    for prefix, step in COMMANDS.items()
                    if command.startswith(prefix)
                ),
                None,
            )
            if step is None:  # EHLO, RSET, NOOP...
                handler.reply("250 ok")
                continue
            if step == "mail":
                with self._lock:
                    self.attempts += 1
            outcome = self._misbehave(step, handler)
            if outcome == "gone":
                return
            if outcome == "answered":
                continue
            if step != "data":
                handler.reply("250 ok")
            elif not self._message(handler):
                return

    def _misbehave(self, step: str, handler) -> str | None:
        """Do what the test set at ``step``: None to go on as usual, "answered"
        when a refusal was sent, "gone" when the conversation is over."""
        planned = self._next(step)
        if planned is None:
            return None
        action, code = planned
        if action == "refuse":
            handler.reply(f"{code} not now, fake refusal")
            return "gone" if step == "connect" else "answered"
        if action == "hang_up" or not self._stall(handler):
            return "gone"
        return None

    def _stall(self, handler) -> bool:
        """Say nothing until released; False if the client gave up meanwhile."""
        self.holding.set()
        while not self._released.wait(timeout=0.05):
            if _peer_gone(handler.connection):
                return False
        return not _peer_gone(handler.connection)

    def _message(self, handler) -> bool:
        """Take a message after DATA; False when the conversation is over."""
        handler.reply("354 go ahead")
        data = b""
        while not data.endswith(b"\r\n.\r\n"):
            chunk = handler.rfile.readline()
            if not chunk:
                return False
            data += chunk
        planned = self._next("dot")
        action = planned[0] if planned else None
        if action == "refuse":
            handler.reply(f"{planned[1]} not now, fake refusal")
            return True
        # The server has the whole message: whether the sender hears so or not.
        if action is None or self.keep_unanswered:
            self._accept(data)
        if action == "hang_up":
            return False
        if action == "stall":
            if not self._stall(handler):
                return False  # the sender gave up (or died) before the answer
            if not self.keep_unanswered:
                self._accept(data)
        time.sleep(self.answer_delay)
        handler.reply("250 queued")
        return True

    def _accept(self, data: bytes) -> None:
        with self._lock:
            self.accepted.append(data)

    def reminder_ids(self) -> list[int]:
        """The reminder of each accepted message (its Message-ID), in order."""
        return [
            int(re.search(rb"Message-ID: <reminder-(\d+)@", message)[1])
            for message in self.accepted
        ]

    # -- the server

    def start(self) -> FakeSMTP:
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                with contextlib.suppress(OSError):
                    outer._converse(self)

        self.server = _Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening: a client's connection is refused until ``start()``."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.release()
        self.stop()


def _peer_gone(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except TimeoutError:
        return False
    except OSError:
        return True
    finally:
        sock.settimeout(60)


# --- Redis ------------------------------------------------------------------------


def stop_process(process: subprocess.Popen, *, grace: float = 10) -> None:
    """SIGTERM the process group; SIGKILL it if it has not gone after ``grace``."""
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
    """A redis-server of our own on a spare port, without persistence: a test
    may stop it, pause it (SIGSTOP: it accepts connections and answers nothing),
    kill it (its queue is lost) and start it again on the same port."""

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

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections; nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL, as a crashed machine would: whatever was queued is gone."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.resume()  # a paused server cannot act on SIGTERM
            stop_process(self.process, grace=5)
            self.process = None

    def queued(self) -> int:
        """Messages waiting in Celery's default queue."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"LLEN celery\r\n")
            return int(s.recv(64).strip().lstrip(b":"))

    def publishing(self):
        """Make the app publish here, with the production broker settings."""
        return publishing_to(
            self.url,
            socket_connect_timeout=3,
            socket_timeout=5,
            visibility_timeout=3600,
        )


# --- PostgreSQL -------------------------------------------------------------------


def _others(application_name: str | None) -> tuple[str, list]:
    where = (
        "datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'"
    )
    if application_name is None:
        return where, []
    return f"{where} AND application_name = %s", [application_name]


def terminate_sessions(*, application_name: str | None = None) -> int:
    """End the other sessions on the test database (or those of one
    ``application_name``) with ``pg_terminate_backend``; return how many."""
    where, params = _others(application_name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE {where}",
            params,
        )
        return cursor.fetchone()[0]


def _as_operator(sql: str) -> None:
    """Run ``sql`` from the server's maintenance database (``postgres``), as
    an operator would: a database cannot close itself to new connections."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as operator:
        operator.execute(sql)


@contextlib.contextmanager
def refusing_connections(*, application_name: str | None = None):
    """The test database, out of reach meanwhile for everyone but this test's
    own connection: the others' sessions are ended and new ones refused."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    _as_operator(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        terminate_sessions(application_name=application_name)
        yield
    finally:
        _as_operator(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
