"""Marking in-app notifications read: opened, all at once, or acted on.

The navigation's badge counts a person's unread notifications once per
request, in their ``Access``. A call here that marks some of them read during
a request says so on the user object it was given (``request.user``), and the
page that request renders counts again (``growth.context_processors``): the
badge and the list never disagree, not even on the page that settled them.
"""

from __future__ import annotations

import contextlib
import datetime

from growth.models import Notification

# The mark a change leaves on the user it was made for.
CHANGED = "notifications_changed"


def _changed(user, count: int) -> int:
    if count:
        # An ``Access`` is frozen and takes no mark: pass the user for that.
        with contextlib.suppress(AttributeError):
            setattr(user, CHANGED, True)
    return count


def notifications_mark_read(
    *, user, now: datetime.datetime, pk: int | None = None
) -> int:
    """Mark one of ``user``'s notifications read, or all of them; return how many."""
    qs = Notification.objects.visible_to(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return _changed(user, qs.update(read_at=now))


def notifications_settle(*, user, url: str, now: datetime.datetime) -> int:
    """Mark read ``user``'s notifications that link to ``url``; return how many.

    Call it when the person acts on the thing a notification is about
    (acknowledges the note, answers the request, opens the check-in), so the
    badge never counts something they have already dealt with.
    """
    updated = Notification.objects.filter(
        recipient=user, url=url, read_at__isnull=True
    ).update(read_at=now)
    return _changed(user, updated)
