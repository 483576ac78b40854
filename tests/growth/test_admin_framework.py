"""The career framework in the admin: tracks with levels inline, competencies
with an expectation per level inline, retiring rather than deleting what is
referenced, a preview as an engineer sees it, and read-mostly assessments."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import Competency, Expectation, Level, Track
from tests import factories
from tests.framework_support import make_assessment
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:growth_{model}_{view}", args=args)


def test_a_track_page_lists_its_levels_and_previews_each(staff_client):
    track = Track.objects.get(key="engineering")
    response = staff_client.get(admin_url("track", "change", track.pk))
    page = response.content.decode()
    preview = reverse("framework-track", args=["engineering"])
    assert f'href="{preview}"' in page
    for level in Level.objects.filter(track=track):
        assert f'href="{preview}?level={level.key}"' in page
        assert level.name in page


def test_the_track_list_links_to_the_preview(staff_client):
    page = staff_client.get(admin_url("track", "changelist")).content.decode()
    assert reverse("framework-track", args=["management"]) in page


def test_a_competency_page_has_an_expectation_per_level_inline(staff_client, cast):
    quality = Competency.objects.get(key="code-quality")
    senior = factories.level("senior")
    Expectation.objects.update_or_create(
        competency=quality,
        level=senior,
        defaults={"statement": "Sets the bar in review."},
    )
    page = staff_client.get(admin_url("competency", "change", quality.pk))
    text = page.content.decode()
    assert "Sets the bar in review." in text
    # The preview opens the track at the first level that expects it.
    first = Expectation.objects.filter(competency=quality).order_by("level__rank")[0]
    track = reverse("framework-track", args=["engineering"])
    assert f"{track}?level={first.level.key}" in text


def test_a_referenced_competency_is_retired_not_deleted(staff_client, cast):
    quality = Competency.objects.get(key="code-quality")
    factories.make_note(cast.mia.user, cast.alice, competency=quality)
    response = staff_client.get(admin_url("competency", "delete", quality.pk))
    assert response.status_code == 403
    changelist = staff_client.get(admin_url("competency", "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    staff_client.post(
        admin_url("competency", "changelist"),
        {"action": "retire", "_selected_action": [quality.pk]},
    )
    quality.refresh_from_db()
    assert not quality.is_active
    staff_client.post(
        admin_url("competency", "changelist"),
        {"action": "reinstate", "_selected_action": [quality.pk]},
    )
    quality.refresh_from_db()
    assert quality.is_active


def test_an_unreferenced_competency_may_be_deleted(staff_client):
    spare = Competency.objects.create(key="spare", name="Spare", kind="technical")
    assert (
        staff_client.get(admin_url("competency", "delete", spare.pk)).status_code == 200
    )


def test_an_assessment_is_read_with_its_ratings_and_not_rewritten(staff_client, cast):
    assessment = make_assessment(
        cast.alice,
        shared_at=timezone.now(),
        ratings={"code-quality": ("meets", "Reviews are careful")},
    )
    page = staff_client.get(admin_url("assessment", "change", assessment.pk))
    text = page.content.decode()
    assert "Reviews are careful" in text
    assert 'name="ratings-0-comment"' not in text
    assert staff_client.get(admin_url("assessment", "add")).status_code == 403


def test_editing_a_level_keeps_its_history(staff_client):
    level = factories.level("junior")
    response = staff_client.get(admin_url("level", "history", level.pk))
    assert response.status_code == 200


def add_track(key: str, levels: int) -> None:
    track = Track.objects.create(key=key, name=key.title())
    for rank in range(1, levels + 1):
        Level.objects.create(track=track, key=f"l{rank}", name=f"L{rank}", rank=rank)


@pytest.mark.parametrize("model", ["engineer", "expectation"])
def test_the_level_filter_costs_the_same_however_many_levels(staff_client, model):
    """Each level's choice names its track: joined, not a query per level."""
    path = admin_url(model, "changelist")
    fresh_queries(staff_client, path)  # warm the session and content-type caches
    few = fresh_queries(staff_client, path)
    add_track("platform", 4)
    add_track("data", 6)
    page = staff_client.get(path).content.decode()
    assert "Platform: L4" in page and "Data: L6" in page
    assert fresh_queries(staff_client, path) == few


@pytest.mark.parametrize(
    "path",
    [
        lambda cast: admin_url("engineer", "change", cast.alice.pk),
        lambda cast: admin_url("engineer", "add"),
        lambda cast: admin_url(
            "competency", "change", Competency.objects.get(key="code-quality").pk
        ),
    ],
    ids=["engineer", "add-person", "expectations-inline"],
)
def test_a_level_is_picked_under_its_track_in_one_query(staff_client, cast, path):
    url = path(cast)
    fresh_queries(staff_client, url)  # warm the session and content-type caches
    few = fresh_queries(staff_client, url)
    add_track("platform", 4)
    page = staff_client.get(url).content.decode()
    select = re.search(r'<select name="[^"]*level"[^>]*>(.*?)</select>', page, re.S)[1]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == list(
        Track.objects.order_by("position", "name").values_list("name", flat=True)
    )
    assert {"Engineering", "Management", "Platform"} <= dict(groups).keys()
    options = dict(groups)
    assert re.findall(r">([^<]+)</option>", options["Platform"]) == [
        "L1",
        "L2",
        "L3",
        "L4",
    ]
    assert "Engineering: " not in select  # the group names the track
    assert fresh_queries(staff_client, url) == few


# --- reordering levels inline ------------------------------------------------------


def track_form(track, levels: list[dict], extra: list[dict] = ()) -> dict:
    """What the track's change page posts: the track and its levels inline."""
    data = {
        "name": track.name,
        "key": track.key,
        "description": track.description,
        "position": track.position,
        "is_active": "on" if track.is_active else "",
        "levels-TOTAL_FORMS": len(levels) + len(extra),
        "levels-INITIAL_FORMS": len(levels),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for n, row in enumerate([*levels, *extra]):
        for name, value in row.items():
            if value not in (None, False):
                data[f"levels-{n}-{name}"] = "on" if value is True else value
        data[f"levels-{n}-track"] = track.pk
    return data


def level_rows(track) -> list[dict]:
    return list(
        track.levels.order_by("rank").values(
            "id", "rank", "key", "name", "summary", "is_senior"
        )
    )


def test_swapping_two_levels_ranks_in_the_track_page_reorders_them(staff_client):
    track = Track.objects.get(key="engineering")
    rows = level_rows(track)
    rows[0]["rank"], rows[1]["rank"] = rows[1]["rank"], rows[0]["rank"]
    response = staff_client.post(
        admin_url("track", "change", track.pk), track_form(track, rows)
    )
    assert response.status_code == 302
    keys = list(track.levels.order_by("rank").values_list("key", flat=True))
    assert keys[:2] == [rows[1]["key"], rows[0]["key"]]
    moved = Level.objects.get(pk=rows[0]["id"])
    assert moved.history.first().rank == moved.rank  # the history says the end


def test_a_level_inserted_part_way_up_shifts_the_rest(staff_client):
    track = Track.objects.get(key="engineering")
    rows = level_rows(track)
    for row in rows[1:]:
        row["rank"] += 1
    new = {"rank": 2, "key": "mid-minus", "name": "Mid minus", "summary": ""}
    response = staff_client.post(
        admin_url("track", "change", track.pk), track_form(track, rows, [new])
    )
    assert response.status_code == 302
    ranks = dict(track.levels.values_list("key", "rank"))
    assert ranks["mid-minus"] == 2 and ranks[rows[1]["key"]] == 3


def test_two_levels_on_one_rank_are_refused_and_nothing_is_saved(staff_client):
    track = Track.objects.get(key="engineering")
    rows = level_rows(track)
    before = [(row["key"], row["rank"]) for row in rows]
    rows[0]["rank"] = rows[1]["rank"]
    response = staff_client.post(
        admin_url("track", "change", track.pk), track_form(track, rows)
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["Please correct the duplicate data for rank."]
    assert list(track.levels.order_by("rank").values_list("key", "rank")) == before
    new = {"rank": rows[2]["rank"], "key": "clash", "name": "Clash", "summary": ""}
    response = staff_client.post(
        admin_url("track", "change", track.pk),
        track_form(track, level_rows(track), [new]),
    )
    assert response.status_code == 200
    assert not Level.objects.filter(key="clash").exists()


def test_a_retired_tracks_levels_are_marked_retired_in_the_picker(staff_client, cast):
    Track.objects.filter(key="management").update(is_active=False)
    page = staff_client.get(admin_url("engineer", "change", cast.alice.pk))
    labels = re.findall(r'<optgroup label="([^"]+)">', page.content.decode())
    assert labels == ["Engineering", "Management (retired)"]
