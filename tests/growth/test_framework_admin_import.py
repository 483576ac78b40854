"""The framework's import page and export action in the admin."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from growth.framework.importer import framework_export
from growth.models import Competency, Expectation, PendingImport, Track
from tests import factories
from tests.growth.test_framework_import import imported, track_file

pytestmark = pytest.mark.django_db

URL = "admin:growth_track_import_framework"


def upload(client, *files):
    uploads = []
    for name, text in files:
        file = io.BytesIO(text.encode())
        file.name = name
        uploads.append(file)
    return client.post(reverse(URL), {"files": uploads})


def page(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_track_list_links_to_the_import_page(staff_client):
    response = staff_client.get(reverse("admin:growth_track_changelist"))

    assert reverse(URL) in response.content.decode()


def test_upload_previews_then_confirm_imports(staff_client):
    response = upload(staff_client, ("platform.md", track_file()))

    assert response.status_code == 200
    assert "Tracks: 1 to create, 0 to update, 0 unchanged." in page(response)
    assert "create expectation platform/level-2/skill-1" in page(response)
    assert not Track.objects.filter(key="platform").exists()
    pending = response.context["pending"]
    assert PendingImport.objects.filter(name=pending).exists()

    response = staff_client.post(reverse(URL), {"pending": pending}, follow=True)

    assert "Imported the framework. Tracks: 1 created, 0 updated" in page(response)
    assert Track.objects.get(key="platform").levels.count() == 3
    assert not PendingImport.objects.exists()
    history = Track.objects.get(key="platform").history.get()
    assert history.history_user == response.wsgi_request.user


def test_a_second_confirm_imports_nothing_more(staff_client):
    pending = upload(staff_client, ("platform.md", track_file())).context["pending"]
    staff_client.post(reverse(URL), {"pending": pending})
    rows = Track.history.count()

    response = staff_client.post(reverse(URL), {"pending": pending}, follow=True)

    assert "already confirmed or has expired" in page(response)
    assert Track.history.count() == rows


def test_errors_are_listed_with_their_lines_and_no_confirm_is_offered(staff_client):
    text = track_file().replace("      - level: 2\n", "      - level: 7\n", 1)

    response = upload(staff_client, ("platform.md", text))

    assert "platform.md line 14: level 7 is not one of the 3 levels" in page(response)
    assert "Confirm import" not in page(response)
    assert not PendingImport.objects.exists()


def test_a_file_that_is_not_markdown_is_refused_on_the_field(staff_client):
    response = upload(staff_client, ("people.csv", "a,b\n"))

    assert "people.csv is not a .md file." in page(response)
    assert 'aria-invalid="true"' in page(response)


def test_staff_without_permission_may_not_import(client, cast):
    clerk = factories.make_user("Clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(clerk)

    assert client.get(reverse(URL)).status_code == 403
    assert (
        reverse(URL)
        not in client.get(reverse("admin:growth_track_changelist")).content.decode()
    )


def test_an_import_does_only_what_its_staff_member_may_do_by_hand(client, cast):
    clerk = factories.make_user("Clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_track", "change_track"])
    )
    client.force_login(clerk)
    text = track_file()

    response = upload(client, ("platform.md", text))

    assert "your permissions do not let you add levels, add competency areas" in (
        page(response)
    )
    assert "Confirm import" not in page(response)
    assert not PendingImport.objects.exists()
    # Granted what it writes, the same clerk imports it.
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "add_level",
                "add_competencyarea",
                "add_competency",
                "add_expectation",
            ]
        )
    )
    pending = upload(client, ("platform.md", text)).context["pending"]
    # Retitling a competency needs its change permission, even at the confirm.
    admin = factories.make_user("Root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    retitled = text.replace("title: Skill 0", "title: Skill zero")
    pending_admin = upload(client, ("platform.md", retitled)).context["pending"]
    client.force_login(clerk)
    response = client.post(reverse(URL), {"pending": pending}, follow=True)
    assert "Imported the framework." in page(response)
    response = client.post(reverse(URL), {"pending": pending_admin})
    assert "do not let you change competencies" in page(response)
    assert Competency.objects.get(key="skill-0").name == "Skill 0"


def test_a_dropped_levels_expectations_need_their_delete_permission(client, cast):
    imported([("platform.md", track_file())])
    clerk = factories.make_user("Clerk", is_staff=True)
    every = [
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("track", "level", "competencyarea", "competency", "expectation")
    ]
    every.remove("delete_expectation")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=every))
    client.force_login(clerk)
    one_level = track_file(levels="levels: 1")
    for n in range(2):
        one_level = one_level.replace(
            f"      - level: 2\n        criteria: [Does skill {n} alone.]\n"
            "        examples: [One example, Another example]\n",
            "",
        )

    response = upload(client, ("platform.md", one_level))

    assert "delete expectation platform/level-2/skill-0" in page(response)
    assert "your permissions do not let you delete expectations" in page(response)
    assert "Confirm import" not in page(response)
    assert Expectation.objects.filter(level__key="level-2").count() == 2


def test_people_who_are_not_staff_are_sent_to_sign_in(client, cast):
    client.force_login(cast.alice.user)

    response = client.get(reverse(URL))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_export_action_downloads_one_track_as_markdown(staff_client):
    track = Track.objects.get(key="engineering")

    response = staff_client.post(
        reverse("admin:growth_track_changelist"),
        {"action": "export_framework", "_selected_action": [track.pk]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="engineering.md"'
    assert response.content.decode() == framework_export(track)


def test_export_action_zips_several_tracks(staff_client):
    tracks = list(Track.objects.filter(key__in=["engineering", "management"]))

    response = staff_client.post(
        reverse("admin:growth_track_changelist"),
        {"action": "export_framework", "_selected_action": [t.pk for t in tracks]},
    )

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["engineering.md", "management.md"]
    assert archive.read("management.md").decode() == framework_export(
        Track.objects.get(key="management")
    )
