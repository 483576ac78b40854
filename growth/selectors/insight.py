"""Organisation insight: how feedback, mentoring and learning go, per team and
per month, for people who manage managers and for staff with the permission.

Counts only, never text, and of shared feedback only: manager-only notes and
notes to self never travel up the chain, not even as a number (the rule the
team page keeps for indirect reports). A team with fewer than ``MIN_GROUP``
engineers in the viewer's scope is "too few to show" for every figure, and
totals add up the shown teams only, so a hidden team can never be recovered by
subtracting the shown ones from a total.

Each figure is read by one query over the whole scope, grouped in the database
by team (or, for the weekly digest, by engineer) and month: the same handful of
queries whether the organisation has ten engineers or ten thousand. What is
read per group is a ``Raw`` of plain counts that add up, so a digest can sum an
organisation's engineers into teams and the page can sum teams into a total.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth

from growth import rhythm
from growth.charts import number
from growth.models import (
    Attendance,
    CheckInKind,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    InsightCount,
    LearningActivity,
    LearningKind,
    Mentorship,
    SprintCadence,
    Visibility,
)
from growth.selectors.checkins import check_in_due_on
from growth.selectors.leadership import is_newcomer

MONTHS = 6  # the months shown, this one included
MIN_GROUP = 5  # the smallest team whose figures are shown
COVERAGE_DAYS = 30  # "has had feedback lately", for coverage
# Time to acknowledge is counted in these bands (days), so that it adds up
# across teams; the median is the first band that holds half the notes.
ACK_BANDS = (1, 2, 3, 7, 14, 30)
TOO_FEW = "too few to show"
UTC = datetime.UTC


@dataclass(frozen=True)
class Month:
    """A calendar month (UTC), up to ``as_of`` for the current one."""

    start: datetime.date
    end: datetime.date  # the first day of the next month
    as_of: datetime.date  # the last day counted: the month's last, or today

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.start:%b %Y}"

    @property
    def end_moment(self) -> datetime.datetime:
        """The end of ``as_of``, as an aware moment."""
        day = self.as_of + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)


def months_to(today: datetime.date, count: int = MONTHS) -> list[Month]:
    """The ``count`` months up to the one ``today`` is in, oldest first."""
    months = []
    start = today.replace(day=1)
    for _ in range(count):
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        as_of = min(end - datetime.timedelta(days=1), today)
        months.append(Month(start, end, as_of))
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)


@dataclass
class Raw:
    """Plain counts of one group in one month: they add up across groups."""

    engineers: int = 0  # in scope, started by the month's end
    covered: int = 0  # of them, with shared feedback in the COVERAGE_DAYS to its end
    technical: int = 0  # shared notes written in the month
    interpersonal: int = 0
    rated: int = 0  # of those notes, rated actionable or not
    actionable: int = 0
    acknowledged: int = 0
    # Of the acknowledged, how many within each of ACK_BANDS days.
    ack_within: tuple[int, ...] = (0,) * len(ACK_BANDS)
    cross_team: int = 0  # notes by someone of another team
    mentorships: int = 0  # active at the month's end
    on_cadence: int = 0  # of them, with the next check-in not yet past due
    learning_hours: Decimal = Decimal(0)
    senior_sessions: int = 0  # learning sessions led by a senior or above
    newcomer_sessions: int = 0  # of them, with a newcomer among the attendees
    # The learning days after the team's sprints that fell in the month (to
    # its ``as_of``), and those someone of the team logged as a learning day.
    learning_days: int = 0
    learning_days_held: int = 0

    def add(self, other: Raw) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, tuple):
                value = tuple(a + b for a, b in zip(mine, theirs, strict=True))
            else:
                value = mine + theirs
            setattr(self, f.name, value)

    @property
    def notes(self) -> int:
        return self.technical + self.interpersonal


def _share(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to share."""
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Figures:
    """What a group shows for a month, derived from its ``Raw``."""

    engineers: int
    coverage: int | None  # percent of engineers
    technical: int
    interpersonal: int
    interpersonal_share: int | None  # percent of notes
    actionable: int | None  # percent of rated notes
    rated: int
    median_ack_days: int | None  # the band's upper bound, in days
    median_ack_later: bool  # past the last band
    cross_team: int | None  # percent of notes
    on_cadence: int | None  # percent of active mentorships
    mentorships: int
    hours_per_person: Decimal | None
    senior_sessions: int
    newcomer_sessions: int
    learning_days: int
    learning_days_held: int

    @classmethod
    def of(cls, raw: Raw) -> Figures:
        median, later = None, False
        if raw.acknowledged:
            half = (raw.acknowledged + 1) // 2
            median = next(
                (
                    b
                    for b, n in zip(ACK_BANDS, raw.ack_within, strict=True)
                    if n >= half
                ),
                None,
            )
            later = median is None
        per_person = None
        if raw.engineers:
            per_person = (Decimal(raw.learning_hours) / raw.engineers).quantize(
                Decimal("0.1")
            )
        return cls(
            engineers=raw.engineers,
            coverage=_share(raw.covered, raw.engineers),
            technical=raw.technical,
            interpersonal=raw.interpersonal,
            interpersonal_share=_share(raw.interpersonal, raw.notes),
            actionable=_share(raw.actionable, raw.rated),
            rated=raw.rated,
            median_ack_days=median,
            median_ack_later=later,
            cross_team=_share(raw.cross_team, raw.notes),
            on_cadence=_share(raw.on_cadence, raw.mentorships),
            mentorships=raw.mentorships,
            hours_per_person=per_person,
            senior_sessions=raw.senior_sessions,
            newcomer_sessions=raw.newcomer_sessions,
            learning_days=raw.learning_days,
            learning_days_held=raw.learning_days_held,
        )


class SecondsBetween(Func):
    """Seconds from one moment to another, in the database's own arithmetic:
    Django's would call back into Python for every row on SQLite."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        (start, a), (end, b) = (compiler.compile(e) for e in self.source_expressions)
        return f"((julianday({end}) - julianday({start})) * 86400.0)", [*b, *a]

    def as_postgresql(self, compiler, connection, **extra):
        (start, a), (end, b) = (compiler.compile(e) for e in self.source_expressions)
        return f"EXTRACT(EPOCH FROM ({end}) - ({start}))", [*b, *a]


class MonthKey(Func):
    """A moment's UTC month as ``YYYY-MM``, without a call back into Python
    for every row (SQLite keeps moments as UTC text)."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"substr({sql}, 1, 7)", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM')", params


# --- the reads: one query each, grouped by team or engineer, and month ------------

# How each read reaches the grouping key from its rows.
_GROUPS = {
    "team": {
        "note": "engineer__team_id",
        "attendance": "engineer__team_id",
        "mentorship": "mentee__team_id",
        "session": "led_by__team_id",
        "engineer": "team_id",
    },
    "engineer": {
        "note": "engineer_id",
        "attendance": "engineer_id",
        "mentorship": "mentee_id",
        "session": "led_by_id",
        "engineer": "pk",
    },
}


def _month_index(months: list[Month]):
    by_key = {(m.start.year, m.start.month): i for i, m in enumerate(months)}

    def index(value) -> int | None:
        return by_key.get((value.year, value.month))

    index.months = months
    return index


def raw_counts(
    engineers: QuerySet,
    members,
    *,
    months: list[Month],
    by: str = "team",
    cadences: list[SprintCadence] = (),
) -> dict[tuple[int, int], Raw]:
    """``Raw`` counts of ``engineers`` (a queryset of the scope) per (group,
    month index), grouped ``by`` team or engineer; ``members`` are the scope's
    (group, start date) pairs, already read, and ``cadences`` the sprint
    cadences of its teams. Five queries, and one more for the learning days
    when grouped by team."""
    paths = _GROUPS[by]
    scope = engineers.values("pk")
    first, last = months[0], months[-1]
    start, end = _moment(first.start), last.end_moment
    index = _month_index(months)
    raw: dict[tuple[int, int], Raw] = defaultdict(Raw)
    _count_members(raw, members, months)

    shared = FeedbackNote.objects.filter(
        visibility=Visibility.SHARED, engineer_id__in=scope
    )
    _notes(raw, shared, paths["note"], start, end, index)
    _coverage(raw, shared, paths["note"], months)
    _mentoring(raw, engineers, paths["mentorship"], months)
    _learning(raw, scope, paths["attendance"], first, last, index)
    _sessions(raw, scope, paths["session"], first, last, index)
    if by == "team":
        days_by_team = learning_days_by_team(engineers, cadences, months)
        for key, (days, held) in days_by_team.items():
            raw[key].learning_days += days
            raw[key].learning_days_held += held
    return raw


def _count_members(raw, members, months: list[Month]) -> None:
    """Who is counted: engineers in scope, from the month they started."""
    for key, started in members:
        for i, month in enumerate(months):
            if started <= month.as_of:
                raw[key, i].engineers += 1


# The counts kept per engineer and month (growth.InsightCount), as Raw names them.
KEPT = (
    "covered",
    "technical",
    "interpersonal",
    "rated",
    "actionable",
    "acknowledged",
    "cross_team",
    "mentorships",
    "on_cadence",
    "learning_hours",
    "senior_sessions",
    "newcomer_sessions",
)
ACK_COLUMNS = tuple(f"ack_{days}" for days in ACK_BANDS)


def kept_counts(raw: Raw) -> dict:
    """``raw``'s counts as the columns of an InsightCount."""
    return {
        **{name: getattr(raw, name) for name in KEPT},
        **dict(zip(ACK_COLUMNS, raw.ack_within, strict=True)),
    }


def _notes(raw, shared, group, start, end, index) -> None:
    """Shared notes written in each month: kinds, ratings, acknowledgement
    bands and cross-team authors."""
    team = F("engineer__team_id")
    bands = {
        f"ack_{days}": Count("pk", filter=Q(ack_seconds__lte=days * 86400))
        for days in ACK_BANDS
    }
    rows = (
        shared.filter(created_at__gte=start, created_at__lt=end)
        .annotate(
            month=MonthKey("created_at"),
            ack_seconds=SecondsBetween("created_at", "acknowledged_at"),
        )
        .order_by()
        .values(group, "month")
        .annotate(
            technical=Count("pk", filter=Q(kind=CompetencyKind.TECHNICAL)),
            interpersonal=Count("pk", filter=Q(kind=CompetencyKind.INTERPERSONAL)),
            rated=Count("pk", filter=Q(actionable__isnull=False)),
            actionable=Count("pk", filter=Q(actionable=True)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            cross_team=Count(
                "pk",
                filter=Q(author__engineer__team_id__lt=team)
                | Q(author__engineer__team_id__gt=team),
            ),
            **bands,
        )
    )
    by_key = {month.key: i for i, month in enumerate(index.months)}
    for row in rows:
        i = by_key.get(row["month"])
        if i is None:
            continue
        counts = raw[row[group], i]
        counts.technical += row["technical"]
        counts.interpersonal += row["interpersonal"]
        counts.rated += row["rated"]
        counts.actionable += row["actionable"]
        counts.acknowledged += row["acknowledged"]
        counts.cross_team += row["cross_team"]
        counts.ack_within = tuple(
            n + row[f"ack_{days}"]
            for n, days in zip(counts.ack_within, ACK_BANDS, strict=True)
        )


def _coverage(raw, shared, group, months) -> None:
    """Engineers with shared feedback in the COVERAGE_DAYS to each month's end."""
    window = datetime.timedelta(days=COVERAGE_DAYS)
    windows = {}
    for i, month in enumerate(months):
        end = month.end_moment
        windows[f"m{i}"] = Count(
            "engineer_id",
            distinct=True,
            filter=Q(created_at__gte=end - window, created_at__lt=end),
        )
    rows = (
        shared.filter(
            created_at__gte=months[0].end_moment - window,
            created_at__lt=months[-1].end_moment,
        )
        .order_by()
        .values(group)
        .annotate(**windows)
    )
    for row in rows:
        for i in range(len(months)):
            if row[f"m{i}"]:
                raw[row[group], i].covered += row[f"m{i}"]


def _mentoring(raw, engineers, group, months) -> None:
    """Mentorships of the scope's mentees active at each month's end, and
    whether their next check-in was not yet past due then."""
    last = {
        f"last{i}": Max(
            "check_ins__held_on",
            filter=Q(
                check_ins__kind=CheckInKind.MENTORING,
                check_ins__held_on__lte=month.as_of,
            ),
        )
        for i, month in enumerate(months)
    }
    rows = (
        Mentorship.objects.filter(
            mentee_id__in=engineers.values("pk"), started_on__lte=months[-1].as_of
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=months[0].start))
        .order_by()
        .values(group, "pk", "started_on", "ended_on", "cadence_days")
        .annotate(**last)
    )
    for row in rows:
        for i, month in enumerate(months):
            day = month.as_of
            if row["started_on"] > day:
                continue
            if row["ended_on"] is not None and row["ended_on"] <= day:
                continue
            counts = raw[row[group], i]
            counts.mentorships += 1
            due_on = check_in_due_on(
                last_held_on=row[f"last{i}"],
                started_on=row["started_on"],
                cadence_days=row["cadence_days"],
            )
            if due_on >= day:
                counts.on_cadence += 1


def _learning(raw, scope, group, first, last, index) -> None:
    """Learning hours of the scope's engineers, by the month of the activity."""
    rows = (
        Attendance.objects.filter(
            engineer_id__in=scope, date__gte=first.start, date__lte=last.as_of
        )
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values(group, "month")
        .annotate(hours=Sum("learningactivity__hours"))
    )
    for row in rows:
        i = index(row["month"])
        if i is not None:
            raw[row[group], i].learning_hours += row["hours"] or Decimal(0)


def _sessions(raw, scope, group, first, last, index) -> None:
    """Learning sessions led by the scope's seniors, and whether a newcomer
    (started within NEWCOMER_MONTHS of the session) attended."""
    rows = (
        LearningActivity.objects.filter(
            kind=LearningKind.LEARNING_SESSION,
            led_by_id__in=scope,
            led_by__level__is_senior=True,
            date__gte=first.start,
            date__lte=last.as_of,
        )
        .order_by()
        .values_list("pk", group, "date", "attendances__engineer__start_date")
    )
    sessions: dict[int, tuple] = {}
    with_newcomer: set[int] = set()
    for pk, key, day, started in rows:
        sessions[pk] = (key, day)
        if started is not None and is_newcomer(started, day):
            with_newcomer.add(pk)
    for pk, (key, day) in sessions.items():
        i = index(day)
        if i is None:
            continue
        raw[key, i].senior_sessions += 1
        raw[key, i].newcomer_sessions += pk in with_newcomer


CADENCE_FIELDS = (
    "team__cadence__sprint_weeks",
    "team__cadence__first_sprint_start",
    "team__cadence__learning_weekday",
)


def cadence_of(team_id: int, weeks, first_start, weekday) -> SprintCadence | None:
    """A team's cadence from the CADENCE_FIELDS of one of its engineers' rows."""
    if weeks is None:
        return None
    return SprintCadence(
        team_id=team_id,
        sprint_weeks=weeks,
        first_sprint_start=first_start,
        learning_weekday=weekday,
    )


def learning_days_by_team(
    engineers: QuerySet, cadences, months: list[Month]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Per (team, month index), the learning days after the sprints of each of
    ``cadences`` in the month and how many of them someone of ``engineers`` in
    the team logged as a learning day. One query: a learning day is a team's,
    so it is counted per team, never summed from its engineers."""
    first, last = months[0], months[-1]
    index = _month_index(months)
    days_of = {
        cadence.team_id: [
            day
            for day in rhythm.learning_days_between(cadence, first.start, last.as_of)
            if index(day) is not None
        ]
        for cadence in cadences
    }
    # Only the learning days themselves are looked up: a handful of dates,
    # not six months of everyone's learning.
    dates = sorted({day for days in days_of.values() for day in days})
    logged = set(
        Attendance.objects.filter(
            date__in=dates,
            engineer_id__in=engineers.order_by().values("pk"),
            learningactivity__kind=LearningKind.LEARNING_DAY,
        )
        .order_by()
        .values_list("engineer__team_id", "date")
        .distinct()
    )
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for team_id, days in days_of.items():
        for day in days:
            key = (team_id, index(day))
            scheduled, held = counts.get(key, (0, 0))
            counts[key] = (scheduled + 1, held + ((team_id, day) in logged))
    return counts


# --- cells: the page's, the CSV's and the digest's ---------------------------------


def percent(value: int | None, none: str) -> str:
    return none if value is None else f"{value}%"


def _ack(figures: Figures) -> str:
    if figures.median_ack_later:
        return f"over {ACK_BANDS[-1]} days"
    if figures.median_ack_days is None:
        return "none acknowledged"
    days = figures.median_ack_days
    return f"within {days} day{'s' if days != 1 else ''}"


def _actionable(figures: Figures) -> str:
    if figures.actionable is None:
        return "none rated"
    return f"{figures.actionable}% of {figures.rated} rated"


def _cadence(figures: Figures) -> str:
    if figures.on_cadence is None:
        return "no mentorships"
    return f"{figures.on_cadence}% of {figures.mentorships}"


def _sessions_cell(figures: Figures) -> str:
    return f"{figures.senior_sessions} ({figures.newcomer_sessions} with newcomers)"


def _learning_days(figures: Figures) -> str:
    if not figures.learning_days:
        return "none scheduled"
    return f"{figures.learning_days_held} of {figures.learning_days}"


def _hours(figures: Figures) -> str:
    return number(figures.hours_per_person or 0)


# The table's columns, for the page and the CSV alike: a heading and the text of
# its cell. Every cell is a count, a share or a band: never anything written.
COLUMNS: tuple[tuple[str, object], ...] = (
    ("Engineers", lambda f: str(f.engineers)),
    (
        f"Feedback coverage ({COVERAGE_DAYS} days)",
        lambda f: percent(f.coverage, "none"),
    ),
    ("Technical / interpersonal notes", lambda f: f"{f.technical} / {f.interpersonal}"),
    ("Interpersonal share", lambda f: percent(f.interpersonal_share, "no notes")),
    ("Rated actionable", _actionable),
    ("Median time to acknowledge", _ack),
    ("Cross-team feedback", lambda f: percent(f.cross_team, "no notes")),
    ("Mentoring check-ins on cadence", _cadence),
    ("Learning hours per person", _hours),
    ("Sessions led by seniors", _sessions_cell),
    ("Learning days held after sprints", _learning_days),
)
HEADERS = tuple(heading for heading, _ in COLUMNS)


def cells(figures: Figures | None) -> list[str]:
    """A group's cells for one month: its figures, or "too few to show" in
    every one of them."""
    if figures is None:
        return [TOO_FEW] * len(COLUMNS)
    return [cell(figures) for _, cell in COLUMNS]


# --- the page's table ------------------------------------------------------------


@dataclass
class TeamRow:
    team_id: int
    name: str
    months: list[Figures | None] = field(default_factory=list)


@dataclass(frozen=True)
class Insight:
    months: list[Month]
    teams: list[TeamRow]  # by name
    # The shown teams added up, per month: every hidden team is left out.
    totals: list[Figures]
    scope: str  # "all" or "organisation"
    counted_at: datetime.datetime | None = None  # None: never counted yet

    @property
    def shown_teams(self) -> int:
        return sum(1 for row in self.teams if row.months[-1] is not None)

    @property
    def hidden_teams(self) -> int:
        return len(self.teams) - self.shown_teams


def insight_build(
    head_id: int | None, *, today: datetime.date, scope: str, months: int = MONTHS
) -> Insight:
    """Per team and month, the figures of the organisation below ``head_id``
    (everyone for None), as beat last counted them (growth.InsightCount):
    one query. A team with fewer than MIN_GROUP engineers in a month is hidden
    for that month."""
    span = months_to(today, months)
    index = _month_index(span)
    counted = InsightCount.objects.filter(
        month__gte=span[0].start, month__lte=span[-1].start
    )
    counted = (
        counted.filter(head__isnull=True)
        if head_id is None
        else counted.filter(head_id=head_id)
    )
    names: dict[int, str] = {}
    raw: dict[tuple[int, int], Raw] = {}
    counted_at = None
    for row in counted.order_by().values(
        "team_id",
        "team__name",
        "month",
        "engineers",
        "learning_days",
        "learning_days_held",
        "counted_at",
        *KEPT,
        *ACK_COLUMNS,
    ):
        i = index(row["month"])
        if i is None:
            continue
        names[row["team_id"]] = row["team__name"]
        raw[row["team_id"], i] = Raw(
            engineers=row["engineers"],
            learning_days=row["learning_days"],
            learning_days_held=row["learning_days_held"],
            ack_within=tuple(row[column] for column in ACK_COLUMNS),
            **{name: row[name] for name in KEPT},
        )
        counted_at = max(counted_at or row["counted_at"], row["counted_at"])
    rows = []
    totals = [Raw() for _ in span]
    for team_id, name in names.items():
        row = TeamRow(team_id=team_id, name=name)
        for i in range(len(span)):
            counts = raw.get((team_id, i), Raw())
            if counts.engineers < MIN_GROUP:
                row.months.append(None)
                continue
            totals[i].add(counts)
            row.months.append(Figures.of(counts))
        rows.append(row)
    rows.sort(key=lambda row: (row.name.lower(), row.team_id))
    return Insight(
        months=span,
        teams=rows,
        totals=[Figures.of(counts) for counts in totals],
        scope=scope,
        counted_at=counted_at,
    )


# --- the weekly digest of a manager of managers ------------------------------------


def org_digests(*, today: datetime.date) -> dict[int, tuple[str, dict]]:
    """The organisation section of every manager of managers' weekly digest,
    by their user id: this month's figures per team of their organisation,
    small teams too few to show, and the shown teams' total.

    Seven queries for everyone, however many heads there are: the engineers,
    then the month's counts per engineer, added up per head's organisation
    and team in Python.
    """
    month = months_to(today, 1)
    engineers = Engineer.objects.active()
    people = list(
        engineers.order_by().values_list(
            "pk",
            "manager_id",
            "team_id",
            "team__name",
            "start_date",
            "user_id",
            "user__time_zone",
            *CADENCE_FIELDS,
        )
    )
    below, head_ids = reporting_lines((row[0], row[1]) for row in people)
    heads = [
        (pk, user_id, zone)
        for pk, _m, _t, _n, _s, user_id, zone, *_c in people
        if pk in head_ids
    ]
    if not heads:
        return {}
    raw = raw_counts(
        engineers,
        [(row[0], row[4]) for row in people],
        months=month,
        by="engineer",
    )
    team_of = {row[0]: (row[2], row[3]) for row in people}
    cadences = {row[2]: cadence_of(row[2], *row[7:]) for row in people}
    learning_days = learning_days_by_team(
        engineers, [c for c in cadences.values() if c is not None], month
    )
    digests = {}
    for head, user_id, zone in heads:
        teams: dict[int, Raw] = defaultdict(Raw)
        names: dict[int, str] = {}
        for pk in organisation_below(head, below):
            team_id, name = team_of[pk]
            names[team_id] = name
            teams[team_id].add(raw.get((pk, 0), Raw()))
        for team_id, counts in teams.items():
            days, held = learning_days.get((team_id, 0), (0, 0))
            counts.learning_days, counts.learning_days_held = days, held
        total = Raw()
        rows = []
        for team_id, counts in sorted(
            teams.items(), key=lambda item: (names[item[0]].lower(), item[0])
        ):
            shown = counts.engineers >= MIN_GROUP
            if shown:
                total.add(counts)
            figures = Figures.of(counts) if shown else None
            rows.append({"team": names[team_id], "figures": _pairs(figures)})
        digests[user_id] = (
            zone,
            {
                "organisation": True,
                "month": month[0].label,
                "headers": list(HEADERS),
                "teams": rows,
                "total": _pairs(Figures.of(total)),
                "hidden": sum(1 for row in rows if row["figures"][0][1] == TOO_FEW),
            },
        )
    return digests


def _pairs(figures: Figures | None) -> list[list[str]]:
    """Each heading with its cell, for the digest's payload."""
    return [list(pair) for pair in zip(HEADERS, cells(figures), strict=True)]


def reporting_lines(pairs) -> tuple[dict[int, list[int]], set[int]]:
    """From (engineer, manager) id pairs: each manager's direct reports, and
    the managers of managers (whose organisation insight counts)."""
    below: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in pairs:
        if manager_id is not None:
            below[manager_id].append(pk)
    heads = {pk for pk, reports in below.items() if any(below.get(r) for r in reports)}
    return below, heads


def organisation_below(head: int, below: dict[int, list[int]]) -> set[int]:
    """Everyone below ``head``, at any depth; a loop ends the walk."""
    found: set[int] = set()
    waiting = list(below.get(head, ()))
    while waiting:
        pk = waiting.pop()
        if pk in found or pk == head:
            continue
        found.add(pk)
        waiting.extend(below.get(pk, ()))
    return found
