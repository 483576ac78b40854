"""A database of the benchmark's own, swapped in for ``default`` while it runs.

The user's connection is set aside, not closed, and put back afterwards, so the
benchmark can run inside a test that holds the test database in a transaction.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

DEFAULT = "default"


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict
    label: str  # a file path or a database name, for the report
    url: str  # as DATABASE_URL, for a server of its own (the HTTP run)

    @property
    def name(self) -> str:
        return self.settings["NAME"]


def scale_tag(scale: float) -> str:
    return "x" + f"{scale:g}".replace(".", "_").replace("-", "m")


def bench_database(*, vendor: str, scale: float, directory: Path) -> BenchDatabase:
    """Where the run at ``scale`` keeps its data: never the configured database."""
    user_settings = settings.DATABASES[DEFAULT]
    if vendor == "sqlite":
        path = directory.absolute() / f"bench-{scale_tag(scale)}.sqlite3"
        url = f"sqlite:///{path}"
        parsed = dj_database_url.parse(url, conn_max_age=0)
        # The same options the embedded installation runs with (growth/settings.py).
        parsed["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        label = str(path)
    elif vendor == "postgresql":
        url = settings.DATABASE_URL or "postgres://postgres@127.0.0.1:5432/cultivate"
        parsed = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if "postgresql" not in parsed["ENGINE"]:
            raise ValueError("--database postgres needs a postgres:// DATABASE_URL")
        base = parsed["NAME"]
        base = base if base.endswith("_bench") else f"{base}_bench"
        parsed["NAME"] = f"{base}_{scale_tag(scale)}"
        url = urlsplit(url)._replace(path=f"/{parsed['NAME']}").geturl()
        label = parsed["NAME"]
    else:
        raise ValueError(f"Unknown database {vendor!r}: use sqlite or postgres.")
    if (
        parsed["NAME"] == user_settings.get("NAME")
        and parsed.get("HOST", "") == user_settings.get("HOST", "")
    ) or parsed["NAME"] == user_settings.get("TEST", {}).get("NAME"):
        raise ValueError("The bench database must not be the configured one.")
    return BenchDatabase(vendor=vendor, settings=parsed, label=label, url=url)


def _wrapper(db: BenchDatabase):
    configured = connections.configure_settings({DEFAULT: dict(db.settings)})
    backend = load_backend(configured[DEFAULT]["ENGINE"])
    return backend.DatabaseWrapper(configured[DEFAULT], DEFAULT)


def exists(db: BenchDatabase) -> bool:
    if db.vendor == "sqlite":
        return Path(db.name).exists()
    with _wrapper(db)._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name])
        return cursor.fetchone() is not None


def drop(db: BenchDatabase) -> None:
    if db.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(db.name + suffix).unlink(missing_ok=True)
        return
    with _wrapper(db)._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


def create(db: BenchDatabase) -> None:
    drop(db)
    if db.vendor == "sqlite":
        Path(db.name).parent.mkdir(parents=True, exist_ok=True)
        return
    with _wrapper(db)._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{db.name}"')


@contextlib.contextmanager
def using(db: BenchDatabase):
    """Make ``db`` the default database meanwhile; put the user's back after."""
    saved_connection = connections[DEFAULT]
    saved_settings = connections.settings[DEFAULT]
    bench = _wrapper(db)
    connections.settings[DEFAULT] = bench.settings_dict
    connections[DEFAULT] = bench
    # Content type ids are cached per alias, and differ between the databases.
    ContentType.objects.clear_cache()
    try:
        yield bench
    finally:
        bench.close()
        connections[DEFAULT] = saved_connection
        connections.settings[DEFAULT] = saved_settings
        ContentType.objects.clear_cache()


def migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False)
