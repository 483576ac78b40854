"""The new data of 1:1s in people's exports and in erasure: talking points,
action items' owners and due dates, and the author's private notes, which no
export of anyone else's carries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from growth.models import ActionItem, AgendaItem, CheckIn, CheckInKind
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "Zelda Quillfeather"
EMAIL = "zelda.quillfeather@example.com"


def point(engineer, by, text, *, mentorship=None, **fields):
    return AgendaItem.objects.create(
        engineer=engineer,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        added_by=by,
        text=text,
        **fields,
    )


@pytest.fixture
def one_on_ones(cast):
    alice, mia = cast.alice, cast.mia
    check_in = factories.make_check_in(
        mia.user, alice, notes="SHARED-NOTES", private_notes="MIA-PRIVATE"
    )
    ActionItem.objects.create(
        check_in=check_in,
        description="ALICE-ITEM",
        owner=alice.user,
        due_on="2026-12-01",
    )
    point(alice, alice.user, "ALICE-POINT")
    point(alice, mia.user, "MIA-POINT", discussed_in=check_in)
    point(cast.bob, mia.user, "BOB-POINT")
    return check_in


def export(client, user, fmt="json"):
    client.force_login(user)
    response = client.get(reverse("my-export", args=[fmt]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_engineers_export_has_her_check_ins_points_and_items(
    client, cast, one_on_ones
):
    data = json.loads(export(client, cast.alice.user))

    (check_in,) = data["check_ins"]
    assert check_in["notes"] == "SHARED-NOTES"
    assert "private_notes" not in check_in
    (item,) = check_in["action_items"]
    assert (item["owner"], item["due_on"]) == ("Alice Engineer", "2026-12-01")
    points = {p["text"]: p for p in data["talking_points"]}
    assert set(points) == {"ALICE-POINT", "MIA-POINT"}
    assert points["MIA-POINT"]["discussed_in_check_in_id"] == one_on_ones.pk
    assert points["MIA-POINT"]["added_by"] == "Mia Manager"


def test_no_export_but_the_authors_carries_her_private_notes(client, cast, one_on_ones):
    assert "MIA-PRIVATE" not in export(client, cast.alice.user)
    assert "MIA-PRIVATE" not in export(client, cast.alice.user, "csv")

    data = json.loads(export(client, cast.mia.user))
    (held,) = [c for c in data["check_ins"] if c["id"] == one_on_ones.pk]
    assert held["private_notes"] == "MIA-PRIVATE"
    # The points she put on her reports' agendas are hers to take too.
    assert {p["text"] for p in data["talking_points"]} == {"MIA-POINT", "BOB-POINT"}


def test_the_csv_has_a_record_per_talking_point(client, cast, one_on_ones):
    rows = list(csv.DictReader(io.StringIO(export(client, cast.alice.user, "csv"))))

    points = [row["text"] for row in rows if row["record_type"] == "talking_point"]
    assert sorted(points) == ["ALICE-POINT", "MIA-POINT"]
    items = [row for row in rows if row["record_type"] == "action_item"]
    assert [row["owner"] for row in items] == ["Alice Engineer"]


# --- staff: subject access and erasure ---------------------------------------------


@pytest.fixture
def zelda(cast):
    """Zelda reports to mia, mentors alice, manages rory, and has left."""
    zelda = factories.make_engineer(
        NAME, team=cast.platform, manager=cast.mia, email=EMAIL
    )
    rory = factories.make_engineer("Rory Report", team=cast.platform, manager=zelda)
    mentorship = factories.make_mentorship(zelda, cast.alice)
    about_her = factories.make_check_in(
        cast.mia.user, zelda, private_notes="MIA-ON-ZELDA"
    )
    held = factories.make_check_in(zelda.user, rory, private_notes="ZELDA-ON-RORY")
    mentoring = factories.make_check_in(
        zelda.user, cast.alice, mentorship=mentorship, notes="KEPT"
    )
    ActionItem.objects.create(check_in=held, description="RORY-TODO", owner=zelda.user)
    ActionItem.objects.create(check_in=mentoring, description="hers", owner=zelda.user)
    point(zelda, zelda.user, "ABOUT-HER-POINT")
    point(rory, zelda.user, "FOR-RORY-POINT")
    point(cast.alice, zelda.user, "FOR-ALICE-POINT", mentorship=mentorship)
    zelda.is_active = False
    zelda.save(update_fields=["is_active"])
    return {"zelda": zelda, "rory": rory, "about her": about_her, "held": held}


def test_the_subject_access_export_has_every_private_note_and_point(
    client, cast, zelda
):
    client.force_login(cast.staff)
    url = reverse("admin:growth_engineer_subject_access", args=[zelda["zelda"].pk])

    data = json.loads(client.get(url).content)

    private = {c["private_notes"] for c in data["check_ins"]}
    assert {"MIA-ON-ZELDA", "ZELDA-ON-RORY"} <= private
    assert {p["text"] for p in data["talking_points"]} == {
        "ABOUT-HER-POINT",
        "FOR-RORY-POINT",
        "FOR-ALICE-POINT",
    }


def erase(client, cast, zelda):
    client.force_login(cast.staff)
    url = reverse("admin:growth_engineer_erase", args=[zelda.pk])
    response = client.post(url, {"confirm": EMAIL})
    assert response.status_code == 302


def test_erasure_takes_what_is_about_her_and_unsigns_what_she_wrote(
    client, cast, zelda
):
    erase(client, cast, zelda["zelda"])

    assert not AgendaItem.objects.filter(text="ABOUT-HER-POINT").exists()
    for text in ("FOR-RORY-POINT", "FOR-ALICE-POINT"):
        assert AgendaItem.objects.get(text=text).added_by is None
    held = CheckIn.objects.get(pk=zelda["held"].pk)
    assert held.author is None
    assert held.private_notes == ""  # nobody else could ever read them
    todo = ActionItem.objects.get(description="RORY-TODO")
    assert todo.owner is None  # now rory's to tick off
    assert not CheckIn.objects.filter(pk=zelda["about her"].pk).exists()


def test_after_erasure_no_row_names_her(client, cast, zelda):
    factories.make_note(cast.mia.user, cast.bob)  # some rows that stay
    erase(client, cast, zelda["zelda"])

    dump = io.StringIO()
    call_command("dumpdata", "growth", stdout=dump)
    text = dump.getvalue()
    for trace in ("Zelda", "Quillfeather", EMAIL, "ABOUT-HER", "ZELDA-ON"):
        assert trace.lower() not in text.lower(), trace
