"""The manager's view of the career framework: their direct reports against
the competencies of each one's level, and counts for everyone else.

A cell is the latest *shared* manager assessment's rating of a competency
("meets" is what the level expects), and whether the evidence is missing: no
shared feedback on that competency in ``EVIDENCE_WINDOW``. Per report: their
level and since when, the dates of the last shared self and manager
assessments, and the manager's own readiness summary for the next level,
shared or not. Indirect reports are counts only, as on the team dashboard.

A fixed number of queries, however many reports and competencies.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

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
from growth.models.framework import Expectation, Level
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


@dataclass(frozen=True)
class Cell:
    competency: Competency
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
    next_level: Level | None = None
    last_self_at: datetime.datetime | None = None
    last_manager_at: datetime.datetime | None = None
    readiness: Readiness | None = None
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


def competencies_by_level(levels: set[int]) -> dict[int, list[Competency]]:
    """The active competencies each level expects (those with an expectation at
    it), in framework order; a level with none expects every active
    competency, as before the framework had expectations. Two queries."""
    expected: dict[int, list[Competency]] = defaultdict(list)
    for row in (
        Expectation.objects.filter(level_id__in=levels, competency__is_active=True)
        .select_related("competency")
        .order_by("competency__position", "competency__kind", "competency__name")
    ):
        expected[row.level_id].append(row.competency)
    everything = list(
        Competency.objects.filter(is_active=True).order_by("position", "kind", "name")
    )
    return {level: expected.get(level) or everything for level in levels}


def _next_levels(levels: list[Level]) -> dict[int, Level | None]:
    """Each level's next rung on its track: one query for all of them."""
    tracks = {level.track_id for level in levels}
    rungs: dict[int, list[Level]] = defaultdict(list)
    for level in Level.objects.filter(track_id__in=tracks).order_by("rank"):
        rungs[level.track_id].append(level)
    return {
        level.pk: next((r for r in rungs[level.track_id] if r.rank > level.rank), None)
        for level in levels
    }


def _latest_shared(access: Access) -> dict[tuple[int, str], Assessment]:
    """The latest shared assessment of each direct report, per role."""
    latest: dict[tuple[int, str], Assessment] = {}
    shared = Assessment.objects.visible_to(access).filter(
        engineer_id__in=access.report_ids, shared_at__isnull=False
    )
    for assessment in shared.order_by("-shared_at", "-pk"):
        latest.setdefault((assessment.engineer_id, assessment.role), assessment)
    return latest


def team_framework(access: Access, *, now: datetime.datetime) -> TeamFramework:
    """The viewer's direct reports against their levels' competencies: eight
    queries at most, however many reports, competencies and assessments."""
    reports = list(
        Engineer.objects.active()
        .filter(pk__in=access.report_ids - access.own_ids)
        .select_related("user", "level__track")
        .order_by("user__display_name", "pk")
    )
    levels = {e.level_id: e.level for e in reports if e.level_id}
    competencies = competencies_by_level(set(levels)) if levels else {}
    next_levels = _next_levels(list(levels.values())) if levels else {}
    ids = [e.pk for e in reports]

    latest = _latest_shared(access) if ids else {}
    manager_ids = [
        a.pk for (_, role), a in latest.items() if role == AssessmentRole.MANAGER
    ]
    ratings: dict[tuple[int, int], str] = {
        (assessment, competency): rating
        for assessment, competency, rating in AssessmentRating.objects.filter(
            assessment_id__in=manager_ids
        ).values_list("assessment_id", "competency_id", "rating")
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
        (r.engineer_id, r.level_id): r
        for r in Readiness.objects.visible_to(access).filter(engineer_id__in=ids)
    }

    rows = []
    for engineer in reports:
        row = ReportRow(engineer=engineer)
        manager = latest.get((engineer.pk, AssessmentRole.MANAGER))
        own = latest.get((engineer.pk, AssessmentRole.SELF))
        row.last_manager_at = manager.shared_at if manager else None
        row.last_self_at = own.shared_at if own else None
        if engineer.level_id:
            row.next_level = next_levels.get(engineer.level_id)
            if row.next_level is not None:
                row.readiness = readiness.get((engineer.pk, row.next_level.pk))
            for competency in competencies.get(engineer.level_id, ()):
                rating = (
                    ratings.get((manager.pk, competency.pk), NOT_ASSESSED)
                    if manager
                    else NOT_ASSESSED
                )
                row.cells.append(
                    Cell(
                        competency=competency,
                        rating=rating,
                        evidence_missing=(engineer.pk, competency.pk) not in evidenced,
                    )
                )
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
