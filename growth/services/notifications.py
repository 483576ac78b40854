from __future__ import annotations

import datetime

from growth.models import Notification


def notification_create(
    *, recipient, kind: str, message: str, url: str = "", now: datetime.datetime
) -> Notification:
    """Tell ``recipient`` in the app: names, counts, dates and a link, never a note's text."""
    return Notification.objects.create(
        recipient=recipient, kind=kind, message=message[:255], url=url, created_at=now
    )


def notifications_mark_read(
    *, user, now: datetime.datetime, pk: int | None = None
) -> int:
    """Mark one of ``user``'s notifications read, or all of them; return how many."""
    qs = Notification.objects.visible_to(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=now)
