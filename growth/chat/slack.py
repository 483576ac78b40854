"""Slack's Web API through the official SDK: finding a person, sending them a
direct message, posting to the public channel.

Every failure becomes a ``ChatError`` that says whether trying again can help,
and when: the outbox (growth/reminders/delivery.py, growth/chat/outbox.py)
decides what to do with it. The SDK's own retries are off: one call is one
request, and the outbox's claim, backoff and attempts count every try.
"""

from __future__ import annotations

import datetime
import http.client
import logging
import urllib.error

from django.conf import settings
from django.db.models.functions import Now
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from growth.models import SlackIdentity

logger = logging.getLogger(__name__)

# Errors the same request will meet again: the token is gone, the app lacks
# a scope, nobody has that email. Anything else Slack refuses may pass later.
PERMANENT = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "no_permission",
        "users_not_found",
        "user_disabled",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
    }
)
# What chat.postMessage says when a kept user id no longer leads anywhere
# (the person left and came back, or the workspace moved): look them up again.
STALE_ID = frozenset({"user_not_found", "channel_not_found"})


class ChatError(Exception):
    """A send that failed: ``reason`` for the log, whether it may be retried,
    ``retry_after`` (seconds) when the server said when, and ``ambiguous``
    when the request went out and no answer came back."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: int | None = None,
        ambiguous: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.ambiguous = ambiguous


def client() -> WebClient:
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL,
        timeout=settings.CHAT_TIMEOUT,
        retry_handlers=[],
    )


def _retry_after(headers) -> int | None:
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(int(str(value).strip()), 0)
            except ValueError:
                return None
    return None


def _call(method: str, **kwargs):
    """Call ``method`` of the Web API; translate any failure into ChatError."""
    try:
        return client().api_call(method, params=kwargs.pop("params", None), **kwargs)
    except SlackApiError as error:
        response = error.response
        status = response.status_code
        code = response.get("error") if isinstance(response.data, dict) else None
        if status == 429:
            seconds = _retry_after(response.headers)
            raise ChatError(
                f"Slack {method}: rate limited (429), retry after {seconds} s",
                retry_after=seconds,
            ) from None
        if status >= 500:
            raise ChatError(f"Slack {method}: server error {status}") from None
        raise ChatError(
            f"Slack {method}: {code or f'HTTP {status}'}",
            permanent=code in PERMANENT
            # Older answers of users.lookupByEmail for an unknown email.
            or (method == "users.lookupByEmail" and code == "user_not_found")
            or (code is None and 400 <= status < 500),
        ) from None
    except urllib.error.URLError as error:
        # Never got an answer to connecting: the message did not go out.
        raise ChatError(f"Slack {method}: cannot connect ({error.reason})") from None
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        # The request went out and no (whole) answer came back: it may have
        # been posted, so it is not posted again unless a person decides to.
        raise ChatError(
            f"Slack {method}: no answer after the request was sent "
            f"({type(error).__name__}: {error})",
            ambiguous=True,
        ) from None
    except ValueError as error:  # an answer that is not Slack's JSON (a proxy)
        raise ChatError(f"Slack {method}: unreadable answer ({error})") from None


def _code(error: ChatError) -> str:
    return error.reason.rsplit(": ", 1)[-1]


def user_id(user, *, fresh: bool = False) -> str:
    """The Slack id of ``user``, looked up by their email unless kept (and
    kept for their current email); ``fresh`` looks it up again."""
    kept = SlackIdentity.objects.filter(user=user).first()
    if kept is not None and kept.email == user.email and not fresh:
        return kept.slack_user_id
    response = _call(
        "users.lookupByEmail", http_verb="GET", params={"email": user.email}
    )
    found = response["user"]["id"]
    SlackIdentity.objects.update_or_create(
        user=user,
        defaults={"email": user.email, "slack_user_id": found, "looked_up_at": Now()},
    )
    return found


def direct_message(user, *, text: str, blocks: list[dict] | None = None) -> str:
    """Send ``user`` a direct message; return the message's timestamp.

    A kept id that Slack no longer knows is looked up again once, and the
    message sent to the id found.
    """
    target = user_id(user)
    try:
        return _post(target, text=text, blocks=blocks)
    except ChatError as error:
        if _code(error) not in STALE_ID:
            raise
        logger.info("Slack id of user %s is stale; looking it up again", user.pk)
    return _post(user_id(user, fresh=True), text=text, blocks=blocks)


def channel_message(
    channel: str, *, text: str, blocks: list[dict] | None = None
) -> str:
    """Post to a channel (by name or id); return the message's timestamp."""
    return _post(channel, text=text, blocks=blocks)


def _post(channel: str, *, text: str, blocks: list[dict] | None) -> str:
    payload = {"channel": channel, "text": text, "unfurl_links": False}
    if blocks:
        payload["blocks"] = blocks
    response = _call("chat.postMessage", json=payload)
    return response.get("ts", "")


def seconds_until(retry_after: int | None, fallback: int) -> datetime.timedelta:
    """How long the next try waits: never sooner than Slack asked."""
    return datetime.timedelta(seconds=max(retry_after or 0, fallback))
