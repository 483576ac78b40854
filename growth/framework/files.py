"""Framework files: one Markdown file per track, its framework in YAML front
matter and the track's description as the body — the layout Monzo publishes
its progression framework in, so a file of theirs imports as it is.

Pure functions, text → dataclasses → text, with no database: the data
migration that loads the default framework uses them too.

    ---
    key: engineering            # the track's key; the file's name if left out
    title: Engineering          # the track's name
    position: 0
    levels:                     # a number (Monzo: level-1 … level-N) or a list
      - key: junior
        name: Junior engineer
        summary: Delivers well-defined tasks with guidance.
        senior: false
    areas:
      - key: quality
        title: Quality
    topics:                     # the competencies
      - name: testing-validation        # the competency's key
        title: Testing & validation     # its name
        kind: technical                 # or interpersonal
        area: quality
        description: Tests and checks that catch real problems early.
        counts_mentoring: false
        retired: false                  # true: kept for what points at it, offered for nothing new
        content:
          - level: junior               # a level's key, or its rank
            criteria:
              - Writes tests for the code they change.
            examples:
              - Adds a test that fails before the fix.
    ---

    The track's description, in Markdown.

A field left out of a topic leaves what is stored alone (a new competency
takes the defaults); every line of an error names the file and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from growth.models import limits

KINDS = ("technical", "interpersonal")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
TRACK_KEY_MAX = LEVEL_KEY_MAX = AREA_KEY_MAX = 40
COMPETENCY_KEY_MAX = 60
# Numbered levels (a Monzo file): from the third up they count as senior, as
# senior, staff and principal did before the framework was data.
SENIOR_FROM_RANK = 3


@dataclass(frozen=True)
class FileError:
    """One problem, where it is: ``engineering.md line 42: …``."""

    file: str
    line: int
    message: str

    def __str__(self):
        return f"{self.file} line {self.line}: {self.message}"


@dataclass
class LevelSpec:
    key: str
    name: str
    rank: int
    summary: str = ""
    is_senior: bool = False
    line: int = field(default=0, compare=False)


@dataclass
class AreaSpec:
    key: str
    name: str
    description: str = ""
    position: int | None = None
    line: int = field(default=0, compare=False)


@dataclass
class ExpectationSpec:
    level: str  # the level's key
    statement: str
    examples: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass
class CompetencySpec:
    """A topic. ``None`` is "not in the file": leave what is stored."""

    key: str
    name: str | None = None
    kind: str | None = None
    area: str | None = None  # "" is "in no area"
    description: str | None = None
    position: int | None = None
    counts_mentoring: bool | None = None
    # Listed is active unless it says so: a file that lists it again brings
    # back a competency an earlier import retired.
    retired: bool | None = None
    expectations: list[ExpectationSpec] = field(default_factory=list)
    line: int = field(default=0, compare=False)
    # The line of each attribute given, for errors about its value.
    lines: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass
class TrackFile:
    file: str
    key: str
    name: str
    description: str = ""
    position: int | None = None
    levels: list[LevelSpec] = field(default_factory=list)
    areas: list[AreaSpec] = field(default_factory=list)
    competencies: list[CompetencySpec] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass
class ParsedFile:
    file: str
    track: TrackFile | None
    errors: list[FileError]


# --- reading -------------------------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers the line of each key (0-based, in the
    front matter)."""

    line = 0
    key_lines: dict


class _Sequence(list):
    line = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    """SafeLoader (no object but YAML's own types is ever built) whose
    mappings and lists know their lines."""


def _construct_mapping(loader, node):
    mapping = _Mapping()
    mapping.line = node.start_mark.line
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a name", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line
    return mapping


def _construct_sequence(loader, node):
    sequence = _Sequence(
        loader.construct_object(child, deep=True) for child in node.value
    )
    sequence.line = node.start_mark.line
    sequence.item_lines = [child.start_mark.line for child in node.value]
    return sequence


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class _Reader:
    """Reads one file, collecting every error rather than stopping at the first."""

    def __init__(self, file: str, offset: int):
        self.file = file
        self.offset = offset  # file line of the front matter's first line, 0-based
        self.errors: list[FileError] = []

    def error(self, line0: int, message: str) -> None:
        self.errors.append(FileError(self.file, line0 + self.offset + 1, message))

    def line_of(self, mapping, key) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def text(self, mapping, key, *, limit: int, required=False, what=None):
        """The text at ``key``; None when missing (an error if required)."""
        what = what or key
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        # Left out or null: not in the file. An empty string is "empty".
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(
                    line if key in mapping else mapping.line, f"{what} is missing"
                )
                return None
            return None if value is None else ""
        if isinstance(value, dict | list):
            self.error(line, f"{what} must be text")
            return None
        if isinstance(value, bool):
            self.error(line, f"{what} must be text, not yes/no")
            return None
        value = str(value).strip()
        if len(value) > limit:
            self.error(line, f"{what} is {len(value)} characters; at most {limit}")
        return value

    def key(self, mapping, key, *, limit: int, what: str, required=True):
        value = self.text(mapping, key, limit=1000, required=required, what=what)
        if not value:
            return value
        if not SLUG.match(value) or len(value) > limit:
            self.error(
                self.line_of(mapping, key),
                f"{what} {value!r} must be letters, digits, - or _ "
                f"(at most {limit} characters)",
            )
            return None
        return value

    def number(self, mapping, key, *, what=None):
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(self.line_of(mapping, key), f"{what or key} must be a number")
            return None
        if value > 32767:
            self.error(self.line_of(mapping, key), f"{what or key} is too large")
            return None
        return value

    def flag(self, mapping, key, *, what=None):
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(
                self.line_of(mapping, key), f"{what or key} must be true or false"
            )
            return None
        return value

    def items(self, mapping, key, *, what: str):
        """The list at ``key`` as (item, line) pairs of mappings."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(self.line_of(mapping, key), f"{key} must be a list")
            return []
        found = []
        for item, line in zip(value, value.item_lines, strict=True):
            if not isinstance(item, dict):
                self.error(line, f"each of {key} must be a {what} with its fields")
                continue
            found.append((item, line))
        return found

    def strings(self, mapping, key, *, what: str) -> list[tuple[str, int]]:
        """A list of strings (a single string is a list of one)."""
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value.strip(), line)] if value.strip() else []
        if not isinstance(value, list):
            self.error(line, f"{key} must be a list of {what}")
            return []
        found = []
        for item, item_line in zip(value, value.item_lines, strict=True):
            if item is None:
                continue
            if isinstance(item, dict | list | bool):
                self.error(item_line, f"each of {key} must be a line of text")
                continue
            if str(item).strip():
                found.append((str(item).strip(), item_line))
        return found


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number of the closing ``---``), or None."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for number, line in enumerate(lines[1:], 1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number
    return None


def file_key(file: str) -> str:
    """The track key a file stands for when its front matter names none."""
    stem = file.replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def join_criteria(criteria: list[str]) -> str:
    """One statement from a topic's criteria: each a sentence, in order."""
    if len(criteria) == 1:
        return criteria[0]
    return " ".join(
        c if c.endswith((".", "!", "?", ":", ";")) else c + "." for c in criteria
    )


def parse_framework(text: str, *, file: str) -> ParsedFile:
    """Read one framework file. Never raises on bad input: every problem is a
    FileError with its line, and ``track`` is None when there is any."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    parts = split_front_matter(text)
    if parts is None:
        return ParsedFile(
            file,
            None,
            [
                FileError(
                    file,
                    1,
                    "the file must begin with YAML front matter between two "
                    "'---' lines",
                )
            ],
        )
    front, body, closing = parts
    reader = _Reader(file, offset=1)
    try:
        # _Loader is a SafeLoader: YAML's own types only, as safe_load.
        data = yaml.load(front, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line0 = mark.line if mark is not None else 0
        reader.error(line0, f"YAML: {error.problem or error}")
        return ParsedFile(file, None, reader.errors)
    except yaml.YAMLError as error:
        reader.error(0, f"YAML: {error}")
        return ParsedFile(file, None, reader.errors)
    if not isinstance(data, dict):
        reader.error(
            0, "the front matter must be a mapping of fields (title, levels, topics …)"
        )
        return ParsedFile(file, None, reader.errors)

    track = _read_track(reader, data, body, file, body_line0=closing)
    if reader.errors:
        return ParsedFile(file, None, reader.errors)
    return ParsedFile(file, track, [])


def _read_track(reader: _Reader, data, body: str, file: str, *, body_line0: int):
    key = reader.key(data, "key", limit=TRACK_KEY_MAX, what="key", required=False)
    if key is None and "key" not in data:
        key = file_key(file)
        if not SLUG.match(key) or len(key) > TRACK_KEY_MAX:
            reader.error(
                0,
                f"the file name {key!r} is no track key: name the track with "
                "'key:' (letters, digits, - or _)",
            )
    name = reader.text(
        data, "title", limit=limits.FRAMEWORK_NAME, required=True, what="title"
    )
    description = body.strip()
    if len(description) > limits.FRAMEWORK_DESCRIPTION:
        reader.errors.append(
            FileError(
                file,
                body_line0 + 2,
                f"the description below the front matter is {len(description)} "
                f"characters; at most {limits.FRAMEWORK_DESCRIPTION}",
            )
        )
    track = TrackFile(
        file=file,
        key=key or "",
        name=name or "",
        description=description,
        position=reader.number(data, "position"),
        lines={k: v + reader.offset + 1 for k, v in data.key_lines.items()},
    )
    track.levels = _read_levels(reader, data)
    track.areas = _read_areas(reader, data)
    track.competencies = _read_topics(reader, data, track.levels)
    return track


def _read_levels(reader: _Reader, data) -> list[LevelSpec]:
    value = data.get("levels")
    line = reader.line_of(data, "levels")
    if value is None:
        reader.error(line if "levels" in data else 0, "levels is missing")
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 50:
            reader.error(line, "levels must be between 1 and 50")
            return []
        return [
            LevelSpec(
                key=f"level-{rank}",
                name=f"Level {rank}",
                rank=rank,
                is_senior=rank >= SENIOR_FROM_RANK,
                line=line + reader.offset + 1,
            )
            for rank in range(1, value + 1)
        ]
    if not isinstance(value, list):
        reader.error(line, "levels must be a number or a list of levels")
        return []
    levels: list[LevelSpec] = []
    seen: set[str] = set()
    for item, item_line in reader.items(data, "levels", what="level"):
        key = reader.key(item, "key", limit=LEVEL_KEY_MAX, what="level key")
        name = reader.text(
            item, "name", limit=limits.FRAMEWORK_NAME, required=True, what="level name"
        )
        summary = reader.text(
            item, "summary", limit=limits.FRAMEWORK_DESCRIPTION, what="summary"
        )
        senior = reader.flag(item, "senior")
        if key is None or name is None:
            continue
        if key in seen:
            reader.error(item_line, f"level {key!r} is listed twice")
            continue
        seen.add(key)
        levels.append(
            LevelSpec(
                key=key,
                name=name,
                rank=len(levels) + 1,
                summary=summary or "",
                is_senior=bool(senior),
                line=item_line + reader.offset + 1,
            )
        )
    if not levels and not reader.errors:
        reader.error(line, "levels is empty: a track needs at least one level")
    return levels


def _read_areas(reader: _Reader, data) -> list[AreaSpec]:
    areas: list[AreaSpec] = []
    seen: set[str] = set()
    for item, item_line in reader.items(data, "areas", what="area"):
        key = reader.key(item, "key", limit=AREA_KEY_MAX, what="area key")
        name = reader.text(
            item, "title", limit=limits.FRAMEWORK_NAME, required=True, what="area title"
        )
        description = reader.text(
            item, "description", limit=limits.FRAMEWORK_DESCRIPTION
        )
        position = reader.number(item, "position")
        if key is None or name is None:
            continue
        if key in seen:
            reader.error(item_line, f"area {key!r} is listed twice")
            continue
        seen.add(key)
        areas.append(
            AreaSpec(
                key=key,
                name=name,
                description=description or "",
                position=position,
                line=item_line + reader.offset + 1,
            )
        )
    return areas


def _read_topics(
    reader: _Reader, data, levels: list[LevelSpec]
) -> list[CompetencySpec]:
    by_key = {level.key: level for level in levels}
    by_rank = {level.rank: level for level in levels}
    competencies: list[CompetencySpec] = []
    seen: set[str] = set()
    if "topics" not in data:
        reader.error(0, "topics is missing: list the competencies under 'topics:'")
    for item, item_line in reader.items(data, "topics", what="topic"):
        key = reader.key(item, "name", limit=COMPETENCY_KEY_MAX, what="topic name")
        spec = CompetencySpec(
            key=key or "",
            name=reader.text(item, "title", limit=limits.COMPETENCY_NAME),
            kind=reader.text(item, "kind", limit=20) or None,
            area=reader.key(
                item, "area", limit=AREA_KEY_MAX, what="area", required=False
            ),
            description=reader.text(
                item, "description", limit=limits.COMPETENCY_DESCRIPTION
            ),
            position=reader.number(item, "position"),
            counts_mentoring=reader.flag(item, "counts_mentoring"),
            retired=reader.flag(item, "retired"),
            line=item_line + reader.offset + 1,
            lines={k: v + reader.offset + 1 for k, v in item.key_lines.items()},
        )
        if spec.kind is not None and spec.kind not in KINDS:
            reader.error(
                reader.line_of(item, "kind"),
                f"kind {spec.kind!r} is neither technical nor interpersonal",
            )
        if key is None:
            continue
        if key in seen:
            reader.error(item_line, f"topic {key!r} is listed twice")
            continue
        seen.add(key)
        spec.expectations = _read_content(reader, item, key, levels, by_key, by_rank)
        competencies.append(spec)
    return competencies


def _read_content(reader, topic, key, levels, by_key, by_rank) -> list[ExpectationSpec]:
    expectations: list[ExpectationSpec] = []
    seen: set[str] = set()
    for entry, entry_line in reader.items(topic, "content", what="level's criteria"):
        raw = entry.get("level")
        line = reader.line_of(entry, "level")
        level = None
        if raw is None:
            reader.error(entry_line, "level is missing")
        elif isinstance(raw, int) and not isinstance(raw, bool):
            level = by_rank.get(raw)
            if level is None:
                reader.error(
                    line,
                    f"level {raw} is not one of the {len(levels)} level"
                    f"{'' if len(levels) == 1 else 's'}",
                )
        else:
            level = by_key.get(str(raw).strip())
            if level is None:
                reader.error(
                    line,
                    f"level {str(raw)!r} is not one of the levels: "
                    + ", ".join(level.key for level in levels),
                )
        criteria = [
            text for text, _ in reader.strings(entry, "criteria", what="criteria")
        ]
        examples = [
            text for text, _ in reader.strings(entry, "examples", what="examples")
        ]
        # Monzo's criteria that come with their own examples.
        for extra, extra_line in reader.items(
            entry, "exampleCriteria", what="criterion"
        ):
            text = reader.text(extra, "criteria", limit=limits.EXPECTATION_STATEMENT)
            if text:
                criteria.append(text)
            examples += [
                t for t, _ in reader.strings(extra, "examples", what="examples")
            ]
            del extra_line
        if not criteria:
            reader.error(entry_line, f"topic {key!r}: a level without criteria")
            continue
        if level is None:
            continue
        if level.key in seen:
            reader.error(line, f"topic {key!r} has level {level.key!r} twice")
            continue
        seen.add(level.key)
        statement = join_criteria(criteria)
        lines = [part.strip() for example in examples for part in example.split("\n")]
        lines = [example for example in lines if example]
        if len(statement) > limits.EXPECTATION_STATEMENT:
            reader.error(
                entry_line,
                f"the criteria are {len(statement)} characters together; at most "
                f"{limits.EXPECTATION_STATEMENT}",
            )
        if len("\n".join(lines)) > limits.EXPECTATION_EXAMPLES:
            reader.error(
                entry_line,
                f"the examples are {len(chr(10).join(lines))} characters together; "
                f"at most {limits.EXPECTATION_EXAMPLES}",
            )
        expectations.append(
            ExpectationSpec(
                level=level.key,
                statement=statement,
                examples=tuple(lines),
                line=entry_line + reader.offset + 1,
            )
        )
    rank = {level.key: level.rank for level in levels}
    expectations.sort(key=lambda e: rank[e.level])
    return expectations


# --- writing -------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Lists indented under their key, as Monzo's files are.
        return super().increase_indent(flow, False)


def write_framework(track: TrackFile) -> str:
    """The file for ``track``: every field written, so it reads back the same."""
    front = {
        "key": track.key,
        "title": track.name,
        "position": track.position or 0,
        "levels": [
            {
                "key": level.key,
                "name": level.name,
                "summary": level.summary,
                "senior": level.is_senior,
            }
            for level in track.levels
        ],
        "areas": [
            {
                "key": area.key,
                "title": area.name,
                "description": area.description,
                "position": area.position or 0,
            }
            for area in track.areas
        ],
        "topics": [_topic(competency) for competency in track.competencies],
    }
    text = yaml.dump(
        front,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,  # one line per criterion or example, as Monzo writes them
    )
    body = f"\n{track.description.strip()}\n" if track.description.strip() else ""
    return f"---\n{text}---\n{body}"


def _topic(competency: CompetencySpec) -> dict:
    topic = {"name": competency.key, "title": competency.name}
    topic["kind"] = competency.kind
    topic["area"] = competency.area or ""  # empty: in no area
    topic["position"] = competency.position or 0
    topic["counts_mentoring"] = bool(competency.counts_mentoring)
    if competency.retired:
        topic["retired"] = True
    topic["description"] = competency.description or ""
    topic["content"] = []
    for expectation in competency.expectations:
        entry = {"level": expectation.level, "criteria": [expectation.statement]}
        if expectation.examples:
            entry["examples"] = list(expectation.examples)
        topic["content"].append(entry)
    return topic
