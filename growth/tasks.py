"""Celery tasks: a few lines each, taking ids and calling the reminder service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from growth.reminders import delivery
from growth.services.insight import insight_counts_refresh


@shared_task
def sweep_reminders() -> dict:
    """Record what is due and publish its delivery; beat runs it every
    REMINDER_SWEEP_SECONDS. A worker, not a web request: it may wait on the
    broker as long as the broker settings allow."""
    return delivery.sweep(now=timezone.now(), publish_timeout=None).as_dict()


@shared_task(bind=True, max_retries=settings.REMINDER_MAX_ATTEMPTS)
def send_reminder(self, reminder_id: int) -> str | None:
    """Send one reminder, once; retry soon after a passing mail-server error."""
    try:
        return delivery.deliver(reminder_id)
    except delivery.RetryLater as later:
        # A short countdown (at most REMINDER_RETRY_MAX_SECONDS), far below
        # Redis's visibility timeout; should it be lost, the sweep re-publishes.
        raise self.retry(countdown=later.seconds) from None


@shared_task(bind=True, max_retries=settings.REMINDER_MAX_ATTEMPTS)
def send_channel_post(self, post_id: int) -> str | None:
    """Post one Slack channel or Teams post, once; retry as reminders do."""
    from growth.chat import outbox  # imports the reminders' delivery

    try:
        return outbox.deliver_post(post_id)
    except delivery.RetryLater as later:
        raise self.retry(countdown=later.seconds) from None


@shared_task
def count_insight() -> int:
    """Count the organisation insight afresh; beat runs it every
    INSIGHT_REFRESH_SECONDS."""
    return insight_counts_refresh(now=timezone.now())
