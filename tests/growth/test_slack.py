"""Slack direct messages through the outbox, against a fake Slack Web API on a
loopback port (tests/chat_servers.py): one message per reminder per channel,
whatever sweeps, duplicates and dead workers do; Slack's refusals recorded;
people looked up once and again when their id goes stale."""

import datetime

import pytest
from django.db.models import F
from django.db.models.functions import Now
from django.urls import reverse

from growth.models import (
    DeliveryChannel,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
    SlackIdentity,
)
from growth.reminders import notify_feedback_received
from growth.reminders.delivery import RetryLater, deliver, sweep
from growth.services.preferences import NOTICE_KINDS, reminder_preferences_set
from tests import factories
from tests.chat_servers import FakeSlack
from tests.reminders_support import memory_broker, only_rules, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)  # Monday of ISO week 2026-W49, 09:00 UTC
KIND = ReminderKind.FEEDBACK_DUE


@pytest.fixture(scope="module")
def slack_server():
    with FakeSlack() as server:
        yield server


@pytest.fixture
def fake_slack(slack_server, settings):
    slack_server.clear()
    slack_server.users.clear()
    slack_server.token = "xoxb-test-token"
    settings.SLACK_BOT_TOKEN = "xoxb-test-token"
    settings.SLACK_API_URL = slack_server.url
    settings.SLACK_PUBLIC_CHANNEL = ""
    return slack_server


@pytest.fixture
def broker():
    yield from memory_broker()


@pytest.fixture
def org(cast):
    only_rules(KIND)
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    return cast


@pytest.fixture
def run(broker, django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now)

    return run


def on_slack(user, kind=KIND, *, email=True):
    ReminderPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email_enabled": email, "slack_enabled": True}
    )


def slack_row(user, kind=KIND) -> Reminder:
    return Reminder.objects.get(recipient=user, kind=kind, channel="slack")


def comes_due(pk):
    Reminder.objects.filter(pk=pk).update(
        next_attempt_at=Now() - datetime.timedelta(days=1)
    )


def test_it_sends_one_message_per_reminder_under_two_sweeps_and_duplicates(
    org, run, broker, fake_slack
):
    fake_slack.users[org.mia.user.email] = "UMIA"
    on_slack(org.mia.user)
    run(NOW)
    run(NOW + datetime.timedelta(minutes=15))
    ids = broker.ids()
    statuses = [deliver(pk) for pk in ids + ids]  # and every task twice
    row = slack_row(org.mia.user)
    assert row.status == ReminderStatus.SENT
    assert statuses.count(ReminderStatus.SENT) == len(set(ids))
    (message,) = fake_slack.to("UMIA")
    assert "Feedback due" in message["text"]
    assert reverse("feedback-create") in message["text"]
    # The email went too, as its own row: a channel each.
    channels = Reminder.objects.filter(recipient=org.mia.user, kind=KIND)
    assert sorted(channels.values_list("channel", flat=True)) == ["email", "slack"]


def test_a_worker_killed_after_its_claim_leaves_one_message(
    org, run, broker, fake_slack
):
    fake_slack.users[org.mia.user.email] = "UMIA"
    on_slack(org.mia.user)
    run(NOW)
    row = slack_row(org.mia.user)
    # A worker claims the row and dies before it sends (or before it writes).
    assert (
        Reminder.objects.filter(pk=row.pk, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENDING, attempts=F("attempts") + 1, claimed_at=Now()
        )
        == 1
    )
    assert deliver(row.pk) is None  # its claim is held: nobody else sends
    assert fake_slack.posted() == []
    broker.ids()
    run(NOW + datetime.timedelta(minutes=15))  # the claim is still fresh
    assert row.pk not in broker.ids()
    Reminder.objects.filter(pk=row.pk).update(
        claimed_at=F("claimed_at") - datetime.timedelta(minutes=11)
    )
    run(NOW + datetime.timedelta(minutes=30))  # handed back and published
    ids = broker.ids()
    assert row.pk in ids
    assert [deliver(row.pk) for _ in range(2)] == [ReminderStatus.SENT, None]
    assert len(fake_slack.to("UMIA")) == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert "handed back" in row.last_error


def test_a_429_waits_for_retry_after_then_sends_once(org, run, fake_slack):
    fake_slack.users[org.mia.user.email] = "UMIA"
    on_slack(org.mia.user)
    run(NOW)
    row = slack_row(org.mia.user)
    fake_slack.fail(
        "chat.postMessage", 429, {"error": "ratelimited"}, headers={"Retry-After": 600}
    )
    with pytest.raises(RetryLater):
        deliver(row.pk)
    row.refresh_from_db()
    assert row.status == ReminderStatus.PENDING
    assert "429" in row.last_error
    # Longer than the backoff (60 s): Slack's 600 s is what counts.
    assert row.next_attempt_at - row.claimed_at >= datetime.timedelta(seconds=600)
    assert deliver(row.pk) is None  # not before Retry-After
    comes_due(row.pk)
    assert deliver(row.pk) == ReminderStatus.SENT
    assert len(fake_slack.to("UMIA")) == 1


def test_nothing_goes_to_slack_for_a_person_who_switched_it_off(org, run, fake_slack):
    fake_slack.users[org.mia.user.email] = "UMIA"
    on_slack(org.mia.user)
    run(NOW)
    # Mia turns Slack off after the row was written, before it went.
    reminder_preferences_set(
        user=org.mia.user, enabled_kinds=[KIND], slack_kinds=[], now=NOW
    )
    assert deliver(slack_row(org.mia.user).pk) == ReminderStatus.SKIPPED
    assert "turned Slack off" in slack_row(org.mia.user).last_error
    assert fake_slack.to("UMIA") == []
    # And next week no Slack row is written for her at all.
    run(NOW + datetime.timedelta(days=7))
    assert not Reminder.objects.filter(
        recipient=org.mia.user, channel="slack", period_key="2026-W50"
    ).exists()
    assert Reminder.objects.filter(
        recipient=org.mia.user, channel="email", period_key="2026-W50"
    ).exists()


def test_a_revoked_token_fails_the_message_with_its_reason(org, run, fake_slack):
    on_slack(org.mia.user)
    run(NOW)
    fake_slack.token = "xoxb-another"  # ours is no longer accepted
    row = slack_row(org.mia.user)
    assert deliver(row.pk) == ReminderStatus.FAILED
    row.refresh_from_db()
    assert "invalid_auth" in row.last_error
    assert fake_slack.posted() == []


def test_a_token_revoked_mid_send_is_failed_not_retried(org, run, fake_slack):
    fake_slack.users[org.mia.user.email] = "UMIA"
    on_slack(org.mia.user)
    run(NOW)
    fake_slack.fail("chat.postMessage", 200, {"error": "token_revoked"})
    row = slack_row(org.mia.user)
    assert deliver(row.pk) == ReminderStatus.FAILED
    row.refresh_from_db()
    assert row.attempts == 1
    assert "token_revoked" in row.last_error
    comes_due(row.pk)
    assert deliver(row.pk) is None  # failed stays failed


def test_an_unknown_person_fails_the_message_with_its_reason(org, run, fake_slack):
    on_slack(org.mia.user)  # nobody in the workspace has her email
    run(NOW)
    row = slack_row(org.mia.user)
    assert deliver(row.pk) == ReminderStatus.FAILED
    row.refresh_from_db()
    assert "users_not_found" in row.last_error
    assert fake_slack.lookups() == [org.mia.user.email]
    # The email went its own way.
    email = Reminder.objects.get(recipient=org.mia.user, kind=KIND, channel="email")
    assert deliver(email.pk) == ReminderStatus.SENT


def test_a_person_is_looked_up_once_and_again_when_their_id_goes_stale(
    org, fake_slack, django_capture_on_commit_callbacks
):
    fake_slack.users[org.alice.user.email] = "UALICE"
    on_slack(org.alice.user, EventKind.FEEDBACK_RECEIVED)
    notes = [factories.make_note(org.mia.user, org.alice) for _ in range(3)]

    def tell(note):
        with django_capture_on_commit_callbacks(execute=False):
            notify_feedback_received(note=note, now=NOW)
        row = Reminder.objects.get(period_key=f"note-{note.pk}", channel="slack")
        return deliver(row.pk)

    assert tell(notes[0]) == ReminderStatus.SENT
    assert tell(notes[1]) == ReminderStatus.SENT
    assert fake_slack.lookups() == [org.alice.user.email]  # kept after the first
    # Her Slack account was replaced: the kept id leads nowhere now.
    fake_slack.users[org.alice.user.email] = "UALICE2"
    assert tell(notes[2]) == ReminderStatus.SENT
    assert fake_slack.lookups() == [org.alice.user.email] * 2
    assert [len(fake_slack.to(i)) for i in ("UALICE", "UALICE2")] == [2, 1]
    assert SlackIdentity.objects.get(user=org.alice.user).slack_user_id == "UALICE2"


def test_an_event_goes_to_slack_as_it_goes_by_email_without_the_note(
    org, fake_slack, django_capture_on_commit_callbacks
):
    fake_slack.users[org.alice.user.email] = "UALICE"
    on_slack(org.alice.user, EventKind.FEEDBACK_RECEIVED, email=False)
    note = factories.make_note(
        org.mia.user, org.alice, situation="SECRET-SITUATION", suggestion="SECRET-S"
    )
    with django_capture_on_commit_callbacks(execute=False):
        notify_feedback_received(note=note, now=NOW)
    rows = Reminder.objects.filter(period_key=f"note-{note.pk}")
    assert dict(rows.values_list("channel", "status")) == {
        "email": ReminderStatus.SKIPPED,
        "slack": ReminderStatus.PENDING,
    }
    assert deliver(rows.get(channel="slack").pk) == ReminderStatus.SENT
    (message,) = fake_slack.to("UALICE")
    assert "Mia Manager" in message["text"]
    assert reverse("feedback-detail", args=[note.pk]) in message["text"]
    assert "SECRET" not in message["text"]


def test_slack_unconfigured_later_skips_what_waits_and_records_no_more(
    org, run, fake_slack, settings
):
    on_slack(org.mia.user)
    run(NOW)
    row = slack_row(org.mia.user)
    settings.SLACK_BOT_TOKEN = ""
    assert deliver(row.pk) == ReminderStatus.SKIPPED
    assert "not configured" in slack_row(org.mia.user).last_error
    run(NOW + datetime.timedelta(days=7))
    assert not Reminder.objects.filter(channel="slack", period_key="2026-W50").exists()
    # Her choice is kept for when Slack comes back.
    assert ReminderPreference.objects.get(user=org.mia.user, kind=KIND).slack_enabled


def test_the_profile_offers_slack_only_while_it_is_configured(
    client, cast, fake_slack, settings
):
    client.force_login(cast.alice.user)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="channel_feedback_due"' in page
    assert "Email and Slack" in page
    data = {
        "display_name": cast.alice.user.display_name,
        "time_zone": cast.alice.user.time_zone,
    }
    data.update({f"channel_{kind}": "email" for kind in NOTICE_KINDS})
    data["channel_goal_deadline"] = "slack"
    data["channel_feedback_requested"] = "both"
    data["channel_weekly_digest"] = "none"
    assert client.post(reverse("profile"), data).status_code == 302
    chosen = {
        p.kind: p.channel
        for p in ReminderPreference.objects.filter(user=cast.alice.user)
    }
    assert chosen == {
        "goal_deadline": "slack",
        "feedback_requested": "both",
        "weekly_digest": "none",
    }
    # A choice that is not one is refused beside its field, and nothing saved.
    data["channel_goal_deadline"] = "pigeon"
    data["channel_weekly_digest"] = "email"
    response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert (
        ReminderPreference.objects.get(
            user=cast.alice.user, kind="weekly_digest"
        ).channel
        == "none"
    )
    # Slack unconfigured: the email switches, and saving keeps the Slack choices.
    settings.SLACK_BOT_TOKEN = ""
    page = client.get(reverse("profile")).content.decode()
    assert 'name="channel_feedback_due"' not in page
    assert 'name="enabled_kinds"' in page
    emails_on = [k for k in NOTICE_KINDS if k != "weekly_digest"]
    response = client.post(
        reverse("profile"),
        {
            "display_name": data["display_name"],
            "time_zone": data["time_zone"],
            "enabled_kinds": emails_on,
        },
    )
    assert response.status_code == 302
    assert (
        ReminderPreference.objects.get(
            user=cast.alice.user, kind="goal_deadline"
        ).channel
        == "both"
    )


def test_migrated_rows_keep_their_meaning(cast):
    on = ReminderPreference.objects.create(user=cast.alice.user, kind=KIND)
    off = ReminderPreference.objects.create(
        user=cast.bob.user, kind=KIND, email_enabled=False
    )
    assert (on.channel, off.channel) == ("email", "none")
    assert Reminder._meta.get_field("channel").default == DeliveryChannel.EMAIL
