"""The plan: what each recipient is due now, one email per rule per week.

A swept reminder is due once the recipient's local send hour has come, on any
day of their ISO week (so a missed tick or a stopped beat catches up at the
next one); the weekly digest also waits for its weekday. The period key is that
ISO week (``2026-W49``), read in the recipient's own time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from growth import emails
from growth.models import Reminder, ReminderKind, ReminderRule
from growth.reminders.rules import SELECTORS, Clock


def period_key(local: datetime.datetime) -> str:
    """The ISO week of the recipient's local date: one email per rule per week."""
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def is_send_time(rule: ReminderRule, local: datetime.datetime) -> bool:
    """Has the recipient's send time come this week? Any later tick of the same
    week counts too, so a missed tick or a stopped beat catches up."""
    if rule.kind == ReminderKind.WEEKLY_DIGEST:
        return (local.weekday(), local.hour) >= (rule.digest_weekday, rule.send_hour)
    return local.hour >= rule.send_hour


@dataclass
class Planned:
    """One email to write: a recipient, a rule, a period and every subject."""

    recipient_id: int
    time_zone: str
    kind: str
    period_key: str
    local_date: datetime.date
    cadence_days: int
    items: list[dict] = field(default_factory=list)
    subject: str = ""

    @property
    def payload(self) -> dict:
        return {
            "items": self.items,
            # The subjects: a digest's organisation section is not one.
            "count": sum(1 for item in self.items if "organisation" not in item),
            "cadence_days": self.cadence_days,
            "dated_on": self.local_date.isoformat(),
        }


def plan(*, now: datetime.datetime, kinds=None) -> list[Planned]:
    """Return the reminders due at ``now`` and not yet recorded for their period.

    Reads only: a fixed number of queries however many people there are.
    """
    clock = Clock(now)
    rules = ReminderRule.objects.filter(enabled=True)
    if kinds is not None:
        rules = rules.filter(kind__in=list(kinds))
    grouped: dict[tuple[str, int, str], Planned] = {}
    for rule in rules:
        selector = SELECTORS.get(rule.kind)
        if selector is None:
            continue
        for row in selector(rule, clock):
            local = clock.local(row.time_zone)
            if not is_send_time(rule, local):
                continue
            period = row.period_key or period_key(local)
            key = (rule.kind, row.user_id, period)
            if key not in grouped:
                grouped[key] = Planned(
                    recipient_id=row.user_id,
                    time_zone=row.time_zone,
                    kind=rule.kind,
                    period_key=period,
                    local_date=local.date(),
                    cadence_days=rule.cadence_days,
                )
            grouped[key].items.append(row.item)
    if not grouped:
        return []
    recorded = set(
        Reminder.objects.filter(
            kind__in={kind for kind, _, _ in grouped},
            period_key__in={planned.period_key for planned in grouped.values()},
        ).values_list("kind", "recipient_id", "period_key")
    )
    due = [
        planned
        for planned in grouped.values()
        if (planned.kind, planned.recipient_id, planned.period_key) not in recorded
    ]
    for planned in due:
        planned.subject = emails.subject_for(planned.kind, planned.payload)
    due.sort(key=lambda planned: (planned.recipient_id, planned.kind))
    return due
