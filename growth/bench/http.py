"""The HTTP run: the real server, under the load of people of every role.

gunicorn serves the bench database as the Procfile starts it (``growth.wsgi``,
two workers), with production's settings (``growth.bench.http_settings``, with
``DJANGO_DEBUG=0``). locust, a program of its own, signs in people of every
role through the sign-in form and has each go through their own pages, the
floor among them, for the timed seconds (``growth/bench/locustfile.py``). Its
CSV files are read back into the run's ``"http"`` figures.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import User
from growth.bench import seed
from growth.bench.database import BenchDatabase
from growth.bench.measure import BenchError

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
URLCONF = "growth.bench.urls"
WORKERS = 2  # the Procfile's default
SIGN_IN = ("sign_in_form", "sign_in")
# The HTTP run's pages in the order the report lists them: the floor first.
HTTP_PAGES = (
    "floor",
    "growth_dashboard",
    "feedback_list",
    "goal_list",
    "team_dashboard",
    "mentoring",
    "coaching",
    "notifications",
    *SIGN_IN,
)
# How long the sign-ins and the server's start may take at most, beyond the run.
SLACK_SECONDS = 300


def pages_of(person: seed.Person) -> list[tuple[str, str]]:
    """The pages ``person`` goes through, by name: those of every role they hold,
    and the floor."""

    def url(name: str) -> str:
        return reverse(name, urlconf=URLCONF)

    pages = [
        ("growth_dashboard", url("my-growth")),
        ("feedback_list", url("feedback-list")),
        ("goal_list", url("goal-list")),
    ]
    if person.manager:
        pages.append(("team_dashboard", url("team-dashboard")))
    if person.manager or person.mentor:
        pages.append(("mentoring", url("mentoring")))
    if person.coach:
        pages.append(("coaching", url("coaching")))
    pages += [
        ("notifications", url("notification-list")),
        ("floor", url("bench-floor")),
    ]
    return pages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def server_environment(db: BenchDatabase, *, var_dir: Path) -> dict[str, str]:
    """The environment production runs with, on the bench database: its own
    secret key, and its own ``var/`` (mail, the broker's queue), thrown away
    afterwards."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "growth.bench.http_settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": db.url,
        "CULTIVATE_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


@contextlib.contextmanager
def server(db: BenchDatabase, *, workdir: Path):
    """Serve ``db`` with gunicorn on a free port of the loopback; yield its URL."""
    url = f"http://127.0.0.1:{_free_port()}"
    log_path = workdir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "growth.wsgi",
        "--workers", str(WORKERS), "--bind", url.removeprefix("http://"),
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=server_environment(db, var_dir=workdir / "var"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(f"{url}{reverse('login', urlconf=URLCONF)}", process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped at its start:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            raise BenchError(
                f"GET {url} answered {error.code}, not 200:\n{_tail(log_path)}"
            ) from None
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within 60 s:\n{_tail(log_path)}")


def _locust(url: str, plan: Path, *, users: int, seconds: float, workdir: Path):
    """Run locust headless; return the prefix of its CSV files."""
    prefix = workdir / "locust"
    log_path = workdir / "locust.log"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--host", url,
        # A safety net only: the locustfile ends the run after the timed seconds.
        "--run-time", f"{round(seconds) + SLACK_SECONDS}s",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        # Failed requests are figures to report, not a failure of the run.
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        finished = subprocess.run(
            command,
            cwd=workdir,  # away from any locust.conf or [tool.locust] of the project
            env={**os.environ, "CULTIVATE_BENCH_PLAN": str(plan)},
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=seconds + 2 * SLACK_SECONDS,
            check=False,
        )
    if finished.returncode != 0:
        raise BenchError(
            f"locust stopped with exit code {finished.returncode}:\n{_tail(log_path)}"
        )
    return prefix


def _number(value: str) -> float | None:
    """A locust CSV figure: N/A when nothing was measured."""
    try:
        return float(value)
    except ValueError:
        return None


def _reason(error: str) -> str:
    """A failure's reason as the locustfile gave it, without locust's wrapping."""
    wrapped = re.fullmatch(r"""CatchResponseError\((['"])(.*)\1\)""", error)
    return wrapped.group(2) if wrapped else error


def summary(
    stats_csv: str,
    failures_csv: str = "",
    *,
    seconds: float,
    users: int,
    roles: dict[str, int] | None = None,
) -> dict:
    """The ``"http"`` figures from locust's ``*_stats.csv`` (and the reasons
    from ``*_failures.csv``).

    ``requests`` and ``errors`` count every request, the sign-ins' too; ``rps``
    is the pages' requests over the timed seconds, which the sign-ins precede.
    """
    pages = {}
    for row in csv.DictReader(io.StringIO(stats_csv)):
        if row["Name"] == "Aggregated":
            continue
        pages[row["Name"]] = {
            "p50_ms": _number(row["50%"]),
            "p95_ms": _number(row["95%"]),
            "p99_ms": _number(row["99%"]),
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
        }
    timed = sum(row["requests"] for name, row in pages.items() if name not in SIGN_IN)
    failures = [
        {
            "page": row["Name"],
            "error": _reason(row["Error"]),
            "occurrences": int(row["Occurrences"]),
        }
        for row in csv.DictReader(io.StringIO(failures_csv))
    ]
    return {
        "seconds": seconds,
        "users": users,
        "requests": sum(row["requests"] for row in pages.values()),
        "errors": sum(row["errors"] for row in pages.values()),
        "rps": round(timed / seconds, 1) if seconds else None,
        "roles": roles or {},
        "pages": pages,
        "failures": failures,
    }


def run(db: BenchDatabase, *, users: int, seconds: float, think: float) -> dict:
    """Load the current (bench) database ``db`` over HTTP: ``users`` people of
    every role for ``seconds``, ``think`` seconds apart on average; return the
    ``"http"`` figures."""
    people = seed.people(users)
    password = secrets.token_urlsafe(18)
    emails = [person.email for person in people]
    # One hash for all of them; put back unusable afterwards, as seeded.
    User.objects.filter(email__in=emails).update(password=make_password(password))
    try:
        with tempfile.TemporaryDirectory(prefix="cultivate-bench-http-") as tmp:
            workdir = Path(tmp)
            plan = workdir / "plan.json"
            phases = workdir / "phases.json"
            plan.write_text(
                json.dumps(
                    {
                        "sign_in_url": reverse("login", urlconf=URLCONF),
                        "password": password,
                        "seconds": seconds,
                        "think_seconds": think,
                        "phases_file": str(phases),
                        "people": [
                            {"email": p.email, "pages": pages_of(p)} for p in people
                        ],
                    }
                )
            )
            with server(db, workdir=workdir) as url:
                prefix = _locust(
                    url, plan, users=len(people), seconds=seconds, workdir=workdir
                )
            timed = json.loads(phases.read_text()) if phases.exists() else {}
            if "stopped" not in timed:
                raise BenchError(
                    "The HTTP run ended before its timed seconds did (sign-ins "
                    f"took over {SLACK_SECONDS} s?):\n{_tail(workdir / 'locust.log')}"
                )
            stats_csv = Path(f"{prefix}_stats.csv").read_text()
            failures_path = Path(f"{prefix}_failures.csv")
            failures_csv = failures_path.read_text() if failures_path.exists() else ""
    finally:
        User.objects.filter(email__in=emails).update(password="!")
    roles: dict[str, int] = {}
    for person in people:
        roles[person.role] = roles.get(person.role, 0) + 1
    figures = summary(
        stats_csv, failures_csv, seconds=seconds, users=len(people), roles=roles
    )
    return {**figures, "workers": WORKERS, "think_seconds": think}
