"""Reminder and notification emails: what they say, where they link, what they
never say."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings

from growth.emails import reminder_message
from growth.models import (
    EventKind,
    Goal,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
    SprintCadence,
)
from growth.models.reminders import IN_APP_ONLY
from growth.reminders import (
    deliver,
    notify_feedback_received,
    notify_feedback_requested,
    sweep,
)
from growth.services import framework, sessions
from growth.services.feedback import feedback_comment_create, feedback_note_rate
from tests import factories
from tests.framework_support import make_assessment, make_framework, make_readiness
from tests.reminders_support import memory_broker, seed_defaults, utc

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("site_url"),
]

NOW = utc(2026, 11, 30, 9)
SITE = "https://cultivate.example.com"
SECRETS = (
    "situation-secret-1",
    "behaviour-secret-2",
    "impact-secret-3",
    "suggestion-secret-4",
    "request-message-secret-5",
    "reply-secret-6",
    "comment-secret-7",
    "assessment-secret-8",
    "readiness-secret-9",
)


@pytest.fixture
def site_url():
    with override_settings(SITE_URL=SITE):
        yield


@pytest.fixture
def broker():
    yield from memory_broker()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def sent(cast, broker):
    """Every kind of email, each for someone, sent through the real path."""
    seed_defaults()
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    note = factories.make_note(
        cast.max.user,
        cast.alice,
        created_at=days_ago(3),
        situation=SECRETS[0],
        behaviour=SECRETS[1],
        impact=SECRETS[2],
        suggestion=SECRETS[3],
        reply=SECRETS[5],
        replied_at=days_ago(1),
    )
    request = factories.make_request(
        cast.bob,
        cast.alice,
        message=SECRETS[4],
        created_at=days_ago(5),
        due_on=NOW.date(),
    )
    goal = factories.make_goal(
        cast.alice, title="Ship the queue", target_date=NOW.date()
    )
    Goal.objects.filter(pk=goal.pk).update(updated_at=days_ago(30))
    notify_feedback_received(note=note, now=NOW)
    notify_feedback_requested(request=request, now=NOW)
    # One-week sprints from Tuesday 24 November: the learning day is Tuesday
    # 1 December, tomorrow, so the platform team hears of it this morning.
    SprintCadence.objects.create(
        team=cast.platform,
        sprint_weeks=1,
        first_sprint_start=datetime.date(2026, 11, 24),
        learning_weekday=1,
    )
    # Mia cancels the session alice signed up for.
    session = sessions.learning_session_propose(
        leader=cast.mia,
        created_by=cast.mia.user,
        title="Tracing 101",
        topic_kind="technical",
        starts_at=NOW + datetime.timedelta(days=3),
        duration_minutes=60,
        capacity=10,
        now=NOW,
    )
    sessions.learning_session_schedule(session=session, now=NOW)
    sessions.session_sign_up(session=session, engineer=cast.alice, now=NOW)
    sessions.learning_session_cancel(session=session, now=NOW)
    # Alice shares her self-assessment with mia, and mia hers of alice and
    # how ready alice is for the next level.
    (competency,) = make_framework(1)
    for role, author in (("self", cast.alice.user), ("manager", cast.mia.user)):
        draft = make_assessment(
            cast.alice, role=role, ratings={competency: ("meets", SECRETS[7])}
        )
        framework.assessment_share(assessment=draft, by=author, now=NOW)
    readiness = make_readiness(cast.alice, summary=SECRETS[8])
    framework.readiness_share(readiness=readiness, by=cast.mia.user, now=NOW)
    sweep(now=NOW)
    # After the sweep, whose digest counts the note as not read yet.
    feedback_comment_create(note=note, author=cast.alice.user, body=SECRETS[6], now=NOW)
    feedback_note_rate(note=note, user=cast.alice.user, actionable=True, now=NOW)
    for pk in Reminder.objects.values_list("pk", flat=True):
        assert deliver(pk, now=NOW) == ReminderStatus.SENT
    by_kind = {}
    for reminder in Reminder.objects.select_related("recipient"):
        by_kind.setdefault(reminder.kind, {})[reminder.recipient.email] = next(
            m
            for m in mail.outbox
            if m.extra_headers["Message-ID"].startswith(f"<reminder-{reminder.pk}@")
        )
    return {"by_kind": by_kind, "note": note, "request": request, "goal": goal}


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_every_kind_is_sent_in_text_and_html(sent):
    by_email = set(ReminderKind.values) | set(EventKind.values) - IN_APP_ONLY
    assert set(sent["by_kind"]) == by_email
    for messages in sent["by_kind"].values():
        for message in messages.values():
            assert message.body.startswith("Hello ")
            assert "{{" not in message.body and "{%" not in message.body
            assert html_of(message).startswith("<!DOCTYPE html>")
            assert "\n" not in message.subject
            assert message.from_email == "Cultivate <cultivate@localhost>"


def test_no_email_ever_quotes_a_note_a_reply_or_a_request(sent):
    for messages in sent["by_kind"].values():
        for message in messages.values():
            whole = message.message().as_string() + html_of(message)
            for secret in SECRETS:
                assert secret not in whole, (message.subject, secret)


def test_links_are_absolute_and_lead_to_each_subjects_page(cast, sent):
    kinds = sent["by_kind"]
    alice, bob = cast.alice.pk, cast.bob.pk
    expected = {
        (ReminderKind.FEEDBACK_DUE, cast.mia): [
            f"{SITE}/feedback/new/?engineer={alice}",
            f"{SITE}/feedback/new/?engineer={bob}",
            f"{SITE}/team/",
        ],
        (ReminderKind.INTERPERSONAL_GAP, cast.mia): [
            f"{SITE}/feedback/new/?engineer={alice}",
            f"{SITE}/team/",
        ],
        (ReminderKind.CHECKIN_DUE, cast.max): [
            f"{SITE}/check-ins/new/?engineer={alice}&kind=mentoring",
            f"{SITE}/mentoring/",
        ],
        (ReminderKind.GOAL_DEADLINE, cast.alice): [f"{SITE}/goals/{sent['goal'].pk}/"],
        (ReminderKind.REQUEST_PENDING, cast.alice): [
            f"{SITE}/feedback/new/?request={sent['request'].pk}",
            f"{SITE}/requests/{sent['request'].pk}/",
        ],
        (ReminderKind.WEEKLY_DIGEST, cast.mia): [
            f"{SITE}/engineers/{alice}/",
            f"{SITE}/engineers/{bob}/",
            f"{SITE}/team/",
        ],
        (EventKind.FEEDBACK_RECEIVED, cast.alice): [
            f"{SITE}/feedback/{sent['note'].pk}/"
        ],
        (EventKind.FEEDBACK_REQUESTED, cast.alice): [
            f"{SITE}/feedback/new/?request={sent['request'].pk}",
            f"{SITE}/requests/{sent['request'].pk}/",
        ],
        (EventKind.FEEDBACK_COMMENTED, cast.max): [
            f"{SITE}/feedback/{sent['note'].pk}/"
        ],
        (EventKind.FEEDBACK_COMMENTED, cast.mia): [
            f"{SITE}/feedback/{sent['note'].pk}/"
        ],
        (EventKind.FEEDBACK_ANSWERED, cast.max): [
            f"{SITE}/feedback/{sent['note'].pk}/"
        ],
        (EventKind.ASSESSMENT_SHARED, cast.mia): [
            f"{SITE}/engineers/{alice}/framework/"
        ],
        (EventKind.ASSESSMENT_SHARED, cast.alice): [f"{SITE}/me/framework/"],
        (EventKind.READINESS_SHARED, cast.alice): [f"{SITE}/me/framework/"],
    }
    for (kind, engineer), links in expected.items():
        message = kinds[kind][engineer.user.email]
        html = html_of(message).replace("&amp;", "&")
        for link in links:
            assert link in message.body, (kind, link)
            assert f'href="{link}"' in html, (kind, link)
        assert f"{SITE}/profile/" in message.body


def test_sharing_names_who_shared_what_and_never_a_rating(cast, sent):
    kinds = sent["by_kind"]
    to_mia = kinds[EventKind.ASSESSMENT_SHARED][cast.mia.user.email]
    assert to_mia.subject == "Alice Engineer shared their self-assessment"
    assert "shared their self-assessment against the career framework" in to_mia.body
    to_alice = kinds[EventKind.ASSESSMENT_SHARED][cast.alice.user.email]
    assert to_alice.subject == "Mia Manager shared their assessment of you"
    readiness = kinds[EventKind.READINESS_SHARED][cast.alice.user.email]
    assert readiness.subject == (
        "Mia Manager shared how ready you are for the next level"
    )
    for message in (to_mia, to_alice, readiness):
        assert "30 November 2026" in message.body
        assert "meets" not in message.body.lower()


def test_the_digest_lists_every_report_with_the_numbers(cast, sent):
    message = sent["by_kind"][ReminderKind.WEEKLY_DIGEST][cast.mia.user.email]
    assert message.subject == "Your team this week: 2 reports"
    text = message.body
    assert "Alice Engineer" in text and "Bob Peer" in text
    assert "Your direct reports as of Monday 30 November 2026" in text
    assert "none from you yet, 3 days since anyone's" in text
    assert "Unacknowledged feedback: 1 · Goals at risk: 1" in text


def test_every_email_carries_a_one_click_unsubscribe_for_its_kind(cast, client, sent):
    message = sent["by_kind"][ReminderKind.FEEDBACK_DUE][cast.mia.user.email]
    header = message.extra_headers["List-Unsubscribe"]
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    url = re.fullmatch(r"<(.+)>", header).group(1)
    assert url.startswith(f"{SITE}/reminders/unsubscribe/")
    assert url in message.body
    assert f'href="{url}"' in html_of(message)
    response = client.post(url.removeprefix(SITE), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert (
        ReminderPreference.objects.get(
            user=cast.mia.user, kind=ReminderKind.FEEDBACK_DUE
        ).email_enabled
        is False
    )


def test_names_are_escaped_in_html_and_left_alone_in_text(cast, broker):
    cast.bob.user.display_name = "Zoë O'Brien <b>&</b>"
    cast.bob.user.save(update_fields=["display_name"])
    request = factories.make_request(cast.bob, cast.alice, due_on=NOW.date())
    reminder = notify_feedback_requested(request=request, now=NOW)
    message = reminder_message(reminder)
    assert message.subject.startswith("Zoë O'Brien <b>&</b> asked you")
    assert "Zoë O'Brien <b>&</b> asked you" in message.body
    html = html_of(message)
    assert "<b>&</b>" not in html
    assert "Zoë O&#x27;Brien &lt;b&gt;&amp;&lt;/b&gt;" in html


def test_a_resend_keeps_the_message_id(cast, broker):
    request = factories.make_request(cast.bob, cast.alice, due_on=NOW.date())
    reminder = notify_feedback_requested(request=request, now=NOW)
    first = reminder_message(reminder).extra_headers["Message-ID"]
    assert first == reminder_message(reminder).extra_headers["Message-ID"]
    assert first == f"<reminder-{reminder.pk}@cultivate.example.com>"


def test_subjects_name_the_one_subject_or_count_them(cast, sent):
    kinds = sent["by_kind"]
    subjects = {
        kind: kinds[kind][engineer.user.email].subject
        for kind, engineer in [
            (ReminderKind.FEEDBACK_DUE, cast.skip),
            (ReminderKind.CHECKIN_DUE, cast.max),
            (ReminderKind.GOAL_DEADLINE, cast.alice),
            (ReminderKind.REQUEST_PENDING, cast.alice),
        ]
    }
    assert subjects == {
        ReminderKind.FEEDBACK_DUE: "Feedback due for 4 of your reports",
        ReminderKind.CHECKIN_DUE: "Mentoring check-in due with Alice Engineer",
        ReminderKind.GOAL_DEADLINE: "Your goal “Ship the queue” is due soon",
        ReminderKind.REQUEST_PENDING: "Bob Peer is waiting for your feedback",
    }


def test_a_comment_email_names_who_wrote_on_whose_feedback(cast, sent):
    to_max = sent["by_kind"][EventKind.FEEDBACK_COMMENTED][cast.max.user.email]
    assert to_max.subject == "Alice Engineer answered your feedback"
    to_mia = sent["by_kind"][EventKind.FEEDBACK_COMMENTED][cast.mia.user.email]
    assert to_mia.subject == (
        "Alice Engineer commented on Max Mentor's feedback for Alice Engineer"
    )
    assert "Read the conversation and answer" in to_mia.body


def test_the_author_hears_how_the_note_was_rated(cast, sent):
    message = sent["by_kind"][EventKind.FEEDBACK_ANSWERED][cast.max.user.email]
    assert message.subject == "Alice Engineer found your feedback actionable"
    assert "Stop “Your feedback being read or rated” emails" in message.body
