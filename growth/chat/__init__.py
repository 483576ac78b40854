"""Chat delivery: Slack direct messages and channel posts (``slack``), Microsoft
Teams cards (``teams``), what they say (``cards``), and the outbox of channel
posts (``outbox``). Names, counts, dates and links, never the text of a note."""

from __future__ import annotations

from django.conf import settings


def slack_configured() -> bool:
    """Whether Slack is on: a bot token is set. Without one nobody is offered
    Slack and nothing is sent there (people's choices are kept for later)."""
    return bool(settings.SLACK_BOT_TOKEN)
