"""Reads for the growth dashboard and the goal pages: plain functions taking the
viewer (their ``Access``, and their time zone), the engineer and ``now``.

Every queryset starts from the policy, so a viewer only ever counts what they
may read. The monthly charts read only their own months, so a page costs the
same after one month or five years.
"""

from __future__ import annotations

import bisect
import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    IntegerField,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from growth import charts, policy
from growth.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CheckIn,
    CheckInKind,
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalStatus,
    Mentorship,
    Visibility,
)
from growth.policy import Access
from growth.selectors import rhythm
from growth.selectors.checkins import pair_url
from growth.selectors.leadership import (
    Leadership,
    leadership_counts,
    leadership_of_engineer,
)

MONTHS = 6  # how far back the monthly charts reach, this month included
COVERAGE_DAYS = 90  # "lately", for which competencies have had feedback
PROGRESS_DAYS = 365  # how far back the goal progress chart reaches
CLOSED_GOALS_SHOWN = 5  # achieved or abandoned goals shown under the active ones
UNACKNOWLEDGED_SHOWN = 3  # answer cards on top; the rest are on the feedback page


# What a page shows of a person: their name, and a short one (User.__str__ and
# get_short_name). Joins read only these, never a whole user row.
NAME = ("display_name", "email")


def _name(path: str) -> list[str]:
    return [f"{path}__{field}" for field in NAME]


# The dashboard's header and people: the engineer, their team and manager.
ENGINEER_HEADER = (
    "level__name",
    "level__is_senior",
    "level__track__name",
    "title",
    "team__name",
    "manager__user",
    "shares_assessments_with_mentors",
    *_name("user"),
    *_name("manager__user"),
)

# --- who ---------------------------------------------------------------------


def goal_engineers(who) -> QuerySet:
    """Engineers ``who`` may set goals for: themselves and their direct reports.

    The same people ``Goal.objects.editable_by(who)`` lets edit a goal.
    """
    return policy.goal_owners_for(who, Engineer.objects.all()).select_related("user")


def dashboard_engineer(access: Access, pk: int) -> Engineer:
    """The engineer ``pk`` if the viewer may open their dashboard, ready to draw
    its header (``manager_visible``, ``may_add_goal``) and, on one's own, the
    My 1:1s card (``open_action_items``, ``agenda_points``); else a 404."""
    engineers = (
        Engineer.objects.visible_to(access)
        .select_related("user", "team__cadence", "manager__user", "level__track")
        .only(*ENGINEER_HEADER, *rhythm.CADENCE_FIELDS)
        .annotate(**rhythm.latest_plan_annotations())
    )
    if pk == access.engineer_id:
        engineers = engineers.annotate(**my_one_on_ones_counts(access))
    # The technical leadership card's counts, in the same read.
    engineers = engineers.annotate(**leadership_counts(today=timezone.localdate()))
    engineer = get_object_or_404(engineers, pk=pk)
    engineer.manager_visible = access.follows(engineer.manager_id)
    engineer.may_add_goal = engineer.pk in policy.goal_owner_ids(access)
    engineer.may_read_framework = policy.may_read_framework_of(access, engineer)
    return engineer


def my_one_on_ones_counts(access: Access) -> dict:
    """The My 1:1s card's counts, as subqueries of the engineer's own read
    rather than queries of their own: the open action items they are to do,
    and the talking points waiting for their next 1:1s and mentoring
    check-ins (an ended mentorship has no next one).

    Plain SQL, who may count what from the policy (``action_items_owned_sql``,
    ``agenda_items_visible_sql``): the ORM took longer to build these two
    grouped subqueries than the database took to run them. A test holds them
    to ``ActionItem.objects.owned_by`` and ``AgendaItem.objects.visible_to``.
    """
    q = connection.ops.quote_name
    engineer = q(Engineer._meta.db_table)
    owned, owned_params = policy.action_items_owned_sql(
        access, item="ai", check_in="ci"
    )
    items = (
        f"(SELECT COUNT(*) FROM {q(ActionItem._meta.db_table)} ai"
        f" JOIN {q(CheckIn._meta.db_table)} ci ON ci.id = ai.check_in_id"
        f" WHERE ci.engineer_id = {engineer}.id AND ai.done_at IS NULL AND {owned})"
    )
    visible, visible_params = policy.agenda_items_visible_sql(access, item="ag")
    points = (
        f"(SELECT COUNT(*) FROM {q(AgendaItem._meta.db_table)} ag"
        f" LEFT JOIN {q(Mentorship._meta.db_table)} m ON m.id = ag.mentorship_id"
        f" WHERE ag.engineer_id = {engineer}.id AND ag.discussed_in_id IS NULL"
        f" AND (ag.mentorship_id IS NULL OR m.ended_on IS NULL) AND {visible})"
    )
    return {
        "open_action_items": RawSQL(items, owned_params, IntegerField()),
        "agenda_points": RawSQL(points, visible_params, IntegerField()),
    }


# --- the dashboard -------------------------------------------------------------


@dataclass(frozen=True)
class OneOnOnes:
    """Where the dashboard leads for 1:1s: one's own page with its counts, or
    the viewer's pair with the engineer (a manager's 1:1s, a mentor's
    mentoring)."""

    url: str
    is_self: bool
    kind_noun: str = CheckInKind.ONE_ON_ONE.noun
    open_action_items: int = 0
    agenda_points: int = 0


def one_on_ones_card(
    access: Access, engineer: Engineer, mentorships: list
) -> OneOnOnes | None:
    """The card for the viewer of ``engineer``'s dashboard, from what the
    dashboard has read already (``mentorships``: the engineer's active ones)."""
    if engineer.pk == access.engineer_id:
        return OneOnOnes(
            url=reverse("one-on-ones"),
            is_self=True,
            open_action_items=getattr(engineer, "open_action_items", 0),
            agenda_points=getattr(engineer, "agenda_points", 0),
        )
    if access.manages(engineer.pk):
        return OneOnOnes(
            url=pair_url(
                CheckInKind.ONE_ON_ONE, engineer_id=engineer.pk, mentorship_id=None
            ),
            is_self=False,
        )
    for mentorship in mentorships:
        if mentorship.mentor_id in access.own_ids:
            return OneOnOnes(
                url=pair_url(
                    CheckInKind.MENTORING,
                    engineer_id=engineer.pk,
                    mentorship_id=mentorship.pk,
                ),
                is_self=False,
                kind_noun=CheckInKind.MENTORING.noun,
            )
    return None


@dataclass(frozen=True)
class Person:
    engineer: Engineer
    visible: bool  # whether the viewer may open their dashboard


@dataclass(frozen=True)
class CompetencyCoverage:
    competency: Competency
    count: int
    kind: str = ""  # the competency's kind, in lower case, for the page

    @property
    def notes(self) -> str:
        return f"{self.count} note{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Dashboard:
    engineer: Engineer
    is_self: bool
    unacknowledged: list[FeedbackNote]  # the newest few
    unacknowledged_count: int
    active_goals: list[Goal]
    goal_bars: SafeString  # the active goals, drawn
    closed_goals: list[Goal]
    progress_chart: charts.Chart | None
    feedback_chart: charts.Chart
    feedback_total: int
    covered: list[CompetencyCoverage]
    uncovered: list[Competency]
    learning_chart: charts.Chart
    learning_hours: Decimal
    manager: Person | None
    mentors: list[Person]
    open_requests: list[FeedbackRequest]
    today: datetime.date
    one_on_ones: OneOnOnes | None = None
    learning_day: rhythm.LearningDayCard | None = None
    leadership: Leadership | None = None  # senior and above
    coverage_days: int = COVERAGE_DAYS
    months: int = MONTHS


def dashboard_build(
    *, viewer, access: Access, engineer: Engineer, now: datetime.datetime
) -> Dashboard:
    """Gather everything the growth dashboard of ``engineer`` shows ``viewer``
    (a user, for their time zone, with their ``access``).

    ``engineer`` comes from :func:`dashboard_engineer` (it carries
    ``manager_visible``).
    """
    zone = viewer.zone
    today = now.astimezone(zone).date()
    is_self = engineer.pk == access.engineer_id
    goals = goals_of(viewer=access, engineer=engineer)
    active = [goal for goal in goals if goal.status == GoalStatus.ACTIVE]
    closed = [goal for goal in goals if goal.status != GoalStatus.ACTIVE]
    feedback = feedback_overview(viewer=access, engineer=engineer, now=now, zone=zone)
    learning_chart, learning_hours = learning_by_month(
        viewer=access, engineer=engineer, now=now, zone=zone
    )
    waiting = newest_unacknowledged(viewer=access, engineer=engineer) if is_self else []
    mentorships = list(active_mentorships(viewer=access, engineer=engineer))
    manager = None
    if engineer.manager_id:
        manager = Person(
            engineer=engineer.manager,
            visible=getattr(engineer, "manager_visible", False),
        )
    return Dashboard(
        engineer=engineer,
        is_self=is_self,
        unacknowledged=waiting,
        unacknowledged_count=waiting[0].waiting if waiting else 0,
        active_goals=active,
        goal_bars=charts.goal_bars(active, today=today),
        closed_goals=closed[:CLOSED_GOALS_SHOWN],
        progress_chart=goal_progress_chart(
            viewer=access, engineer=engineer, goals=active, now=now, zone=zone
        ),
        feedback_chart=feedback.chart,
        feedback_total=feedback.total,
        covered=feedback.covered,
        uncovered=feedback.uncovered,
        learning_chart=learning_chart,
        learning_hours=learning_hours,
        manager=manager,
        mentors=[
            Person(engineer=m.mentor, visible=access.follows(m.mentor_id))
            for m in mentorships
        ],
        open_requests=list(open_requests_made(viewer=access, engineer=engineer)),
        today=today,
        one_on_ones=one_on_ones_card(access, engineer, mentorships),
        learning_day=rhythm.learning_day_card(engineer, today=today),
        leadership=leadership_of_engineer(engineer),
    )


def unacknowledged_feedback(*, viewer, engineer: Engineer) -> QuerySet:
    """Shared notes the engineer has not acknowledged yet, for the engineer only."""
    return (
        FeedbackNote.objects.answerable_by(viewer)
        .filter(engineer=engineer)
        .unacknowledged()
    )


# What an answer card (feedback/_answer_card.html) shows of a note.
ANSWER_CARD = (
    "kind",
    "sentiment",
    "situation",
    "behaviour",
    "impact",
    "suggestion",
    "message",
    "created_at",
    "acknowledged_at",
    "replied_at",
    "actionable",
    "competency__name",
    *_name("author"),
)


def newest_unacknowledged(*, viewer, engineer: Engineer) -> list[FeedbackNote]:
    """The newest few unacknowledged notes, each carrying how many wait in all
    (``waiting``), in one query: the rest of a long backlog is not loaded just
    to be counted.

    The count is an uncorrelated subquery, run once, rather than a window over
    the whole backlog: a window makes the database join and sort every waiting
    note before it can keep three. It counts the rows of the same policy
    queryset's plain id list, compiled as such: cheaper for the ORM to build
    than a grouped ``Subquery``. Only what an answer card shows is joined.
    """
    notes = unacknowledged_feedback(viewer=viewer, engineer=engineer)
    try:
        ids, params = notes.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # nobody's notes: nothing waits
        return []
    waiting = RawSQL(f"SELECT COUNT(*) FROM ({ids}) waiting", params, IntegerField())
    return list(
        notes.select_related("author", "competency")
        .only(*ANSWER_CARD)
        .annotate(waiting=waiting)[:UNACKNOWLEDGED_SHOWN]
    )


def goals_of(*, viewer, engineer: Engineer) -> list[Goal]:
    """The engineer's goals, active first (soonest due first, undated last),
    then the rest, the most recently changed first.

    Sorted here: a few dozen rows sort faster than the ORM compiles the
    ``CASE`` that would sort them in the database.
    """
    goals = list(
        Goal.objects.visible_to(viewer)
        .filter(engineer=engineer)
        .order_by()
        .only("engineer_id", "title", "status", "progress", "target_date", "updated_at")
    )
    active = sorted(
        (goal for goal in goals if goal.status == GoalStatus.ACTIVE),
        key=lambda goal: (
            goal.target_date is None,
            goal.target_date or datetime.date.min,
            -goal.updated_at.timestamp(),
            goal.pk,
        ),
    )
    closed = sorted(
        (goal for goal in goals if goal.status != GoalStatus.ACTIVE),
        key=lambda goal: (goal.updated_at, goal.pk),
        reverse=True,
    )
    return active + closed


def goal_progress_chart(
    *,
    viewer,
    engineer: Engineer,
    goals: list[Goal],
    now: datetime.datetime,
    zone: datetime.tzinfo,
) -> charts.Chart | None:
    """One line per active goal, drawn from its check-ins of the last year."""
    since = now - datetime.timedelta(days=PROGRESS_DAYS)
    if not goals:
        return None
    rows = check_in_rows(
        policy.goals_with_readable_check_ins(viewer, goals), since=since
    )
    by_goal: dict[int, list] = {goal.pk: [] for goal in goals}
    for goal_id, progress, created_at in rows:
        if goal_id in by_goal:
            by_goal[goal_id].append((created_at, progress))
    series = [(goal.title, by_goal[goal.pk]) for goal in goals if by_goal[goal.pk]]
    if not series:
        return None
    start = min(values[0][0] for _, values in series)
    return charts.progress_line_chart(
        id="goal-progress",
        title="Progress on active goals",
        series=series,
        start=start,
        end=now,
        zone=zone,
    )


# The progress chart's read, by hand for the reason _FEEDBACK_ROWS_SQL is; a
# test holds it to GoalCheckIn.objects.visible_to.
_CHECK_IN_ROWS_SQL = """
SELECT goal_id, progress, created_at FROM {check_in}
WHERE goal_id IN ({goals}) AND created_at >= %s
ORDER BY created_at, id
"""


def check_in_rows(goal_ids: list[int], *, since) -> list[tuple]:
    """(goal id, progress, aware time) of the check-ins of ``goal_ids`` since
    ``since``, oldest first."""
    if not goal_ids:
        return []
    sql = _CHECK_IN_ROWS_SQL.format(
        check_in=connection.ops.quote_name(GoalCheckIn._meta.db_table),
        goals=", ".join(["%s"] * len(goal_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*goal_ids, connection.ops.adapt_datetimefield_value(since)]
        )
        rows = cursor.fetchall()
    # SQLite gives the stored UTC time without its zone; PostgreSQL with it.
    return [
        (goal, progress, when if when.tzinfo else when.replace(tzinfo=datetime.UTC))
        for goal, progress, when in rows
    ]


def month_starts(now: datetime.datetime, zone, count: int = MONTHS) -> list:
    """The first days of the last ``count`` months in ``zone``, oldest first."""
    local = now.astimezone(zone).date().replace(day=1)
    months = [local]
    for _ in range(count - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months[::-1]


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _local_midnights(days, zone) -> list[datetime.datetime]:
    return [
        datetime.datetime.combine(day, datetime.time(), tzinfo=zone) for day in days
    ]


# The feedback chart's read, written by hand as policy.py writes Access's: the
# ORM compiled it in about 0.7 ms of a dashboard's 15, the database runs it in
# 0.1. Each note comes back as its kind, competency, the index of its month
# among the chart's (-1 before them) and whether it is recent, so no date is
# parsed either. Who may read which note is the policy's (``notes_about``);
# notes to self are private jottings, not feedback given, never counted, not
# even the viewer's own; deleted notes are gone. A test holds the rows to the
# ORM's ``FeedbackNote.objects.visible_to``.
_FEEDBACK_ROWS_SQL = """
SELECT kind, competency_id, CASE {months} ELSE -1 END,
       CASE WHEN created_at >= %s THEN 1 ELSE 0 END
FROM {note}
WHERE engineer_id = %s AND deleted_at IS NULL AND visibility <> %s
  AND created_at >= %s AND created_at < %s
  AND (author_id = %s{visible})
"""


def feedback_rows(
    about: policy.NotesAbout, *, bounds: list[datetime.datetime], since
) -> list[tuple[str, int | None, int, int]]:
    """The notes about ``about.engineer_id`` it allows, from ``bounds[0]`` (or
    ``since``, if earlier) to ``bounds[-1]``: (kind, competency id, month index
    among ``bounds``, 1 if at or after ``since`` else 0)."""
    if about.author_id is None:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    starts = bounds[:-1]
    months = " ".join(
        f"WHEN created_at >= %s THEN {i}" for i in range(len(starts) - 1, -1, -1)
    )
    visible = ""
    if about.visibilities:
        visible = f" OR visibility IN ({', '.join(['%s'] * len(about.visibilities))})"
    sql = _FEEDBACK_ROWS_SQL.format(
        months=months,
        note=connection.ops.quote_name(FeedbackNote._meta.db_table),
        visible=visible,
    )
    params = [
        *(adapt(start) for start in reversed(starts)),
        adapt(since),
        about.engineer_id,
        Visibility.SELF.value,
        adapt(min(bounds[0], since)),
        adapt(bounds[-1]),
        about.author_id,
        *about.visibilities,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month_of(moment, starts: list) -> int | None:
    """The index of the month among ``starts`` (ascending, with the end of the
    last month after them) that ``moment`` falls in; None outside them."""
    index = bisect.bisect_right(starts, moment) - 1
    return index if 0 <= index < len(starts) - 1 else None


@dataclass(frozen=True)
class FeedbackOverview:
    chart: charts.Chart  # notes per month, technical and interpersonal
    total: int  # notes in the chart's months
    covered: list[CompetencyCoverage]  # with feedback lately, most first
    uncovered: list[Competency]  # active, with none lately


def feedback_overview(
    *, viewer, engineer: Engineer, now: datetime.datetime, zone: datetime.tzinfo
) -> FeedbackOverview:
    """Feedback notes per month as a stacked chart, and which competencies had
    feedback in the last 90 days (and how much) and which active ones had none.

    Both are counted here from one read of the engineer's notes of the last six
    months (``feedback_rows``, on the note_engineer_recent index): a few
    hundred small rows at most. The competencies are a second, plain read.
    """
    months = month_starts(now, zone)
    bounds = _local_midnights([*months, _next_month(months[-1])], zone)
    since = now - datetime.timedelta(days=COVERAGE_DAYS)
    rows = feedback_rows(
        policy.notes_about(viewer, engineer.pk), bounds=bounds, since=since
    )
    by_month: Counter[tuple[int, str]] = Counter()
    by_competency: Counter[int] = Counter()
    for kind, competency_id, month, recent in rows:
        if month >= 0:
            by_month[month, kind] += 1
        if recent and competency_id is not None:
            by_competency[competency_id] += 1
    kinds = [CompetencyKind.TECHNICAL, CompetencyKind.INTERPERSONAL]
    indexes = range(len(months))
    chart = charts.stacked_bar_chart(
        id="feedback-by-month",
        title="Feedback notes per month",
        categories=[charts.month_label(month) for month in months],
        series=[
            (kind.label, [by_month[i, kind.value] for i in indexes]) for kind in kinds
        ],
        unit="notes",
    )
    covered, uncovered = [], []
    kinds = {kind.value: kind.label.lower() for kind in CompetencyKind}
    for competency in Competency.objects.order_by("kind", "name").only(
        "name", "kind", "is_active"
    ):
        if count := by_competency[competency.pk]:
            covered.append(
                CompetencyCoverage(competency, count, kinds.get(competency.kind, ""))
            )
        elif competency.is_active:
            # A retired competency counts only if it had feedback.
            uncovered.append(competency)
    covered.sort(key=lambda c: (-c.count, c.competency.kind, c.competency.name))
    return FeedbackOverview(
        chart=chart,
        total=sum(by_month.values()),
        covered=covered,
        uncovered=uncovered,
    )


def learning_by_month(
    *, viewer, engineer: Engineer, now: datetime.datetime, zone: datetime.tzinfo
) -> tuple[charts.Chart, Decimal]:
    """Hours of learning the engineer attended per month, up to today: the
    activities of six months are a few hundred rows at most, summed here."""
    months = month_starts(now, zone)
    today = now.astimezone(zone).date()
    starts = [*months, _next_month(months[-1])]
    rows = (
        Attendance.objects.of_visible_to(viewer, engineer.pk)
        .filter(date__gte=months[0], date__lte=today)
        .values_list("date", "learningactivity__hours")
    )
    hours = [Decimal(0)] * len(months)
    for day, spent in rows:
        if (month := _month_of(day, starts)) is not None:
            hours[month] += spent
    chart = charts.stacked_bar_chart(
        id="learning-by-month",
        title="Learning hours per month",
        categories=[charts.month_label(month) for month in months],
        series=[("Hours", hours)],
        unit="hours",
    )
    return chart, sum(hours, Decimal(0))


def active_mentorships(*, viewer, engineer: Engineer) -> QuerySet:
    """The engineer's active mentorships that the viewer may see."""
    return (
        Mentorship.objects.visible_to(viewer)
        .active()
        .filter(mentee=engineer)
        .select_related("mentor__user")
        .only("mentor__user", *_name("mentor__user"))
        .order_by("mentor__user__display_name")
    )


def open_requests_made(*, viewer, engineer: Engineer) -> QuerySet:
    """Open requests the engineer made that the viewer may see: all of them for
    the engineer, only the ones asked of the viewer for anyone else."""
    return (
        FeedbackRequest.objects.visible_to(viewer)
        .open()
        .filter(requester=engineer)
        .select_related("recipient__user", "competency")
        .only(
            "due_on", "competency__name", "recipient__user", *_name("recipient__user")
        )
    )
