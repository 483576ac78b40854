"""Import a framework from files and export it back (growth.framework.files).

``framework_import_plan`` reads the files and says what would change, with
every error by file and line; ``framework_import_apply`` writes a plan with no
errors in one transaction. Everything is matched by key: a track's, a level's
within its track, an area's, a competency's, and (competency, level) for an
expectation. A competency that leaves every track is deleted only if nothing
points at it; feedback, goals, requests, learning or ratings on it keep it,
retired. A level someone holds (or was assessed at) is never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from growth.framework.files import (
    AreaSpec,
    CompetencySpec,
    ExpectationSpec,
    FileError,
    LevelSpec,
    TrackFile,
    parse_framework,
    write_framework,
)
from growth.models import (
    Competency,
    CompetencyArea,
    CompetencyKind,
    Expectation,
    Level,
    Track,
)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
RETIRE, DELETE = "retire", "delete"
KINDS = ("track", "level", "area", "competency", "expectation")
CHANGE_REASON = "Framework import"
# The default framework, as files: the data migration loads them.
DEFAULT_DIR = Path(__file__).resolve().parent / "default"


@dataclass(frozen=True)
class Change:
    """One row the import creates, updates, leaves, retires or deletes."""

    kind: str
    key: str
    action: str
    fields: tuple[str, ...] = ()

    def __str__(self):
        verb = {
            CREATE: "create",
            UPDATE: "update",
            RETIRE: "retire",
            DELETE: "delete",
            UNCHANGED: "leave",
        }[self.action]
        text = f"{verb} {self.kind} {self.key}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        return text


class FrameworkImportError(Exception):
    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


@dataclass
class FrameworkPlan:
    """What importing ``files`` would do; nothing is written while planning."""

    files: list[tuple[str, str]]
    tracks: list[TrackFile] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # What apply writes, by model: new objects, and changed ones with fields.
    creates: dict = field(default_factory=lambda: defaultdict(list), repr=False)
    updates: dict = field(default_factory=lambda: defaultdict(dict), repr=False)
    deletes: dict = field(default_factory=lambda: defaultdict(list), repr=False)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def error_lines(self) -> list[str]:
        return [str(error) for error in self.errors]

    @property
    def totals(self) -> dict[str, dict[str, int]]:
        totals = {kind: defaultdict(int) for kind in KINDS}
        for change in self.changes:
            totals[change.kind][change.action] += 1
        return totals

    def summary_lines(self, *, done: bool = False) -> list[str]:
        """One line per kind: "Competencies: 2 to create, 1 to update, …",
        or once ``done``, "Competencies: 2 created, 1 updated, …"."""
        labels = {
            "track": "Tracks",
            "level": "Levels",
            "area": "Areas",
            "competency": "Competencies",
            "expectation": "Expectations",
        }
        words = {
            CREATE: "created" if done else "to create",
            UPDATE: "updated" if done else "to update",
            RETIRE: "retired" if done else "to retire",
            DELETE: "deleted" if done else "to delete",
        }
        totals = self.totals
        lines = []
        for kind in KINDS:
            counts = totals[kind]
            parts = [
                f"{counts[CREATE]} {words[CREATE]}",
                f"{counts[UPDATE]} {words[UPDATE]}",
                f"{counts[UNCHANGED]} unchanged",
            ]
            if kind == "competency":
                parts.append(f"{counts[RETIRE]} {words[RETIRE]}")
            if kind in ("level", "competency", "expectation"):
                parts.append(f"{counts[DELETE]} {words[DELETE]}")
            lines.append(f"{labels[kind]}: {', '.join(parts)}.")
        return lines

    @property
    def changed(self) -> list[Change]:
        return [change for change in self.changes if change.action != UNCHANGED]

    @property
    def is_noop(self) -> bool:
        return not self.changed


def _text_files(files) -> list[tuple[str, str]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def framework_import_plan(files) -> FrameworkPlan:
    """Read ``files`` — (file name, text) pairs, or a dict — and plan the
    import. The plan lists every error; a plan with errors writes nothing."""
    plan = FrameworkPlan(files=_text_files(files))
    parsed = [parse_framework(text, file=name) for name, text in plan.files]
    plan.errors = [error for result in parsed for error in result.errors]
    plan.tracks = [result.track for result in parsed if result.track is not None]
    areas, competencies = _merge(plan)
    if plan.errors:
        return plan
    _Planner(plan, areas, competencies).run()
    return plan


def _merge(plan) -> tuple[dict[str, AreaSpec], dict[str, tuple[CompetencySpec, str]]]:
    """Areas and competencies across the files: one may appear in several
    files, but must say the same in each."""
    seen_tracks: dict[str, str] = {}
    areas: dict[str, tuple[AreaSpec, str]] = {}
    competencies: dict[str, tuple[CompetencySpec, str]] = {}
    for track in plan.tracks:
        if track.key in seen_tracks:
            plan.errors.append(
                FileError(
                    track.file,
                    track.lines.get("key", 1),
                    f"track {track.key!r} is also in {seen_tracks[track.key]}",
                )
            )
        seen_tracks.setdefault(track.key, track.file)
        for area in track.areas:
            if area.key not in areas:
                areas[area.key] = (area, track.file)
                continue
            first, where = areas[area.key]
            for name in ("name", "description", "position"):
                mine, theirs = getattr(area, name), getattr(first, name)
                if mine is not None and theirs is not None and mine != theirs:
                    plan.errors.append(
                        FileError(
                            track.file,
                            area.line,
                            f"area {area.key!r}: its {name} differs from {where}",
                        )
                    )
        for spec in track.competencies:
            if spec.key not in competencies:
                competencies[spec.key] = (spec, track.file)
                continue
            first, where = competencies[spec.key]
            for name in (
                "name",
                "kind",
                "area",
                "description",
                "position",
                "counts_mentoring",
            ):
                mine, theirs = getattr(spec, name), getattr(first, name)
                if mine is not None and theirs is not None and mine != theirs:
                    label = {"name": "title"}.get(name, name)
                    plan.errors.append(
                        FileError(
                            track.file,
                            spec.lines.get(label, spec.line),
                            f"topic {spec.key!r}: its {label} differs from {where}",
                        )
                    )
    return {key: area for key, (area, _) in areas.items()}, competencies


def referenced(model, ids, *, skip=()) -> set[int]:
    """The ids among ``ids`` that a row of another model points at, now or in
    its history (a person's past level counts), ``skip`` and their histories
    aside: one query per relation. Relations named ``+`` count too: a
    learning session's competency is one."""
    if not ids:
        return set()
    skipped = set(skip) | {m.history.model for m in skip if hasattr(m, "history")}
    found: set[int] = set()
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if relation.related_model in skipped or relation.many_to_many:
            continue
        name = relation.field.name
        rows = relation.related_model._base_manager.filter(**{f"{name}__in": ids})
        found.update(rows.values_list(name, flat=True).distinct())
    return found


def _diff(obj, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


class _Planner:
    def __init__(self, plan: FrameworkPlan, areas, competencies):
        self.plan = plan
        self.area_specs = areas
        self.competency_specs = competencies
        keys = [track.key for track in plan.tracks]
        self.tracks = {t.key: t for t in Track.objects.filter(key__in=keys)}
        self.levels = defaultdict(dict)
        for level in Level.objects.filter(track__key__in=keys).select_related("track"):
            self.levels[level.track.key][level.key] = level
        self.areas = {area.key: area for area in CompetencyArea.objects.all()}
        self.competencies = {c.key: c for c in Competency.objects.all()}
        self.expectations = {}
        for expectation in Expectation.objects.filter(
            level__track__key__in=keys
        ).select_related("level__track", "competency"):
            key = (
                expectation.level.track.key,
                expectation.level.key,
                expectation.competency.key,
            )
            self.expectations[key] = expectation

    def error(self, file, line, message):
        self.plan.errors.append(FileError(file, line, message))

    def change(self, kind, key, action, fields=()):
        self.plan.changes.append(Change(kind, key, action, tuple(fields)))

    def save(self, kind, key, obj, values: dict):
        """Plan ``obj`` with ``values``: create if unsaved, else update what differs."""
        model = type(obj)
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            self.plan.creates[model].append(obj)
            self.change(kind, key, CREATE)
            return
        changed = _diff(obj, values)
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            self.plan.updates[model].setdefault(obj, set()).update(changed)
        self.change(kind, key, UPDATE if changed else UNCHANGED, changed)

    def run(self):
        self.plan_tracks()
        self.plan_areas()
        self.plan_competencies()
        if self.plan.errors:
            return
        self.plan_levels()
        self.plan_expectations()

    def plan_tracks(self):
        names = {
            t.name: t
            for t in Track.objects.filter(
                name__in=[track.name for track in self.plan.tracks]
            )
        }
        position = Track.objects.count()
        for spec in self.plan.tracks:
            other = names.get(spec.name)
            if other is not None and other.key != spec.key:
                self.error(
                    spec.file,
                    spec.lines.get("title", 1),
                    f"the title {spec.name!r} is the name of track {other.key!r}",
                )
                continue
            track = self.tracks.get(spec.key) or Track(key=spec.key)
            values = {"name": spec.name, "description": spec.description}
            if spec.position is not None:
                values["position"] = spec.position
            elif track.pk is None:
                values["position"] = position
                position += 1
            if track.pk is not None and not track.is_active:
                values["is_active"] = True
            self.tracks[spec.key] = track
            names[spec.name] = track  # taken for the rest of the upload too
            self.save("track", spec.key, track, values)

    def plan_areas(self):
        by_name = {area.name: area.key for area in self.areas.values()}
        for index, spec in enumerate(self.area_specs.values()):
            owner = by_name.get(spec.name)
            if owner is not None and owner != spec.key:
                self.error(
                    self._file_of_area(spec.key),
                    spec.line,
                    f"area title {spec.name!r} is the name of area {owner!r}",
                )
                continue
            area = self.areas.get(spec.key) or CompetencyArea(key=spec.key)
            values = {"name": spec.name, "description": spec.description}
            if spec.position is not None:
                values["position"] = spec.position
            elif area.pk is None:
                values["position"] = index
            self.areas[spec.key] = area
            by_name[spec.name] = spec.key  # taken for the rest of the upload too
            self.save("area", spec.key, area, values)

    def _file_of_area(self, key):
        return next(t.file for t in self.plan.tracks for a in t.areas if a.key == key)

    def plan_competencies(self):
        names = {c.name: c.key for c in self.competencies.values()}
        planned_names: dict[str, str] = {}
        for spec, file in self.competency_specs.values():
            competency = self.competencies.get(spec.key) or Competency(key=spec.key)
            new = competency.pk is None
            name = spec.name or (
                competency.name if not new else spec.key.replace("-", " ").capitalize()
            )
            owner = planned_names.get(name) or names.get(name)
            if owner is not None and owner != spec.key:
                self.error(
                    file,
                    spec.lines.get("title", spec.line),
                    f"topic {spec.key!r}: the title {name!r} is the name of "
                    f"competency {owner!r}",
                )
                continue
            planned_names[name] = spec.key
            if spec.area and spec.area not in self.areas:
                self.error(
                    file,
                    spec.lines.get("area", spec.line),
                    f"topic {spec.key!r}: area {spec.area!r} is neither listed under "
                    "'areas:' nor already known",
                )
                continue
            values = {"name": name, "is_active": not spec.retired}
            given = {
                "kind": spec.kind,
                "description": spec.description,
                "position": spec.position,
                "counts_mentoring": spec.counts_mentoring,
            }
            if spec.area is not None:
                values["area"] = self.areas[spec.area] if spec.area else None
            for attr, value in given.items():
                if value is not None:
                    values[attr] = value
            if new:
                values.setdefault("kind", CompetencyKind.TECHNICAL)
                values.setdefault("position", self._position_in_file(spec.key))
            self.competencies[spec.key] = competency
            self.save("competency", spec.key, competency, values)

    def _position_in_file(self, key):
        for track in self.plan.tracks:
            for index, spec in enumerate(track.competencies):
                if spec.key == key:
                    return index
        return 0

    def plan_levels(self):
        dropped: list[tuple[TrackFile, Level]] = []
        for spec in self.plan.tracks:
            track = self.tracks[spec.key]
            existing = self.levels[spec.key]
            wanted = {level.key for level in spec.levels}
            for level_spec in spec.levels:
                level = existing.get(level_spec.key) or Level(
                    track=track, key=level_spec.key
                )
                self.levels[spec.key][level_spec.key] = level
                self.save(
                    "level",
                    f"{spec.key}/{level_spec.key}",
                    level,
                    {
                        "name": level_spec.name,
                        "rank": level_spec.rank,
                        "summary": level_spec.summary,
                        "is_senior": level_spec.is_senior,
                    },
                )
            dropped += [
                (spec, level) for key, level in existing.items() if key not in wanted
            ]
        held = referenced(Level, [level.pk for _, level in dropped], skip={Expectation})
        for spec, level in dropped:
            if level.pk in held:
                self.error(
                    spec.file,
                    spec.lines.get("levels", 1),
                    f"level {level.key!r} is left out, but people hold it, held "
                    "it, or were assessed at it: keep it in the file",
                )
                continue
            self.plan.deletes[Level].append(level)
            self.change("level", f"{spec.key}/{level.key}", DELETE)

    def plan_expectations(self):
        kept = set()
        for track in self.plan.tracks:
            for spec in track.competencies:
                for expectation_spec in spec.expectations:
                    key = (track.key, expectation_spec.level, spec.key)
                    kept.add(key)
                    self._plan_expectation(key, spec, expectation_spec)
        dropped_levels = {level.pk for level in self.plan.deletes[Level]}
        leaving = defaultdict(list)
        for key, expectation in self.expectations.items():
            if key in kept:
                continue
            leaving[expectation.competency_id].append(key)
            if expectation.level_id not in dropped_levels:
                self.plan.deletes[Expectation].append(expectation)
            self.change("expectation", "/".join(key), DELETE)
        self._plan_leaving_competencies(leaving)

    def _plan_expectation(self, key, spec: CompetencySpec, e: ExpectationSpec):
        track_key, level_key, competency_key = key
        expectation = self.expectations.get(key) or Expectation(
            level=self.levels[track_key][level_key],
            competency=self.competencies[competency_key],
        )
        self.save(
            "expectation",
            "/".join(key),
            expectation,
            {"statement": e.statement, "examples": "\n".join(e.examples)},
        )

    def _plan_leaving_competencies(self, leaving):
        """Competencies whose last expectation the import removes, and that no
        file lists: deleted, or retired if anything points at them."""
        in_files = {self.competencies[key].pk for key in self.competency_specs}
        candidates = [pk for pk in leaving if pk not in in_files]
        if not candidates:
            return
        track_keys = [track.key for track in self.plan.tracks]
        elsewhere = set(
            Expectation.objects.filter(competency_id__in=candidates)
            .exclude(level__track__key__in=track_keys)
            .values_list("competency_id", flat=True)
        )
        candidates = [pk for pk in candidates if pk not in elsewhere]
        used = referenced(Competency, candidates, skip={Expectation})
        by_pk = {c.pk: c for c in self.competencies.values() if c.pk}
        for pk in candidates:
            competency = by_pk[pk]
            if pk in used:
                if competency.is_active:
                    competency.is_active = False
                    self.plan.updates[Competency].setdefault(competency, set()).add(
                        "is_active"
                    )
                    self.change("competency", competency.key, RETIRE)
            else:
                self.plan.deletes[Competency].append(competency)
                self.change("competency", competency.key, DELETE)


def framework_import_apply(plan: FrameworkPlan, *, by=None) -> FrameworkPlan:
    """Import ``plan``'s files in one transaction, planned afresh inside it
    (the framework may have changed since the preview); raise
    FrameworkImportError, writing nothing, if it no longer applies."""
    with transaction.atomic():
        plan = framework_import_plan(plan.files)
        if plan.has_errors:
            raise FrameworkImportError(plan.errors)
        _write(plan, by=by)
    return plan


def _write(plan: FrameworkPlan, *, by) -> None:
    history = {"default_user": by, "default_change_reason": CHANGE_REASON}
    for expectation in plan.deletes[Expectation]:
        expectation.delete()
    for level in plan.deletes[Level]:
        level.delete()
    for competency in plan.deletes[Competency]:
        competency.delete()
    # Parents before children: a new level needs its track's id.
    for model in (Track, CompetencyArea, Competency):
        _bulk(plan, model, history)
    # Ranks are unique within a track: move the levels that change rank out
    # of the way first, so a reordering never meets itself half done.
    moving = [
        level.pk for level, fields in plan.updates[Level].items() if "rank" in fields
    ]
    if moving:
        Level.objects.filter(pk__in=moving).update(rank=F("rank") + 10_000)
    _bulk(plan, Level, history)
    _bulk(plan, Expectation, history)


def _bulk(plan, model, history) -> None:
    updates = plan.updates[model]
    if updates:
        fields = sorted(set().union(*updates.values()))
        bulk_update_with_history(list(updates), model, fields, **history)
    if plan.creates[model]:
        bulk_create_with_history(plan.creates[model], model, **history)


# --- export ------------------------------------------------------------------------


def framework_track_file(track: Track) -> TrackFile:
    """``track`` as a framework file's data: its levels, and the competencies
    with an expectation at one of them, each with its area."""
    levels = list(track.levels.order_by("rank"))
    rank = {level.pk: level for level in levels}
    expectations = Expectation.objects.filter(level__track=track).select_related(
        "competency__area"
    )
    by_competency: dict[int, list[Expectation]] = defaultdict(list)
    competencies = {}
    for expectation in expectations:
        by_competency[expectation.competency_id].append(expectation)
        competencies[expectation.competency_id] = expectation.competency
    ordered = sorted(competencies.values(), key=lambda c: (c.position, c.name, c.key))
    areas = {c.area.key: c.area for c in ordered if c.area is not None}
    return TrackFile(
        file=f"{track.key}.md",
        key=track.key,
        name=track.name,
        description=track.description,
        position=track.position,
        levels=[
            LevelSpec(
                key=level.key,
                name=level.name,
                rank=level.rank,
                summary=level.summary,
                is_senior=level.is_senior,
            )
            for level in levels
        ],
        areas=[
            AreaSpec(
                key=area.key,
                name=area.name,
                description=area.description,
                position=area.position,
            )
            for area in sorted(areas.values(), key=lambda a: (a.position, a.name))
        ],
        competencies=[
            CompetencySpec(
                key=competency.key,
                name=competency.name,
                kind=competency.kind,
                area=competency.area.key if competency.area else None,
                description=competency.description,
                position=competency.position,
                counts_mentoring=competency.counts_mentoring,
                retired=True if not competency.is_active else None,
                expectations=[
                    ExpectationSpec(
                        level=rank[e.level_id].key,
                        statement=e.statement,
                        examples=tuple(e.example_lines),
                    )
                    for e in sorted(
                        by_competency[competency.pk],
                        key=lambda e: rank[e.level_id].rank,
                    )
                ],
            )
            for competency in ordered
        ],
    )


def framework_export(track: Track) -> str:
    """The framework file of ``track``, which imports back to the same data."""
    return write_framework(framework_track_file(track))
