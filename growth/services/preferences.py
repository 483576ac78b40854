"""A person's own settings: name, time zone and which reminders reach their inbox."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from accounts.names import name_change_record
from growth.models import ReminderPreference
from growth.models.reminders import EMAIL_KIND_CHOICES

# The kinds a person may switch email on or off for.
NOTICE_KINDS = tuple(kind for kind, _label in EMAIL_KIND_CHOICES)


def reminder_email_kinds(*, user) -> set[str]:
    """Return the kinds ``user`` gets emails about; a kind with no row is on."""
    off = ReminderPreference.objects.filter(user=user, email_enabled=False)
    return set(NOTICE_KINDS) - set(off.order_by().values_list("kind", flat=True))


def reminder_preferences_set(
    *, user, enabled_kinds: Iterable[str], now: datetime.datetime
) -> list[str]:
    """Email ``user`` about ``enabled_kinds`` and nothing else; return what changed.

    Only a changed choice is written: a person who never touches a switch keeps
    no row, so they follow the default (on).
    """
    enabled = set(enabled_kinds)
    unknown = enabled - set(NOTICE_KINDS)
    if unknown:
        raise ValueError(f"Unknown reminder kinds: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = reminder_email_kinds(user=user)
        changed = [
            kind for kind in NOTICE_KINDS if (kind in enabled) != (kind in current)
        ]
        if not changed:
            return []
        ReminderPreference.objects.bulk_create(
            [
                ReminderPreference(user=user, kind=kind, email_enabled=kind in enabled)
                for kind in changed
            ],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email_enabled", "updated_at"],
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
) -> None:
    """Save ``user``'s name, time zone and reminder emails together, or none of them.

    The form has checked that no other active person has the name
    (``accounts.names``); a change of name is kept in its history.
    """
    with transaction.atomic():
        old_name = user.display_name
        user.display_name = display_name
        user.time_zone = time_zone
        user.save(update_fields=["display_name", "time_zone"])
        name_change_record(user=user, old_name=old_name, by=user, now=now)
        reminder_preferences_set(user=user, enabled_kinds=enabled_kinds, now=now)
