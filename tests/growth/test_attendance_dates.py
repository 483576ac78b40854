"""Every attendance keeps its activity's date, whichever way it was written.

The dashboard reads an engineer's learning hours by the attendances' dates
alone: one written on another date would count in the wrong month, or not at all.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import connection
from django.db.models import F
from django.urls import reverse

from growth import demo
from growth.bench import seed as bench_seed
from growth.models import Attendance, LearningActivity, LearningKind
from growth.services.learning import learning_activity_create, learning_activity_update
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
NOW = datetime.datetime(2026, 6, 15, 9, 30, tzinfo=datetime.UTC)
MARCH = datetime.date(2026, 3, 2)
APRIL = datetime.date(2026, 4, 6)


def assert_every_attendance_on_its_activitys_date() -> None:
    assert Attendance.objects.exists(), "nothing was attended: the test tests nothing"
    assert not Attendance.objects.exclude(date=F("learningactivity__date")).exists()


def dates_of(activity) -> dict:
    return dict(activity.attendances.values_list("engineer_id", "date"))


# --- the services ----------------------------------------------------------------


def create(cast, attendees, **fields) -> LearningActivity:
    values = {
        "logged_by": cast.alice.user,
        "kind": LearningKind.COURSE,
        "title": "Distributed systems",
        "date": MARCH,
        "hours": Decimal("3"),
        "attendees": attendees,
        "now": NOW,
    }
    return learning_activity_create(**{**values, **fields})


def test_it_dates_the_attendances_of_a_new_activity(cast):
    course = create(cast, [cast.alice, cast.bob])

    assert dates_of(course) == {cast.alice.pk: MARCH, cast.bob.pk: MARCH}
    assert_every_attendance_on_its_activitys_date()


def test_a_new_date_moves_who_stays_and_dates_who_joins(cast):
    course = create(cast, [cast.alice, cast.bob])

    learning_activity_update(
        activity=course,
        kind=course.kind,
        title=course.title,
        date=APRIL,
        hours=course.hours,
        attendees=[cast.alice, cast.carol],
    )

    assert dates_of(course) == {cast.alice.pk: APRIL, cast.carol.pk: APRIL}
    assert_every_attendance_on_its_activitys_date()


def test_an_update_leaves_other_activities_attendances_alone(cast):
    course = create(cast, [cast.alice])
    other = create(cast, [cast.alice], title="Another course")

    learning_activity_update(
        activity=course,
        kind=course.kind,
        title=course.title,
        date=APRIL,
        hours=course.hours,
        attendees=[cast.alice],
    )

    assert dates_of(other) == {cast.alice.pk: MARCH}
    assert_every_attendance_on_its_activitys_date()


def test_the_tests_own_factory_dates_them_too(cast):
    factories.make_learning(cast.alice.user, attendees=[cast.alice], date=APRIL)

    assert_every_attendance_on_its_activitys_date()


# --- the admin -------------------------------------------------------------------


def admin_url(action: str, *args) -> str:
    return reverse(f"admin:growth_learningactivity_{action}", args=args)


def admin_form(cast, **changes) -> dict:
    data = {
        "kind": LearningKind.COURSE,
        "title": "Kubernetes in depth",
        "description": "",
        "date": MARCH.isoformat(),
        "hours": "4",
        "led_by": "",
        "attendees": [cast.alice.pk, cast.bob.pk],
        "goal": "",
        "logged_by": cast.alice.user.pk,
    }
    return {**data, **changes}


def test_the_admin_still_picks_attendees_by_autocomplete(staff_client, cast):
    response = staff_client.get(admin_url("add"))

    widget = response.context["adminform"].form.fields["attendees"].widget
    assert isinstance(widget.widget, AutocompleteSelectMultiple)  # in its wrapper
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "growth",
            "model_name": "learningactivity",
            "field_name": "attendees",
            "term": "ali",
        },
    )
    assert found.json()["results"] == [
        {"id": str(cast.alice.pk), "text": "Alice Engineer"}
    ]


def test_an_activity_added_in_the_admin_dates_its_attendances(staff_client, cast):
    response = staff_client.post(admin_url("add"), admin_form(cast))

    assert response.status_code == 302
    course = LearningActivity.objects.get(title="Kubernetes in depth")
    assert dates_of(course) == {cast.alice.pk: MARCH, cast.bob.pk: MARCH}
    assert_every_attendance_on_its_activitys_date()


def test_a_date_changed_in_the_admin_moves_the_attendances(staff_client, cast):
    course = factories.make_learning(
        cast.alice.user, attendees=[cast.alice, cast.bob], date=MARCH
    )

    response = staff_client.post(
        admin_url("change", course.pk), admin_form(cast, date=APRIL.isoformat())
    )

    assert response.status_code == 302
    assert dates_of(course) == {cast.alice.pk: APRIL, cast.bob.pk: APRIL}
    assert_every_attendance_on_its_activitys_date()


def test_attendees_changed_in_the_admin_are_dated(staff_client, cast):
    course = factories.make_learning(
        cast.alice.user, attendees=[cast.alice, cast.bob], date=MARCH
    )

    response = staff_client.post(
        admin_url("change", course.pk),
        admin_form(cast, attendees=[cast.bob.pk, cast.carol.pk]),
    )

    assert response.status_code == 302
    assert dates_of(course) == {cast.bob.pk: MARCH, cast.carol.pk: MARCH}
    assert_every_attendance_on_its_activitys_date()


# --- the seeds -------------------------------------------------------------------


def test_the_demo_dates_its_attendances():
    demo.demo_seed(now=NOW, password="x", seed=7)

    assert Attendance.objects.count() > 100
    assert_every_attendance_on_its_activitys_date()


def test_the_bench_dates_its_attendances():
    # seed() itself ends with a VACUUM on PostgreSQL, which no test's
    # transaction allows: build only the people and their learning.
    organisation = bench_seed._Organisation(
        sizes=bench_seed.Sizes.at(0.001), now=NOW, seed=1
    )
    organisation.people()
    organisation.learning()

    assert Attendance.objects.count() >= 40
    assert_every_attendance_on_its_activitys_date()


# --- the migration ---------------------------------------------------------------

# Run in a process of its own, on a new database: a migration cannot run inside
# the test's transaction.
MIGRATE = """
import datetime, json
import django

django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("growth", "0009_attendance_engineer_index")]
AFTER = [("growth", "0010_attendance_date")]
TABLE = "growth_learningactivity_attendees"


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def indexes():
    with connection.cursor() as cursor:
        return sorted(connection.introspection.get_constraints(cursor, TABLE))


apps = migrate(BEFORE)
User = apps.get_model("accounts", "User")
Team = apps.get_model("accounts", "Team")
Engineer = apps.get_model("growth", "Engineer")
LearningActivity = apps.get_model("growth", "LearningActivity")
team = Team.objects.create(name="Platform")
people = [
    Engineer.objects.create(
        user=User.objects.create(email=f"{name}@example.com", display_name=name),
        team=team,
    )
    for name in ("alice", "bob")
]
for day, attendees in [(1, people), (2, people[:1]), (3, [])]:
    activity = LearningActivity.objects.create(
        kind="course", title="Course", hours=1, date=datetime.date(2026, 3, day)
    )
    activity.attendees.set(attendees)

apps = migrate(AFTER)
Attendance = apps.get_model("growth", "Attendance")
after = sorted(
    [str(a.learningactivity.date), str(a.date)]
    for a in Attendance.objects.select_related("learningactivity")
)
indexes_after = indexes()
migrate(BEFORE)
print(json.dumps({"after": after, "indexes": [indexes_after, indexes()]}))
"""


def migrate_in_a_new_process(database_url: str, tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "growth.settings",
        "DATABASE_URL": database_url,
        "CULTIVATE_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout.splitlines()[-1])


def assert_migrated_and_back(result: dict) -> None:
    march_1, march_2 = "2026-03-01", "2026-03-02"
    assert result["after"] == [
        [march_1, march_1],
        [march_1, march_1],
        [march_2, march_2],
    ]
    after, before = result["indexes"]
    assert "attendance_engineer_date" in after
    assert "growth_attendance_engineer_activity" not in after
    assert "growth_attendance_engineer_activity" in before
    assert "attendance_engineer_date" not in before


def test_the_migration_copies_each_activitys_date_and_goes_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    assert_migrated_and_back(migrate_in_a_new_process(url, tmp_path))


@pytest.mark.service("postgres")
def test_the_migration_does_the_same_on_postgresql(tmp_path):
    assert connection.vendor == "postgresql", "DATABASE_URL must be PostgreSQL"
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migrate_{uuid.uuid4().hex[:8]}"
    user, password = settings["USER"] or "postgres", settings["PASSWORD"] or ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    server = {"host": host, "port": port, "user": user, "password": password or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        login = f"{user}:{password}" if password else user
        url = f"postgres://{login}@{host}:{port}/{name}"
        assert_migrated_and_back(migrate_in_a_new_process(url, tmp_path))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
