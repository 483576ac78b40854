"""/healthz: is this web process able to do its work?

Public, for a load balancer or a monitor: 200 when the database and the
broker answer, 503 when either does not. It also reports when the reminder
sweep last ran, and how many reminders wait for a person (failed, or
ambiguous: maybe delivered, never resent on their own); neither fails the
check, because pages still work. It names no host, URL or error text.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from growth.celery import app as celery_app
from growth.models import Reminder, ReminderRule, ReminderStatus

BROKER_TIMEOUT_SECONDS = 2
# Three missed ticks of beat's sweep is "stale".
SWEEP_STALE_TICKS = 3


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def broker_is_up() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        # The filesystem broker is a folder: up when we can write to it.
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "")
        return bool(folder) and os.access(folder, os.W_OK)
    try:
        with celery_app.connection_for_write(
            url=url,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={
                "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
                "socket_timeout": BROKER_TIMEOUT_SECONDS,
            },
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
    except Exception:  # whatever the transport raises, it is not answering
        return False
    return True


def last_sweep() -> datetime.datetime | None:
    """Return when a sweep last applied any reminder rule, or None if never."""
    return ReminderRule.objects.aggregate(last=Max("last_swept_at"))["last"]


def sweep_state(*, now: datetime.datetime) -> dict:
    try:
        moment = last_sweep()
    except DatabaseError:
        moment = None
    if moment is None:
        return {"state": "unknown", "last": None}
    stale_after = datetime.timedelta(
        seconds=SWEEP_STALE_TICKS * settings.REMINDER_SWEEP_SECONDS
    )
    state = "stale" if now - moment > stale_after else "recent"
    return {"state": state, "last": moment.isoformat()}


def reminders_waiting_for_a_person() -> dict | None:
    """Count the reminders only a person can resend; None if unreadable."""
    waiting = (ReminderStatus.FAILED, ReminderStatus.AMBIGUOUS)
    try:
        return Reminder.objects.filter(status__in=waiting).aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in waiting}
        )
    except DatabaseError:
        return None


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """Report the database, the broker and the last sweep; 503 when
    the database or the broker is down."""
    checks = {
        "database": "up" if database_is_up() else "down",
        "broker": "up" if broker_is_up() else "down",
    }
    healthy = all(value == "up" for value in checks.values())
    body = {
        "status": "ok" if healthy else "down",
        **checks,
        "sweep": sweep_state(now=timezone.now()),
        "reminders": reminders_waiting_for_a_person(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
]
