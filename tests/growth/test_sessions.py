"""Learning sessions: proposing, signing up, holding them and feedback."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    EventKind,
    LearningActivity,
    LearningKind,
    LearningSession,
    Notification,
    Reminder,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
    TopicKind,
)
from growth.selectors.sessions import knowledge_sharing, months_before, session_lists
from growth.services import sessions as services
from tests import factories
from tests.concurrency import post_twice_at_once
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db


def propose(leader, *, now=None, starts_in=datetime.timedelta(days=7), **fields):
    now = now or timezone.now()
    fields = {
        "title": "Reading a flame graph",
        "topic_kind": TopicKind.TECHNICAL,
        "competency": factories.competency("technical"),
        "starts_at": now + starts_in,
        "duration_minutes": 90,
        "capacity": 2,
        **fields,
    }
    return services.learning_session_propose(
        leader=leader, created_by=leader.user, now=now, **fields
    )


def scheduled(leader, **fields):
    session = propose(leader, **fields)
    return services.learning_session_schedule(session=session, now=timezone.now())


def held(leader, attendees, **fields):
    """A session that took place an hour ago, with ``attendees`` confirmed."""
    session = scheduled(leader, **fields)
    for engineer in attendees:
        services.session_sign_up(session=session, engineer=engineer, now=timezone.now())
    LearningSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    session.refresh_from_db()
    services.session_attendance_confirm(
        session=session, attended=attendees, logged_by=leader.user, now=timezone.now()
    )
    session.refresh_from_db()
    return session


# --- proposing and scheduling ----------------------------------------------------


def test_it_proposes_a_session_the_proposer_leads(client, cast):
    client.force_login(cast.skip.user)
    starts = (timezone.localtime() + datetime.timedelta(days=3)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        reverse("session-create"),
        {
            "title": "Growing your career",
            "topic_kind": TopicKind.CAREER,
            "competency": factories.competency("technical").pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Room 4",
            "capacity": 10,
            "for_newcomers": "on",
        },
        follow=True,
    )
    session = LearningSession.objects.get()
    assert session.leader == cast.skip
    assert session.status == SessionStatus.PROPOSED
    assert session.competency is None  # career management teaches no competency
    assert session.for_newcomers
    assert "Proposed" in response.content.decode()


def test_it_schedules_only_sessions_still_to_come(cast):
    now = timezone.now()
    session = propose(cast.skip, now=now)
    with pytest.raises(ValidationError):
        services.learning_session_schedule(
            session=session, now=session.starts_at + datetime.timedelta(minutes=1)
        )
    services.learning_session_schedule(session=session, now=now)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_it_refuses_a_competency_of_the_other_kind(cast):
    with pytest.raises(ValidationError):
        propose(cast.skip, competency=factories.competency("interpersonal"))


def test_only_the_leader_schedules_edits_and_cancels(client, cast):
    session = propose(cast.skip)
    client.force_login(cast.alice.user)
    for name in ("session-schedule", "session-cancel"):
        assert client.post(reverse(name, args=[session.pk])).status_code == 404
    assert client.get(reverse("session-edit", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.PROPOSED


# --- signing up ----------------------------------------------------------------------


def test_it_signs_up_up_to_capacity_and_says_when_full(client, cast):
    session = scheduled(cast.skip, capacity=2)
    for engineer in (cast.alice, cast.bob):
        client.force_login(engineer.user)
        client.post(reverse("session-sign-up", args=[session.pk]))
    client.force_login(cast.carol.user)
    page = client.get(reverse("session-detail", args=[session.pk])).content.decode()
    assert "This session is full." in page
    response = client.post(reverse("session-sign-up", args=[session.pk]), follow=True)
    assert "This session is full." in response.content.decode()
    assert session.signups.count() == 2


def test_signing_up_twice_keeps_one_place(cast):
    session = scheduled(cast.skip)
    now = timezone.now()
    _first, created = services.session_sign_up(
        session=session, engineer=cast.alice, now=now
    )
    _second, again = services.session_sign_up(
        session=session, engineer=cast.alice, now=now
    )
    assert (created, again) == (True, False)
    assert session.signups.count() == 1


def test_withdrawing_frees_a_place(cast):
    session = scheduled(cast.skip, capacity=1)
    now = timezone.now()
    services.session_sign_up(session=session, engineer=cast.alice, now=now)
    with pytest.raises(services.SessionFull):
        services.session_sign_up(session=session, engineer=cast.bob, now=now)
    assert services.session_withdraw(session=session, engineer=cast.alice, now=now)
    services.session_sign_up(session=session, engineer=cast.bob, now=now)
    assert list(session.signups.values_list("engineer", flat=True)) == [cast.bob.pk]


def test_a_proposed_session_takes_no_sign_ups(cast):
    session = propose(cast.skip)
    with pytest.raises(ValidationError):
        services.session_sign_up(
            session=session, engineer=cast.alice, now=timezone.now()
        )


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_sign_up_signs_up_once(cast):
    session = scheduled(cast.skip)
    url = reverse("session-sign-up", args=[session.pk])
    responses = post_twice_at_once(cast.alice.user, url, {})
    assert [r.status_code for r in responses] == [302, 302]
    assert SessionSignup.objects.filter(session=session).count() == 1


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_people_never_take_the_last_place_together(cast):
    import threading

    from django.db import connections

    session = scheduled(cast.skip, capacity=1)
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []

    def take(engineer):
        try:
            barrier.wait()
            services.session_sign_up(
                session=session, engineer=engineer, now=timezone.now()
            )
            outcomes.append("in")
        except services.SessionFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(e,)) for e in (cast.alice, cast.bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["full", "in"]
    assert SessionSignup.objects.filter(session=session).count() == 1


# --- attendance: the learning log --------------------------------------------------


def test_confirming_attendance_writes_one_learning_session_activity(cast):
    session = held(cast.skip, [cast.alice], capacity=3)
    activity = session.activity
    assert activity.kind == LearningKind.LEARNING_SESSION
    assert activity.led_by == cast.skip
    assert list(activity.attendees.all()) == [cast.alice]
    assert activity.hours == 1.5
    assert session.status == SessionStatus.HELD


def test_confirming_twice_keeps_one_activity_and_corrects_it(cast):
    session = held(cast.skip, [cast.alice], capacity=3)
    services.session_attendance_confirm(
        session=session,
        attended=[cast.alice, cast.carol],  # carol came without signing up
        logged_by=cast.skip.user,
        now=timezone.now(),
    )
    assert (
        LearningActivity.objects.filter(kind=LearningKind.LEARNING_SESSION).count() == 1
    )
    session.refresh_from_db()
    assert set(session.activity.attendees.all()) == {cast.alice, cast.carol}
    assert SessionSignup.objects.get(session=session, engineer=cast.carol).attended


def test_someone_signed_up_who_did_not_come_is_marked_absent(cast):
    session = scheduled(cast.skip, capacity=3)
    for engineer in (cast.alice, cast.bob):
        services.session_sign_up(session=session, engineer=engineer, now=timezone.now())
    LearningSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    session.refresh_from_db()
    services.session_attendance_confirm(
        session=session,
        attended=[cast.alice],
        logged_by=cast.skip.user,
        now=timezone.now(),
    )
    absent = SessionSignup.objects.get(session=session, engineer=cast.bob)
    assert absent.attended is False
    session.refresh_from_db()
    assert list(session.activity.attendees.all()) == [cast.alice]


def test_attendance_waits_for_the_session_to_start(client, cast):
    session = scheduled(cast.skip)
    client.force_login(cast.skip.user)
    assert (
        client.get(reverse("session-attendance", args=[session.pk])).status_code == 404
    )
    with pytest.raises(ValidationError):
        services.session_attendance_confirm(
            session=session, attended=[], logged_by=cast.skip.user, now=timezone.now()
        )


def test_the_attendance_page_records_ticked_and_added_people(client, cast):
    session = scheduled(cast.skip, capacity=3)
    services.session_sign_up(session=session, engineer=cast.alice, now=timezone.now())
    LearningSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(cast.skip.user)
    response = client.post(
        reverse("session-attendance", args=[session.pk]),
        {"attended": [cast.alice.pk], "also": [cast.bob.pk]},
        follow=True,
    )
    assert "Attendance confirmed: 2 people came" in response.content.decode()
    activity = LearningSession.objects.get(pk=session.pk).activity
    assert set(activity.attendees.all()) == {cast.alice, cast.bob}


# --- feedback --------------------------------------------------------------------------


def test_feedback_goes_to_the_leader_in_the_app_only(client, cast):
    session = held(cast.skip, [cast.alice, cast.bob], capacity=3)
    client.force_login(cast.alice.user)
    client.post(
        reverse("session-feedback", args=[session.pk]),
        {"useful": "yes", "line": "The flame graph demo clicked"},
    )
    client.force_login(cast.bob.user)
    client.post(
        reverse("session-feedback", args=[session.pk]),
        {"useful": "no", "line": "Too fast for me"},
    )
    assert SessionFeedback.objects.filter(session=session).count() == 2
    notices = Notification.objects.filter(
        recipient=cast.skip.user, kind=EventKind.SESSION_FEEDBACK
    )
    assert notices.count() == 1  # one unread notice a session
    assert "clicked" not in notices.get().message
    assert not Reminder.objects.filter(kind=EventKind.SESSION_FEEDBACK).exists()


def test_only_the_leader_and_the_author_read_a_feedback_line(client, cast):
    session = held(cast.skip, [cast.alice, cast.bob], capacity=3)
    services.session_feedback_give(
        session=session,
        engineer=cast.alice,
        useful=True,
        line="alices-line",
        now=timezone.now(),
    )
    url = reverse("session-detail", args=[session.pk])
    reads = {}
    for person in (cast.skip, cast.alice, cast.bob, cast.mia, cast.carol):
        client.force_login(person.user)
        reads[person] = "alices-line" in client.get(url).content.decode()
    assert reads == {
        cast.skip: True,
        cast.alice: True,
        cast.bob: False,
        cast.mia: False,
        cast.carol: False,
    }
    client.force_login(cast.carol.user)
    assert "1 found it useful" in client.get(url).content.decode()


def test_only_attendees_give_feedback(client, cast):
    session = held(cast.skip, [cast.alice], capacity=3)
    client.force_login(cast.bob.user)
    client.post(
        reverse("session-feedback", args=[session.pk]), {"useful": "yes", "line": "x"}
    )
    assert not SessionFeedback.objects.exists()


def test_giving_feedback_again_changes_the_answer(cast):
    session = held(cast.skip, [cast.alice], capacity=3)
    for useful in (True, False):
        services.session_feedback_give(
            session=session, engineer=cast.alice, useful=useful, now=timezone.now()
        )
    assert list(SessionFeedback.objects.values_list("useful", flat=True)) == [False]


def test_feedback_counts_as_knowledge_sharing_for_the_leader(cast):
    session = held(cast.skip, [cast.alice, cast.bob], capacity=3)
    services.session_feedback_give(
        session=session, engineer=cast.alice, useful=True, now=timezone.now()
    )
    assert knowledge_sharing(cast.skip.pk) == {
        "sessions_held": 1,
        "people_taught": 2,
        "answers": 1,
        "found_useful": 1,
    }


# --- cancelling -------------------------------------------------------------------------


def test_cancelling_tells_everyone_signed_up_without_the_text(
    client, cast, django_capture_on_commit_callbacks
):
    session = scheduled(cast.skip, title="secret-title", capacity=3)
    for engineer in (cast.alice, cast.bob):
        services.session_sign_up(session=session, engineer=engineer, now=timezone.now())
    client.force_login(cast.skip.user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("session-cancel", args=[session.pk]), follow=True
        )
    assert "Everyone signed up has been told" in response.content.decode()
    told = Notification.objects.filter(kind=EventKind.SESSION_CANCELLED)
    assert {n.recipient for n in told} == {cast.alice.user, cast.bob.user}
    emails = Reminder.objects.filter(kind=EventKind.SESSION_CANCELLED)
    assert emails.count() == 2
    for reminder in emails:
        assert "secret-title" not in reminder.subject + str(reminder.payload)
    for notice in told:
        assert "secret-title" not in notice.message
    assert LearningSession.objects.get(pk=session.pk).status == SessionStatus.CANCELLED


# --- the list ---------------------------------------------------------------------------


def test_months_before_keeps_to_the_month():
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 3, 15), 6) == datetime.date(2025, 9, 15)


@override_settings(NEWCOMER_MONTHS=6)
def test_newcomers_see_sessions_for_newcomers_first(cast):
    now = timezone.now()
    later_for_newcomers = propose(
        cast.skip, starts_in=datetime.timedelta(days=9), for_newcomers=True
    )
    sooner = propose(cast.skip, starts_in=datetime.timedelta(days=2))
    today = timezone.localdate()
    cast.alice.start_date = today - datetime.timedelta(days=30)
    cast.bob.start_date = today - datetime.timedelta(days=400)
    first = {
        engineer: session_lists(
            engineer.user, engineer=engineer, now=now, today=today
        ).upcoming[0]
        for engineer in (cast.alice, cast.bob)
    }
    assert first == {cast.alice: later_for_newcomers, cast.bob: sooner}


def _grow(cast, n: int) -> None:
    people = [cast.alice, cast.bob, cast.carol, cast.mia, cast.max]
    for i in range(n):
        session = scheduled(
            cast.skip, capacity=5, starts_in=datetime.timedelta(days=i + 1)
        )
        for engineer in people[: 1 + i % 4]:
            services.session_sign_up(
                session=session, engineer=engineer, now=timezone.now()
            )
        past = held(cast.cora, people[:2], capacity=5)
        services.session_feedback_give(
            session=past, engineer=cast.alice, useful=True, now=timezone.now()
        )


@pytest.mark.parametrize("name", ["session-list", "session-detail"])
def test_the_pages_cost_the_same_however_many_sessions(client, cast, name):
    client.force_login(cast.cora.user)

    def url():
        if name == "session-list":
            return reverse(name)
        latest = LearningSession.objects.filter(leader=cast.cora).latest("pk")
        return reverse(name, args=[latest.pk])

    _grow(cast, 2)
    small = fresh_queries(client, url())
    _grow(cast, 6)
    assert fresh_queries(client, url()) == small


def test_the_navigation_and_the_learning_page_lead_here(client, cast):
    client.force_login(cast.alice.user)
    page = client.get(reverse("learning-list")).content.decode()
    assert f'href="{reverse("session-list")}"' in page
    assert page.count(f'href="{reverse("session-list")}"') >= 2  # nav and the page
