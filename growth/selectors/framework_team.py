"""The manager's view of the career framework: their direct reports against
the competencies of each one's level, and counts for everyone else.

A cell is the rating of a competency in the latest *shared* manager
assessment against the report's current level ("meets" is what the level
expects): after a promotion, a rating against the level they left says
nothing of the new one, so the cells read "not assessed" until the manager
assesses them against it. And whether the evidence is missing: no shared
feedback on that competency in ``EVIDENCE_WINDOW``. Per report: their level
and since when, the dates of the last shared self and manager assessments
(against whatever level), and the manager's own readiness summary for the
next level, shared or not. Indirect reports are counts only, as on the team
dashboard.

A fixed number of queries, however many reports and competencies.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from growth.models import (
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Competency,
    Engineer,
    FeedbackNote,
    Rating,
    Readiness,
    ReadinessStatus,
    Visibility,
)
from growth.models.framework import Expectation, Level, Track
from growth.policy import Access

# No shared feedback on a competency for this long: its evidence is missing.
EVIDENCE_WINDOW = datetime.timedelta(days=182)
# An assessment shared within this long counts as recent (coach and indirect counts).
RECENT_ASSESSMENT = datetime.timedelta(days=180)

NOT_ASSESSED = "not_assessed"
# The words and badge of each cell state; the word always shows, the colour repeats it.
STATES = {
    Rating.BELOW: ("Below", "text-bg-warning"),
    Rating.MEETS: ("Meets", "text-bg-success"),
    Rating.EXCEEDS: ("Exceeds", "text-bg-primary"),
    NOT_ASSESSED: ("Not assessed", "text-bg-light border"),
}


class CompetencyRef(NamedTuple):
    """A competency as the page names and links it."""

    pk: int
    key: str
    name: str


class LevelRef(NamedTuple):
    """A level as the page names it."""

    pk: int
    track_id: int
    name: str
    track_name: str


class ReadinessMark(NamedTuple):
    """The manager's readiness summary, without its words: its status and
    whether it is shared."""

    status: str
    shared_at: datetime.datetime | None

    @property
    def label(self) -> str:
        return ReadinessStatus(self.status).label


class Cell(NamedTuple):
    competency: CompetencyRef
    rating: str  # a Rating value, or NOT_ASSESSED
    evidence_missing: bool

    @property
    def word(self) -> str:
        return STATES[self.rating][0]

    @property
    def badge(self) -> str:
        return STATES[self.rating][1]

    @property
    def expected(self) -> bool:
        return self.rating in (Rating.MEETS, Rating.EXCEEDS)


@dataclass
class ReportRow:
    engineer: Engineer
    level: LevelRef | None = None
    next_level: LevelRef | None = None
    last_self_at: datetime.datetime | None = None
    last_manager_at: datetime.datetime | None = None
    readiness: ReadinessMark | None = None
    cells: list[Cell] = field(default_factory=list)

    def _count(self, rating: str) -> int:
        return sum(1 for cell in self.cells if cell.rating == rating)

    @property
    def below(self) -> int:
        return self._count(Rating.BELOW)

    @property
    def meets(self) -> int:
        return self._count(Rating.MEETS)

    @property
    def exceeds(self) -> int:
        return self._count(Rating.EXCEEDS)

    @property
    def not_assessed(self) -> int:
        return self._count(NOT_ASSESSED)

    @property
    def evidence_missing(self) -> int:
        return sum(1 for cell in self.cells if cell.evidence_missing)

    @property
    def ready(self) -> bool:
        return (
            self.readiness is not None
            and self.readiness.status == ReadinessStatus.READY
        )


@dataclass(frozen=True)
class IndirectCounts:
    """Everyone below the viewer's direct reports: numbers only."""

    people: int
    manager_assessed: int
    self_assessed: int


@dataclass
class TeamFramework:
    rows: list[ReportRow]
    indirect: IndirectCounts | None

    @property
    def ready(self) -> list[ReportRow]:
        """Who is ready to move, in the manager's own words (status only)."""
        return [row for row in self.rows if row.ready]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def competencies_by_level() -> dict[int, list[CompetencyRef]]:
    """The active competencies each level expects (the ones with an
    expectation at it), in framework order; a level with none expects none,
    as the engineer's own page shows it. One query, the competencies joined
    to their expectations, in plain SQL: the ORM took longer to build it
    than the database to run it.
    """
    expected: dict[int, list[CompetencyRef]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT c.id, c."key", c.name, e.level_id FROM {_table(Competency)} c'
            f" JOIN {_table(Expectation)} e ON e.competency_id = c.id"
            " WHERE c.is_active ORDER BY c.position, c.kind, c.name, c.id"
        )
        refs: dict[int, CompetencyRef] = {}
        for pk, key, name, level in cursor.fetchall():
            ref = refs.get(pk)
            if ref is None:
                ref = refs[pk] = CompetencyRef(pk, key, name)
            expected[level].append(ref)
    return expected


def _levels() -> tuple[dict[int, LevelRef], dict[int, LevelRef | None]]:
    """Every level with its track's name, and each one's next rung on its
    track: one query in plain SQL, as above (a framework has tens of levels,
    whatever the headcount)."""
    levels: dict[int, LevelRef] = {}
    following: dict[int, LevelRef | None] = {}
    previous = None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.id, l.track_id, l.name, t.name FROM {_table(Level)} l"
            f" JOIN {_table(Track)} t ON t.id = l.track_id"
            " ORDER BY l.track_id, l.rank"
        )
        for pk, track, name, track_name in cursor.fetchall():
            level = levels[pk] = LevelRef(pk, track, name, track_name)
            following[pk] = None
            if previous is not None and previous.track_id == track:
                following[previous.pk] = level
            previous = level
    return levels, following


class Latest(NamedTuple):
    """The latest shared assessments of the direct reports."""

    # (engineer, role) → (id, sharing time), against whatever level.
    any_level: dict[tuple[int, str], tuple[int, datetime.datetime]]
    # engineer → the id of the latest shared manager assessment against the
    # level they hold now.
    manager_now: dict[int, int]


def _latest_shared(access: Access, levels: dict[int, int | None]) -> Latest:
    """The latest shared assessment of each direct report, per role; and the
    latest shared manager one against each report's level (``levels``:
    engineer id → level id)."""
    latest = Latest({}, {})
    shared = Assessment.objects.visible_to(access).filter(
        engineer_id__in=access.report_ids, shared_at__isnull=False
    )
    for pk, engineer, role, level, shared_at in shared.order_by(
        "-shared_at", "-pk"
    ).values_list("pk", "engineer_id", "role", "level_id", "shared_at"):
        latest.any_level.setdefault((engineer, role), (pk, shared_at))
        if role == AssessmentRole.MANAGER and level == levels.get(engineer):
            latest.manager_now.setdefault(engineer, pk)
    return latest


def team_framework(access: Access, *, now: datetime.datetime) -> TeamFramework:
    """The viewer's direct reports against their levels' competencies: seven
    queries (eight with the indirect counts), however many reports,
    competencies and assessments."""
    reports = list(
        Engineer.objects.active()
        .filter(pk__in=access.report_ids - access.own_ids)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )
    levels: dict[int, LevelRef] = {}
    next_levels: dict[int, LevelRef | None] = {}
    expected: dict[int, list[CompetencyRef]] = {}
    if any(e.level_id for e in reports):
        levels, next_levels = _levels()
        expected = competencies_by_level()
    ids = [e.pk for e in reports]

    latest = (
        _latest_shared(access, {e.pk: e.level_id for e in reports})
        if ids
        else Latest({}, {})
    )
    ratings: dict[tuple[int, int], str] = {
        (assessment, competency): rating
        for assessment, competency, rating in AssessmentRating.objects.filter(
            assessment_id__in=list(latest.manager_now.values())
        )
        # Unordered: one rating a competency, and the default order's join
        # to the competencies is work for nothing here.
        .order_by()
        .values_list("assessment_id", "competency_id", "rating")
    }
    evidenced = set(
        FeedbackNote.objects.visible_to(access)
        .filter(
            engineer_id__in=ids,
            visibility=Visibility.SHARED,
            competency__isnull=False,
            created_at__gte=now - EVIDENCE_WINDOW,
        )
        .order_by()
        .values_list("engineer_id", "competency_id")
        .distinct()
    )
    readiness = {
        (engineer, level): ReadinessMark(status, shared_at)
        for engineer, level, status, shared_at in Readiness.objects.visible_to(access)
        .filter(engineer_id__in=ids)
        .order_by()  # one a level
        .values_list("engineer_id", "level_id", "status", "shared_at")
    }

    rows = []
    for engineer in reports:
        row = ReportRow(engineer=engineer)
        manager = latest.any_level.get((engineer.pk, AssessmentRole.MANAGER))
        own = latest.any_level.get((engineer.pk, AssessmentRole.SELF))
        row.last_manager_at = manager[1] if manager else None
        row.last_self_at = own[1] if own else None
        if engineer.level_id:
            row.level = levels[engineer.level_id]
            row.next_level = next_levels[engineer.level_id]
            if row.next_level is not None:
                row.readiness = readiness.get((engineer.pk, row.next_level.pk))
            assessment = latest.manager_now.get(engineer.pk)
            row.cells = [
                Cell(
                    competency=competency,
                    rating=ratings.get((assessment, competency.pk), NOT_ASSESSED),
                    evidence_missing=(engineer.pk, competency.pk) not in evidenced,
                )
                for competency in expected.get(engineer.level_id, [])
            ]
        rows.append(row)
    return TeamFramework(
        rows=rows,
        indirect=indirect_counts(access, now=now) if access.manages_managers else None,
    )


def _recently_shared(role: str, now: datetime.datetime) -> Exists:
    return Exists(
        Assessment.objects.shared().filter(
            engineer=OuterRef("pk"),
            role=role,
            shared_at__gte=now - RECENT_ASSESSMENT,
        )
    )


def _with_recent_assessments(qs: QuerySet, now: datetime.datetime) -> QuerySet:
    return qs.annotate(
        manager_assessed=_recently_shared(AssessmentRole.MANAGER, now),
        self_assessed=_recently_shared(AssessmentRole.SELF, now),
    )


def indirect_counts(access: Access, *, now: datetime.datetime) -> IndirectCounts:
    """How many of the viewer's indirect reports have an assessment shared in
    the last ``RECENT_ASSESSMENT``, by either side: one query, counts only."""
    flags = list(
        _with_recent_assessments(
            Engineer.objects.active().filter(
                pk__in=access.indirect_report_ids - access.report_ids - access.own_ids
            ),
            now,
        ).values_list("manager_assessed", "self_assessed")
    )
    return IndirectCounts(
        people=len(flags),
        manager_assessed=sum(1 for manager, _ in flags if manager),
        self_assessed=sum(1 for _, own in flags if own),
    )


@dataclass(frozen=True)
class CoachedAssessments:
    """For a mentor coach: how many of the mentors they coach have a shared
    assessment (either side) within ``RECENT_ASSESSMENT``."""

    mentors: int
    assessed: int


def coached_assessments(
    access: Access, *, now: datetime.datetime
) -> CoachedAssessments:
    """Counts only, never a rating or a name beside it: one query."""
    flags = list(
        _with_recent_assessments(
            Engineer.objects.filter(pk__in=access.coached_mentor_ids), now
        ).values_list("manager_assessed", "self_assessed")
    )
    return CoachedAssessments(
        mentors=len(flags),
        assessed=sum(1 for manager, own in flags if manager or own),
    )
