"""A person's own settings: name, time zone, and where each kind of reminder
reaches them (email, Slack, both or neither)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from accounts.names import name_change_record
from growth.models import ReminderPreference
from growth.models.reminders import EMAIL_KIND_CHOICES, channel_of

# The kinds a person may choose a channel for.
NOTICE_KINDS = tuple(kind for kind, _label in EMAIL_KIND_CHOICES)


def reminder_email_kinds(*, user) -> set[str]:
    """Return the kinds ``user`` gets emails about; a kind with no row is on."""
    off = ReminderPreference.objects.filter(user=user, email_enabled=False)
    return set(NOTICE_KINDS) - set(off.order_by().values_list("kind", flat=True))


def reminder_slack_kinds(*, user) -> set[str]:
    """Return the kinds ``user`` chose to get on Slack; a kind with no row is off.

    The choice is kept while Slack is not configured; nothing is sent then.
    """
    on = ReminderPreference.objects.filter(user=user, slack_enabled=True)
    return set(on.order_by().values_list("kind", flat=True))


def reminder_channels(*, user) -> dict[str, str]:
    """Return each kind's channel choice for ``user`` ("email", "slack", "both",
    "none"), in one query."""
    chosen = {
        kind: (email, slack)
        for kind, email, slack in ReminderPreference.objects.filter(
            user=user
        ).values_list("kind", "email_enabled", "slack_enabled")
    }
    return {
        kind: channel_of(
            email=chosen.get(kind, (True, False))[0],
            slack=chosen.get(kind, (True, False))[1],
        )
        for kind in NOTICE_KINDS
    }


def reminder_preferences_set(
    *,
    user,
    enabled_kinds: Iterable[str],
    now: datetime.datetime,
    slack_kinds: Iterable[str] | None = None,
) -> list[str]:
    """Email ``user`` about ``enabled_kinds`` and nothing else, and send them
    ``slack_kinds`` on Slack (None: leave their Slack choices as they are);
    return the kinds that changed.

    Only a changed choice is written: a person who never touches a switch keeps
    no row, so they follow the default (email, not Slack).
    """
    enabled = set(enabled_kinds)
    slack = None if slack_kinds is None else set(slack_kinds)
    unknown = (enabled | (slack or set())) - set(NOTICE_KINDS)
    if unknown:
        raise ValueError(f"Unknown reminder kinds: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        email_now = reminder_email_kinds(user=user)
        slack_now = reminder_slack_kinds(user=user)
        if slack is None:
            slack = slack_now
        changed = [
            kind
            for kind in NOTICE_KINDS
            if (kind in enabled) != (kind in email_now)
            or (kind in slack) != (kind in slack_now)
        ]
        if not changed:
            return []
        ReminderPreference.objects.bulk_create(
            [
                ReminderPreference(
                    user=user,
                    kind=kind,
                    email_enabled=kind in enabled,
                    slack_enabled=kind in slack,
                )
                for kind in changed
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email_enabled", "slack_enabled", "updated_at"],
        )
        # updated_at is auto_now, which stamps the clock; keep the caller's time.
        ReminderPreference.objects.filter(user=user, kind__in=changed).update(
            updated_at=now
        )
    return changed


def profile_update(
    *,
    user,
    display_name: str,
    time_zone: str,
    enabled_kinds: Iterable[str],
    now: datetime.datetime,
    slack_kinds: Iterable[str] | None = None,
) -> None:
    """Save ``user``'s name, time zone and reminder channels together, or none
    of them.

    The form has checked that no other active person has the name
    (``accounts.names``); a change of name is kept in its history.
    """
    with transaction.atomic():
        old_name = user.display_name
        user.display_name = display_name
        user.time_zone = time_zone
        user.save(update_fields=["display_name", "time_zone"])
        name_change_record(user=user, old_name=old_name, by=user, now=now)
        reminder_preferences_set(
            user=user, enabled_kinds=enabled_kinds, slack_kinds=slack_kinds, now=now
        )
