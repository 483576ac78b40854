"""Microsoft Teams: Adaptive Cards posted to each team's Workflows webhook (a
fake one on a loopback port), once per team and event, retried on 5xx; and
public praise and new sessions in the public Slack channel."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models.functions import Now
from django.urls import reverse

from growth.chat.outbox import deliver_post, requeue, team_digests_record
from growth.models import (
    ChannelPost,
    LearningSession,
    PostKind,
    ReminderKind,
    ReminderStatus,
    Sentiment,
    SessionStatus,
)
from growth.reminders import RetryLater, notify_feedback_received
from growth.services.feedback import feedback_note_update
from growth.services.sessions import learning_session_schedule
from tests import factories
from tests.chat_servers import FakeSlack, FakeTeams
from tests.reminders_support import memory_broker, only_rules, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)  # a Monday


@pytest.fixture(scope="module")
def teams_server():
    with FakeTeams() as server:
        yield server


@pytest.fixture(scope="module")
def slack_server():
    with FakeSlack() as server:
        yield server


@pytest.fixture
def teams(teams_server, cast, settings):
    teams_server.clear()
    settings.SLACK_BOT_TOKEN = ""
    for team in (cast.platform, cast.data):
        team.teams_webhook_url = teams_server.url(team.name)
        team.save(update_fields=["teams_webhook_url"])
    return teams_server


@pytest.fixture
def broker():
    yield from memory_broker()


def posted_ids(broker) -> list[int]:
    return [args[0] for name, args in broker.drain() if name.endswith("channel_post")]


def praise(cast, django_capture_on_commit_callbacks, **fields):
    note = factories.make_note(
        cast.mia.user,
        cast.alice,
        sentiment=Sentiment.PRAISE,
        public=True,
        situation="PRIVATE-WORDS",
        **fields,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_feedback_received(note=note, now=NOW)
    return note


def test_public_praise_is_one_card_in_the_praised_engineers_team(
    cast, teams, broker, django_capture_on_commit_callbacks
):
    note = praise(cast, django_capture_on_commit_callbacks)
    (post,) = ChannelPost.objects.all()
    assert (post.team, post.kind, post.key) == (
        cast.platform,
        "praise",
        f"note-{note.pk}",
    )
    ids = posted_ids(broker)
    assert ids == [post.pk]
    # A duplicated task and a second call for the same note post nothing more.
    assert [deliver_post(post.pk) for _ in range(2)] == [ReminderStatus.SENT, None]
    with django_capture_on_commit_callbacks(execute=True):
        notify_feedback_received(note=note, now=NOW)
    assert ChannelPost.objects.count() == 1
    (card,) = teams.cards("Platform")
    assert teams.cards("Data") == []
    assert card["type"] == "AdaptiveCard"
    text = str(card)
    assert "Mia Manager praised Alice Engineer" in text
    assert reverse("praise-wall") in text
    assert "PRIVATE-WORDS" not in text
    (request,) = teams.requests
    assert request.body["attachments"][0]["contentType"] == (
        "application/vnd.microsoft.card.adaptive"
    )


def test_praise_that_is_not_public_goes_to_no_channel(
    cast, teams, django_capture_on_commit_callbacks
):
    note = factories.make_note(
        cast.mia.user, cast.alice, sentiment=Sentiment.PRAISE, public=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_feedback_received(note=note, now=NOW)
    assert not ChannelPost.objects.exists()


def test_a_5xx_is_retried_with_backoff_and_posted_once(
    cast, teams, django_capture_on_commit_callbacks
):
    praise(cast, django_capture_on_commit_callbacks)
    post = ChannelPost.objects.get()
    teams.fail("post", 502)
    with pytest.raises(RetryLater):
        deliver_post(post.pk)
    post.refresh_from_db()
    assert post.status == ReminderStatus.PENDING
    assert "server error 502" in post.last_error
    assert post.next_attempt_at > post.claimed_at
    assert deliver_post(post.pk) is None  # not due yet
    ChannelPost.objects.update(next_attempt_at=Now() - datetime.timedelta(days=1))
    assert deliver_post(post.pk) == ReminderStatus.SENT
    assert len(teams.cards()) == 1
    assert [r.status for r in teams.requests] == [502, 202]


def test_a_refused_webhook_fails_with_its_reason(
    cast, teams, django_capture_on_commit_callbacks
):
    praise(cast, django_capture_on_commit_callbacks)
    post = ChannelPost.objects.get()
    teams.fail("post", 404)  # the flow was deleted
    assert deliver_post(post.pk) == ReminderStatus.FAILED
    post.refresh_from_db()
    assert "refused (404)" in post.last_error


def test_a_killed_worker_is_handed_back_and_posts_once(
    cast, teams, broker, django_capture_on_commit_callbacks
):
    praise(cast, django_capture_on_commit_callbacks)
    post = ChannelPost.objects.get()
    posted_ids(broker)
    ChannelPost.objects.update(
        status=ReminderStatus.SENDING,
        attempts=1,
        claimed_at=Now() - datetime.timedelta(minutes=11),
    )
    requeue()
    assert posted_ids(broker) == [post.pk]
    assert deliver_post(post.pk) == ReminderStatus.SENT
    assert len(teams.cards()) == 1


def test_a_scheduled_session_is_posted_to_every_team_once(cast, teams):
    session = LearningSession.objects.create(
        leader=cast.skip,
        created_by=cast.skip.user,
        title="Reading flame graphs",
        starts_at=NOW + datetime.timedelta(days=3),
        status=SessionStatus.PROPOSED,
        created_at=NOW,
    )
    learning_session_schedule(session=session, now=NOW)
    learning_session_schedule(session=session, now=NOW)
    posts = ChannelPost.objects.filter(kind=PostKind.SESSION_SCHEDULED)
    assert sorted(posts.values_list("team__name", flat=True)) == ["Data", "Platform"]
    with time_machine.travel(NOW, tick=False):  # before the session begins
        for post in posts:
            assert deliver_post(post.pk) == ReminderStatus.SENT
    cards = teams.cards()
    assert len(cards) == 2
    assert "Reading flame graphs" in str(cards[0])
    assert reverse("session-detail", args=[session.pk]) in str(cards[0])


def test_the_weekly_team_digest_is_one_card_per_team_and_week(
    cast, teams, django_capture_on_commit_callbacks
):
    only_rules(ReminderKind.WEEKLY_DIGEST, digest_weekday=0, send_hour=9)
    praise(
        cast, django_capture_on_commit_callbacks, created_at=NOW - datetime.timedelta(2)
    )
    ChannelPost.objects.all().delete()
    assert team_digests_record(now=NOW - datetime.timedelta(hours=1)) == 0  # 08:00
    assert team_digests_record(now=NOW) == 2
    assert team_digests_record(now=NOW + datetime.timedelta(hours=3)) == 0
    for post in ChannelPost.objects.all():
        deliver_post(post.pk)
    cards = {c["body"][0]["text"].split(":")[0]: c for c in teams.cards()}
    assert set(cards) == {"Platform", "Data"}
    facts = {f["title"]: f["value"] for f in cards["Platform"]["body"][1]["facts"]}
    assert facts["Public praise this week"] == "1"
    assert facts["Engineers"] == "4"
    assert "PRIVATE-WORDS" not in str(cards)
    # The next week, another.
    assert team_digests_record(now=NOW + datetime.timedelta(days=7)) == 2


def test_public_praise_and_sessions_go_to_the_public_slack_channel(
    cast, slack_server, settings, django_capture_on_commit_callbacks
):
    slack_server.clear()
    settings.SLACK_BOT_TOKEN = slack_server.token
    settings.SLACK_API_URL = slack_server.url
    settings.SLACK_PUBLIC_CHANNEL = "#kudos"
    praise(cast, django_capture_on_commit_callbacks)
    (post,) = ChannelPost.objects.all()  # no team has a webhook here
    assert post.destination == "slack:#kudos"
    assert deliver_post(post.pk) == ReminderStatus.SENT
    (message,) = slack_server.posted()
    assert message["channel"] == "#kudos"
    assert "praised Alice Engineer" in message["text"]
    assert "PRIVATE-WORDS" not in message["text"]


def test_a_webhook_must_be_https_except_on_loopback(cast):
    team = cast.platform
    for good in ("https://prod.example.com/workflows/1", "http://127.0.0.1:9/hook"):
        team.teams_webhook_url = good
        team.full_clean()
    for bad in ("http://example.com/hook", "ftp://example.com/x"):
        team.teams_webhook_url = bad
        with pytest.raises(ValidationError) as caught:
            team.full_clean()
        assert "teams_webhook_url" in caught.value.message_dict


def test_the_team_admin_edits_the_webhook_and_the_outbox_admin_filters(
    staff_client, cast, teams, django_capture_on_commit_callbacks
):
    page = staff_client.get(reverse("admin:accounts_team_change", args=[cast.data.pk]))
    assert b'name="teams_webhook_url"' in page.content
    response = staff_client.post(
        reverse("admin:accounts_team_change", args=[cast.data.pk]),
        {"name": "Data", "description": "", "teams_webhook_url": "http://example.com/"},
    )
    assert response.status_code == 200
    assert b"https://" in response.content
    praise(cast, django_capture_on_commit_callbacks)
    response = staff_client.get(
        reverse("admin:growth_reminder_changelist"), {"channel__exact": "slack"}
    )
    assert response.status_code == 200
    response = staff_client.get(reverse("admin:growth_channelpost_changelist"))
    assert response.status_code == 200
    assert b"Public praise" in response.content


def edit(note, *, public: bool, capture):
    with capture(execute=True):
        return feedback_note_update(
            note=note,
            author=note.author,
            now=NOW,
            **factories.note_as_it_is(note, public=public),
        )


def test_praise_made_public_by_an_edit_is_posted_once(
    cast, teams, django_capture_on_commit_callbacks
):
    note = factories.make_note(
        cast.mia.user, cast.alice, sentiment=Sentiment.PRAISE, situation="PRIVATE-WORDS"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_feedback_received(note=note, now=NOW)
    assert not ChannelPost.objects.exists()  # private praise stays home
    edit(note, public=True, capture=django_capture_on_commit_callbacks)
    (post,) = ChannelPost.objects.filter(kind=PostKind.PRAISE)
    assert (post.key, post.team) == (f"note-{note.pk}", cast.platform)
    # Private again and public again: still the one post.
    edit(note, public=False, capture=django_capture_on_commit_callbacks)
    edit(note, public=True, capture=django_capture_on_commit_callbacks)
    assert ChannelPost.objects.filter(kind=PostKind.PRAISE).count() == 1
    assert deliver_post(post.pk) == ReminderStatus.SENT
    (card,) = teams.cards("Platform")
    assert "PRIVATE-WORDS" not in str(card)
