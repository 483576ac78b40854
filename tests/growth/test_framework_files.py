"""Framework files: the parser and the writer (no database)."""

from __future__ import annotations

import textwrap

import pytest

from growth.framework.files import parse_framework, write_framework

MONZO = textwrap.dedent(
    """\
    ---
    path: "/engineering/platform"
    title: "Platform Engineering"
    sidebarTitle: "Platform"
    yaml: true
    levels: 4
    topics:
      - name: "craft"
        title:
        content:
          - level: 1
            criteria:
              - "Ships small changes with help"
              - "Asks when stuck"
          - level: 3
            criteria:
              - "Designs services other teams build on"
            exampleCriteria:
              - criteria: "Writes design notes before building"
                examples:
                  - "A one-page note on the retry policy"
      - name: "teamwork"
        title: "Teamwork"
        content:
          - level: 2
            criteria:
              - "Reviews teammates' changes within a day."
    ---

    # How we grow on Platform

    Read this with your manager.
    """
)


def errors_of(text, file="platform.md"):
    return [str(error) for error in parse_framework(text, file=file).errors]


def test_it_reads_a_plain_monzo_file():
    parsed = parse_framework(MONZO, file="platform.md")

    assert parsed.errors == []
    track = parsed.track
    assert (track.key, track.name) == ("platform", "Platform Engineering")
    assert (
        track.description == "# How we grow on Platform\n\nRead this with your manager."
    )
    assert [(level.key, level.name, level.rank) for level in track.levels] == [
        ("level-1", "Level 1", 1),
        ("level-2", "Level 2", 2),
        ("level-3", "Level 3", 3),
        ("level-4", "Level 4", 4),
    ]
    craft, teamwork = track.competencies
    assert craft.key == "craft" and craft.name is None and craft.kind is None
    assert [e.level for e in craft.expectations] == ["level-1", "level-3"]
    assert (
        craft.expectations[0].statement
        == "Ships small changes with help. Asks when stuck."
    )
    assert craft.expectations[1].statement == (
        "Designs services other teams build on. Writes design notes before building."
    )
    assert craft.expectations[1].examples == ("A one-page note on the retry policy",)
    assert teamwork.name == "Teamwork"
    assert (
        teamwork.expectations[0].statement == "Reviews teammates' changes within a day."
    )


OURS = textwrap.dedent(
    """\
    ---
    key: ml
    title: ML engineering
    position: 2
    levels:
      - key: apprentice
        name: Apprentice
        summary: Learns the ropes.
      - key: practitioner
        name: Practitioner
        senior: true
    areas:
      - key: data-ml
        title: Data & ML
    topics:
      - name: model-evaluation
        title: Model evaluation & human review
        kind: technical
        area: data-ml
        position: 7
        counts_mentoring: false
        description: Measuring models.
        content:
          - level: practitioner
            criteria: [Reviews outputs by hand before a release.]
            examples:
              - Reads 50 outputs.
              - Adds a baseline.
      - name: mentoring
        kind: interpersonal
        counts_mentoring: true
        content:
          - level: 1
            criteria: [Helps newcomers.]
    ---
    """
)


def test_it_reads_our_fields():
    track = parse_framework(OURS, file="whatever.md").track

    assert (track.key, track.name, track.position) == ("ml", "ML engineering", 2)
    apprentice, practitioner = track.levels
    assert (apprentice.summary, apprentice.is_senior) == ("Learns the ropes.", False)
    assert (practitioner.rank, practitioner.is_senior) == (2, True)
    assert track.areas[0].name == "Data & ML"
    evaluation, mentoring = track.competencies
    assert evaluation.area == "data-ml" and evaluation.position == 7
    assert evaluation.expectations[0].examples == (
        "Reads 50 outputs.",
        "Adds a baseline.",
    )
    assert mentoring.counts_mentoring is True
    assert mentoring.expectations[0].level == "apprentice"  # rank 1
    assert mentoring.area is None and mentoring.description is None


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            ("      - level: 1\n", "      - level: 7\n"),
            "line 11: level 7 is not one of the 4 levels",
        ),
        (
            ("      - level: 3\n", "      - level: staff\n"),
            "line 15: level 'staff' is not one of the levels: level-1, level-2, level-3, level-4",
        ),
        (
            ("levels: 4\n", "levels: many\n"),
            "line 6: levels must be a number or a list",
        ),
        (('title: "Platform Engineering"\n', ""), "line 2: title is missing"),
        (
            ('  - name: "teamwork"\n', '  - name: "craft"\n'),
            "line 22: topic 'craft' is listed twice",
        ),
        (
            ('  - name: "teamwork"\n', '  - name: "team work"\n'),
            "line 22: topic name 'team work' must be",
        ),
        (
            ('    title: "Teamwork"\n', '    title: "Teamwork"\n    kind: social\n'),
            "line 24: kind 'social' is neither",
        ),
        (
            ('    title: "Teamwork"\n', '\ttitle: "Teamwork"\n'),
            "line 23: YAML: found character '\\t' that cannot start any token",
        ),
        (
            (
                "      - level: 2\n        criteria:\n",
                "      - level: 2\n        criterion:\n",
            ),
            "line 25: topic 'teamwork': a level without criteria",
        ),
        (("topics:\n", "topic:\n"), "line 2: topics is missing"),
    ],
)
def test_each_error_names_its_file_and_line(change, error):
    old, new = change
    assert old in MONZO
    found = errors_of(MONZO.replace(old, new, 1))

    assert any(line.startswith(f"platform.md {error}") for line in found), found


def test_a_file_without_front_matter_is_refused_at_line_1():
    assert errors_of("# Just Markdown\n") == [
        "platform.md line 1: the file must begin with YAML front matter between two "
        "'---' lines"
    ]


def test_text_over_its_limit_is_refused_where_it_is():
    long = "x" * 1001
    found = errors_of(MONZO.replace("Asks when stuck", long))

    assert found == [
        "platform.md line 11: the criteria are 1033 characters together; at most 1000"
    ]


def test_every_error_is_reported_not_only_the_first():
    text = MONZO.replace("level: 1\n", "level: 9\n").replace("level: 2\n", "level: 8\n")

    assert len(errors_of(text)) == 2


def test_the_yaml_loader_builds_no_python_objects():
    text = MONZO.replace(
        'title: "Platform Engineering"', "title: !!python/object/apply:os.system [echo]"
    )

    assert errors_of(text)[0].startswith("platform.md line 3: YAML: ")


def test_written_text_reads_back_the_same_and_writes_the_same():
    track = parse_framework(OURS, file="ml.md").track
    text = write_framework(track)
    again = parse_framework(text, file="ml.md")

    assert again.errors == []
    assert write_framework(again.track) == text
    assert again.track.levels == track.levels
    assert again.track.competencies[0] == track.competencies[0]


@pytest.mark.parametrize("name", ["engineering.md", "management.md"])
def test_the_default_files_parse_and_are_in_the_written_form(name):
    from growth.framework.importer import DEFAULT_DIR

    text = (DEFAULT_DIR / name).read_text("utf-8")
    parsed = parse_framework(text, file=name)

    assert parsed.errors == []
    assert write_framework(parsed.track) == text
