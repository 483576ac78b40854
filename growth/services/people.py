"""People coming and going: one way in and out, whoever does it.

The admin calls these today; an import or single sign-on will call them too,
so that a person marked as gone is out everywhere at once.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.invitations import invitations_send
from accounts.models import User
from accounts.sessions import user_sessions_end
from accounts.tokens import api_tokens_revoke
from growth.models import Engineer


def engineer_active_set(
    *, engineer: Engineer, active: bool, now: datetime.datetime | None = None
) -> None:
    """Mark ``engineer`` as working here (``active``) or gone, with their account.

    An engineer marked as gone whose account stayed open could still sign in
    and, if they managed people, read their reports' notes: the account
    follows the profile, and leaving ends every session at once and revokes
    their API tokens (at ``now``). Coming back opens the account again, with
    a fresh sign-in and new tokens.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Engineer.objects.filter(pk=engineer.pk).update(is_active=active)
        engineer.is_active = active
        user = engineer.user
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
        if not active:
            user_sessions_end(user=user)
            api_tokens_revoke(user=user, now=now)


def person_create(
    *, account: User, engineer: Engineer, invited_by: User, invite: bool
) -> Engineer:
    """Save a new person's account (with no usable password: nobody types
    anyone's password) and their ``engineer`` profile together; invite them
    once the transaction commits if ``invite``."""
    with transaction.atomic():
        account.set_unusable_password()
        account.save()
        engineer.user = account
        engineer.save()
        if invite:
            invitations_send(users=[account], invited_by=invited_by)
    return engineer
