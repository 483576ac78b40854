"""Check-ins (1:1s and mentoring conversations), their action items, and the
talking points of the next one.

Open action items follow the pair: when a manager or mentor logs a new check-in
with the same engineer (for mentoring, in the same mentorship), the open items
of their last check-in move to the new one rather than being copied. Each item
is for one of the two people to do, its owner.

Talking points wait on the pair's agenda (an engineer's 1:1s, or one
mentorship) until a check-in discusses them: logging one marks the points its
author ticked as discussed in it, and the rest wait for the next.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from growth import policy
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    CheckInKind,
    Engineer,
    EventKind,
    Mentorship,
    Notification,
)
from growth.selectors.checkins import pair_check_ins, pair_url

ACTION_ITEM_MAX_LENGTH = ActionItem._meta.get_field("description").max_length
AGENDA_ADDED = EventKind.AGENDA_ADDED


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


def _new_items(
    check_in: CheckIn,
    *,
    engineer_items: Sequence[str],
    author_items: Sequence[str],
    due_on: datetime.date | None,
    now: datetime.datetime,
) -> None:
    """Add the engineer's items, then the author's, all due on ``due_on``."""
    owners = [(check_in.engineer.user_id, engineer_items)]
    owners.append((check_in.author_id, author_items))
    ActionItem.objects.bulk_create(
        ActionItem(
            check_in=check_in,
            description=item,
            owner_id=owner_id,
            due_on=due_on,
            created_at=now,
        )
        for owner_id, items in owners
        for item in items
    )


def _mark_discussed(check_in: CheckIn, points: Iterable[AgendaItem]) -> None:
    """Mark ``points`` of the pair's agenda discussed in ``check_in``. A point
    another check-in took meanwhile stays with that one."""
    ids = {point.pk for point in points}
    if not ids:
        return
    of_pair = AgendaItem.objects.of_pair(
        engineer_id=check_in.engineer_id,
        kind=check_in.kind,
        mentorship_id=check_in.mentorship_id,
    )
    if of_pair.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"discussed": "Pick talking points of this pair's agenda only."}
        )
    of_pair.open().filter(pk__in=ids).update(discussed_in=check_in)


@transaction.atomic
def check_in_create(
    *,
    author,
    engineer: Engineer,
    kind: str,
    mentorship: Mentorship | None = None,
    held_on: datetime.date,
    notes: str = "",
    private_notes: str = "",
    action_items: Sequence[str] = (),
    author_action_items: Sequence[str] = (),
    due_on: datetime.date | None = None,
    discussed: Iterable[AgendaItem] = (),
    now: datetime.datetime,
) -> CheckIn:
    """Log a check-in, move the pair's open items onto it, add new ones (the
    engineer's ``action_items`` and the author's own), and mark the talking
    points it ``discussed``.

    Items move only forward: when the new check-in is dated before the pair's
    last one, that later conversation keeps its open items.
    """
    _check_pair(author=author, engineer=engineer, kind=kind, mentorship=mentorship)
    _check_held_on(held_on, author=author, now=now)
    engineer_items = _clean_items(action_items, "action_items")
    author_items = _clean_items(author_action_items, "author_action_items")
    check_in = CheckIn(
        author=author,
        engineer=engineer,
        kind=kind,
        mentorship=mentorship,
        held_on=held_on,
        notes=notes,
        private_notes=private_notes,
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
    _new_items(
        check_in,
        engineer_items=engineer_items,
        author_items=author_items,
        due_on=due_on,
        now=now,
    )
    _mark_discussed(check_in, discussed)
    return check_in


@transaction.atomic
def check_in_update(
    *,
    check_in: CheckIn,
    held_on: datetime.date,
    notes: str,
    private_notes: str | None = None,
    add_action_items: Sequence[str] = (),
    add_author_action_items: Sequence[str] = (),
    due_on: datetime.date | None = None,
    remove_action_items: Iterable[ActionItem] = (),
    now: datetime.datetime,
) -> CheckIn:
    """Change a check-in's date and notes (its private notes too, unless
    ``None``), add items and remove mistaken ones."""
    _check_held_on(held_on, author=check_in.author, now=now)
    engineer_items = _clean_items(add_action_items, "action_items")
    author_items = _clean_items(add_author_action_items, "author_action_items")
    removed = [item.pk for item in remove_action_items]
    if removed and check_in.action_items.filter(pk__in=removed).count() != len(
        set(removed)
    ):
        raise ValidationError(
            {"remove_action_items": "Pick items of this check-in only."}
        )
    check_in.held_on = held_on
    check_in.notes = notes
    fields = ["held_on", "notes", "updated_at"]
    if private_notes is not None:
        check_in.private_notes = private_notes
        fields.append("private_notes")
    check_in.full_clean()
    check_in.save(update_fields=fields)
    if removed:
        check_in.action_items.filter(pk__in=removed).delete()
    _new_items(
        check_in,
        engineer_items=engineer_items,
        author_items=author_items,
        due_on=due_on,
        now=now,
    )
    return check_in


# --- action items ------------------------------------------------------------------


def action_item_owners(check_in: CheckIn) -> list[tuple[int, str]]:
    """Who may own an item of ``check_in``: its two people, as (user id, name)."""
    owners = [(check_in.engineer.user_id, check_in.engineer.name)]
    if check_in.author_id is not None:
        owners.append((check_in.author_id, str(check_in.author)))
    return owners


@transaction.atomic
def action_item_toggle(
    *, item: ActionItem, by, done: bool, now: datetime.datetime
) -> ActionItem:
    """Mark ``item`` done (keeping the first time it was) or open again."""
    if not policy.may_toggle_action_item(by, item, item.check_in):
        raise ValidationError(
            {"done": "Only its owner and the check-in's author can tick this item."}
        )
    if done and item.done_at is None:
        item.done_at = now
    elif not done:
        item.done_at = None
    item.save(update_fields=["done_at"])
    return item


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    by,
    description: str,
    owner_id: int,
    due_on: datetime.date | None,
) -> ActionItem:
    """Rewrite an item, give it to the other person of the pair, or re-date it:
    the check-in's author does."""
    check_in = item.check_in
    if not (
        policy.action_items_editable_by(by, ActionItem.objects.filter(pk=item.pk))
    ).exists():
        raise ValidationError("Only the check-in's author can change its items.")
    if owner_id not in {pk for pk, _name in action_item_owners(check_in)}:
        raise ValidationError(
            {"owner": "An item is for the engineer or the check-in's author."}
        )
    item.description = (description or "").strip()
    item.owner_id = owner_id
    item.due_on = due_on
    item.full_clean(exclude=["check_in", "owner"])
    item.save(update_fields=["description", "owner", "due_on"])
    return item


# --- the agenda of the next check-in ---------------------------------------------


def _other_person(*, by, engineer: Engineer, kind: str, mentorship):
    """The pair's other person from ``by``: whom a new point is news to."""
    holder = engineer.manager if kind == CheckInKind.ONE_ON_ONE else mentorship.mentor
    other = holder if by.pk == engineer.user_id else engineer
    if other is None or not other.is_active or not other.user.is_active:
        return None
    return other.user


def _notify_agenda(point: AgendaItem, *, by, engineer, mentorship, now) -> None:
    """Tell the other person of the pair, in the app: names and a link, never
    the point's text. One unread notification a pair is enough, however many
    points are added before they look."""
    recipient = _other_person(
        by=by, engineer=engineer, kind=point.kind, mentorship=mentorship
    )
    if recipient is None:
        return
    url = pair_url(
        point.kind, engineer_id=engineer.pk, mentorship_id=point.mentorship_id
    )
    waiting = Notification.objects.filter(
        recipient=recipient, kind=AGENDA_ADDED, url=url, read_at__isnull=True
    )
    if waiting.exists():
        return
    Notification.objects.create(
        recipient=recipient,
        kind=AGENDA_ADDED,
        message=f"{by} added a talking point to your next {point.kind_noun}.",
        url=url,
        created_at=now,
    )


@transaction.atomic
def agenda_item_add(
    *,
    by,
    engineer: Engineer,
    kind: str,
    mentorship: Mentorship | None = None,
    text: str,
    now: datetime.datetime,
) -> AgendaItem:
    """Put a talking point on the agenda of the pair's next check-in and tell
    the other person. ``engineer`` carries its manager (and their user) for a
    1:1; ``mentorship`` its mentor for mentoring."""
    if not policy.may_add_agenda_item(
        by, engineer=engineer, kind=kind, mentorship=mentorship
    ):
        raise ValidationError(
            "Only the two people who meet add to the agenda of their next check-in."
        )
    point = AgendaItem(
        engineer=engineer,
        kind=kind,
        mentorship=mentorship,
        added_by=by,
        text=(text or "").strip(),
        created_at=now,
    )
    point.full_clean()
    point.save()
    _notify_agenda(point, by=by, engineer=engineer, mentorship=mentorship, now=now)
    return point


def agenda_item_remove(*, item: AgendaItem, by) -> None:
    """Take back a point one added, before a check-in has discussed it."""
    removed, _ = AgendaItem.objects.removable_by(by).filter(pk=item.pk).delete()
    if not removed:
        raise ValidationError(
            "Only whoever added a talking point takes it back, before it is discussed."
        )
