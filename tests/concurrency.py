"""Posting one form twice at once, as a double click or a retry does.

Real concurrency needs PostgreSQL: each thread has its own connection, and the
second POST of a submission key must wait on the first one's uncommitted row.
"""

from __future__ import annotations

import re
import threading
import uuid

from django.db import connections
from django.test import Client

KEY = re.compile(r'name="submission_key" value="([0-9a-f-]{36})"')


def key_from(html: str) -> str:
    """The one-time submission key a rendered form carries."""
    found = KEY.search(html)
    assert found, "the form carries no submission key"
    uuid.UUID(found.group(1))
    return found.group(1)


def post_twice_at_once(user, url: str, data: dict) -> list:
    """POST ``data`` to ``url`` from two signed-in clients released together;
    return both responses."""
    barrier = threading.Barrier(2, timeout=10)
    responses: list = [None, None]
    errors: list[BaseException] = []

    def post(slot: int) -> None:
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            responses[slot] = client.post(url, data)
        except BaseException as error:  # surfaced in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses
