"""Migration 0012: each note's one reply becomes the engineer's first comment,
and back."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("growth", "0011_submissions_and_public_praise")]
AFTER = [("growth", "0012_feedback_conversation")]
REPLIED = datetime.datetime(2026, 2, 3, 10, 0, tzinfo=datetime.UTC)


def migrate(targets):
    """Migrate growth to ``targets``; return the models as they are then (the
    other apps' as they are now: migrating growth leaves them be)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    graph = MigrationExecutor(connection).loader
    others = [node for node in graph.graph.leaf_nodes() if node[0] != "growth"]
    return graph.project_state([*others, *targets]).apps


@pytest.fixture
def before(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    # Leave the database as every other test expects it.
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def _world(apps):
    User = apps.get_model("accounts", "User")
    Team = apps.get_model("accounts", "Team")
    Engineer = apps.get_model("growth", "Engineer")
    Note = apps.get_model("growth", "FeedbackNote")
    team = Team.objects.create(name="Migrations")
    alice = User.objects.create(email="alice-m@example.com", display_name="Alice M")
    bob = User.objects.create(email="bob-m@example.com", display_name="Bob M")
    engineer = Engineer.objects.create(user=alice, team=team)
    parts = dict.fromkeys(("situation", "behaviour", "impact", "suggestion"), "x")
    common = dict(author=bob, engineer=engineer, kind="technical", **parts)
    answered = Note.objects.create(
        **common,
        sentiment="constructive",
        visibility="shared",
        acknowledged_at=REPLIED,
        reply="Thanks, I will try it",
        replied_at=REPLIED,
    )
    quiet = Note.objects.create(**common, sentiment="praise", visibility="shared")
    return alice, answered, quiet


def test_a_reply_becomes_the_engineers_first_comment_and_comes_back(before):
    alice, answered, quiet = _world(before)

    after = migrate(AFTER)
    Comment = after.get_model("growth", "FeedbackComment")
    Note = after.get_model("growth", "FeedbackNote")
    (comment,) = Comment.objects.all()
    assert (comment.note_id, comment.author_id, comment.body) == (
        answered.pk,
        alice.pk,
        "Thanks, I will try it",
    )
    assert comment.created_at == comment.updated_at == REPLIED
    history = after.get_model("growth", "HistoricalFeedbackComment")
    assert history.objects.get(id=comment.pk).history_type == "+"
    note = Note.objects.get(pk=answered.pk)
    assert (note.reply, note.replied_at) == ("", REPLIED)
    assert Note.objects.get(pk=quiet.pk).replied_at is None
    Comment.objects.create(
        note_id=answered.pk,
        author_id=alice.pk,
        body="And it worked",
        created_at=REPLIED + datetime.timedelta(days=1),
        updated_at=REPLIED + datetime.timedelta(days=1),
    )
    Note.objects.create(
        author_id=note.author_id,
        engineer_id=note.engineer_id,
        kind="interpersonal",
        sentiment="praise",
        visibility="shared",
        message="Great review, thank you",
    )

    back = migrate(BEFORE)
    Note = back.get_model("growth", "FeedbackNote")
    note = Note.objects.get(pk=answered.pk)
    assert (note.reply, note.replied_at) == (
        "And it worked",
        REPLIED + datetime.timedelta(days=1),
    )
    assert Note.objects.get(pk=quiet.pk).reply == ""
    praise = Note.objects.get(suggestion="Great review, thank you")
    assert (praise.situation, praise.behaviour, praise.impact) == ("—",) * 3
