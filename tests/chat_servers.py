"""A fake Slack Web API and a fake Microsoft Teams webhook: real HTTP servers
on spare loopback ports, recording every request, answering on cue.

- ``FakeSlack`` answers ``users.lookupByEmail`` from the people it knows
  (``users``: email → id) and ``chat.postMessage`` to an id it knows or a
  channel; ``fail(method, ...)`` queues answers (a 429 with ``Retry-After``,
  an error such as ``invalid_auth``, a 500) for the next calls of a method.
- ``FakeTeams`` takes any POST to ``/webhook/<team>`` (202), unless
  ``fail(status)`` queued another answer.
- Either can ``hold(key)`` the next requests for a method (Slack) or for
  ``"post"`` (Teams): the server says nothing until ``release()``, or until
  the client goes away (a worker killed, a client that timed out). Whether
  a held message whose client went away was accepted is ``keep_unanswered``:
  True, as Slack does, which posts before it answers; False, a server that
  takes a message only once its answer is out. ``answer_delay`` slows every
  answer, as a busy server's is.

Each records what it received: ``requests`` (every one, with when it came
and whether it was answered) and which of them it accepted, so the canary can
read every word sent and the process tests count every message.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    headers: dict
    body: dict
    status: int = 0
    ok: bool = False  # accepted: Slack's "ok", or a Teams 2xx
    at: float = 0.0  # when it came (time.monotonic() of the test's process)
    answered: bool = False  # the answer went out
    gone: bool = False  # its client went away while it was held


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _peer_gone(sock: socket.socket) -> bool:
    """Whether the client closed its end (or died): a peek reads nothing."""
    before = sock.gettimeout()
    sock.settimeout(0.05)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except TimeoutError:
        return False
    except OSError:
        return True
    finally:
        sock.settimeout(before)


class _Fake:
    """A server on 127.0.0.1, started and stopped by its owner."""

    def __init__(self):
        self.requests: list[Received] = []
        self.queued: dict[str, deque] = {}
        self.keep_unanswered = True
        self.answer_delay = 0.0
        self._holds: dict[str, int] = {}
        self._held = 0  # requests held so far
        self._releases: list[threading.Event] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def fail(
        self,
        key: str,
        status: int,
        body: dict | None = None,
        *,
        headers=None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests for ``key`` with ``status``."""
        with self._lock:
            self.queued.setdefault(key, deque()).extend(
                [(status, body or {}, headers or {})] * times
            )

    def _next_failure(self, key: str):
        with self._lock:
            queue = self.queued.get(key)
            return queue.popleft() if queue else None

    def hold(self, key: str, *, times: int = 1) -> None:
        """Hold the next ``times`` requests for ``key`` without an answer."""
        with self._lock:
            self._holds[key] = self._holds.get(key, 0) + times

    def wait_held(self, count: int = 1, *, timeout: float) -> bool:
        """Wait until ``count`` requests in all have been held; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._held >= count, timeout)

    def release(self) -> None:
        """Answer every request held now (holds still to come stay planned)."""
        with self._lock:
            releases, self._releases = self._releases, []
        for released in releases:
            released.set()

    def _hold_if_planned(self, key: str, sock: socket.socket) -> bool:
        """Hold this request if a hold is planned for ``key``; return False
        when its client went away meanwhile."""
        with self._changed:
            if not self._holds.get(key):
                return True
            self._holds[key] -= 1
            released = threading.Event()
            self._releases.append(released)
            self._held += 1
            self._changed.notify_all()
        while not released.wait(timeout=0.05):
            if _peer_gone(sock):
                return False
        return not _peer_gone(sock)

    def clear(self) -> None:
        self.release()
        with self._lock:
            self.requests.clear()
            self.queued.clear()
            self._holds.clear()
            self._held = 0
        self.keep_unanswered = True
        self.answer_delay = 0.0

    def key(self, path: str) -> str:
        """What ``fail`` and ``hold`` name a request by."""
        raise NotImplementedError

    def answer(self, path: str, headers: dict, body: dict) -> tuple[int, dict, dict]:
        raise NotImplementedError

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                body.update({k: v[0] for k, v in parse_qs(parts.query).items()})
                received = Received(
                    parts.path, dict(self.headers), body, at=time.monotonic()
                )
                with fake._lock:
                    fake.requests.append(received)
                there = fake._hold_if_planned(fake.key(parts.path), self.connection)
                received.gone = not there
                if there:
                    time.sleep(fake.answer_delay)
                elif not fake.keep_unanswered:
                    self.close_connection = True
                    return  # never taken: nobody heard an answer
                status, answer, headers = fake.answer(
                    parts.path, received.headers, body
                )
                received.status = status
                received.ok = answer.get("ok", 200 <= status < 300)
                if not there:
                    # Taken, as Slack takes a message before it answers;
                    # there is nobody left to tell.
                    self.close_connection = True
                    return
                received.answered = True
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, *args):
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@dataclass
class FakeSlack(_Fake):
    """Slack's Web API, under ``/api/``; ``url`` is the SDK's base URL."""

    token: str = "xoxb-test-token"
    users: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        super().__init__()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def key(self, path: str) -> str:
        return path.rsplit("/", 1)[-1]  # the Web API method

    def answer(self, path, headers, body):
        method = self.key(path)
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        failure = self._next_failure(method)
        if failure is not None:
            status, answer, extra = failure
            return status, {"ok": False, **answer}, extra
        if method == "users.lookupByEmail":
            found = self.users.get(body.get("email", ""))
            if found is None:
                return 200, {"ok": False, "error": "users_not_found"}, {}
            return 200, {"ok": True, "user": {"id": found}}, {}
        if method == "chat.postMessage":
            channel = body.get("channel", "")
            if channel.startswith("U") and channel not in self.users.values():
                return 200, {"ok": False, "error": "channel_not_found"}, {}
            return 200, {"ok": True, "channel": channel, "ts": "1.0"}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def posted(self) -> list[dict]:
        """Every message Slack accepted: the body of each chat.postMessage."""
        return [
            r.body
            for r in list(self.requests)
            if r.path.endswith("chat.postMessage") and r.ok
        ]

    def lookups(self) -> list[str]:
        return [
            r.body.get("email", "")
            for r in list(self.requests)
            if r.path.endswith("users.lookupByEmail")
        ]

    def to(self, slack_id: str) -> list[dict]:
        return [m for m in self.posted() if m["channel"] == slack_id]

    def post_requests(self) -> list[Received]:
        """Every chat.postMessage that came, accepted or not, answered or not."""
        return [r for r in list(self.requests) if r.path.endswith("chat.postMessage")]


class FakeTeams(_Fake):
    """A Teams Workflows webhook: ``url(name)`` is one team's."""

    def url(self, name: str = "team") -> str:
        return f"http://127.0.0.1:{self.port}/webhook/{name}"

    def key(self, path: str) -> str:
        return "post"

    def answer(self, path, headers, body):
        failure = self._next_failure("post")
        if failure is not None:
            return failure
        return 202, {}, {}

    def cards(self, name: str | None = None) -> list[dict]:
        """The Adaptive Card of every post accepted (to ``name``'s webhook)."""
        return [
            attachment["content"]
            for r in list(self.requests)
            if r.ok and (name is None or r.path.endswith(f"/{name}"))
            for attachment in r.body.get("attachments", [])
        ]
