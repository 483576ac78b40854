"""Run the reminder sweep by hand: ``send_reminders [--dry-run [--now ISO]]``."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from growth.models import Reminder
from growth.reminders import delivery
from growth.reminders.planning import plan


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
        "needed), and print what went to whom. --dry-run only prints; "
        "--now, with --dry-run only, looks at another moment."
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
            help="With --dry-run: look as if at this moment (ISO 8601 with an offset).",
        )

    def handle(self, *args, dry_run: bool, now: datetime.datetime | None, **options):
        if now is not None and not dry_run:
            # Sending at an invented time would record the wrong week, and the
            # workers' claims and retries keep the real (the database's) time.
            raise CommandError(
                "--now only goes with --dry-run: it shows what would be sent at "
                "that moment. Sending always happens now."
            )
        # Rows waiting to retry are due by the database's clock, unless a dry
        # run looks at another moment.
        waiting = delivery.due_ids(now=now) if dry_run else []
        now = now or timezone.now()
        planned = plan(now=now)
        if dry_run:
            self._dry_run(planned, waiting, now=now)
            return
        recorded = delivery.record(planned, now=now)
        with transaction.atomic():
            delivery.release_stale_claims()
        ids = delivery.due_ids()
        outcomes = {}
        for pk in ids:
            try:
                outcomes[pk] = delivery.deliver(pk)
            except delivery.RetryLater as later:
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
            f"Planned {len(planned)}, recorded {recorded.recorded} reminder(s)"
            f"{skipped}; sent {sent} of {len(ids)} pending at {now.isoformat()}."
        )

    def _dry_run(self, planned, waiting_ids, *, now):
        users = get_user_model().objects.in_bulk({p.recipient_id for p in planned})
        by_recipient = defaultdict(list)
        for p in planned:
            by_recipient[users[p.recipient_id]].append(
                (p.kind, p.period_key, p.subject, "would be sent")
            )
        waiting = Reminder.objects.filter(pk__in=waiting_ids).select_related(
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

    def _print(self, by_recipient):
        for recipient, lines in by_recipient.items():
            self.stdout.write(f"{recipient} <{recipient.email}>")
            for kind, period, subject, outcome in lines:
                self.stdout.write(f"  {kind} {period}: {subject} [{outcome}]")
