"""Time the pages and the reminder sweep on the current (bench) database.

Pages are requested in one process with Django's test client, through the whole
middleware stack, signed in with ``force_login``. After the warm-up the pages are
requested in turns (floor, each page, the default admin, then again), so that a
slow moment of the machine falls on every page alike; the ratios stay fair.
Queries are counted on the last warm-up request. Nothing is kept between
requests: every one builds its page, as for the person who waits for it.

Each timed request is split three ways: SQL (every statement, timed where it
runs), template rendering (the outermost ``Template.render``, without the SQL
run lazily from inside it), and the rest (view code, ORM, middleware).
"""

from __future__ import annotations

import contextlib
import datetime
import math
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from django.core import mail
from django.db import connection, transaction
from django.template.base import Template
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from growth import reminders
from growth.bench.seed import Cast
from growth.models import Notification, Reminder
from growth.services.insight import insight_counts_refresh

PAGES = (
    "growth_dashboard",
    "engineer_framework",
    "team_dashboard",
    "team_framework",
    "feedback_list",
    "goal_list",
    "mentoring",
    "admin_feedback",
    "insight_head",
    "insight_staff",
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
    """Count the statements run on the default connection, by their verb, and
    the seconds they take.

    An execute wrapper rather than CaptureQueriesContext: it keeps no SQL and
    has no 9,000-query limit, and a sweep delivering emails runs more.
    """

    def __init__(self):
        self.verbs: Counter = Counter()
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.verbs[sql.lstrip().split(None, 1)[0].upper()] += 1
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start

    @property
    def total(self) -> int:
        return sum(self.verbs.values())

    @contextlib.contextmanager
    def counting(self):
        with connection.execute_wrapper(self):
            yield self


class RenderClock:
    """The seconds spent rendering templates, less the SQL ``queries`` saw run
    meanwhile (a queryset a template evaluates is SQL, not rendering).

    Only the outermost ``Template.render`` is timed: includes, crispy's forms
    and the admin's templates render inside it and would count twice.
    """

    def __init__(self, queries: QueryCounter):
        self.queries = queries
        self.seconds = 0.0
        self._depth = 0

    @contextlib.contextmanager
    def timing(self):
        original = Template.render
        clock = self

        def render(template, context):
            if clock._depth:
                return original(template, context)
            clock._depth += 1
            sql_before = clock.queries.seconds
            start = time.perf_counter()
            try:
                return original(template, context)
            finally:
                spent = time.perf_counter() - start
                clock.seconds += spent - (clock.queries.seconds - sql_before)
                clock._depth -= 1

        Template.render = render
        try:
            yield self
        finally:
            Template.render = original


@dataclass(frozen=True)
class Timing:
    """One request's seconds: in all, in SQL, and rendering (SQL aside)."""

    total: float
    sql: float
    render: float


def _targets(cast: Cast) -> dict[str, tuple[str, str]]:
    """Each measured page: who asks for it, and its URL."""
    team = cast.manager_team_id
    return {
        "floor": ("engineer", reverse("bench-floor")),
        "growth_dashboard": ("engineer", reverse("my-growth")),
        "engineer_framework": ("engineer", reverse("my-framework")),
        "team_dashboard": ("manager", reverse("team-dashboard")),
        "team_framework": ("manager", reverse("team-framework")),
        "feedback_list": (
            "manager",
            f"{reverse('feedback-list')}?tab=people&team={team}&page=2",
        ),
        "goal_list": ("manager", reverse("goal-list")),
        "mentoring": ("manager", reverse("mentoring")),
        "admin_feedback": ("admin", reverse("admin:growth_feedbacknote_changelist")),
        # Organisation insight: the head of engineering (everyone below them)
        # and staff with the permission (every team).
        "insight_head": ("head", reverse("org-insight")),
        "insight_staff": ("admin", reverse("org-insight")),
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


def _timed(client: Client, url: str, sql: QueryCounter, render: RenderClock) -> Timing:
    sql_before, render_before = sql.seconds, render.seconds
    start = time.perf_counter()
    _get(client, url)
    return Timing(
        total=time.perf_counter() - start,
        sql=sql.seconds - sql_before,
        render=render.seconds - render_before,
    )


def p95(values: list[float]) -> float:
    """The 95th percentile, by nearest rank: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _row(timings: list[Timing], queries: int, floor: float) -> dict:
    spent = [t.total for t in timings]
    median = statistics.median(spent)
    sql = statistics.median(t.sql for t in timings)
    render = statistics.median(t.render for t in timings)
    return {
        "median_ms": _ms(median),
        "p95_ms": _ms(p95(spent)),
        "queries": queries,
        "ratio_to_floor": round(median / floor, 2),
        # Medians of each part; the rest is what makes them add up to the
        # median, so the three read as shares of it.
        "split_ms": {
            "sql": _ms(sql),
            "render": _ms(render),
            "other": _ms(max(median - sql - render, 0.0)),
        },
    }


def measure_pages(cast: Cast, *, requests: int, warmup: int) -> dict[str, dict]:
    """Return a row per page and reference: median, p95, queries, ratio to the
    floor, and where the median's time went (``split_ms``)."""
    with override_settings(**BENCH_SETTINGS):
        clients = {}
        for role in ("engineer", "manager", "admin", "head"):
            clients[role] = Client()
            clients[role].force_login(getattr(cast, role))
        targets = _targets(cast)
        queries = {}
        for key, (role, url) in targets.items():
            for _ in range(max(warmup, 1)):
                with QueryCounter().counting() as counter:
                    _get(clients[role], url)
            queries[key] = counter.total
        timings: dict[str, list[Timing]] = {key: [] for key in targets}
        with QueryCounter().counting() as sql, RenderClock(sql).timing() as render:
            for _ in range(requests):
                for key, (role, url) in targets.items():
                    timings[key].append(_timed(clients[role], url, sql, render))
    floor = statistics.median(t.total for t in timings["floor"])
    return {key: _row(spent, queries[key], floor) for key, spent in timings.items()}


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


def measure_insight_count(*, now: datetime.datetime) -> dict:
    """Count the organisation insight afresh, as beat does: its time, queries
    and the rows it keeps."""
    counter = QueryCounter()
    start = time.perf_counter()
    with counter.counting():
        rows = insight_counts_refresh(now=now)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "queries": counter.total,
        "rows": rows,
    }
