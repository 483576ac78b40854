"""The shared cast and the rule for tests that need a real service.

The cast is one small organisation:

    skip  ── manages ──> mia ── manages ──> alice, bob
    cora  ── mentors ──> max ── mentors ──> alice     (so cora coaches max)
    olivia once mentored alice (ended)
    carol sits in another team, related to no one
    staff is an admin with no engineer profile
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import settings as hypothesis_settings

from growth.models import Competency, Level, ReminderRule
from tests import factories
from tests.reminders_support import seed_defaults

# In CI the property-based tests run a fixed set of examples, so a red build is
# reproducible; on a developer's machine they explore anew each run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REQUIRE_SERVICES = os.environ.get("CULTIVATE_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _service_missing(name: str) -> str | None:
    """Why the service ``name`` is missing, or None when it is there."""
    if name == "chromium":
        if os.access(CHROMIUM, os.X_OK):
            return None
        return f"needs Chromium at {CHROMIUM} (Debian's chromium package)"
    variable = {"postgres": "DATABASE_URL", "redis": "REDIS_URL"}[name]
    url = os.environ.get(variable, "")
    if url and (name != "postgres" or url.startswith("postgres")):
        return None
    return f"needs {name}: set {variable}"


def pytest_collection_modifyitems(config, items):
    """Skip service tests without their URL locally; fail them in CI."""
    for item in items:
        for marker in item.iter_markers("service"):
            reason = _service_missing(marker.args[0])
            if reason is None:
                continue
            if REQUIRE_SERVICES:
                item.user_properties.append(("missing_service", reason))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for name, value in item.user_properties:
        if name == "missing_service":
            pytest.fail(
                f"CULTIVATE_REQUIRE_SERVICES=1 but this test {value}", pytrace=False
            )


@dataclass
class Cast:
    platform: object
    data: object
    skip: object
    mia: object
    alice: object
    bob: object
    max: object
    cora: object
    olivia: object
    carol: object
    staff: object
    max_mentors_alice: object
    cora_coaches_max: object
    olivia_mentored_alice: object


@pytest.fixture
def cast(db) -> Cast:
    platform = factories.make_team("Platform")
    data = factories.make_team("Data")
    skip = factories.make_engineer("Skip Level", team=platform, level="principal")
    mia = factories.make_engineer("Mia Manager", team=platform, manager=skip)
    alice = factories.make_engineer("Alice Engineer", team=platform, manager=mia)
    bob = factories.make_engineer("Bob Peer", team=platform, manager=mia)
    max_ = factories.make_engineer("Max Mentor", team=data, manager=skip)
    cora = factories.make_engineer("Cora Coach", team=data, manager=skip)
    olivia = factories.make_engineer("Olivia Former", team=data, manager=skip)
    carol = factories.make_engineer("Carol Outsider", team=data)
    staff = factories.make_user("Sam Staff", is_staff=True, is_superuser=True)
    return Cast(
        platform=platform,
        data=data,
        skip=skip,
        mia=mia,
        alice=alice,
        bob=bob,
        max=max_,
        cora=cora,
        olivia=olivia,
        carol=carol,
        staff=staff,
        max_mentors_alice=factories.make_mentorship(max_, alice),
        cora_coaches_max=factories.make_mentorship(cora, max_),
        olivia_mentored_alice=factories.make_mentorship(
            olivia,
            alice,
            started_on=datetime.date(2025, 1, 1),
            ended_on=datetime.date(2025, 12, 31),
        ),
    )


@pytest.fixture
def staff_client(client, cast):
    """A client signed in as the cast's superuser, for the admin."""
    client.force_login(cast.staff)
    return client


@pytest.fixture(autouse=True)
def _seeded(request, django_db_setup, django_db_blocker):
    """Start every database test with the migrations' competencies and reminder
    rules: a transactional test's flush takes them from every later test in
    its process, whichever order the files run in."""
    uses_db = request.node.get_closest_marker("django_db") or (
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if uses_db:
        # A content type made inside a test that rolled back stays in the
        # cache with an id the database no longer has.
        ContentType.objects.clear_cache()
        with django_db_blocker.unblock():
            if not (
                Competency.objects.exists()
                and ReminderRule.objects.exists()
                and Level.objects.exists()
            ):
                seed_defaults()
    yield


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """The subprocesses some tests start (Celery workers, a second process)
    may still be closing their PostgreSQL sessions when the suite ends, and
    the test database cannot be dropped while they are: wait for them a
    little, then end what is left."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = (
        "FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
