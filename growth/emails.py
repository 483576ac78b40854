"""Reminder and notification emails: a subject, a text body and an HTML body,
rendered from ``templates/emails/<kind>-subject.txt``, ``-body.txt`` and
``-body.html``.

Everything an email shows comes from its Reminder's payload: names, counts,
dates and ids, never the text of a note. Links are absolute (``SITE_URL``), and
every email carries a signed one-click opt-out for its kind.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from growth.models import NOTICE_KIND_CHOICES, EventKind, Reminder, ReminderKind

KIND_LABELS = dict(NOTICE_KIND_CHOICES)

# The events about one feedback note: each email leads to the note.
NOTE_EVENTS = (
    EventKind.FEEDBACK_RECEIVED,
    EventKind.FEEDBACK_COMMENTED,
    EventKind.FEEDBACK_ANSWERED,
)

# The page that lists every subject of a reminder with more than one.
LIST_PAGES = {
    ReminderKind.FEEDBACK_DUE: "team-dashboard",
    ReminderKind.INTERPERSONAL_GAP: "team-dashboard",
    ReminderKind.WEEKLY_DIGEST: "team-dashboard",
    ReminderKind.CHECKIN_DUE: "mentoring",
    ReminderKind.GOAL_DEADLINE: "goal-list",
    ReminderKind.REQUEST_PENDING: "request-list",
    ReminderKind.LEARNING_DAY: "learning-days",
    # Only a manager's reminder lists more than one subject (their own among them).
    ReminderKind.ASSESSMENT_DUE: "team-framework",
}


def path(name: str, *args, query: dict | None = None) -> str:
    """The site-relative path of page ``name``, with an optional query string."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def absolute(relative: str) -> str:
    return settings.SITE_URL + relative


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    # Imported here: the reminders package renders its emails with this module.
    from growth.reminders.optout import unsubscribe_token

    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute(reverse("reminder-unsubscribe", args=[token]))


def _item_paths(kind: str, item: dict) -> dict[str, str]:
    """Where each subject of a reminder is dealt with."""
    if item.get("organisation"):
        # The organisation section of a manager of managers' weekly digest.
        return {"insight": path("org-insight")}
    if kind in (
        ReminderKind.FEEDBACK_DUE,
        ReminderKind.INTERPERSONAL_GAP,
        ReminderKind.WEEKLY_DIGEST,
    ):
        engineer = item["engineer_id"]
        return {
            "write": path("feedback-create", query={"engineer": engineer}),
            "dashboard": path("engineer-dashboard", engineer),
        }
    if kind == ReminderKind.CHECKIN_DUE:
        engineer = item["engineer_id"]
        return {
            "check_in": path(
                "check-in-create", query={"engineer": engineer, "kind": "mentoring"}
            ),
            "dashboard": path("engineer-dashboard", engineer),
        }
    if kind == ReminderKind.GOAL_DEADLINE:
        return {"goal": path("goal-detail", item["goal_id"])}
    if kind in (ReminderKind.REQUEST_PENDING, EventKind.FEEDBACK_REQUESTED):
        request = item["request_id"]
        return {
            "request": path("request-detail", request),
            "write": path("feedback-create", query={"request": request}),
        }
    if kind == ReminderKind.LEARNING_DAY:
        return {"plan": path("learning-days")}
    if kind == ReminderKind.ASSESSMENT_DUE:
        if item.get("own"):
            return {"framework": path("my-framework")}
        return {"framework": path("engineer-framework", item["engineer_id"])}
    if kind == EventKind.SESSION_CANCELLED:
        return {"session": path("session-detail", item["session_id"])}
    if kind in (EventKind.ASSESSMENT_SHARED, EventKind.READINESS_SHARED):
        if item["own"]:
            return {"framework": path("my-framework")}
        return {"framework": path("engineer-framework", item["engineer_id"])}
    if kind in NOTE_EVENTS:
        paths = {"note": path("feedback-detail", item["note_id"])}
        if item.get("public"):
            paths["wall"] = path("praise-wall")
        return paths
    return {}


def page_path(kind: str, payload: dict) -> str:
    """The one page a reminder leads to: its subject's, or the list of them."""
    items = payload.get("items")
    if items is None:  # an event: the payload is its one subject
        # The first is the subject's own page: the note, the request, ...
        return next(iter(_item_paths(kind, payload).values()), "")
    if len(items) == 1 and kind != ReminderKind.WEEKLY_DIGEST:
        first = _item_paths(kind, items[0])
        return next(iter(first.values()))
    return reverse(LIST_PAGES[kind])


def _list_path(kind: str, payload: dict) -> str:
    """The page with every subject of its kind (an event's own page)."""
    if kind in LIST_PAGES:
        return reverse(LIST_PAGES[kind])
    return page_path(kind, payload)


def _with_dates(data: dict) -> dict:
    """A copy of ``data`` whose ``*_on`` ISO strings are dates again."""
    return {
        key: datetime.date.fromisoformat(value)
        if key.endswith("_on") and isinstance(value, str)
        else value
        for key, value in data.items()
    }


def _decorated(kind: str, data: dict) -> dict:
    item = _with_dates(data)
    item["links"] = {
        name: absolute(relative) for name, relative in _item_paths(kind, data).items()
    }
    return item


def _context(kind: str, payload: dict) -> dict:
    items = payload.get("items")
    context = {
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "payload": _with_dates(payload),
        "count": payload.get("count", 0),
        "cadence_days": payload.get("cadence_days"),
        "site_url": settings.SITE_URL,
    }
    if items is None:
        context["event"] = _decorated(kind, payload)
    else:
        decorated = [_decorated(kind, item) for item in items]
        context["items"] = [item for item in decorated if not item.get("organisation")]
        context["organisation"] = next(
            (item for item in decorated if item.get("organisation")), None
        )
    return context


def subject_for(kind: str, payload: dict) -> str:
    """The one-line subject of a reminder or event email, at most 255 characters."""
    text = render_to_string(f"emails/{kind}-subject.txt", _context(kind, payload))
    return " ".join(text.split())[:255]


def reminder_message(reminder: Reminder) -> EmailMultiAlternatives:
    """Build the email for ``reminder``: text and HTML, with the opt-out headers."""
    recipient = reminder.recipient
    context = _context(reminder.kind, reminder.payload)
    unsubscribe = unsubscribe_url(user_id=recipient.pk, kind=reminder.kind)
    context.update(
        recipient=recipient,
        subject=reminder.subject,
        page_url=absolute(_list_path(reminder.kind, reminder.payload)),
        profile_url=absolute(reverse("profile")),
        unsubscribe_url=unsubscribe,
    )
    text = render_to_string(f"emails/{reminder.kind}-body.txt", context)
    html = render_to_string(f"emails/{reminder.kind}-body.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "cultivate.localhost"
    message = EmailMultiAlternatives(
        subject=reminder.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on a resend (after a crash mid-send), so mail
            # clients that see both show one.
            "Message-ID": f"<reminder-{reminder.pk}@{host}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
