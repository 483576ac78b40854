"""The people of the bench's HTTP run, for locust (``locust -f`` this file).

Each locust user is one person of the plan (``growth.bench.http`` writes it, as
JSON, to the file named by ``CULTIVATE_BENCH_PLAN``): they sign in through the
sign-in form, wait until everyone has, then go through their own pages in turn,
the floor among them, until the run ends ``seconds`` later. Signing in is not
part of the timed seconds: hashing twenty passwords at once would otherwise
fill the first of them.

Only locust and the standard library here: it runs in locust's process, not
Django's.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, task

PLAN = json.loads(Path(os.environ["CULTIVATE_BENCH_PLAN"]).read_text())
SIGN_IN_URL = PLAN["sign_in_url"]
CSV_SETTLE_SECONDS = 2.5
_seats = itertools.count()
_signed_in = itertools.count(1)
_everyone_in = Event()


def _begin_timed_run(environment) -> None:
    """Everyone is signed in: note when the timed seconds start, and end the
    run when they are over."""
    phases = Path(PLAN["phases_file"])
    phases.write_text(json.dumps({"started": time.time()}))

    def stop() -> None:
        phases.write_text(
            json.dumps({**json.loads(phases.read_text()), "stopped": time.time()})
        )
        environment.runner.stop()
        # locust writes its CSV files every second, and not once more at the
        # end: let it write the last second's before quitting.
        gevent.spawn_later(CSV_SETTLE_SECONDS, environment.runner.quit)

    gevent.spawn_later(PLAN["seconds"], stop)
    _everyone_in.set()


class Person(HttpUser):
    think = PLAN["think_seconds"]
    wait_time = between(think / 2, think * 3 / 2) if think else constant(0)

    def on_start(self) -> None:
        seat = next(_seats)
        person = PLAN["people"][seat % len(PLAN["people"])]
        pages = person["pages"]
        # Each starts at another page, so that no page is everyone's at once.
        self.pages = itertools.cycle(
            pages[seat % len(pages) :] + pages[: seat % len(pages)]
        )
        try:
            self._sign_in(person["email"], PLAN["password"])
        finally:
            # Counted whatever happened: a refused sign-in shows as errors, not a hang.
            if next(_signed_in) == len(PLAN["people"]):
                _begin_timed_run(self.environment)
        _everyone_in.wait()
        # People do not all click at the same moment: spread the first pages.
        gevent.sleep(random.uniform(0, PLAN["think_seconds"]))

    def _sign_in(self, email: str, password: str) -> None:
        with self.client.get(
            SIGN_IN_URL, name="sign_in_form", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
        with self.client.post(
            SIGN_IN_URL,
            data={
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="sign_in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A refused sign-in shows the form again, with 200.
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}, not a redirect")

    @task
    def next_page(self) -> None:
        name, url = next(self.pages)
        # Not following redirects: a lost session redirects to the sign-in page,
        # which would answer 200 and pass for the page.
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
