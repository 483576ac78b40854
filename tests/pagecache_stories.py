"""The changes the coherence tests make, each as the app makes it, told as
stories: a week of work in turns, each change on top of the ones before.

``watch`` caches every watched page of every watcher, makes each change, then
asks each page again twice: from the cache, and with the cache off. A
difference is a write whose stamps miss a page that shows it; each change must
also change some page, so none passes by changing nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    ActionItem,
    CheckInKind,
    GoalKind,
    GoalStatus,
    LearningKind,
    Notification,
    Visibility,
)
from growth.services.checkins import action_item_toggle, check_in_create
from growth.services.feedback import (
    feedback_note_acknowledge,
    feedback_note_create,
    feedback_note_delete,
    feedback_note_reply,
    feedback_note_restore,
    feedback_note_update,
    feedback_request_create,
    feedback_request_decline,
)
from growth.services.goals import (
    goal_check_in_create,
    goal_create,
    goal_create_from_note,
    goal_update,
)
from growth.services.learning import learning_activity_create
from growth.services.notifications import notifications_mark_read
from tests import factories
from tests.pages import read, signed_in

NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=datetime.UTC)


@dataclass
class History:
    """What the cast has done before the watched change."""

    note: object  # max's shared note about alice
    goal: object  # alice's goal
    item: object  # an open action item of max's mentoring check-in with alice
    request: object  # alice asked bob for feedback


def make_history(cast) -> History:
    note = factories.make_note(cast.max.user, cast.alice)
    factories.make_note(cast.mia.user, cast.bob, visibility=Visibility.MANAGER)
    goal = factories.make_goal(cast.alice, title="Run the incident review")
    factories.make_goal_check_in(goal, cast.alice.user, 20)
    check_in = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    item = ActionItem.objects.create(check_in=check_in, description="Read the RFC")
    factories.make_learning(cast.alice.user, attendees=[cast.alice], hours=2)
    request = factories.make_request(cast.alice, cast.bob)
    Notification.objects.create(
        recipient=cast.alice.user, kind="feedback_received", message="New feedback"
    )
    return History(note=note, goal=goal, item=item, request=request)


def watched(cast) -> list[tuple[str, str]]:
    """Each watcher's pages: the ones their role gives them, and the outsider's."""
    me, goals, team, mentoring = (
        reverse(name)
        for name in ("my-growth", "goal-list", "team-dashboard", "mentoring")
    )
    feedback = reverse("feedback-list")
    given, people = f"{feedback}?tab=given", f"{feedback}?tab=people"

    def dashboard(engineer) -> str:
        return reverse("engineer-dashboard", args=[engineer.pk])

    pages = {
        "alice": [me, feedback, goals],
        "bob": [me, feedback, given],
        "mia": [team, mentoring, people, given, goals, dashboard(cast.alice)],
        "max": [mentoring, people, given, goals, dashboard(cast.alice)],
        "cora": [mentoring, people, dashboard(cast.max)],
        "carol": [me, feedback, goals],
        "skip": [f"{team}?indirect=on"],  # alice and bob report to mia, his report
    }
    return [(name, url) for name, urls in pages.items() for url in urls]


def first_difference(cached: str, fresh: str) -> str:
    pairs = zip(cached.splitlines(), fresh.splitlines(), strict=False)
    for number, (old, new) in enumerate(pairs, 1):
        if old != new:
            return f"at line {number}: {old.strip()!r} != {new.strip()!r}"
    return "in length"


def now() -> datetime.datetime:
    return timezone.now()


# --- the changes, each as the app makes it --------------------------------------


def new_note(cast, h):
    feedback_note_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind="interpersonal",
        competency=factories.competency("interpersonal"),
        sentiment="praise",
        situation="At the retro",
        behaviour="You asked the quiet ones first",
        impact="Everyone spoke",
        suggestion="Keep doing it",
        now=now(),
    )


def manager_only_note(cast, h):
    feedback_note_create(
        author=cast.mia.user,
        engineer=cast.bob,
        kind="technical",
        competency=factories.competency(),
        sentiment="constructive",
        situation="In the outage",
        behaviour="You rolled back alone",
        impact="It took an hour longer",
        suggestion="Call for a pair",
        visibility=Visibility.MANAGER,
        now=now(),
    )


def edited_note(cast, h):
    note = h.note
    feedback_note_update(
        note=note,
        author=cast.max.user,
        kind=note.kind,
        competency=note.competency,
        sentiment=note.sentiment,
        situation="In Thursday's design review",
        behaviour=note.behaviour,
        impact=note.impact,
        suggestion=note.suggestion,
        visibility=note.visibility,
        goal=None,
        now=now(),
    )


def acknowledged(cast, h):
    feedback_note_acknowledge(note=h.note, user=cast.alice.user, now=now())


def replied(cast, h):
    feedback_note_reply(note=h.note, user=cast.alice.user, reply="Thanks!", now=now())


def deleted(cast, h):
    feedback_note_delete(note=h.note, author=cast.max.user, now=now())


def restored(cast, h):
    feedback_note_restore(note=h.note, by=cast.max.user, now=now())


def new_goal(cast, h):
    goal_create(
        engineer=cast.alice,
        created_by=cast.mia.user,
        title="Mentor an intern",
        kind=GoalKind.INTERPERSONAL,
        now=now(),
    )


def achieved(cast, h):
    goal_update(
        goal=h.goal,
        title=h.goal.title,
        kind=h.goal.kind,
        status=GoalStatus.ACHIEVED,
        by=cast.mia.user,
        now=now(),
    )


def progressed(cast, h):
    goal_check_in_create(goal=h.goal, author=cast.max.user, progress=60, now=now())


def goal_from_note(cast, h):
    goal_create_from_note(
        note=h.note,
        created_by=cast.alice.user,
        title="Write ADRs",
        kind=GoalKind.TECHNICAL,
        now=now(),
    )


def checked_in(cast, h):
    check_in_create(
        author=cast.mia.user,
        engineer=cast.bob,
        kind=CheckInKind.ONE_ON_ONE,
        held_on=timezone.localdate(),
        notes="Career talk",
        action_items=["Draft the promotion case"],
        now=now(),
    )


def item_done(cast, h):
    action_item_toggle(item=h.item, by=cast.max.user, done=True, now=now())


def learned(cast, h):
    learning_activity_create(
        logged_by=cast.bob.user,
        kind=LearningKind.COURSE,
        title="Rust for Pythonistas",
        date=timezone.localdate(),
        hours=6,
        attendees=[cast.bob],
        now=now(),
    )


def hackathon(cast, h):
    learning_activity_create(
        logged_by=cast.carol.user,
        kind=LearningKind.HACKATHON,
        title="Winter hack week",
        date=timezone.localdate(),
        hours=16,
        led_by=cast.carol,
        attendees=[cast.carol],
        now=now(),
    )


def asked(cast, h):
    feedback_request_create(
        requester=cast.bob,
        recipient=cast.max,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        message="How did my demo land?",
        now=now(),
    )


def declined(cast, h):
    feedback_request_decline(feedback_request=h.request, user=cast.bob.user, now=now())


def mentorship_ended(cast, h):
    mentorship = cast.max_mentors_alice  # as the admin ends it: a save
    mentorship.ended_on = timezone.localdate()
    mentorship.save()


def new_manager(cast, h):
    bob = cast.bob  # moved to Skip, in the admin
    bob.manager = cast.skip
    bob.save()


def renamed(cast, h):
    user = cast.alice.user
    user.display_name = "Alice Renamed"
    user.save()


def note_moved(cast, h):
    note = h.note  # filed about the wrong person, corrected in the admin
    note.engineer = cast.carol
    note.save()


def goal_moved(cast, h):
    goal = h.goal
    goal.engineer = cast.bob
    goal.save()


def read_notifications(cast, h):
    notifications_mark_read(user=cast.alice.user, now=now())


# In turns, each change on top of the ones before, as a week of work goes.
STORIES = {
    "notes": [
        new_note,
        manager_only_note,
        edited_note,
        acknowledged,
        replied,
        goal_from_note,
        deleted,
        restored,
    ],
    "requests and learning": [asked, declined, read_notifications, learned, hackathon],
    "goals and check-ins": [new_goal, progressed, achieved, checked_in, item_done],
    "organisation": [renamed, mentorship_ended, new_manager, note_moved, goal_moved],
}


def watch(cast, settings, story: str) -> None:
    """Tell ``story`` and hold every watched page to the same page built afresh."""
    history = make_history(cast)
    pages = watched(cast)
    clients = {name: signed_in(getattr(cast, name).user) for name in dict(pages)}
    seconds = settings.PAGE_CACHE_SECONDS
    before = {page: read(clients[page[0]], page[1]) for page in pages}
    for page in pages:  # every watched page is kept: a second view reuses it
        with CaptureQueriesContext(connection) as queries:
            read(clients[page[0]], page[1])
        assert len(queries) == 2, f"{page} is not reused"
    for change in STORIES[story]:
        settings.PAGE_CACHE_SECONDS = seconds
        change(cast, history)

        cached = {page: read(clients[page[0]], page[1]) for page in pages}
        settings.PAGE_CACHE_SECONDS = 0  # built afresh
        fresh = {page: read(clients[page[0]], page[1]) for page in pages}
        stale = [page for page in pages if cached[page] != fresh[page]]
        assert stale == [], (
            f"{change.__name__} left these pages stale: {stale}; the first differs "
            + first_difference(cached[stale[0]][1], fresh[stale[0]][1])
        )
        assert fresh != before, f"{change.__name__} changed no watched page"
        before = fresh
