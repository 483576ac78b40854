from __future__ import annotations

import datetime

from growth.models import Notification


def notifications_mark_read(
    *, user, now: datetime.datetime, pk: int | None = None
) -> int:
    """Mark one of ``user``'s notifications read, or all of them; return how many."""
    qs = Notification.objects.visible_to(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=now)


def notifications_settle(*, user, url: str, now: datetime.datetime) -> int:
    """Mark read ``user``'s notifications that link to ``url``; return how many.

    Call it when the person acts on the thing a notification is about
    (acknowledges the note, answers the request, opens the check-in), so the
    badge never counts something they have already dealt with.
    """
    return Notification.objects.filter(
        recipient=user, url=url, read_at__isnull=True
    ).update(read_at=now)
