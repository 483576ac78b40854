"""Check-ins (1:1s and mentoring conversations) and their action items.

Open action items follow the pair: when a manager or mentor logs a new check-in
with the same engineer (for mentoring, in the same mentorship), the open items
of their last check-in move to the new one rather than being copied.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from growth import policy
from growth.models import ActionItem, CheckIn, CheckInKind, Engineer, Mentorship
from growth.selectors.checkins import pair_check_ins

ACTION_ITEM_MAX_LENGTH = ActionItem._meta.get_field("description").max_length


def _today_for(user, now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now, user.zone)


def _clean_items(items: Iterable[str], field_name: str) -> list[str]:
    cleaned = [item.strip() for item in items if item and item.strip()]
    for number, item in enumerate(cleaned, 1):
        if len(item) > ACTION_ITEM_MAX_LENGTH:
            raise ValidationError(
                {
                    field_name: f"Item {number} is {len(item)} characters long; "
                    f"keep each to {ACTION_ITEM_MAX_LENGTH}."
                }
            )
    return cleaned


def _check_held_on(held_on: datetime.date, *, author, now: datetime.datetime):
    if held_on > _today_for(author, now):
        raise ValidationError({"held_on": "A check-in cannot be in the future."})


def _check_pair(*, author, engineer: Engineer, kind: str, mentorship):
    """Only the direct manager holds a 1:1; only the active mentor holds a
    mentoring check-in, inside that mentorship."""
    if kind == CheckInKind.ONE_ON_ONE and mentorship is not None:
        raise ValidationError({"mentorship": "A 1:1 has no mentorship."})
    allowed = policy.may_hold_check_in(
        author, engineer=engineer, kind=kind, mentorship=mentorship
    )
    if kind == CheckInKind.ONE_ON_ONE and not allowed:
        raise ValidationError(
            {"engineer": "Only the engineer's manager can log a 1:1 with them."}
        )
    if kind == CheckInKind.MENTORING and not allowed:
        raise ValidationError(
            {
                "mentorship": "Only the engineer's active mentor can log a "
                "mentoring check-in with them."
            }
        )
    if kind not in CheckInKind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of check-in."})


@transaction.atomic
def check_in_create(
    *,
    author,
    engineer: Engineer,
    kind: str,
    mentorship: Mentorship | None = None,
    held_on: datetime.date,
    notes: str = "",
    action_items: Sequence[str] = (),
    now: datetime.datetime,
) -> CheckIn:
    """Log a check-in, move the pair's open items onto it, and add new ones.

    Items move only forward: when the new check-in is dated before the pair's
    last one, that later conversation keeps its open items.
    """
    _check_pair(author=author, engineer=engineer, kind=kind, mentorship=mentorship)
    _check_held_on(held_on, author=author, now=now)
    items = _clean_items(action_items, "action_items")
    check_in = CheckIn(
        author=author,
        engineer=engineer,
        kind=kind,
        mentorship=mentorship,
        held_on=held_on,
        notes=notes,
        created_at=now,
    )
    check_in.full_clean()
    previous = (
        pair_check_ins(
            author=author, engineer=engineer, kind=kind, mentorship=mentorship
        )
        .select_for_update()
        .first()
    )
    check_in.save()
    if previous is not None and previous.held_on <= held_on:
        ActionItem.objects.filter(check_in=previous, done_at__isnull=True).update(
            check_in=check_in
        )
    ActionItem.objects.bulk_create(
        ActionItem(check_in=check_in, description=item, created_at=now)
        for item in items
    )
    return check_in


@transaction.atomic
def check_in_update(
    *,
    check_in: CheckIn,
    held_on: datetime.date,
    notes: str,
    add_action_items: Sequence[str] = (),
    remove_action_items: Iterable[ActionItem] = (),
    now: datetime.datetime,
) -> CheckIn:
    """Change a check-in's date and notes, add items and remove mistaken ones."""
    _check_held_on(held_on, author=check_in.author, now=now)
    items = _clean_items(add_action_items, "add_action_items")
    removed = [item.pk for item in remove_action_items]
    if removed and check_in.action_items.filter(pk__in=removed).count() != len(
        set(removed)
    ):
        raise ValidationError(
            {"remove_action_items": "Pick items of this check-in only."}
        )
    check_in.held_on = held_on
    check_in.notes = notes
    check_in.full_clean()
    check_in.save(update_fields=["held_on", "notes", "updated_at"])
    if removed:
        check_in.action_items.filter(pk__in=removed).delete()
    ActionItem.objects.bulk_create(
        ActionItem(check_in=check_in, description=item, created_at=now)
        for item in items
    )
    return check_in


@transaction.atomic
def action_item_toggle(
    *, item: ActionItem, by, done: bool, now: datetime.datetime
) -> ActionItem:
    """Mark ``item`` done (keeping the first time it was) or open again."""
    if not policy.may_toggle_action_items(by, item.check_in):
        raise ValidationError(
            {"done": "Only the check-in's author and engineer can change its items."}
        )
    if done and item.done_at is None:
        item.done_at = now
    elif not done:
        item.done_at = None
    item.save(update_fields=["done_at"])
    return item
