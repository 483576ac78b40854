"""Run the reminder sweep by hand: ``send_reminders [--dry-run] [--now ISO]``."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from growth import reminders
from growth.models import Reminder


def parse_now(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now must be an ISO date and time, like 2026-11-30T09:00:00+00:00, not {value!r}"
        ) from None
    if timezone.is_naive(moment):
        raise CommandError(
            f"--now needs a UTC offset, like 2026-11-30T09:00:00+00:00, not {value!r}"
        )
    return moment


class Command(BaseCommand):
    help = (
        "Record and send the reminders due now, in this process (no broker "
        "needed), and print what went to whom. --dry-run only prints."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; write and send nothing.",
        )
        parser.add_argument(
            "--now",
            type=parse_now,
            help="Run as if at this moment (ISO 8601 with an offset).",
        )

    def handle(self, *args, dry_run: bool, now: datetime.datetime | None, **options):
        now = now or timezone.now()
        planned = reminders.plan(now=now)
        if dry_run:
            self._dry_run(planned, now=now)
            return
        recorded = reminders.record(planned, now=now)
        with transaction.atomic():
            reminders.release_stale_claims(now=now)
            ids = reminders.due_ids(now=now)
        outcomes = {}
        for pk in ids:
            try:
                outcomes[pk] = reminders.deliver(pk, now=now)
            except reminders.RetryLater as later:
                outcomes[pk] = f"mail server failed; retrying in {later.seconds} s"
        rows = Reminder.objects.filter(pk__in=ids).select_related("recipient")
        by_recipient = defaultdict(list)
        for reminder in rows.order_by("recipient__display_name", "kind", "pk"):
            outcome = outcomes.get(reminder.pk) or "already being sent elsewhere"
            by_recipient[reminder.recipient].append(
                (reminder.kind, reminder.period_key, reminder.subject, outcome)
            )
        self._print(by_recipient)
        skipped = f", {recorded.skipped} opted out" if recorded.skipped else ""
        sent = sum(1 for outcome in outcomes.values() if outcome == "sent")
        self.stdout.write(
            f"Recorded {len(planned)} reminder(s){skipped}; sent {sent} of "
            f"{len(ids)} pending at {now.isoformat()}."
        )

    def _dry_run(self, planned, *, now):
        users = get_user_model().objects.in_bulk({p.recipient_id for p in planned})
        by_recipient = defaultdict(list)
        for p in planned:
            by_recipient[users[p.recipient_id]].append(
                (p.kind, p.period_key, p.subject, "would be sent")
            )
        waiting = Reminder.objects.filter(pk__in=self._waiting_ids(now)).select_related(
            "recipient"
        )
        for reminder in waiting:
            by_recipient[reminder.recipient].append(
                (reminder.kind, reminder.period_key, reminder.subject, "would be sent")
            )
        self._print(dict(sorted(by_recipient.items(), key=lambda kv: str(kv[0]))))
        self.stdout.write(
            f"Dry run at {now.isoformat()}: {len(planned)} new and "
            f"{len(waiting)} recorded reminder(s) would be sent; nothing was written."
        )

    def _waiting_ids(self, now) -> list[int]:
        # Read inside a transaction that is rolled back: select_for_update needs one.
        with transaction.atomic():
            ids = reminders.due_ids(now=now)
            transaction.set_rollback(True)
        return ids

    def _print(self, by_recipient):
        for recipient, lines in by_recipient.items():
            self.stdout.write(f"{recipient} <{recipient.email}>")
            for kind, period, subject, outcome in lines:
                self.stdout.write(f"  {kind} {period}: {subject} [{outcome}]")
