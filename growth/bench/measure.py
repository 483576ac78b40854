"""Time the pages and the reminder sweep on the current (bench) database.

Pages are requested in one process with Django's test client, through the whole
middleware stack, signed in with ``force_login``. After the warm-up the pages are
requested in turns (floor, each page, the default admin, then again), so that a
slow moment of the machine falls on every page alike; the ratios stay fair.
Queries are counted on the last warm-up request.

The pages keep their content in the page cache (``growth.pagecache``), so a
view that repeats one a minute old is what the main figures time. Each page's
*first view* is timed too, after a change to the organisation that every
page's stamps include, so nothing is reused: the cost of the first view after
any change, and the figure that grows with the data if anything does.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import secrets
import shutil
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from growth import pagecache, reminders
from growth.bench.seed import Cast
from growth.models import Notification, Reminder

PAGES = (
    "growth_dashboard",
    "team_dashboard",
    "feedback_list",
    "goal_list",
    "mentoring",
    "admin_feedback",
)
REFERENCES = ("floor", "default_admin")
BENCH_SETTINGS = {
    "ROOT_URLCONF": "growth.bench.urls",
    "ALLOWED_HOSTS": ["testserver"],
    "DEBUG": False,
}


class BenchError(Exception):
    pass


class QueryCounter:
    """Count the statements run on the default connection, by their verb.

    An execute wrapper rather than CaptureQueriesContext: it keeps no SQL and
    has no 9,000-query limit, and a sweep delivering emails runs more.
    """

    def __init__(self):
        self.verbs: Counter = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.verbs[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    @property
    def total(self) -> int:
        return sum(self.verbs.values())

    @contextlib.contextmanager
    def counting(self):
        with connection.execute_wrapper(self):
            yield self


@contextlib.contextmanager
def own_cache(directory):
    """A page cache of the configured kind that is the benchmark's own: Redis
    under a prefix of its own, or files under ``directory``; emptied
    afterwards. Yields its kind, for the report."""
    configured = settings.CACHES["default"]
    if configured["BACKEND"].endswith("RedisCache"):
        prefix = f"cultivate-bench-{secrets.token_hex(4)}"
        try:
            with override_settings(
                CACHES={"default": {**configured, "KEY_PREFIX": prefix}}
            ):
                yield "Redis"
        finally:
            redis = caches.create_connection("default")._cache.get_client(write=True)
            for key in redis.scan_iter(f"{prefix}:*"):
                redis.delete(key)
        return
    location = directory / "cache"
    shutil.rmtree(location, ignore_errors=True)
    own = {
        "BACKEND": "growth.pagecache.FileCache",
        "LOCATION": location,
    }
    try:
        with override_settings(CACHES={"default": own}):
            yield "files"
    finally:
        shutil.rmtree(location, ignore_errors=True)


def _targets(cast: Cast) -> dict[str, tuple[str, str]]:
    """Each measured page: who asks for it, and its URL."""
    team = cast.manager_team_id
    return {
        "floor": ("engineer", reverse("bench-floor")),
        "growth_dashboard": ("engineer", reverse("my-growth")),
        "team_dashboard": ("manager", reverse("team-dashboard")),
        "feedback_list": (
            "manager",
            f"{reverse('feedback-list')}?tab=people&team={team}&page=2",
        ),
        "goal_list": ("manager", reverse("goal-list")),
        "mentoring": ("manager", reverse("mentoring")),
        "admin_feedback": ("admin", reverse("admin:growth_feedbacknote_changelist")),
        "default_admin": (
            "admin",
            reverse("bench_admin:growth_feedbacknote_changelist"),
        ),
    }


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, not 200.")
    return response


def p95(values: list[float]) -> float:
    """The 95th percentile, by nearest rank: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _first_view(client: Client, url: str, counter: QueryCounter | None = None) -> float:
    """Time ``url`` with nothing to reuse: the organisation has just changed.
    With a ``counter``, count its queries too."""
    pagecache.touch(everyone=True)
    counting = counter.counting() if counter else contextlib.nullcontext()
    start = time.perf_counter()
    with counting:
        _get(client, url)
    return time.perf_counter() - start


def _row(spent: list[float], queries: int, floor: float) -> dict:
    return {
        "median_ms": round(statistics.median(spent) * 1000, 2),
        "p95_ms": round(p95(spent) * 1000, 2),
        "queries": queries,
        "ratio_to_floor": round(statistics.median(spent) / floor, 2),
    }


def measure_pages(cast: Cast, *, requests: int, warmup: int) -> dict[str, dict]:
    """Return a row per page and reference: median, p95, queries, ratio; and
    for each page, the same of its first view (``first_view``)."""
    with override_settings(**BENCH_SETTINGS):
        clients = {}
        for role in ("engineer", "manager", "admin"):
            clients[role] = Client()
            clients[role].force_login(getattr(cast, role))
        targets = _targets(cast)
        queries = {}
        for key, (role, url) in targets.items():
            for _ in range(max(warmup, 1)):
                with QueryCounter().counting() as counter:
                    _get(clients[role], url)
            queries[key] = counter.total
        times: dict[str, list[float]] = {key: [] for key in targets}
        first: dict[str, list[float]] = {key: [] for key in PAGES}
        for _ in range(requests):
            for key, (role, url) in targets.items():
                client = clients[role]
                start = time.perf_counter()
                _get(client, url)
                times[key].append(time.perf_counter() - start)
        # Apart, and after: a first view changes what every page's key includes.
        first_queries = {}
        for key in PAGES:
            role, url = targets[key]
            _first_view(clients[role], url, counter := QueryCounter())
            first_queries[key] = counter.total
        for _ in range(requests):
            for key in PAGES:
                role, url = targets[key]
                first[key].append(_first_view(clients[role], url))
    floor = statistics.median(times["floor"])
    rows = {key: _row(spent, queries[key], floor) for key, spent in times.items()}
    for key in PAGES:
        rows[key]["first_view"] = _row(first[key], first_queries[key], floor)
    return rows


def sweep_moment(now: datetime.datetime) -> datetime.datetime:
    """The next Wednesday 14:00 UTC: past the send hour in Europe, America's east
    and Asia, and after Monday's digest; Los Angeles is not up yet, as in life."""
    day = now.astimezone(datetime.UTC).date()
    day += datetime.timedelta(days=(2 - day.weekday()) % 7 or 7)
    return datetime.datetime.combine(day, datetime.time(14), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class _Marks:
    reminder: int
    notification: int

    @classmethod
    def now(cls) -> _Marks:
        def last(model) -> int:
            return (
                model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )

        return cls(last(Reminder), last(Notification))

    def rewind(self) -> None:
        """Delete what was written since, so the next run finds the same work."""
        Reminder.objects.filter(pk__gt=self.reminder).delete()
        Notification.objects.filter(pk__gt=self.notification).delete()


def measure_sweep(*, now: datetime.datetime) -> dict:
    """Run a full sweep at ``now`` as ``send_reminders`` does: plan, record, and
    deliver every email in this process to the locmem backend; count the emails
    in its outbox. ``queries`` is the sweep's own (plan, record, pick the due
    rows); each delivery is a worker task of its own in production, counted
    apart as ``delivery_queries``."""
    marks = _Marks.now()
    saved_outbox = getattr(mail, "outbox", None)
    mail.outbox = []
    sweep, delivery = QueryCounter(), QueryCounter()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            start = time.perf_counter()
            with sweep.counting():
                planned = reminders.plan(now=now)
                reminders.record(planned, now=now)
                with transaction.atomic():
                    reminders.release_stale_claims(now=now)
                    ids = reminders.due_ids(now=now)
            swept = time.perf_counter()
            with delivery.counting():
                for pk in ids:
                    reminders.deliver(pk, now=now)
            done = time.perf_counter()
            emails = len(mail.outbox)
    finally:
        if saved_outbox is None:
            del mail.outbox
        else:
            mail.outbox = saved_outbox
        marks.rewind()
    return {
        "seconds": round(done - start, 2),
        "queries": sweep.total,
        "emails": emails,
        "planned": len(planned),
        "sweep_seconds": round(swept - start, 2),
        "sweep_queries_by_verb": dict(sorted(sweep.verbs.items())),
        "delivery_seconds": round(done - swept, 2),
        "delivery_queries": delivery.total,
        "at": now.isoformat(),
    }
