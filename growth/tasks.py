"""Celery tasks: a few lines each, taking ids and calling the reminder service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from growth import reminders


@shared_task
def sweep_reminders() -> dict:
    """Record what is due and queue its delivery; beat runs it every 15 minutes."""
    return reminders.sweep(now=timezone.now()).as_dict()


@shared_task(bind=True, max_retries=settings.REMINDER_MAX_ATTEMPTS)
def send_reminder(self, reminder_id: int) -> str | None:
    """Send one reminder, once; retry soon after a passing mail-server error."""
    try:
        return reminders.deliver(reminder_id, now=timezone.now())
    except reminders.RetryLater as later:
        # A short countdown (at most REMINDER_RETRY_MAX_SECONDS), far below
        # Redis's visibility timeout; should it be lost, the sweep re-queues.
        raise self.retry(countdown=later.seconds) from None
