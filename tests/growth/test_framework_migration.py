"""Migration 0021: the level and track choices become the framework's data,
and nobody loses their level, now or in their history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("growth", "0020_insight_counts")]
AFTER = [("growth", "0021_career_framework")]


def migrate(targets):
    """Migrate growth to ``targets``; return the models as they are then."""
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


PEOPLE = [
    ("ic", "junior", "engineering", "junior"),
    ("ic", "mid", "engineering", "mid"),
    ("ic", "principal", "engineering", "principal"),
    ("management", "junior", "management", "team-lead"),
    ("management", "senior", "management", "senior-engineering-manager"),
    ("management", "principal", "management", "vp"),
]


def _people(apps):
    User = apps.get_model("accounts", "User")
    Team = apps.get_model("accounts", "Team")
    Engineer = apps.get_model("growth", "Engineer")
    team = Team.objects.create(name="Migrations")
    made = []
    for n, (track, level, _, _) in enumerate(PEOPLE):
        user = User.objects.create(email=f"m{n}@example.com", display_name=f"M {n}")
        made.append(
            Engineer.objects.create(user=user, team=team, track=track, level=level)
        )
    return made


def test_everyone_keeps_their_level_on_the_track_they_were_on(before):
    made = _people(before)
    HistoricalEngineer = before.get_model("growth", "HistoricalEngineer")
    alice = made[1]
    HistoricalEngineer.objects.create(
        id=alice.pk,
        user_id=alice.user_id,
        team_id=alice.team_id,
        track="ic",
        level="staff",  # what she was before, in her history
        title="",
        start_date=alice.start_date,
        is_active=True,
        created_at=alice.created_at,
        updated_at=alice.updated_at,
        history_date=alice.created_at,
        history_type="~",
    )

    after = migrate(AFTER)

    Engineer = after.get_model("growth", "Engineer")
    placed = {
        e.user.email: (e.level.track.key, e.level.key)
        for e in Engineer.objects.select_related("user", "level__track")
    }
    assert placed == {
        f"m{n}@example.com": (track, level)
        for n, (_, _, track, level) in enumerate(PEOPLE)
    }
    History = after.get_model("growth", "HistoricalEngineer")
    assert [(h.level.track.key, h.level.key) for h in History.objects.all()] == [
        ("engineering", "staff")
    ]
    Level = after.get_model("growth", "Level")
    assert list(
        Level.objects.filter(is_senior=True).values_list("track__key", "rank")
    ) == [(t, r) for t in ("engineering", "management") for r in (3, 4, 5)]
