"""Importing and exporting the framework: plan, apply, the commands, the
default framework."""

from __future__ import annotations

import io
import re
import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from growth.framework.importer import (
    DEFAULT_DIR,
    FrameworkImportError,
    framework_export,
    framework_import_apply,
    framework_import_plan,
)
from growth.models import (
    Competency,
    CompetencyArea,
    Engineer,
    Expectation,
    FeedbackNote,
    LearningSession,
    Level,
    Readiness,
    Track,
)
from tests import factories

pytestmark = pytest.mark.django_db


def track_file(topics: int = 2, *, levels: str = "levels: 3", extra: str = "") -> str:
    """A Monzo-style file of track 'platform' with ``topics`` competencies."""
    lines = [
        "---",
        "title: Platform",
        levels,
        "areas:",
        "  - key: craft-area",
        "    title: Craft area",
        "topics:",
    ]
    for n in range(topics):
        lines += [
            f"  - name: skill-{n}",
            f"    title: Skill {n}",
            "    area: craft-area",
            "    content:",
            "      - level: 1",
            f"        criteria: [Does skill {n} with help.]",
            "      - level: 2",
            f"        criteria: [Does skill {n} alone.]",
            "        examples: [One example, Another example]",
        ]
    return "\n".join(lines) + "\n" + extra + "---\n\nThe platform track.\n"


def imported(files, **kwargs):
    plan = framework_import_plan(files)
    assert not plan.has_errors, plan.error_lines()
    return framework_import_apply(plan, **kwargs)


def snapshot(track_key="platform"):
    """The track's framework as plain values, without ids."""
    return {
        "track": list(
            Track.objects.filter(key=track_key).values(
                "key", "name", "description", "position"
            )
        ),
        "levels": list(
            Level.objects.filter(track__key=track_key)
            .order_by("rank")
            .values("key", "name", "rank", "summary", "is_senior")
        ),
        "expectations": sorted(
            Expectation.objects.filter(level__track__key=track_key).values_list(
                "competency__key",
                "competency__name",
                "competency__kind",
                "competency__area__key",
                "competency__position",
                "competency__description",
                "competency__counts_mentoring",
                "level__key",
                "statement",
                "examples",
            )
        ),
    }


def history_rows() -> int:
    return sum(
        model.history.count()
        for model in (Track, Level, CompetencyArea, Competency, Expectation)
    )


def test_it_creates_a_track_from_a_plain_monzo_file(db):
    plan = imported({"platform.md": track_file()})

    track = Track.objects.get(key="platform")
    assert (track.name, track.description) == ("Platform", "The platform track.")
    assert list(track.levels.values_list("key", "name")) == [
        ("level-1", "Level 1"),
        ("level-2", "Level 2"),
        ("level-3", "Level 3"),
    ]
    skill = Competency.objects.get(key="skill-0")
    assert (skill.name, skill.kind, skill.area.key) == (
        "Skill 0",
        "technical",
        "craft-area",
    )
    expectation = Expectation.objects.get(competency=skill, level__key="level-2")
    assert expectation.statement == "Does skill 0 alone."
    assert expectation.example_lines == ["One example", "Another example"]
    assert plan.totals["expectation"]["create"] == 4


def test_a_dry_run_plan_writes_nothing(db):
    before = history_rows(), Competency.objects.count(), Track.objects.count()

    plan = framework_import_plan({"platform.md": track_file()})

    assert "Tracks: 1 to create, 0 to update, 0 unchanged." in plan.summary_lines()
    assert (history_rows(), Competency.objects.count(), Track.objects.count()) == before


def test_a_file_with_an_error_imports_nothing_and_says_where(db):
    text = track_file().replace("      - level: 2\n", "      - level: 7\n", 1)
    plan = framework_import_plan({"platform.md": text})

    assert plan.error_lines() == [
        "platform.md line 14: level 7 is not one of the 3 levels"
    ]
    assert not Track.objects.filter(key="platform").exists()


def test_it_updates_by_key_and_keeps_the_rows(db):
    imported({"platform.md": track_file()})
    ids = set(
        Expectation.objects.filter(level__track__key="platform").values_list(
            "pk", flat=True
        )
    )
    changed = track_file().replace("Does skill 1 alone.", "Does skill 1 alone, well.")
    changed = changed.replace("title: Skill 0", "title: Skill zero")

    plan = imported({"platform.md": changed})

    assert [str(change) for change in plan.changed] == [
        "update competency skill-0 (name)",
        "update expectation platform/level-2/skill-1 (statement)",
    ]
    assert Competency.objects.get(key="skill-0").name == "Skill zero"
    assert (
        set(
            Expectation.objects.filter(level__track__key="platform").values_list(
                "pk", flat=True
            )
        )
        == ids
    )


def test_importing_the_same_file_again_changes_nothing(db):
    imported({"platform.md": track_file()})
    rows = history_rows()

    plan = imported({"platform.md": track_file()})

    assert plan.is_noop
    assert history_rows() == rows


def test_a_competency_left_out_is_deleted_when_nothing_points_at_it(db):
    imported({"platform.md": track_file(2)})

    plan = imported({"platform.md": track_file(1)})

    assert "delete competency skill-1" in [str(c) for c in plan.changed]
    assert not Competency.objects.filter(key="skill-1").exists()


def test_a_competency_feedback_points_at_is_retired_not_deleted(db):
    imported({"platform.md": track_file(2)})
    alice = factories.make_engineer("Alice")
    bob = factories.make_engineer("Bob")
    note = factories.make_note(
        alice.user, bob, competency=Competency.objects.get(key="skill-1")
    )

    plan = imported({"platform.md": track_file(1)})

    assert "retire competency skill-1" in [str(c) for c in plan.changed]
    skill = Competency.objects.get(key="skill-1")
    assert not skill.is_active
    assert not skill.expectations.exists()
    assert FeedbackNote.all_objects.get(pk=note.pk).competency == skill
    # Back in the file, it is active again.
    imported({"platform.md": track_file(2)})
    assert Competency.objects.get(key="skill-1").is_active


def test_a_level_someone_holds_is_not_dropped(db):
    imported({"platform.md": track_file(levels="levels: 3")})
    factories.make_engineer(
        "Holder", level=Level.objects.get(track__key="platform", key="level-3")
    )

    plan = framework_import_plan({"platform.md": track_file(levels="levels: 2")})

    assert plan.error_lines() == [
        "platform.md line 3: level 'level-3' is left out, but people hold it, "
        "held it, or were assessed at it: keep it in the file"
    ]
    assert Level.objects.filter(track__key="platform").count() == 3


def _level_3_refused(plan):
    assert plan.error_lines() == [
        "platform.md line 3: level 'level-3' is left out, but people hold it, "
        "held it, or were assessed at it: keep it in the file"
    ]
    with pytest.raises(FrameworkImportError):
        framework_import_apply(plan)
    assert Level.objects.filter(track__key="platform").count() == 3


def test_a_level_someone_held_is_not_dropped(db):
    imported({"platform.md": track_file(levels="levels: 3")})
    level_3, level_2 = (
        Level.objects.get(track__key="platform", key=k) for k in ("level-3", "level-2")
    )
    holder = factories.make_engineer("Holder", level=level_3)
    holder.level = level_2  # a step back: their history keeps level 3
    holder.save()

    _level_3_refused(
        framework_import_plan({"platform.md": track_file(levels="levels: 2")})
    )


def test_a_level_a_readiness_summary_is_toward_is_not_dropped(db):
    imported({"platform.md": track_file(levels="levels: 3")})
    level_2, level_3 = (
        Level.objects.get(track__key="platform", key=k) for k in ("level-2", "level-3")
    )
    manager = factories.make_engineer("Manager", level=level_3)
    report = factories.make_engineer("Report", level=level_2, manager=manager)
    Readiness.objects.create(
        engineer=report, level=level_3, summary="Nearly.", author=manager.user
    )
    Engineer.history.all().delete()  # only the readiness points at level 3
    Engineer.objects.filter(pk=manager.pk).update(level=level_2)

    _level_3_refused(
        framework_import_plan({"platform.md": track_file(levels="levels: 2")})
    )


def test_a_competency_a_session_is_on_is_retired_not_deleted(db):
    imported({"platform.md": track_file(2)})
    leader = factories.make_engineer("Leader")
    skill = Competency.objects.get(key="skill-1")
    session = LearningSession.objects.create(
        leader=leader,
        title="Skill one, hands on",
        starts_at=timezone.now(),
        competency=skill,
    )

    plan = imported({"platform.md": track_file(1)})

    assert "retire competency skill-1" in [str(c) for c in plan.changed]
    session.refresh_from_db()
    assert session.competency_id == skill.pk


def test_a_competency_retired_in_the_admin_stays_retired_through_a_round_trip(db):
    imported({"platform.md": track_file(2)})
    Competency.objects.filter(key="skill-1").update(is_active=False)
    before = snapshot()
    text = framework_export(Track.objects.get(key="platform"))
    assert "retired: true" in text

    plan = imported({"platform.md": text})

    assert plan.changed == []
    assert not Competency.objects.get(key="skill-1").is_active
    assert Competency.objects.get(key="skill-0").is_active
    assert snapshot() == before
    # Without the line, listing it brings it back, as after an import retired it.
    imported({"platform.md": re.sub(r"\n *retired: true", "", text)})
    assert Competency.objects.get(key="skill-1").is_active


def test_a_level_nobody_holds_is_dropped(db):
    imported({"platform.md": track_file(levels="levels: 3")})

    imported({"platform.md": track_file(levels="levels: 2")})

    assert list(
        Level.objects.filter(track__key="platform").values_list("key", flat=True)
    ) == [
        "level-1",
        "level-2",
    ]


def test_levels_reorder_by_key(db):
    ours = textwrap.dedent(
        """\
        levels:
          - {key: a, name: A}
          - {key: b, name: B}"""
    )
    imported({"platform.md": track_file(levels=ours)})
    swapped = (
        ours.replace("{key: a, name: A}", "{key: X}")
        .replace("{key: b, name: B}", "{key: a, name: A}")
        .replace("{key: X}", "{key: b, name: B}")
    )

    imported({"platform.md": track_file(levels=swapped)})

    assert list(
        Level.objects.filter(track__key="platform")
        .order_by("rank")
        .values_list("key", flat=True)
    ) == ["b", "a"]


def test_a_title_taken_by_another_competency_is_refused(db):
    text = track_file().replace("title: Skill 0", "title: Code quality")

    plan = framework_import_plan({"platform.md": text})

    assert plan.error_lines() == [
        "platform.md line 9: topic 'skill-0': the title 'Code quality' is the name "
        "of competency 'code-quality'"
    ]


def test_two_new_areas_with_one_title_are_refused_before_anything_is_written(db):
    text = track_file().replace(
        "    title: Craft area\n",
        "    title: Craft area\n  - key: craft-two\n    title: Craft area\n",
    )

    plan = framework_import_plan({"platform.md": text})

    assert plan.error_lines() == [
        "platform.md line 7: area title 'Craft area' is the name of area 'craft-area'"
    ]
    assert not Track.objects.filter(key="platform").exists()


def test_two_new_tracks_with_one_title_are_refused_before_anything_is_written(db):
    other = track_file().replace("title: Platform", "key: twin\ntitle: Platform")

    plan = framework_import_plan({"platform.md": track_file(), "twin.md": other})

    assert plan.error_lines() == [
        "twin.md line 3: the title 'Platform' is the name of track 'platform'"
    ]
    assert not Track.objects.filter(name="Platform").exists()


def test_two_files_must_agree_on_a_shared_competency(db):
    other = track_file().replace("title: Platform", "key: data\ntitle: Data")
    other = other.replace("title: Skill 0", "title: Skill nought")

    plan = framework_import_plan({"platform.md": track_file(), "data.md": other})

    assert plan.error_lines() == [
        "data.md line 10: topic 'skill-0': its title differs from platform.md"
    ]


def test_export_then_import_gives_the_same_data_and_the_same_text(db):
    imported({"platform.md": track_file(3)})
    track = Track.objects.get(key="platform")
    text = framework_export(track)
    before = snapshot()
    # Spoil it: the import puts it back.
    Expectation.objects.filter(level__track=track).update(statement="x", examples="")
    Competency.objects.filter(key__startswith="skill-").update(
        description="spoilt", area=None
    )
    Level.objects.filter(track=track, rank=1).update(name="Spoilt")

    imported({"platform.md": text})

    assert snapshot() == before
    assert framework_export(track) == text
    assert framework_import_plan({"platform.md": text}).is_noop


@pytest.mark.parametrize("key", ["engineering", "management"])
def test_the_default_framework_exports_and_imports_unchanged(db, key):
    track = Track.objects.get(key=key)
    text = framework_export(track)

    plan = framework_import_plan({f"{key}.md": text})

    assert plan.is_noop, [str(c) for c in plan.changed]
    assert framework_export(track) == text


def test_the_default_framework_covers_every_level_of_both_tracks(db):
    for key, competencies in (("engineering", 14), ("management", 7)):
        levels = Level.objects.filter(track__key=key)
        assert levels.count() == 5
        for level in levels:
            expectations = Expectation.objects.filter(level=level)
            assert expectations.count() >= competencies - 2, (key, level.key)
            for expectation in expectations:
                assert 1 <= len(expectation.example_lines) <= 3
                assert len(expectation.statement) > 30
    assert Competency.objects.get(key="mentoring").counts_mentoring
    assert not Expectation.objects.filter(
        competency__key="technical-leadership",
        level__track__key="engineering",
        level__rank__lt=3,
    ).exists()
    assert set(
        Competency.objects.filter(
            key__in=[
                "training-validation-data",
                "model-evaluation",
                "knowledge-sharing",
                "technical-leadership",
            ]
        ).values_list("area__key", flat=True)
    ) == {"data-ml", "leadership"}


def test_the_default_files_import_as_a_no_op(db):
    files = {
        path.name: path.read_text("utf-8") for path in sorted(DEFAULT_DIR.glob("*.md"))
    }

    plan = framework_import_plan(files)

    assert not plan.has_errors
    assert plan.is_noop, [str(c) for c in plan.changed]


def test_the_import_costs_the_same_queries_for_more_competencies(db):
    def cost(topics, key):
        text = track_file(topics).replace(
            "title: Platform", f"key: {key}\ntitle: {key}"
        )
        text = text.replace("skill-", f"{key}-skill-").replace(
            "Skill ", f"{key} skill "
        )
        with CaptureQueriesContext(connection) as queries:
            imported({f"{key}.md": text})
        return len(queries)

    cost(1, "warm")  # content types and the like, read once
    assert cost(3, "small") == cost(30, "large")


# --- the commands ------------------------------------------------------------------


def test_the_command_imports_and_prints_what_changed(db, tmp_path):
    path = tmp_path / "platform.md"
    path.write_text(track_file(), encoding="utf-8")
    out = io.StringIO()

    call_command("import_framework", str(path), stdout=out)

    assert "create track platform" in out.getvalue()
    assert (
        "Expectations: 4 created, 0 updated, 0 unchanged, 0 deleted." in out.getvalue()
    )
    assert Track.objects.filter(key="platform").exists()


def test_the_command_dry_run_writes_nothing(db, tmp_path):
    path = tmp_path / "platform.md"
    path.write_text(track_file(), encoding="utf-8")
    out = io.StringIO()

    call_command("import_framework", str(path), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Dry run: nothing was written."
    assert not Track.objects.filter(key="platform").exists()


def test_the_command_prints_every_error_and_exits_1(db, tmp_path):
    path = tmp_path / "platform.md"
    path.write_text(
        track_file()
        .replace("level: 1\n", "level: 9\n")
        .replace("level: 2\n", "level: 8\n"),
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="4 error") as raised:
        call_command("import_framework", str(path), stderr=err)

    assert raised.value.returncode == 1
    assert (
        err.getvalue().splitlines()[0]
        == "platform.md line 12: level 9 is not one of the 3 levels"
    )
    assert not Track.objects.filter(key="platform").exists()


def test_export_command_writes_one_file_per_track(db, tmp_path):
    out = io.StringIO()

    call_command("export_framework", "--out", str(tmp_path), stdout=out)

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "engineering.md",
        "management.md",
    ]
    text = (tmp_path / "engineering.md").read_text("utf-8")
    assert text == framework_export(Track.objects.get(key="engineering"))


def test_export_command_prints_one_track(db):
    out = io.StringIO()

    call_command("export_framework", "--track", "management", stdout=out)

    assert out.getvalue() == framework_export(Track.objects.get(key="management"))
    with pytest.raises(CommandError, match="No track with the key nope"):
        call_command("export_framework", "--track", "nope", stdout=io.StringIO())
