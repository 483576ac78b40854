"""Display names: a person may choose theirs, but not one that passes for
another's.

A note, a request or an email names its author by their display name, so a
name another active person has would let one pass for the other. Names are
compared as people read them: without case, accents, invisible characters or
extra spaces ("José  LEE" is "jose lee"). Letters that only look alike across
alphabets (a Cyrillic "а" for a Latin "a") are not caught here; that is why
the author's email is shown beside their name.

The check reads every active person's name and compares in Python: accent
folding is not something SQLite and PostgreSQL do alike, and it runs only
when a name is set, over a few thousand short strings at most. Two people
choosing the same name in the same instant could both pass; each change is
kept (``NameChange``), so it shows, and a staff member can settle it.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from accounts.models import NameChange, User


def name_key(name: str) -> str:
    """Return ``name`` as it is compared with others: decomposed (NFKD),
    without combining marks or invisible format characters, case-folded, its
    spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = (
        char
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cf"
    )
    return " ".join("".join(kept).split())


def name_and_email(name: str, email: str) -> str:
    """Return how text that names an author names them: their name, their
    email beside it, which no one else can have."""
    return f"{name} ({email})"


def display_name_holder(user: User) -> User | None:
    """Return the other active person whose name reads as ``user``'s, if any."""
    key = name_key(user.display_name)
    if not key:
        return None
    others = type(user)._default_manager.filter(is_active=True).exclude(pk=user.pk)
    for other in others.only("display_name").order_by("pk").iterator():
        if name_key(other.display_name) == key:
            return other
    return None


def validate_display_name_free(user: User) -> None:
    """Refuse ``user``'s display name if another active person has it.

    Checked when the name would newly clash: a new active person, a changed
    name, or an account made active again. A pair that clashed before this
    rule does not stop either of them changing anything else.
    """
    if not user.is_active:
        return
    if user.pk is not None:
        stored = (
            type(user)
            ._default_manager.filter(pk=user.pk)
            .values_list("display_name", "is_active")
            .first()
        )
        if stored is not None:
            name, was_active = stored
            if was_active and name_key(name) == name_key(user.display_name):
                return
    holder = display_name_holder(user)
    if holder is None:
        return
    raise ValidationError(
        {
            "display_name": ValidationError(
                "%(name)s is already the name of someone else here. Choose one "
                "that tells you apart, such as with a middle initial or a "
                "second surname.",
                code="display_name_taken",
                params={"name": holder.display_name},
            )
        }
    )


def name_change_record(
    *, user: User, old_name: str, by: User | None, now: datetime.datetime
) -> NameChange | None:
    """Keep the change of ``user``'s name from ``old_name`` to their current
    one, made by ``by`` at ``now``; nothing if the name did not change.

    Call it in the transaction that saves the new name.
    """
    from accounts.models import NameChange

    if user.display_name == old_name:
        return None
    return NameChange.objects.create(
        user=user,
        old_name=old_name,
        new_name=user.display_name,
        changed_at=now,
        changed_by=by,
    )
