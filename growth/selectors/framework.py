"""Reads of the career framework: the public ladder, and an engineer's place
on it (evidence, assessments, readiness) as one viewer may see it.

Every page here costs the same handful of queries however many competencies,
notes, goals or activities there are: each kind of evidence is read once for
all competencies and grouped in Python.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    IntegerField,
    Prefetch,
    Q,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from growth import policy
from growth.models import (
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Attendance,
    CheckIn,
    CheckInKind,
    Engineer,
    Expectation,
    FeedbackNote,
    Goal,
    GoalStatus,
    LearningActivity,
    Level,
    Mentorship,
    Readiness,
    Sentiment,
    Track,
    Visibility,
)

# How far back evidence counts.
EVIDENCE_WINDOW = datetime.timedelta(days=365)
# Links to notes shown per competency; the counts cover them all.
NOTE_LINKS = 5
# Read with the engineer (``framework_engineer``): readiness_<field>.
READINESS_FIELDS = ("pk", "status", "summary", "shared_at", "author__display_name")
# The area of competencies that belong to none.
NO_AREA = "Other"


# --- the public framework ---------------------------------------------------------


def tracks_overview() -> list[Track]:
    """Active tracks with their levels: two queries."""
    return list(
        Track.objects.filter(is_active=True).prefetch_related(
            Prefetch("levels", queryset=Level.objects.order_by("rank"))
        )
    )


@dataclass
class CompetencyRow:
    competency: object
    # One expectation (or None) per level of the track, in rank order.
    cells: list
    # The selected level's expectation, for the one-level (phone) view.
    selected: object = None


@dataclass
class AreaGroup:
    name: str
    description: str
    rows: list = field(default_factory=list)


@dataclass
class TrackMatrix:
    track: Track
    levels: list
    selected: Level | None
    areas: list


def _area_key(competency) -> tuple:
    area = competency.area
    if area is None:
        return (1, 0, NO_AREA)
    return (0, area.position, area.name)


def _group_by_area(competencies) -> list[AreaGroup]:
    groups: dict[tuple, AreaGroup] = {}
    for competency in sorted(
        competencies, key=lambda c: (_area_key(c), c.position, c.name)
    ):
        key = _area_key(competency)
        if key not in groups:
            area = competency.area
            groups[key] = AreaGroup(
                name=area.name if area else NO_AREA,
                description=area.description if area else "",
            )
        groups[key].rows.append(competency)
    return list(groups.values())


def track_matrix(track_key: str, level_key: str | None) -> TrackMatrix:
    """One track's levels × competencies, grouped by area: three queries.
    ``level_key`` selects a level (the phone shows that one); an unknown key
    selects the first. A retired track is still shown (``track.is_active``
    says so): people on it, their pages and the admin's preview link here."""
    track = get_object_or_404(Track, key=track_key)
    levels = list(track.levels.order_by("rank"))
    selected = next((lv for lv in levels if lv.key == level_key), None)
    if selected is None and levels:
        selected = levels[0]
    expectations = Expectation.objects.filter(
        level__track=track, competency__is_active=True
    ).select_related("competency__area")
    by_competency: dict[int, dict[int, Expectation]] = defaultdict(dict)
    competencies = {}
    for expectation in expectations:
        competencies[expectation.competency_id] = expectation.competency
        by_competency[expectation.competency_id][expectation.level_id] = expectation
    areas = _group_by_area(competencies.values())
    for area in areas:
        area.rows = [
            CompetencyRow(
                competency=competency,
                cells=[by_competency[competency.pk].get(lv.pk) for lv in levels],
                selected=by_competency[competency.pk].get(selected.pk)
                if selected
                else None,
            )
            for competency in area.rows
        ]
    return TrackMatrix(track=track, levels=levels, selected=selected, areas=areas)


# --- an engineer's framework page --------------------------------------------------


# The extras read with the engineer for their page, written by hand: the ORM
# took longer to build these correlated subqueries on every request than the
# database takes to run them. Who may read which readiness is the policy's
# (``readiness_about``); a test holds the page's readiness to the ORM's
# ``Readiness.objects.visible_to``.
_NEXT_LEVEL_SQL = """(SELECT nl.id FROM {level} nl JOIN {level} l ON l.id = {engineer}.level_id
 WHERE nl.track_id = l.track_id AND nl.rank > l.rank ORDER BY nl.rank LIMIT 1)"""
_MENTORING_HELD_SQL = """(SELECT COUNT(*) FROM {check_in} c JOIN {mentorship} m
 ON m.id = c.mentorship_id WHERE m.mentor_id = {engineer}.id AND c.kind = %s
 AND c.held_on >= %s)"""
_READINESS_SQL = """(SELECT {column} FROM {readiness} r LEFT JOIN {user} u
 ON u.id = r.author_id WHERE r.engineer_id = {engineer}.id
 AND r.level_id = {next_level}{visible} LIMIT 1)"""


# READINESS_FIELDS as columns of _READINESS_SQL, with their fields.
_READINESS_COLUMNS = {
    "pk": ("r.id", Readiness._meta.pk),
    "status": ("r.status", Readiness._meta.get_field("status")),
    "summary": ("r.summary", Readiness._meta.get_field("summary")),
    "shared_at": ("r.shared_at", Readiness._meta.get_field("shared_at")),
    "updated_at": ("r.updated_at", Readiness._meta.get_field("updated_at")),
    "author__display_name": ("u.display_name", User._meta.get_field("display_name")),
}


def _page_extras(about: policy.ReadinessAbout, *, now) -> dict:
    """Annotations for the engineer of a framework page: ``next_level_pk``,
    ``mentoring_held`` and ``readiness_<field>`` for each of
    ``READINESS_FIELDS`` (None where ``about`` lets nothing be read)."""
    q = connection.ops.quote_name
    tables = {
        "engineer": q(Engineer._meta.db_table),
        "level": q(Level._meta.db_table),
        "check_in": q(CheckIn._meta.db_table),
        "mentorship": q(Mentorship._meta.db_table),
        "readiness": q(Readiness._meta.db_table),
        "user": q(User._meta.db_table),
    }
    next_level = _NEXT_LEVEL_SQL.format(**tables)
    since = (now - EVIDENCE_WINDOW).date()
    extras = {
        "next_level_pk": RawSQL(next_level, (), output_field=IntegerField()),
        "mentoring_held": RawSQL(
            _MENTORING_HELD_SQL.format(**tables),
            (CheckInKind.MENTORING.value, connection.ops.adapt_datefield_value(since)),
            output_field=IntegerField(),
        ),
    }
    params = ()
    if about.drafts_by is not None:
        visible = " AND (r.shared_at IS NOT NULL OR r.author_id = %s)"
        params = (about.drafts_by,)
    elif about.shared:
        visible = " AND r.shared_at IS NOT NULL"
        if about.if_sharing:
            visible += f" AND {tables['engineer']}.shares_assessments_with_mentors"
    else:
        visible = None
    for name, (column, output) in _READINESS_COLUMNS.items():
        if visible is None:
            sql, args = "NULL", ()
        else:
            sql = _READINESS_SQL.format(
                column=column, next_level=next_level, visible=visible, **tables
            )
            args = params
        extras[f"readiness_{name}"] = RawSQL(sql, args, output_field=output)
    return extras


def framework_engineer(access, pk: int, *, now=None) -> Engineer:
    """Engineer ``pk`` if ``access`` may open their framework page, else a 404.
    With ``now``, in the same read: the id of their next level
    (``next_level_pk``) and the mentoring check-ins they held as a mentor in
    the evidence window (``mentoring_held``)."""
    if pk not in access.followed_ids:
        raise Http404("No such engineer among the people you follow.")
    engineers = Engineer.objects.select_related("user", "level__track", "manager__user")
    if now is not None:
        engineers = engineers.annotate(
            **_page_extras(policy.readiness_about(access, pk), now=now)
        )
    engineer = get_object_or_404(engineers, pk=pk)
    if not policy.may_read_framework_of(access, engineer):
        raise Http404("No such engineer among the people you follow.")
    return engineer


def level_expectations(level: Level | None, next_level_pk: int | None):
    """The competencies of ``level`` (those with an expectation there, not
    retired), each one's expectation at ``level`` and at the next level, and
    the next level itself: one query (two when the next level expects
    nothing yet)."""
    if level is None:
        return [], {}, {}, None
    ids = [level.pk] + ([next_level_pk] if next_level_pk else [])
    here, there, competencies = {}, {}, {}
    next_level = None
    for expectation in Expectation.objects.filter(
        level_id__in=ids, competency__is_active=True
    ).select_related("competency__area", "level"):
        if expectation.level_id == level.pk:
            here[expectation.competency_id] = expectation
            competencies[expectation.competency_id] = expectation.competency
        else:
            there[expectation.competency_id] = expectation
            next_level = expectation.level
    if next_level_pk and next_level is None:
        next_level = Level.objects.get(pk=next_level_pk)
    return list(competencies.values()), here, there, next_level


@dataclass
class Evidence:
    """What one competency has to show, as one viewer may see it."""

    by_sentiment: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    learning: list = field(default_factory=list)
    mentoring: int | None = None

    @property
    def note_count(self) -> int:
        return sum(self.by_sentiment.values())

    @property
    def note_links(self) -> list:
        return self.notes[:NOTE_LINKS]

    @property
    def empty(self) -> bool:
        return not (self.note_count or self.goals or self.learning or self.mentoring)


@dataclass(frozen=True)
class NoteEvidence:
    """A note as evidence: what its link says, read as plain values (a busy
    engineer has hundreds in a year; model instances cost more than the SQL)."""

    pk: int
    kind: str
    sentiment: str
    competency_id: int
    created_at: datetime.datetime
    author: str | None

    def get_sentiment_display(self) -> str:
        return Sentiment(self.sentiment).label


def _notes(access, engineer_id: int, which: Q) -> list[NoteEvidence]:
    """Notes about the engineer the viewer may read, shared or manager-only (a
    note to self is nobody's evidence), narrowed to ``which``."""
    rows = (
        FeedbackNote.objects.visible_to(access)
        .filter(
            which,
            engineer_id=engineer_id,
            visibility__in=[Visibility.SHARED, Visibility.MANAGER],
        )
        .order_by("-created_at", "-pk")
        .values_list(
            "pk",
            "kind",
            "sentiment",
            "competency_id",
            "created_at",
            "author__display_name",
            "author__email",
        )
    )
    return [
        NoteEvidence(pk, kind, sentiment, competency, created, name or email or None)
        for pk, kind, sentiment, competency, created, name, email in rows
    ]


def _goals(access, engineer_id: int, ids, since, cited=()):
    """Goals on these competencies, active or changed since ``since``
    (``in_window``), and those of ``cited`` the viewer may read."""
    window = Q(competency_id__in=ids) & (
        Q(status=GoalStatus.ACTIVE) | Q(updated_at__gte=since)
    )
    goals = Goal.objects.visible_to(access).filter(engineer_id=engineer_id)
    return (
        _with_cited(goals, window, cited)
        .only("pk", "title", "status", "progress", "competency_id")
        .order_by("status", "title", "pk")
    )


def _with_cited(qs, window: Q, cited):
    """``qs`` narrowed to ``window``, or, with ids ``cited``, to those too,
    each row marked ``in_window`` (without, every row is in it)."""
    if not cited:
        return qs.filter(window)
    return qs.filter(window | Q(pk__in=cited)).annotate(
        in_window=ExpressionWrapper(window, output_field=BooleanField())
    )


def _learning(access, engineer_id: int, ids, since, cited=()):
    """Activities the engineer led or attended, tagged with a competency
    (directly, or through the learning session they record), since ``since``
    (``in_window``), and those of ``cited`` the viewer may read."""
    # An IN over their attendances, not an EXISTS per activity: both sides of
    # the OR then start from an index (led_by, attendance's engineer) instead
    # of every activity of the year.
    attended = Q(
        pk__in=Attendance.objects.filter(engineer_id=engineer_id).values(
            "learningactivity_id"
        )
    )
    window = (
        (Q(led_by_id=engineer_id) | attended)
        & Q(topic_id__in=ids)
        & Q(date__gte=since.date())
    )
    activities = LearningActivity.objects.visible_to(access).annotate(
        topic_id=Coalesce("competency_id", "session__competency_id")
    )
    return (
        _with_cited(activities, window, cited)
        .only("pk", "title", "kind", "date", "led_by_id")
        .order_by("-date", "-pk")
    )


def evidence_by_competency(
    *, access, engineer: Engineer, competencies, now: datetime.datetime
) -> dict[int, Evidence]:
    """Each competency's evidence from the last 12 months: three queries
    (notes, goals, learning); the mentoring held comes with the engineer
    (``framework_engineer``)."""
    evidence, _cited = _evidence_read(
        access=access, engineer=engineer, competencies=competencies, now=now
    )
    return evidence


# The kinds of evidence a rating cites, as _EVIDENCE_LINKS_SQL names them.
EVIDENCE_KINDS = ("notes", "goals", "learning")


def _evidence_read(
    *, access, engineer: Engineer, competencies, now, cited=None
) -> tuple[dict[int, Evidence], dict[str, dict[int, object]]]:
    """The evidence of ``evidence_by_competency``, and, in the same three
    queries, what of ``cited`` (ids by kind) the viewer may read, by kind and
    id: an assessment's evidence stays linked once it is older than the
    window, or on another competency now."""
    cited = cited or {}
    ids = [c.pk for c in competencies]
    evidence = {pk: Evidence() for pk in ids}
    found: dict[str, dict[int, object]] = {what: {} for what in EVIDENCE_KINDS}
    if not ids and not any(cited.values()):
        return evidence, found
    since = now - EVIDENCE_WINDOW
    window = Q(competency_id__in=ids, created_at__gte=since)
    notes = cited.get("notes")
    for note in _notes(
        access, engineer.pk, window | Q(pk__in=notes) if notes else window
    ):
        found["notes"][note.pk] = note
        if note.competency_id in evidence and note.created_at >= since:
            item = evidence[note.competency_id]
            item.by_sentiment[note.sentiment] += 1
            item.by_kind[note.kind] += 1
            item.notes.append(note)
    for goal in _goals(access, engineer.pk, ids, since, cited.get("goals", ())):
        found["goals"][goal.pk] = goal
        if getattr(goal, "in_window", True):
            evidence[goal.competency_id].goals.append(goal)
    for activity in _learning(
        access, engineer.pk, ids, since, cited.get("learning", ())
    ):
        activity.led = activity.led_by_id == engineer.pk
        found["learning"][activity.pk] = activity
        if getattr(activity, "in_window", True):
            evidence[activity.topic_id].learning.append(activity)
    # A count, never the check-ins: whoever reads this page may know how
    # often the engineer mentors, not what was said.
    held = getattr(engineer, "mentoring_held", None)
    for competency in competencies:
        if competency.counts_mentoring and held is not None:
            evidence[competency.pk].mentoring = held
    return evidence, found


def evidence_choices(
    *, access, engineer: Engineer, competencies, now: datetime.datetime
) -> dict[int, dict[str, list]]:
    """What an author may pick as evidence, per competency: the notes, goals and
    learning on it they may read. Three queries."""
    evidence = evidence_by_competency(
        access=access, engineer=engineer, competencies=competencies, now=now
    )
    return {
        pk: {"notes": item.notes, "goals": item.goals, "learning": item.learning}
        for pk, item in evidence.items()
    }


# The links of ratings to their evidence, three tables read as one, written
# by hand: the ORM's union of three querysets cost more to build than to run.
_EVIDENCE_LINKS_SQL = " UNION ALL ".join(
    f"SELECT x.assessmentrating_id, x.{column}, '{what}' FROM {{{what}}} x"
    " JOIN {rating} r ON r.id = x.assessmentrating_id"
    " WHERE r.assessment_id IN ({ids})"
    for what, column in (
        ("notes", "feedbacknote_id"),
        ("goals", "goal_id"),
        ("learning", "learningactivity_id"),
    )
)


def _evidence_links(assessment_ids) -> list[tuple[int, int, str]]:
    """(rating id, object id, "notes" | "goals" | "learning") of every piece
    of evidence cited by these assessments: one query over the three link
    tables."""
    q = connection.ops.quote_name
    tables = {
        what: q(getattr(AssessmentRating, f"evidence_{what}").through._meta.db_table)
        for what in ("notes", "goals", "learning")
    }
    ids = ", ".join(str(int(pk)) for pk in assessment_ids)
    sql = _EVIDENCE_LINKS_SQL.format(
        rating=q(AssessmentRating._meta.db_table), ids=ids, **tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _attach_evidence(ratings, links, readable: dict) -> None:
    """Give each rating ``links``: the evidence it cites (``links``, from
    ``_evidence_links``) that the viewer may read (``readable``, by kind and
    id). Anything else stays unnamed: an engineer never learns of the
    manager-only note their manager cited."""
    by_rating = {rating.pk: rating for rating in ratings}
    for rating in ratings:
        rating.links = {what: [] for what in EVIDENCE_KINDS}
    for rating_id, object_id, what in links:
        found = readable[what].get(object_id)
        if found is not None and rating_id in by_rating:
            by_rating[rating_id].links[what].append(found)


def _readiness(engineer: Engineer, next_level) -> Readiness | None:
    """The readiness read with the engineer, as a model instance."""
    pk = getattr(engineer, "readiness_pk", None)
    if pk is None or next_level is None:
        return None
    readiness = Readiness(
        pk=pk,
        engineer=engineer,
        level=next_level,
        status=engineer.readiness_status,
        summary=engineer.readiness_summary,
        shared_at=engineer.readiness_shared_at,
        updated_at=engineer.readiness_updated_at,
    )
    readiness.author_name = engineer.readiness_author__display_name
    return readiness


@dataclass
class Row:
    """One competency of the page."""

    competency: object
    expectation: Expectation | None
    next_expectation: Expectation | None
    evidence: Evidence
    self_rating: AssessmentRating | None = None
    manager_rating: AssessmentRating | None = None


@dataclass
class EngineerFramework:
    engineer: Engineer
    is_self: bool
    level: Level | None
    next_level: Level | None
    areas: list
    # The newest self and manager assessment the viewer may read (a draft of
    # their own included).
    self_assessment: Assessment | None
    manager_assessment: Assessment | None
    # "self" or "manager": the assessment the viewer writes, if any.
    my_role: str | None
    my_draft: Assessment | None
    readiness: Readiness | None
    may_write_readiness: bool
    may_set_sharing: bool
    since: datetime.date


def engineer_framework_build(
    *, access, engineer: Engineer, now: datetime.datetime
) -> EngineerFramework:
    """Everything on an engineer's framework page, as ``access`` may see it.
    ``engineer`` comes from ``framework_engineer(..., now=now)``."""
    level = engineer.level
    competencies, here, there, next_level = level_expectations(
        level, getattr(engineer, "next_level_pk", None)
    )
    assessments = list(
        Assessment.objects.visible_to(access)
        .filter(engineer_id=engineer.pk)
        .select_related("author", "level")
        .order_by("-created_at", "-pk")
    )
    newest = {}
    for assessment in assessments:
        newest.setdefault(assessment.role, assessment)
    self_assessment = newest.get(AssessmentRole.SELF)
    manager_assessment = newest.get(AssessmentRole.MANAGER)
    shown = [a.pk for a in (self_assessment, manager_assessment) if a]
    rows, links = [], []
    cited: dict[str, set[int]] = defaultdict(set)
    if shown:
        rows = list(AssessmentRating.objects.filter(assessment_id__in=shown))
        links = _evidence_links(shown)
        for _rating, object_id, what in links:
            cited[what].add(object_id)
    # The year's evidence and what the shown assessments cite, read together.
    evidence, readable = _evidence_read(
        access=access,
        engineer=engineer,
        competencies=competencies,
        now=now,
        cited=cited,
    )
    _attach_evidence(rows, links, readable)
    ratings = {(rating.assessment_id, rating.competency_id): rating for rating in rows}
    my_role = policy.assessment_role_of(access, engineer.pk)
    my_draft = next(
        (
            a
            for a in assessments
            if a.role == my_role and not a.is_shared and a.author_id == access.user_id
        ),
        None,
    )
    readiness = _readiness(engineer, next_level)
    areas = _group_by_area(competencies)
    for area in areas:
        area.rows = [
            Row(
                competency=competency,
                expectation=here.get(competency.pk),
                next_expectation=there.get(competency.pk),
                evidence=evidence[competency.pk],
                self_rating=ratings.get((self_assessment.pk, competency.pk))
                if self_assessment
                else None,
                manager_rating=ratings.get((manager_assessment.pk, competency.pk))
                if manager_assessment
                else None,
            )
            for competency in area.rows
        ]
    return EngineerFramework(
        engineer=engineer,
        is_self=engineer.pk == access.engineer_id,
        level=level,
        next_level=next_level,
        areas=areas,
        self_assessment=self_assessment,
        manager_assessment=manager_assessment,
        my_role=my_role,
        my_draft=my_draft,
        readiness=readiness,
        may_write_readiness=policy.may_write_readiness(access, engineer.pk),
        may_set_sharing=policy.may_set_assessment_sharing(access, engineer.pk),
        since=(now - EVIDENCE_WINDOW).date(),
    )


# --- editing -----------------------------------------------------------------------


def assessment_for_edit(access, pk: int) -> Assessment:
    """A draft ``access`` may write, with its engineer and level; else a 404."""
    return get_object_or_404(
        policy.assessments_editable_by(access, Assessment.objects.all()).select_related(
            "engineer__user",
            "engineer__manager__user",
            "engineer__level",
            "level__track",
        ),
        pk=pk,
    )


def assessment_shared_by(access, pk: int) -> Assessment | None:
    """The assessment ``pk`` if ``access`` wrote and shared it and may still
    read it; else None."""
    return (
        policy.assessments_visible_to(access, Assessment.objects.shared())
        .filter(pk=pk, author_id=access.user_id)
        .only("pk", "engineer_id")
        .first()
    )


def assessment_competencies(assessment: Assessment) -> list:
    """The competencies an assessment rates: those of the level it is against,
    in area order."""
    competencies, here, _, _ = level_expectations(assessment.level, None)
    ordered = [c for area in _group_by_area(competencies) for c in area.rows]
    for competency in ordered:
        competency.expectation = here.get(competency.pk)
    return ordered


def readiness_of(access, engineer: Engineer, level: Level) -> Readiness | None:
    return (
        Readiness.objects.visible_to(access)
        .filter(engineer_id=engineer.pk, level=level)
        .first()
    )
