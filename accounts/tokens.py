"""Personal API tokens: made, found and revoked.

A token is ``cvt_`` and 43 random URL-safe characters (256 bits). Its first
``PREFIX_LENGTH`` characters are stored as they are, to find the row and to
tell tokens apart; of the whole only a SHA-256 is kept, as for invitations:
the secret is random enough that a slow, salted hash would add nothing, and a
request must be checked in microseconds. The owner sees the secret once, in
the answer to the request that made it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError

from accounts.models import ApiToken, User

SCHEME = "cvt_"
PREFIX_LENGTH = 12
NAME_LENGTH = 100
# How stale "last used" may be: a busy script would otherwise write its
# token's row on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, now: datetime.datetime
) -> tuple[ApiToken, str]:
    """Make a token called ``name`` for ``user``; return it and its secret,
    which is shown once and kept nowhere."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Name the token: what will use it?"})
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            {"name": f"Keep the name to {NAME_LENGTH} characters or fewer."}
        )
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=secret_hash(secret),
        created_at=now,
    )
    return token, secret


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The live token whose secret is ``secret``, with its user; None for an
    unknown, revoked or malformed one, or one of a person who left."""
    if not secret.startswith(SCHEME) or len(secret) > 200:
        return None
    candidates = ApiToken.objects.live().select_related("user")
    digest = secret_hash(secret)
    for token in candidates.filter(prefix=secret[:PREFIX_LENGTH]):
        if hmac.compare_digest(token.secret_hash, digest):
            return token
    return None


def api_token_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Note that ``token`` was used at ``now``, at most once a minute."""
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def api_token_revoke(*, token: ApiToken, now: datetime.datetime) -> bool:
    """Make ``token`` stop working; False if it was revoked already."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if revoked:
        token.revoked_at = now
    return bool(revoked)


def api_tokens_revoke(*, user: User, now: datetime.datetime) -> int:
    """Make every token of ``user`` stop working, as revoking each one does;
    return how many were live.

    For a person who leaves: their tokens would otherwise open the API again
    the day their account is reopened, in whoever's hands they are by then.
    """
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now
    )
