"""Microsoft Teams: an Adaptive Card posted to a team's Workflows webhook.

The webhook is a URL with its secret in it (set per team in the admin); the
flow behind it ("Post to a channel when a webhook request is received") posts
the card's attachment to the channel. Failures become the same ``ChatError``
as Slack's, so the outbox treats both alike.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from django.conf import settings

from growth.chat.slack import ChatError, _retry_after


def post_card(url: str, card: dict) -> int:
    """POST ``card`` as a message with one Adaptive Card attachment; return the
    HTTP status (Workflows answers 202 Accepted)."""
    message = {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
    request = urllib.request.Request(
        url,
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CHAT_TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        status = error.code
        if status == 429:
            seconds = _retry_after(error.headers)
            raise ChatError(
                f"Teams webhook: rate limited (429), retry after {seconds} s",
                retry_after=seconds,
            ) from None
        if status >= 500 or status == 408:
            raise ChatError(f"Teams webhook: server error {status}") from None
        # 400 (a card it cannot read), 401/403/404 (the flow was turned off
        # or deleted): the same post meets the same answer.
        raise ChatError(f"Teams webhook: refused ({status})", permanent=True) from None
    except urllib.error.URLError as error:
        raise ChatError(f"Teams webhook: cannot connect ({error.reason})") from None
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        raise ChatError(
            "Teams webhook: no answer after the request was sent "
            f"({type(error).__name__}: {error})",
            ambiguous=True,
        ) from None
