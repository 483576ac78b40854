"""Small builders for test data: plain functions with sensible defaults."""

from __future__ import annotations

import datetime
import itertools

from accounts.models import Team, User
from growth.links import read_link
from growth.models import (
    CheckIn,
    CheckInKind,
    Competency,
    Engineer,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalKind,
    LearningActivity,
    LearningKind,
    Level,
    Mentorship,
    Sentiment,
    Visibility,
    WorkLink,
)
from growth.models.framework import ENGINEERING, RANKS

_seq = itertools.count(1)


def make_user(name: str | None = None, **fields) -> User:
    n = next(_seq)
    name = name or f"Person {n}"
    email = fields.pop("email", f"{name.lower().replace(' ', '.')}.{n}@example.com")
    return User.objects.create_user(
        email=email, password=fields.pop("password", "pw"), display_name=name, **fields
    )


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}")


def level(key: str = "mid", track: str = ENGINEERING) -> Level:
    """A level of the migrated framework, by key or by the old names
    (``"senior"`` on the management track is its third rung)."""
    levels = Level.objects.filter(track__key=track)
    return levels.get(rank=RANKS[key]) if key in RANKS else levels.get(key=key)


def make_engineer(
    name: str | None = None, *, team=None, manager=None, **fields
) -> Engineer:
    """An engineer, at ``level`` (a Level or its key; mid by default) of
    ``track`` (engineering by default)."""
    user_fields = {
        k: fields.pop(k) for k in ("email", "time_zone", "is_staff") if k in fields
    }
    track = fields.pop("track", ENGINEERING)
    if isinstance(fields.get("level", "mid"), str):
        fields["level"] = level(fields.get("level", "mid"), track)
    user = make_user(name, **user_fields)
    return Engineer.objects.create(
        user=user, team=team or make_team(), manager=manager, **fields
    )


def make_mentorship(mentor, mentee, **fields) -> Mentorship:
    fields.setdefault("started_on", datetime.date(2026, 1, 1))
    return Mentorship.objects.create(mentor=mentor, mentee=mentee, **fields)


def competency(kind: str = "technical") -> Competency:
    return Competency.objects.filter(kind=kind).order_by("name").first()


def make_note(author, engineer, **fields) -> FeedbackNote:
    kind = fields.pop("kind", "technical")
    defaults = {
        "kind": kind,
        "competency": competency(kind),
        "sentiment": Sentiment.CONSTRUCTIVE,
        "situation": "In Tuesday's design review",
        "behaviour": "You explained the trade-offs of the queue",
        "impact": "The team chose quickly",
        "suggestion": "Write it up as an ADR next time",
        "visibility": Visibility.SHARED,
    }
    defaults.update(fields)
    return FeedbackNote.objects.create(author=author, engineer=engineer, **defaults)


def note_as_it_is(note, **changes) -> dict:
    """``feedback_note_update``'s fields as ``note`` has them, with ``changes``."""
    fields = {
        name: getattr(note, name)
        for name in (
            "kind",
            "competency",
            "sentiment",
            "situation",
            "behaviour",
            "impact",
            "suggestion",
            "message",
            "visibility",
            "goal",
        )
    }
    fields.update(changes)
    return fields


def make_goal(engineer, **fields) -> Goal:
    defaults = {"title": "Lead a design review", "kind": GoalKind.TECHNICAL}
    defaults.update(fields)
    return Goal.objects.create(engineer=engineer, **defaults)


def make_goal_check_in(goal, author, progress: int = 10, **fields) -> GoalCheckIn:
    return GoalCheckIn.objects.create(
        goal=goal, author=author, progress=progress, **fields
    )


def make_link(owner, url: str, **fields) -> WorkLink:
    """A link to the work on ``owner``, a note or a goal check-in, read from
    ``url`` as the services read it."""
    link = read_link(url)
    if isinstance(owner, FeedbackNote):
        fields.update(note=owner, engineer_id=owner.engineer_id)
    else:
        fields.update(goal_check_in=owner, engineer_id=owner.goal.engineer_id)
    return WorkLink.objects.create(
        url=link.url, kind=link.kind, host=link.host, label=link.label, **fields
    )


def make_check_in(author, engineer, *, mentorship=None, **fields) -> CheckIn:
    kind = fields.pop(
        "kind", CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE
    )
    fields.setdefault("notes", "Talked about the roadmap")
    return CheckIn.objects.create(
        author=author, engineer=engineer, kind=kind, mentorship=mentorship, **fields
    )


def make_learning(logged_by, *, attendees=(), **fields) -> LearningActivity:
    defaults = {
        "kind": LearningKind.COURSE,
        "title": "Distributed systems course",
        "hours": 3,
        "date": datetime.date(2026, 3, 1),
    }
    defaults.update(fields)
    activity = LearningActivity.objects.create(logged_by=logged_by, **defaults)
    activity.attendees.set(attendees, through_defaults={"date": activity.date})
    return activity


def make_request(requester, recipient, **fields) -> FeedbackRequest:
    fields.setdefault("due_on", datetime.date(2026, 12, 1))
    return FeedbackRequest.objects.create(
        requester=requester, recipient=recipient, **fields
    )
