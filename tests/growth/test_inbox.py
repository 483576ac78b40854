"""One inbox: every kind of notification, dealt with as a person would.

For each kind in ``NOTICE_KIND_CHOICES`` the notification is made the way the
app makes it (a sweep for a reminder, the service or the form for an event),
then the person acts on it the way they would: ``ACTIONS`` maps each kind to
its actions. Before and after, the badge in the navigation must equal the
unread rows of the notification list, and the action must have read it.

A kind with no row in ``ACTIONS`` fails here by name: a new kind needs one line
there (a maker and an action), and the makers and actions below to call.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    NOTICE_KIND_CHOICES,
    CheckInKind,
    Engineer,
    EventKind,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    Notification,
    ReminderKind,
    SprintCadence,
    Visibility,
)
from growth.reminders import sweep
from growth.rhythm import next_learning_day
from growth.services import framework as framework_services
from growth.services import sessions as session_services
from growth.services.checkins import agenda_item_add
from growth.services.feedback import (
    feedback_comment_create,
    feedback_note_acknowledge,
    feedback_note_create,
)
from tests import factories
from tests.framework_support import make_framework
from tests.reminders_support import memory_broker, seed_defaults, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)  # a Monday, 09:00 UTC: every swept rule may send
LONG_AGO = datetime.date(2025, 1, 1)

BADGE = re.compile(rb'text-bg-danger">(\d+)<span class="visually-hidden"> unread')
UNREAD_ROW = re.compile(rb"<li [^>]*\bdata-unread\b")


@pytest.fixture(autouse=True)
def _broker():
    yield from memory_broker()


@pytest.fixture
def org(cast):
    """The cast, everyone long since started: nobody is a new joiner."""
    seed_defaults()
    type(cast.alice).objects.update(start_date=LONG_AGO)
    return cast


def badge(response) -> int:
    """The number in the navigation's badge; none shown is 0."""
    found = BADGE.search(response.content)
    return int(found.group(1)) if found else 0


def inbox(client) -> tuple[int, int]:
    """(the badge, the unread rows) of the notification list."""
    response = client.get(reverse("notification-list"))
    assert response.status_code == 200
    return badge(response), len(UNREAD_ROW.findall(response.content))


# --- making a notification as the app does ------------------------------------


def swept(kind: str, cast, client) -> None:
    """A reminder of ``kind``: what makes it due, then the sweep beat runs."""
    if kind == ReminderKind.INTERPERSONAL_GAP:
        factories.make_note(
            cast.mia.user, cast.alice, created_at=NOW - datetime.timedelta(days=5)
        )
    elif kind == ReminderKind.GOAL_DEADLINE:
        goal = factories.make_goal(
            cast.alice, target_date=NOW.date() + datetime.timedelta(days=3)
        )
        Goal.objects.filter(pk=goal.pk).update(
            updated_at=NOW - datetime.timedelta(days=30)
        )
    elif kind == ReminderKind.REQUEST_PENDING:
        factories.make_request(
            cast.alice,
            cast.bob,
            created_at=NOW - datetime.timedelta(days=5),
            due_on=NOW.date() + datetime.timedelta(days=2),
        )
    elif kind == ReminderKind.LEARNING_DAY:
        # Two-week sprints from Monday 16 November: the learning day is
        # Tuesday 1 December, the day after NOW.
        SprintCadence.objects.create(
            team=cast.platform,
            sprint_weeks=2,
            first_sprint_start=datetime.date(2026, 11, 16),
            learning_weekday=1,
        )
    # Feedback due, check-in due and the digest: the cast is due as it is.
    sweep(now=NOW, kinds=[kind])


def feedback_received(kind: str, cast, client) -> None:
    """Mia writes alice shared feedback."""
    feedback_note_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind="technical",
        competency=factories.competency(),
        sentiment="constructive",
        situation="In Tuesday's design review",
        behaviour="You explained the queue's trade-offs",
        impact="The team chose quickly",
        suggestion="Write it up as an ADR next time",
        visibility=Visibility.SHARED,
        now=timezone.now(),
    )


def _shared_note(cast):
    return feedback_note_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind="interpersonal",
        competency=factories.competency("interpersonal"),
        sentiment="praise",
        situation="In the incident call",
        behaviour="You kept everyone calm",
        impact="We fixed it in minutes",
        suggestion="Keep doing it",
        visibility=Visibility.SHARED,
        now=timezone.now(),
    )


def feedback_commented(kind: str, cast, client) -> None:
    """Mia adds to her note's conversation: alice hears of it."""
    note = _shared_note(cast)
    feedback_comment_create(
        note=note, author=cast.mia.user, body="One more thing", now=timezone.now()
    )


def feedback_answered(kind: str, cast, client) -> None:
    """Alice reads mia's note: mia hears that it was read."""
    note = _shared_note(cast)
    feedback_note_acknowledge(note=note, user=cast.alice.user, now=timezone.now())


def comment_back(client, cast, notification) -> object:
    """Answer in the conversation, from the note's page."""
    note_id = int(notification.url.rstrip("/").rsplit("/", 1)[1])
    return client.post(
        reverse("feedback-comment", args=[note_id]), {"body": "Thanks!"}, follow=True
    )


def agenda_added(kind: str, cast, client) -> None:
    """Alice adds a talking point for her next 1:1: mia hears of it."""
    alice = Engineer.objects.select_related("manager__user").get(pk=cast.alice.pk)
    agenda_item_add(
        by=cast.alice.user,
        engineer=alice,
        kind=CheckInKind.ONE_ON_ONE,
        text="The on-call rota",
        now=timezone.now(),
    )


def assessment_shared(kind: str, cast, client) -> None:
    """Alice shares her self-assessment: mia hears of it."""
    now = timezone.now()
    competencies = make_framework(2)
    draft = framework_services.assessment_start(
        engineer=cast.alice, by=cast.alice.user, now=now
    )
    framework_services.assessment_save(
        assessment=draft,
        by=cast.alice.user,
        ratings={
            c.pk: framework_services.RatingInput(rating="meets") for c in competencies
        },
        now=now,
    )
    framework_services.assessment_share(assessment=draft, by=cast.alice.user, now=now)


def readiness_shared(kind: str, cast, client) -> None:
    """Mia shares how ready alice is for the next level: alice hears of it."""
    now = timezone.now()
    readiness = framework_services.readiness_save(
        engineer=cast.alice,
        by=cast.mia.user,
        status="getting_there",
        summary="Nearly",
        now=now,
    )
    framework_services.readiness_share(readiness=readiness, by=cast.mia.user, now=now)


def _session_with_alice(cast):
    """Mia leads a session alice signed up to."""
    now = timezone.now()
    session = session_services.learning_session_propose(
        leader=cast.mia,
        created_by=cast.mia.user,
        title="Reading a flame graph",
        topic_kind="technical",
        starts_at=now + datetime.timedelta(days=3),
        duration_minutes=60,
        capacity=5,
        now=now,
    )
    session_services.learning_session_schedule(session=session, now=now)
    session_services.session_sign_up(session=session, engineer=cast.alice, now=now)
    return session


def session_feedback(kind: str, cast, client) -> None:
    """Alice came to mia's session and says it was useful: mia hears of it."""
    session = _session_with_alice(cast)
    later = session.starts_at + datetime.timedelta(hours=2)
    session_services.session_attendance_confirm(
        session=session, attended=[cast.alice], logged_by=cast.mia.user, now=later
    )
    session.refresh_from_db()
    session_services.session_feedback_give(
        session=session, engineer=cast.alice, useful=True, line="Great", now=later
    )


def session_cancelled(kind: str, cast, client) -> None:
    """Mia calls off the session alice signed up to."""
    session = _session_with_alice(cast)
    session_services.learning_session_cancel(session=session, now=timezone.now())


def feedback_requested(kind: str, cast, client) -> None:
    """Alice asks bob and carol at once, through the form."""
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        {
            "recipients": [cast.bob.pk, cast.carol.pk],
            "message": "How did my incident review go?",
            "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


# --- acting on it as a person would --------------------------------------------


def open_from_list(client, cast, notification) -> object:
    """Click it in the notification list, and land on its page."""
    listing = client.get(reverse("notification-list")).content.decode()
    link = reverse("notification-open", args=[notification.pk])
    assert f'href="{link}"' in listing, "the list does not offer it"
    return client.get(link, follow=True)


def plan_the_day(client, cast, notification) -> object:
    """Say what one plans to learn on one's next learning day."""
    cadence = SprintCadence.objects.get()
    day = next_learning_day(cadence, timezone.localdate()).isoformat()
    return client.post(
        reverse("learning-day-edit", args=[day]), {"plan": "Tracing"}, follow=True
    )


def acknowledge(client, cast, notification) -> object:
    note_id = int(notification.url.rstrip("/").rsplit("/", 1)[1])
    return client.post(reverse("feedback-acknowledge", args=[note_id]), follow=True)


def _request_of(notification) -> FeedbackRequest:
    return FeedbackRequest.objects.get(
        pk=int(notification.url.rstrip("/").rsplit("/", 1)[1])
    )


def open_its_page(client, cast, notification) -> object:
    """Go to the thing itself (from the Requests page, a dashboard), not
    through the notice."""
    return client.get(notification.url)


def decline(client, cast, notification) -> object:
    feedback_request = _request_of(notification)
    return client.post(
        reverse("request-decline", args=[feedback_request.pk]), follow=True
    )


def answer(client, cast, notification) -> object:
    """Write the feedback asked for, straight from the Requests page."""
    feedback_request = _request_of(notification)
    response = client.post(
        f"{reverse('feedback-create')}?request={feedback_request.pk}",
        {
            "engineer": feedback_request.requester_id,
            "kind": "technical",
            "sentiment": "praise",
            "situation": "Your incident review",
            "behaviour": "You kept the timeline blameless",
            "impact": "People said what happened",
            "suggestion": "Keep the timeline first",
            "visibility": "shared",
        },
        follow=True,
    )
    assert FeedbackNote.objects.filter(request=feedback_request).exists()
    return response


def cancelled_by_the_requester(client, cast, notification) -> object:
    """The requester withdraws it: nothing is left for the person asked."""
    feedback_request = _request_of(notification)
    client.force_login(feedback_request.requester.user)
    client.post(reverse("request-cancel", args=[feedback_request.pk]))
    client.force_login(notification.recipient)
    return None


# --- the table: one line a kind --------------------------------------------------


@dataclass(frozen=True)
class Row:
    make: Callable  # (kind, cast, client): makes at least one notification of kind
    acts: tuple[Callable, ...]  # each (client, cast, notification), walked alone


def waiting(act: Callable, line: str) -> Callable:
    """``act``, expected to fail until another change adds ``line``; strictly,
    so that it fails again once the line lands and this mark comes off."""
    act.waits_for = line
    return act


# fmt: off
ACTIONS: dict[str, Row] = {
    ReminderKind.FEEDBACK_DUE: Row(swept, (open_from_list,)),
    ReminderKind.INTERPERSONAL_GAP: Row(swept, (open_from_list,)),
    ReminderKind.CHECKIN_DUE: Row(swept, (open_from_list,)),
    ReminderKind.GOAL_DEADLINE: Row(swept, (open_from_list,)),
    ReminderKind.REQUEST_PENDING: Row(swept, (open_from_list, open_its_page, decline)),
    ReminderKind.WEEKLY_DIGEST: Row(swept, (open_from_list,)),
    ReminderKind.LEARNING_DAY: Row(swept, (open_from_list, plan_the_day)),
    ReminderKind.ASSESSMENT_DUE: Row(swept, (open_from_list,)),
    EventKind.FEEDBACK_RECEIVED: Row(feedback_received, (open_from_list, open_its_page, acknowledge)),
    EventKind.FEEDBACK_COMMENTED: Row(feedback_commented, (open_from_list, open_its_page, comment_back)),
    EventKind.FEEDBACK_ANSWERED: Row(feedback_answered, (open_from_list, open_its_page)),
    EventKind.AGENDA_ADDED: Row(agenda_added, (open_from_list, open_its_page)),
    EventKind.SESSION_FEEDBACK: Row(session_feedback, (open_from_list, open_its_page)),
    EventKind.SESSION_CANCELLED: Row(session_cancelled, (open_from_list, open_its_page)),
    EventKind.ASSESSMENT_SHARED: Row(assessment_shared, (open_from_list, open_its_page)),
    EventKind.READINESS_SHARED: Row(readiness_shared, (open_from_list, open_its_page)),
    EventKind.FEEDBACK_REQUESTED: Row(feedback_requested, (open_from_list, open_its_page, decline, answer, cancelled_by_the_requester)),
}
# fmt: on


def _walks():
    for kind, _label in NOTICE_KIND_CHOICES:
        row = ACTIONS.get(kind)
        if row is None:
            yield pytest.param(kind, None, id=f"{kind}-NO-ROW")
            continue
        for act in row.acts:
            line = getattr(act, "waits_for", None)
            marks = [pytest.mark.xfail(strict=True, reason=line)] if line else []
            yield pytest.param(kind, act, id=f"{kind}-{act.__name__}", marks=marks)


@pytest.mark.parametrize(("kind", "act"), list(_walks()))
def test_dealing_with_a_notice_reads_it_and_the_badge_agrees(client, org, kind, act):
    if act is None:
        pytest.fail(
            f"No row for the notification kind {kind!r} in ACTIONS "
            "(tests/growth/test_inbox.py): add one line saying how it is made "
            "and how a person deals with it."
        )
    row = ACTIONS[kind]
    row.make(kind, org, client)
    notification = (
        Notification.objects.filter(kind=kind, read_at__isnull=True)
        .order_by("pk")
        .first()
    )
    assert notification is not None, f"making a {kind} notified nobody"
    person = notification.recipient
    client.force_login(person)

    before, rows_before = inbox(client)
    assert before == rows_before >= 1
    landed = act(client, org, notification)

    notification.refresh_from_db()
    assert notification.read_at is not None, f"{act.__name__} left it unread"
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if landed is not None and landed.status_code == 200 and b"<nav" in landed.content:
        # The page the action lands on already counts without it.
        assert badge(landed) == unread.count()
    after, rows_after = inbox(client)
    assert after == rows_after == unread.count() < before


def test_acknowledging_on_the_dashboard_updates_the_badge_in_place(client, org):
    note = _shared_note(org)
    _shared_note(org)
    client.force_login(org.alice.user)
    response = client.post(
        reverse("feedback-acknowledge", args=[note.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    unread = Notification.objects.filter(recipient=org.alice.user, read_at=None)
    assert unread.count() == 1
    badge_html = html[html.index('id="unread-badge"') :]
    assert 'hx-swap-oob="true"' in badge_html[:80]
    assert re.search(r'text-bg-danger">1<', badge_html)
    # The phone's menu button, where the navigation is folded away, too.
    toggler_html = html[html.index('id="unread-badge-toggler"') :]
    assert 'hx-swap-oob="true"' in toggler_html[:80]
    assert re.search(r'text-bg-danger ms-1 align-middle">1<', toggler_html)
