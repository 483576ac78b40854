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
