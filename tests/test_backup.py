"""Backups: what the README's commands dump, restored into an empty database,
gives back the same rows.

``dumpdata``/``loaddata`` (the SQLite way, and portable) is run as the README
says, in a separate process against a new SQLite file; ``pg_dump``/``pg_restore``
against a new PostgreSQL database, compared table by table.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from growth.history import record_change
from growth.models import Notification, Visibility
from tests import factories
from tests.walker import build_world

ROOT = Path(__file__).resolve().parent.parent

# The README's "Backups" commands, as arguments.
DUMP = [
    "dumpdata",
    "--all",
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=accounts.session",
]


def populate(cast) -> None:
    """The walker's world about alice, plus history, a deleted note and an
    erased author: every kind of row a backup must carry."""
    world = build_world(cast)
    note = world.note_shared
    note.suggestion = "An edit the history keeps"
    record_change(note, by=cast.mia.user, when=timezone.now())
    factories.make_note(
        cast.max.user,
        cast.alice,
        visibility=Visibility.MANAGER,
        deleted_at=timezone.now(),
    )
    factories.make_note(None, cast.bob, situation="by someone who left")
    Notification.objects.create(
        recipient=cast.bob.user, kind="feedback_received", message="Ünïcode ✓ 🌱 עברית"
    )


# A dump keeps times to the millisecond. A time whose microseconds are under
# 1,000 is dumped as "…:35.000Z", restored as exactly :35, and dumped again as
# "…:35Z": the same moment, written two ways.
WHOLE_SECOND = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)$")


def _same_moment(value):
    if isinstance(value, str):
        return WHOLE_SECOND.sub(r"\1\2", value)
    return value


def _records(path: Path) -> list[dict]:
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        record["fields"] = {k: _same_moment(v) for k, v in record["fields"].items()}
    return sorted(records, key=lambda r: (r["model"], json.dumps(r.get("pk"))))


def _manage(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.django_db
def test_dumpdata_restored_into_an_empty_database_gives_the_same_rows(cast, tmp_path):
    populate(cast)
    backup = tmp_path / "backup.json"
    call_command(*DUMP, output=str(backup), verbosity=0)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "growth.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "CULTIVATE_VAR_DIR": str(tmp_path / "var"),
    }
    _manage("migrate", "--noinput", "-v0", env=env)
    _manage("flush", "--noinput", "-v0", env=env)  # the rows migrations seed
    _manage("loaddata", str(backup), "-v0", env=env)
    restored = tmp_path / "restored.json"
    _manage(*DUMP, f"--output={restored}", env=env)

    original = _records(backup)
    models = {r["model"] for r in original}
    assert {
        "growth.feedbacknote",
        "growth.historicalfeedbacknote",
        "growth.goal",
        "growth.mentorship",
        "accounts.user",
    } <= models
    assert any(
        r["model"] == "growth.feedbacknote" and r["fields"]["deleted_at"]
        for r in original
    )
    assert _records(restored) == original


# --- PostgreSQL: pg_dump and pg_restore -------------------------------------------


def _conninfo(name: str) -> dict:
    settings = connection.settings_dict
    return {
        "dbname": name,
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
    }


def _libpq_env() -> dict:
    info = _conninfo("postgres")
    env = {
        **os.environ,
        "PGHOST": str(info["host"]),
        "PGPORT": str(info["port"]),
        "PGUSER": info["user"],
    }
    if info["password"]:
        env["PGPASSWORD"] = info["password"]
    return env


def _table_digests(name: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows, in order."""
    with psycopg.connect(**_conninfo(name), autocommit=True) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "ORDER BY tablename"
            )
        ]
        digests = {}
        for table in tables:
            count, digest = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                f"ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            digests[table] = (count, digest)
        return digests


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_restored_into_an_empty_database_gives_the_same_rows(cast, tmp_path):
    assert connection.vendor == "postgresql", "DATABASE_URL must be PostgreSQL"
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} is needed (Debian's postgresql-client)"
    populate(cast)
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    backup = tmp_path / "cultivate.dump"
    env = _libpq_env()

    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={backup}", source],
        env=env,
        check=True,
        timeout=120,
    )
    subprocess.run(["createdb", target], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={target}",
                str(backup),
            ],
            env=env,
            check=True,
            timeout=120,
        )
        original, restored = _table_digests(source), _table_digests(target)
        assert original["growth_feedbacknote"][0] >= 6
        assert original["growth_historicalfeedbacknote"][0] >= 6
        assert restored == original
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, timeout=60)
