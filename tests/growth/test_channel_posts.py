"""Posts to a channel that waited: praise checked again when it goes, failed
and ambiguous posts retried from the admin, and Teams cards whose names and
titles stay words, never Markdown. Against the fake Teams webhook on a
loopback port (tests/chat_servers.py)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db.models.functions import Now
from django.urls import reverse

from accounts.models import User
from growth.chat import cards
from growth.chat import teams as chat_teams
from growth.chat.outbox import deliver_post
from growth.models import (
    ChannelPost,
    Engineer,
    FeedbackNote,
    LearningSession,
    ReminderStatus,
    Sentiment,
    SessionStatus,
)
from growth.privacy import erase_person
from growth.reminders import RetryLater, notify_feedback_received
from growth.services.feedback import feedback_note_delete
from growth.services.sessions import (
    learning_session_cancel,
    learning_session_schedule,
)
from tests import factories
from tests.chat_servers import FakeTeams
from tests.reminders_support import memory_broker, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)


@pytest.fixture(scope="module")
def teams_server():
    with FakeTeams() as server:
        yield server


@pytest.fixture
def teams(teams_server, cast, settings):
    teams_server.clear()
    settings.SLACK_BOT_TOKEN = ""
    cast.platform.teams_webhook_url = teams_server.url("Platform")
    cast.platform.save(update_fields=["teams_webhook_url"])
    return teams_server


@pytest.fixture
def broker():
    yield from memory_broker()


def posted_ids(broker) -> list[int]:
    return [args[0] for name, args in broker.drain() if name.endswith("channel_post")]


def praise(cast, capture) -> tuple[FeedbackNote, ChannelPost]:
    note = factories.make_note(
        cast.mia.user, cast.alice, sentiment=Sentiment.PRAISE, public=True
    )
    with capture(execute=True):
        notify_feedback_received(note=note, now=NOW)
    return note, ChannelPost.objects.get(key=f"note-{note.pk}")


def comes_due():
    ChannelPost.objects.update(next_attempt_at=Now() - datetime.timedelta(days=1))


# --- praise taken back while its post waited ------------------------------------------


def deleted(cast, note):
    feedback_note_delete(note=note, author=cast.mia.user, now=NOW)


def made_private(cast, note):
    FeedbackNote.objects.filter(pk=note.pk).update(public=False)


@pytest.mark.parametrize("taken_back", [deleted, made_private])
def test_praise_taken_back_during_a_backoff_is_skipped_not_posted(
    cast, teams, broker, django_capture_on_commit_callbacks, taken_back
):
    note, post = praise(cast, django_capture_on_commit_callbacks)
    teams.fail("post", 429, headers={"Retry-After": 60})
    with pytest.raises(RetryLater):
        deliver_post(post.pk)
    taken_back(cast, note)
    comes_due()
    assert deliver_post(post.pk) == ReminderStatus.SKIPPED
    post.refresh_from_db()
    assert post.status == ReminderStatus.SKIPPED
    assert "deleted or is no longer public" in post.last_error
    assert teams.cards() == []
    assert deliver_post(post.pk) is None  # skipped stays skipped


def test_praise_still_public_after_a_backoff_is_posted(
    cast, teams, broker, django_capture_on_commit_callbacks
):
    _note, post = praise(cast, django_capture_on_commit_callbacks)
    teams.fail("post", 503)
    with pytest.raises(RetryLater):
        deliver_post(post.pk)
    comes_due()
    assert deliver_post(post.pk) == ReminderStatus.SENT
    assert len(teams.cards("Platform")) == 1


# --- a session changed while its post waited ----------------------------------------


def scheduled_session(cast, title="Reading flame graphs") -> tuple:
    session = LearningSession.objects.create(
        leader=cast.skip,
        created_by=cast.skip.user,
        title=title,
        starts_at=NOW + datetime.timedelta(days=3),
        status=SessionStatus.PROPOSED,
        created_at=NOW,
    )
    learning_session_schedule(session=session, now=NOW)
    return session, ChannelPost.objects.get(key=f"session-{session.pk}")


def cancelled(cast, session):
    learning_session_cancel(session=session, now=NOW)


def deleted_session(cast, session):
    session.delete()


@pytest.mark.parametrize("called_off", [cancelled, deleted_session])
def test_a_session_called_off_during_a_backoff_is_skipped_not_posted(
    cast, teams, called_off
):
    session, post = scheduled_session(cast)
    teams.fail("post", 429, headers={"Retry-After": 60})
    with time_machine.travel(NOW, tick=False), pytest.raises(RetryLater):
        deliver_post(post.pk)
    called_off(cast, session)
    comes_due()
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert deliver_post(post.pk) == ReminderStatus.SKIPPED
    post.refresh_from_db()
    assert "cancelled or is no longer scheduled" in post.last_error
    assert teams.cards() == []


def test_a_session_begun_before_its_post_could_go_is_not_announced(cast, teams):
    _session, post = scheduled_session(cast)
    with time_machine.travel(NOW + datetime.timedelta(days=3, minutes=1), tick=False):
        assert deliver_post(post.pk) == ReminderStatus.SKIPPED
    post.refresh_from_db()
    assert "already begun" in post.last_error
    assert teams.cards() == []


def test_a_session_moved_during_a_backoff_is_posted_as_it_stands(cast, teams):
    session, post = scheduled_session(cast)
    teams.fail("post", 503)
    with time_machine.travel(NOW, tick=False), pytest.raises(RetryLater):
        deliver_post(post.pk)
    moved = NOW + datetime.timedelta(days=5)
    LearningSession.objects.filter(pk=session.pk).update(
        starts_at=moved, title="Flame graphs, part one"
    )
    comes_due()
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert deliver_post(post.pk) == ReminderStatus.SENT
    (card,) = teams.cards("Platform")
    assert card["body"][0]["text"] == "New learning session: Flame graphs, part one"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["When"].startswith(f"{moved.date().isoformat()} at ")
    post.refresh_from_db()  # the admin's record says what went out
    assert post.payload["title"] == "Flame graphs, part one"


def test_a_name_erased_while_its_post_is_sent_stays_erased(
    cast, teams, django_capture_on_commit_callbacks, monkeypatch
):
    _note, post = praise(cast, django_capture_on_commit_callbacks)
    Engineer.objects.filter(pk=cast.mia.pk).update(is_active=False)
    post_card = chat_teams.post_card

    def erased_on_the_way(url, card):
        erase_person(user=cast.mia.user, by=cast.staff)
        return post_card(url, card)

    monkeypatch.setattr(chat_teams, "post_card", erased_on_the_way)
    assert deliver_post(post.pk) == ReminderStatus.SENT
    post.refresh_from_db()
    assert post.payload["author_name"] == "A former employee"


# --- retrying from the admin ---------------------------------------------------------


def act(client, action, pks, capture):
    url = reverse("admin:growth_channelpost_changelist")
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return client.post(
            url,
            {"action": action, "_selected_action": [str(pk) for pk in pks]},
            follow=True,
        )


def test_retry_gives_failed_and_ambiguous_posts_fresh_attempts_and_queues_them(
    staff_client, cast, teams, broker, django_capture_on_commit_callbacks
):
    _note, refused = praise(cast, django_capture_on_commit_callbacks)
    teams.fail("post", 404)  # the flow was off for a while
    assert deliver_post(refused.pk) == ReminderStatus.FAILED
    _note, unsure = praise(cast, django_capture_on_commit_callbacks)
    ChannelPost.objects.filter(pk=unsure.pk).update(
        status=ReminderStatus.AMBIGUOUS, attempts=1, last_error="Ambiguous: no answer"
    )
    _note, sent = praise(cast, django_capture_on_commit_callbacks)
    assert deliver_post(sent.pk) == ReminderStatus.SENT
    posted_ids(broker)
    response = act(
        staff_client,
        "retry",
        [refused.pk, unsure.pk, sent.pk],
        django_capture_on_commit_callbacks,
    )
    assert "Queued 2 failed or ambiguous post(s) again" in response.content.decode()
    for post in (refused, unsure):
        post.refresh_from_db()
        assert (post.status, post.attempts) == (ReminderStatus.PENDING, 0)
        assert post.last_error.startswith("Retried by hand.\n")
    assert ChannelPost.objects.get(pk=sent.pk).status == ReminderStatus.SENT
    assert sorted(posted_ids(broker)) == sorted([refused.pk, unsure.pk])
    assert deliver_post(refused.pk) == ReminderStatus.SENT
    assert deliver_post(unsure.pk) == ReminderStatus.SENT
    assert len(teams.cards("Platform")) == 3


def test_retry_of_nothing_failed_says_so(
    staff_client, cast, teams, broker, django_capture_on_commit_callbacks
):
    _note, post = praise(cast, django_capture_on_commit_callbacks)
    response = act(staff_client, "retry", [post.pk], django_capture_on_commit_callbacks)
    assert "None of the selected posts had failed" in response.content.decode()
    assert ChannelPost.objects.get(pk=post.pk).status == ReminderStatus.PENDING


def test_staff_who_may_only_read_the_posts_cannot_retry(
    client, cast, teams, django_capture_on_commit_callbacks
):
    _note, post = praise(cast, django_capture_on_commit_callbacks)
    ChannelPost.objects.filter(pk=post.pk).update(status=ReminderStatus.FAILED)
    reader = factories.make_user("Reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_channelpost"))
    client.force_login(reader)
    url = reverse("admin:growth_channelpost_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="retry"' not in response.content.decode()
    client.post(url, {"action": "retry", "_selected_action": [str(post.pk)]})
    assert ChannelPost.objects.get(pk=post.pk).status == ReminderStatus.FAILED


# --- what a card says ----------------------------------------------------------------


# A Markdown link's middle, its "]" not escaped.
LINK = re.compile(r"(?<!\\)\]\(")


def texts(card: dict) -> list[str]:
    """Every string of ``card`` that Teams reads as Markdown."""
    found = []
    for block in card["body"]:
        if block["type"] == "TextBlock":
            found.append(block["text"])
        for fact in block.get("facts", []):
            found += [fact["title"], fact["value"]]
    return found


def test_names_and_titles_in_a_teams_card_are_words_not_markdown(cast, teams):
    User.objects.filter(pk=cast.skip.user_id).update(display_name="Ann *Bold* _Lee_")
    session = LearningSession.objects.create(
        leader=cast.skip,
        created_by=cast.skip.user,
        title="Intro [sign in](https://phish.example)\n- a list",
        starts_at=NOW + datetime.timedelta(days=3),
        status=SessionStatus.PROPOSED,
        created_at=NOW,
    )
    session.refresh_from_db()
    learning_session_schedule(session=session, now=NOW)
    post = ChannelPost.objects.get()
    with time_machine.travel(NOW, tick=False):
        assert deliver_post(post.pk) == ReminderStatus.SENT
    post.refresh_from_db()
    (card,) = teams.cards("Platform")
    assert card["body"][0]["text"] == (
        r"New learning session: Intro \[sign in\](https://phish.example) - a list"
    )
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Led by"] == r"Ann \*Bold\* \_Lee\_"
    # Our own wording (a date, a time) is left as it is.
    day = (NOW + datetime.timedelta(days=3)).date().isoformat()
    assert facts["When"].startswith(f"{day} at ")
    assert not any(LINK.search(text) for text in texts(card))
    # Slack reads no such Markdown: its message keeps the words as they are.
    assert "Ann *Bold* _Lee_" in cards.slack_post_text(post)
    assert "\\" not in cards.slack_post_text(post)


def test_a_praised_name_with_markdown_is_escaped_in_the_card(
    cast, teams, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cast.alice.user_id).update(
        display_name="Alice [click](https://phish.example)"
    )
    cast.alice.user.refresh_from_db()
    _note, post = praise(cast, django_capture_on_commit_callbacks)
    assert deliver_post(post.pk) == ReminderStatus.SENT
    (card,) = teams.cards("Platform")
    assert card["body"][0]["text"].startswith(
        r"Mia Manager praised Alice \[click\](https://phish.example) for their"
    )
    assert not any(LINK.search(text) for text in texts(card))
