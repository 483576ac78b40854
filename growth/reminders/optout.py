"""The signed one-click opt-out that every reminder email carries."""

from __future__ import annotations

from django.core import signing

from growth.models import NOTICE_KIND_CHOICES, ReminderPreference

SALT = "cultivate.unsubscribe"
NOTICE_KINDS = frozenset(kind for kind, _label in NOTICE_KIND_CHOICES)


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """Return a token that turns off ``kind`` emails for ``user_id``.

    It does not expire: an unsubscribe link in an old email must still work.
    """
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """Return (user id, kind) from a token, or None if it is bad or tampered with."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in NOTICE_KINDS:
        return None
    return user_id, kind


def reminder_email_turn_off(*, user, kind: str) -> ReminderPreference:
    """Stop emails of ``kind`` to ``user``; doing it twice changes nothing."""
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email_enabled": False}
    )
    return preference
