"""What chat messages say: built from the same payloads as the emails, so they
carry what an email carries (names, counts, dates and links) and never the
text of a note.

A reminder's direct message is its email's text body, without the email's
greeting and footer; a channel post (praise, a session, a team's week) is
built here from its ``ChannelPost`` payload, which holds only what the whole
team may see.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from growth import emails
from growth.models import ChannelPost, PostKind, Reminder

# Adaptive Cards read a subset of Markdown in a TextBlock and in a fact's
# title and value (links, bold, italics, lists): the brackets a link needs and
# the marks of emphasis are escaped, and a line break, which could start a
# list, becomes a space. Other punctuation (a title's "-" or ".") stays as it
# is, so a card reads as the words were written.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>])")
# Payload values Cultivate wrote itself (dates, times, a kind, a path): left as
# they are. Anything else, names and titles above all, is escaped.
_OUR_WORDING = frozenset(
    {"path", "kind", "logged_on", "starts_on", "starts_at_time", "time_zone", "week_of"}
)


def _markdown_escape(text: str) -> str:
    """``text`` as plain words in a Teams card: nothing in it becomes a link,
    emphasis or a list."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _slack_escape(text: str) -> str:
    # The three characters Slack's formatting reserves.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reminder_text(reminder: Reminder) -> str:
    """The direct message for ``reminder``: its email's body, greeting and
    footer left out, and a link to choose where it arrives."""
    body = emails.reminder_message(reminder).body
    body = body.split("\n--\n", 1)[0].strip()
    first, _gap, rest = body.partition("\n\n")
    if first.startswith("Hello ") and rest:
        body = rest.strip()
    profile = emails.absolute(reverse("profile"))
    return _slack_escape(
        f"*{reminder.subject}*\n\n{body}\n\nChoose where you hear about this: {profile}"
    )


def _when(payload: dict) -> str:
    time = payload.get("starts_at_time")
    zone = payload.get("time_zone", "")
    return f"{payload.get('starts_on', '')} at {time} {zone}".strip() if time else ""


def post_lines(
    post: ChannelPost, *, escape: Callable[[str], str] = str
) -> tuple[str, list[tuple[str, str]], str]:
    """(title, facts, link) of a channel post: the one wording Slack and
    Teams share, with the names and titles in it passed through ``escape``."""
    data = {
        key: value
        if key in _OUR_WORDING or not isinstance(value, str)
        else escape(value)
        for key, value in post.payload.items()
    }
    link = emails.absolute(data.get("path", ""))
    if post.kind == PostKind.PRAISE:
        about = f" on {data['competency']}" if data.get("competency") else ""
        title = (
            f"{data['author_name']} praised {data['engineer_name']} for their "
            f"{data['kind']} work{about}"
        )
        return title, [("Logged on", data.get("logged_on", ""))], link
    if post.kind == PostKind.SESSION_SCHEDULED:
        title = f"New learning session: {data['title']}"
        facts = [("Led by", data.get("leader_name", "")), ("When", _when(data))]
        return title, facts, link
    if post.kind == PostKind.TEAM_DIGEST:
        title = f"{data['team_name']}: the week of {data['week_of']}"
        facts = [
            ("Engineers", str(data.get("engineers", 0))),
            ("Public praise this week", str(data.get("praise_count", 0))),
            ("Learning sessions in the next 7 days", str(data.get("sessions", 0))),
        ]
        return title, facts, link
    raise ValueError(f"No wording for {post.kind}")


def slack_post_text(post: ChannelPost) -> str:
    title, facts, link = post_lines(post)
    lines = [f"*{title}*", *(f"{name}: {value}" for name, value in facts if value)]
    return _slack_escape("\n".join([*lines, link]))


def teams_card(post: ChannelPost) -> dict:
    """An Adaptive Card (1.4, which Teams renders) for ``post``."""
    title, facts, link = post_lines(post, escape=_markdown_escape)
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {
                "type": "FactSet",
                "facts": [{"title": n, "value": v} for n, v in facts if v],
            },
            {
                "type": "TextBlock",
                "text": f"From Cultivate · {settings.SITE_URL}",
                "isSubtle": True,
                "size": "Small",
                "wrap": True,
            },
        ],
        "actions": [
            {"type": "Action.OpenUrl", "title": "Open in Cultivate", "url": link}
        ],
    }
