"""The people import and export: the service, the command and the admin."""

from __future__ import annotations

import datetime
import io

import pytest
import tablib
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Invitation, Team, User
from growth.models import Engineer, Level, Mentorship, PendingImport
from growth.services.people_import import (
    COLUMNS,
    people_export,
    people_file_read,
    people_import,
)
from tests import factories
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db


def people_rows(count: int, *, prefix: str = "p") -> list[list[str]]:
    """``count`` people, each row before its manager's: person i reports to
    a person further down, the last one to nobody."""
    rows = []
    for i in range(count):
        manager = i + 1 + (count - 1 - i) // 2
        rows.append(
            [
                f"{prefix}{i:03}@example.com",
                f"Imported {prefix.upper()} {i:03}",
                f"Team {i % 10}" if prefix == "p" else f"Team {prefix}{i % 10}",
                f"{prefix}{manager:03}@example.com" if manager < count else "",
                "engineering" if i < count - 20 else "Management",
                ["junior", "MID", "senior", "staff", "PRINCIPAL"][i % 5]
                if i < count - 20
                else ["Team lead", "DIRECTOR", "vp"][i % 3],
                "Engineer",
                "2024-02-01",
                "Europe/Paris",
                "yes",
                f"{prefix}{count - 1:03}@example.com" if i % 50 == 0 else "",
            ]
        )
    return rows


def dataset(rows, headers=COLUMNS) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=list(headers))


def imported(rows, *, by=None, dry_run=False):
    return people_import(dataset=dataset(rows), by=by, dry_run=dry_run)


def csv_file(tmp_path, rows, headers=COLUMNS):
    path = tmp_path / "people.csv"
    path.write_text(dataset(rows, headers).export("csv"), encoding="utf-8")
    return path


# --- the service ---------------------------------------------------------------


def test_it_creates_500_people_with_managers_listed_after_their_reports(db):
    plan = imported(people_rows(500))

    assert not plan.has_errors
    assert plan.totals == {"new": 500, "update": 0, "unchanged": 0, "refused": 0}
    assert Engineer.objects.count() == 500
    first = Engineer.objects.select_related("manager__user").get(
        user__email="p000@example.com"
    )
    assert first.manager.user.email == "p250@example.com"
    assert Engineer.objects.filter(manager__isnull=True).count() == 1
    assert len(plan.created_users) == 500
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_it_changes_nothing_when_the_same_file_is_imported_again(db):
    rows = people_rows(500)
    imported(rows)
    versions = Engineer.history.count()
    updated = dict(Engineer.objects.values_list("pk", "updated_at"))

    plan = imported(rows)

    assert plan.totals == {"new": 0, "update": 0, "unchanged": 500, "refused": 0}
    assert Engineer.history.count() == versions
    assert dict(Engineer.objects.values_list("pk", "updated_at")) == updated
    assert plan.created_users == []


def test_a_file_with_3_bad_rows_writes_nothing_and_names_each_column(db):
    rows = people_rows(500)
    rows[6][8] = "Mars/Olympus"
    rows[100][5] = "wizard"
    rows[400][3] = "nobody@example.com"

    plan = imported(rows)

    assert plan.totals["refused"] == 3
    assert plan.error_lines() == [
        "row 8, time_zone: Mars/Olympus is not a known time zone; use a name "
        "like Europe/Paris.",
        "row 102, level: 'wizard' is not a level; use one of junior, mid, senior, "
        "staff, principal.",
        "row 402, manager_email: No person has the email nobody@example.com, in "
        "this file or here.",
    ]
    assert not Engineer.objects.exists()
    assert not User.objects.exists()
    assert not Team.objects.exists()


def test_a_reporting_loop_is_refused_on_each_row_in_it(db):
    rows = people_rows(4)
    rows[0][3] = "p001@example.com"
    rows[1][3] = "p002@example.com"
    rows[2][3] = "p000@example.com"  # p0 → p1 → p2 → p0; p3 stands apart

    plan = imported(rows)

    refused = [row for row in plan.rows if row.refused]
    assert [row.number for row in refused] == [2, 3, 4]
    assert refused[0].errors["manager_email"] == [
        "This makes a reporting loop: p000@example.com → p001@example.com → "
        "p002@example.com → p000@example.com."
    ]


def test_a_loop_through_someone_already_here_is_refused(cast):
    rows = [
        ["skip.level@example.com", "Skip Level", "Platform", "alice@example.com"],
    ]
    User.objects.filter(pk=cast.skip.user.pk).update(email="skip.level@example.com")
    User.objects.filter(pk=cast.alice.user.pk).update(email="alice@example.com")

    plan = people_import(dataset=dataset(rows, COLUMNS[:4]), by=None, dry_run=False)

    assert "reporting loop" in plan.rows[0].errors["manager_email"][0]


def test_a_manager_already_here_is_found(cast):
    rows = [["new@example.com", "New Person", "Platform", cast.mia.user.email]]

    plan = people_import(dataset=dataset(rows, COLUMNS[:4]), by=None, dry_run=False)

    assert plan.totals["new"] == 1
    assert Engineer.objects.get(user__email="new@example.com").manager == cast.mia


def test_a_duplicate_email_is_refused_on_its_second_row(db):
    rows = people_rows(3)
    rows[1][0] = "P000@example.com"

    plan = imported(rows)

    assert plan.rows[1].error_lines() == [
        "row 3, email: p000@example.com is also on row 2."
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("time_zone", "Europe/Atlantis", "not a known time zone"),
        ("level", "grandmaster", "is not a level"),
        ("track", "astronaut", "is not a track"),
        ("start_date", "03/02/2024", "write it as YYYY-MM-DD"),
        ("active", "maybe", "neither yes nor no"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_a_bad_value_is_refused_naming_its_column(db, column, value, message):
    rows = people_rows(2)
    rows[0][COLUMNS.index(column)] = value

    plan = imported(rows)

    assert message in plan.rows[0].errors[column][0]
    assert not Engineer.objects.exists()


def test_track_and_level_take_the_key_or_the_name_in_any_case(db):
    rows = people_rows(3)
    rows[0][4], rows[0][5] = "ENGINEERING", "senior engineer"
    rows[1][4], rows[1][5] = "management", "Director"
    rows[2][4], rows[2][5] = "", "Staff Engineer"  # on one track only

    imported(rows)

    assert set(
        Engineer.objects.values_list("user__email", "level__track__key", "level__key")
    ) == {
        ("p000@example.com", "engineering", "senior"),
        ("p001@example.com", "management", "director"),
        ("p002@example.com", "engineering", "staff"),
    }


def test_a_level_on_two_tracks_needs_its_track_and_a_track_its_level(db):
    Level.objects.filter(key="team-lead").update(name="Senior engineer")
    rows = people_rows(2)
    rows[0][4], rows[0][5] = "", "Senior engineer"
    rows[1][4], rows[1][5] = "management", ""

    plan = imported(rows)

    assert plan.error_lines() == [
        "row 2, track: 'Senior engineer' is a level of several tracks; name the track.",
        "row 3, level: Name their level on the track as well.",
    ]


def test_missing_teams_are_created_by_name_and_existing_ones_found(db):
    factories.make_team("Team 0")
    rows = people_rows(3)
    rows[1][2] = "team 0"  # the same team, told apart from nothing but case

    plan = imported(rows, dry_run=True)
    assert plan.teams_to_create == ["Team 2"]
    assert Team.objects.count() == 1

    imported(rows)
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Team 0", "Team 2"]


def test_a_dry_run_writes_nothing(db):
    plan = imported(people_rows(5), dry_run=True)

    assert plan.totals["new"] == 5
    assert not User.objects.exists()


def test_a_changed_manager_is_a_new_version_in_the_history(cast):
    rows = [[cast.alice.user.email, "", "", cast.skip.user.email]]
    before = cast.alice.history.count()

    plan = people_import(
        dataset=dataset(rows, COLUMNS[:4]), by=cast.staff, dry_run=False
    )

    assert plan.rows[0].changes == ["manager_email"]
    versions = cast.alice.history.order_by("-history_date", "-history_id")
    assert versions.count() == before + 1
    latest = versions.first()
    assert latest.manager_id == cast.skip.pk
    assert latest.history_user == cast.staff
    assert latest.history_type == "~"


def test_a_name_another_person_has_is_refused(cast):
    rows = [["new@example.com", "Alice Engineer", "Platform"]]

    plan = people_import(dataset=dataset(rows, COLUMNS[:3]), by=None, dry_run=True)

    assert "already the name of someone else" in plan.rows[0].errors["name"][0]


def test_a_person_marked_inactive_leaves_with_their_account(cast):
    rows = [[cast.bob.user.email, "", "Platform", "no"]]

    people_import(
        dataset=dataset(rows, ["email", "name", "team", "active"]),
        by=None,
        dry_run=False,
    )

    cast.bob.refresh_from_db()
    cast.bob.user.refresh_from_db()
    assert not cast.bob.is_active
    assert not cast.bob.user.is_active


def test_a_mentor_email_starts_a_mentorship_once(db):
    rows = people_rows(60)
    imported(rows)
    mentee = Engineer.objects.get(user__email="p050@example.com")
    assert Mentorship.objects.active().get(mentee=mentee).mentor.user.email == (
        "p059@example.com"
    )

    imported(rows)
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


def test_a_file_without_the_required_columns_is_refused(db):
    plan = people_import(
        dataset=dataset([["a@example.com"]], ["mail"]), by=None, dry_run=False
    )

    assert plan.has_errors
    assert "The file has no column email, name, team" in plan.error_lines()[0]


def test_an_xlsx_file_imports_as_the_csv_does(db):
    rows = people_rows(20)
    xlsx = dataset(rows).export("xlsx")

    plan = people_import(
        dataset=people_file_read(xlsx, file_format="xlsx"), by=None, dry_run=False
    )

    assert plan.totals["new"] == 20
    assert Engineer.objects.get(user__email="p003@example.com").start_date == (
        datetime.date(2024, 2, 1)
    )


def test_the_export_imports_back_unchanged(cast):
    factories.make_mentorship(cast.cora, cast.alice)
    Engineer.objects.filter(pk=cast.bob.pk).update(title="Site reliability")
    exported = people_export()
    assert exported.headers == list(COLUMNS)
    assert len(exported) == Engineer.objects.count()

    for file_format in ("csv", "xlsx"):
        data = exported.export(file_format)
        if isinstance(data, str):
            data = data.encode()
        plan = people_import(
            dataset=people_file_read(data, file_format=file_format),
            by=None,
            dry_run=False,
        )
        assert not plan.has_errors, plan.error_lines()
        assert plan.totals["unchanged"] == Engineer.objects.count()
        assert people_export().dict == exported.dict


def test_an_import_costs_the_same_queries_for_10_or_40_people(db):
    def cost(rows):
        with CaptureQueriesContext(connection) as queries:
            imported(rows)
        return len(queries)

    few = cost(people_rows(10, prefix="a"))
    many = cost(people_rows(40, prefix="b"))
    assert many == few
    # And again, unchanged.
    assert cost(people_rows(10, prefix="a")) == cost(people_rows(40, prefix="b"))


# --- the command -------------------------------------------------------------------


def test_the_command_prints_its_counts(db, tmp_path):
    path = csv_file(tmp_path, people_rows(12))
    out = io.StringIO()

    call_command("import_people", str(path), stdout=out)

    assert out.getvalue().splitlines()[0] == "12 created, 0 updated, 0 unchanged."
    assert Engineer.objects.count() == 12


def test_the_people_it_creates_are_invited_once(
    db, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    path = csv_file(tmp_path, people_rows(12))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", str(path), stdout=io.StringIO())
    invited = {message.to[0] for message in mailoutbox}
    assert invited == set(Engineer.objects.values_list("user__email", flat=True))
    assert len(mailoutbox) == 12

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", str(path), stdout=io.StringIO())
    assert len(mailoutbox) == 12


def test_the_command_on_a_dry_run_writes_nothing(db, tmp_path):
    path = csv_file(tmp_path, people_rows(12))
    out = io.StringIO()

    call_command("import_people", str(path), "--dry-run", stdout=out)

    assert "12 created" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert not Engineer.objects.exists()
    assert not Invitation.objects.exists()


def test_the_command_prints_each_refused_row_and_fails(db, tmp_path):
    rows = people_rows(500)
    rows[5][0] = rows[4][0]
    rows[20][7] = "yesterday"
    rows[300][4] = "wizard"
    path = csv_file(tmp_path, rows)
    err = io.StringIO()

    with pytest.raises(CommandError, match="3 error"):
        call_command("import_people", str(path), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0] == "row 7, email: p004@example.com is also on row 6."
    assert lines[1].startswith("row 22, start_date: ")
    assert lines[2].startswith("row 302, track: ")
    assert not Engineer.objects.exists()


def test_the_command_reads_xlsx(db, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(dataset(people_rows(5)).export("xlsx"))

    call_command("import_people", str(path), stdout=io.StringIO())

    assert Engineer.objects.count() == 5


def test_the_sample_file_imports(db):
    call_command("import_people", "static/samples/people.csv", stdout=io.StringIO())

    assert Engineer.objects.count() == 4


# --- the admin ---------------------------------------------------------------------


def upload(client, rows, headers=COLUMNS):
    content = dataset(rows, headers).export("csv").encode()
    file = io.BytesIO(content)
    file.name = "people.csv"
    return client.post(
        reverse("admin:growth_engineer_import"),
        {"import_file": file, "format": "0", "resource": "0"},
    )


def test_the_admin_previews_then_imports_on_confirmation(staff_client):
    response = upload(staff_client, people_rows(30))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "30 to create, 0 to update, 0 unchanged, 0 refused." in page
    assert "Teams to create: Team 0" in page
    assert not User.objects.filter(email="p000@example.com").exists()
    confirm = response.context["confirm_form"].initial
    assert PendingImport.objects.filter(name=confirm["import_file_name"]).exists()

    response = staff_client.post(
        reverse("admin:growth_engineer_process_import"), confirm, follow=True
    )

    assert "Imported: 30 created, 0 updated, 0 unchanged." in (
        " ".join(response.content.decode().split())
    )
    assert Engineer.objects.filter(user__email__startswith="p0").count() == 30
    assert not PendingImport.objects.exists()


def test_the_admin_shows_each_refused_row_and_offers_no_confirmation(staff_client):
    rows = people_rows(10)
    rows[3][5] = "wizard"

    response = upload(staff_client, rows)

    page = " ".join(response.content.decode().split())
    assert "row 5, level: &#x27;wizard&#x27; is not a level" in page
    assert "Nothing will be imported" in page
    assert "confirm_form" not in response.context or not response.context.get(
        "confirm_form"
    )


def test_the_import_page_costs_the_same_however_many_people(staff_client, cast):
    url = reverse("admin:growth_engineer_import")
    fresh_queries(staff_client, url)
    few = fresh_queries(staff_client, url)
    imported(people_rows(30))
    assert fresh_queries(staff_client, url) == few


def test_the_import_page_links_the_sample_file(staff_client):
    page = staff_client.get(reverse("admin:growth_engineer_import")).content.decode()

    assert "/static/samples/people.csv" in page


def test_the_people_list_links_import_and_export(staff_client):
    page = staff_client.get(
        reverse("admin:growth_engineer_changelist")
    ).content.decode()

    assert reverse("admin:growth_engineer_import") in page
    assert reverse("admin:growth_engineer_export") in page


def test_the_admin_export_gives_the_import_columns(staff_client, cast):
    response = staff_client.post(
        reverse("admin:growth_engineer_export"), {"format": "0", "resource": "0"}
    )

    assert response.status_code == 200
    header = response.content.decode().splitlines()[0]
    assert header.lstrip("\ufeff") == ",".join(COLUMNS)


def test_staff_without_the_add_permission_cannot_import(client, cast):
    viewer = factories.make_user("Vera Viewer", is_staff=True)
    client.force_login(viewer)

    response = client.get(reverse("admin:growth_engineer_import"))

    assert response.status_code == 403
