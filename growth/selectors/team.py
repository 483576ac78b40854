"""Reads for leading people: the team dashboard and the coaching page.

Each selector builds one page's data in a fixed number of queries, whatever the
number of people: subqueries and grouped queries over the viewer's ids
(``Access``), merged in Python, never a query per row. Pages show names, counts
and dates; the text of a note or a check-in never comes through here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Count, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Team
from growth.models import (
    CheckIn,
    CheckInKind,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    Goal,
    Mentorship,
    Visibility,
)
from growth.models.feedback import GIVEN, UNACKNOWLEDGED
from growth.policy import Access
from growth.selectors.checkins import (
    MenteeRow,
    count_of,
    latest_of,
    mentee_row,
    with_last_check_in,
)

# The technical / interpersonal split looks this far back.
FEEDBACK_WINDOW = datetime.timedelta(days=90)


def days_since(moment, *, today: datetime.date, zone=None) -> int | None:
    """Whole days from ``moment`` (a date, or an aware datetime read in ``zone``)
    to ``today``; None for never."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment, zone)
    return (today - moment).days


# --- the team dashboard -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # The row's attribute it sorts on, dotted for a related object's.
    attribute: str
    # "Days since" columns sort on a date: fewer days means a later date,
    # and never (no date) means more days than any.
    since: bool = False


COLUMNS = (
    Column("name", "Name", "user.display_name"),
    Column("team", "Team", "team.name"),
    Column("last_feedback_mine", "Days since my feedback", "last_feedback_mine", True),
    Column("last_feedback", "Days since any feedback", "last_feedback_any", True),
    Column("technical", "Technical (90 days)", "technical"),
    Column("interpersonal", "Interpersonal (90 days)", "interpersonal"),
    Column("goals_at_risk", "Goals at risk", "goals_at_risk"),
    Column("last_one_on_one", "Days since 1:1", "last_one_on_one", True),
    Column("unacknowledged", "Unacknowledged", "unacknowledged"),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def reports_within(access: Access, *, indirect: bool) -> QuerySet:
    """Active engineers reporting to the viewer: directly, or with ``indirect``
    to ``INDIRECT_DEPTH`` levels."""
    ids = access.report_ids | (access.indirect_report_ids if indirect else frozenset())
    return Engineer.objects.active().filter(pk__in=ids - access.own_ids)


def team_choices(access: Access) -> list[tuple[int, str]]:
    """The teams of everyone on the viewer's dashboard, at any depth: one query."""
    people = reports_within(access, indirect=True).values("team_id")
    return list(Team.objects.filter(pk__in=people).values_list("pk", "name"))


def team_table(
    access: Access,
    *,
    zone: datetime.tzinfo,
    now: datetime.datetime,
    indirect: bool = False,
    team: int | None = None,
    sort: str = "name",
    direction: str = "asc",
) -> list[Engineer]:
    """The team dashboard's rows for the viewer, a manager, sorted: two queries.

    The people come with their goals at risk and last 1:1 (two correlated
    subqueries on small, indexed sets); their notes are counted in one grouped
    query over the rows' ids and merged here. Sorting happens here too, after
    the merge, so every column sorts across pages alike: a manager's table is
    a few hundred rows at most.
    """
    today = timezone.localdate(now, zone)
    own = OuterRef("pk")
    one_on_ones = CheckIn.objects.filter(
        engineer=own,
        kind=CheckInKind.ONE_ON_ONE,
        author=OuterRef("manager__user"),
    )
    qs = (
        reports_within(access, indirect=indirect)
        .select_related("user", "team", "manager__user")
        .annotate(
            goals_at_risk=count_of(
                Goal.objects.filter(engineer=own).at_risk(now=now, today=today)
            ),
            last_one_on_one=latest_of(one_on_ones, "held_on"),
        )
        .order_by()
    )
    if team is not None:
        qs = qs.filter(team_id=team)
    engineers = list(qs)
    totals = _note_totals(access, [e.pk for e in engineers], now=now)
    for engineer in engineers:
        for name, value in totals.get(engineer.pk, _NO_NOTES).items():
            setattr(engineer, name, value)
    return _sorted(engineers, sort, direction)


# What an engineer nobody has written to counts: no dates, zero notes.
_NO_NOTES = {
    "last_feedback_mine": None,
    "last_feedback_any": None,
    "technical": 0,
    "interpersonal": 0,
    "unacknowledged": 0,
}


def _note_totals(
    access: Access, engineer_ids: list[int], *, now: datetime.datetime
) -> dict[int, dict]:
    """The feedback columns of ``engineer_ids``, keyed by engineer id: one
    grouped query, a single pass over their notes (the old correlated
    subqueries read them five times, once per column).

    Direct reports count the notes their manager may read (shared and
    manager-only); indirect reports count shared notes only.
    """
    if not engineer_ids:
        return {}
    # Manager-only notes count for direct reports alone: a skip-level manager
    # may not read them, so even their number must not travel up the chain.
    indirect = [pk for pk in engineer_ids if not access.manages(pk)]
    given = Q(visibility__in=GIVEN)
    if indirect:
        given &= ~Q(visibility=Visibility.MANAGER, engineer_id__in=indirect)
    recent = given & Q(created_at__gte=now - FEEDBACK_WINDOW)
    totals = (
        FeedbackNote.objects.filter(engineer_id__in=engineer_ids)
        .order_by()
        .values("engineer_id")
        .annotate(
            last_feedback_mine=Max(
                "created_at", filter=given & Q(author_id=access.user_id)
            ),
            last_feedback_any=Max("created_at", filter=given),
            technical=Count("pk", filter=recent & Q(kind=CompetencyKind.TECHNICAL)),
            interpersonal=Count(
                "pk", filter=recent & Q(kind=CompetencyKind.INTERPERSONAL)
            ),
            unacknowledged=Count("pk", filter=UNACKNOWLEDGED),
        )
    )
    return {total.pop("engineer_id"): total for total in totals}


def _sort_key(column: Column):
    """What rows sort on for ``column``: names as people read them ("bob"
    beside "Bob", not after "Zoe"), the rest as they are."""
    value = attrgetter(column.attribute)
    if column.key in ("name", "team"):
        return lambda engineer: value(engineer).casefold()
    return value


def _sorted(engineers: list[Engineer], sort: str, direction: str) -> list[Engineer]:
    """``engineers`` by the column ``sort``, then by name and id.

    Days-since columns hold a date: fewest days first is the latest date
    first, and "never" (no date) counts as more days than any.
    """
    column = COLUMNS_BY_KEY.get(sort, COLUMNS[0])
    ascending = direction != "desc"
    value = _sort_key(column)
    # Python's sorts are stable, even reversed: sorting by the tie-break first
    # keeps ties in name and id order whichever way the column goes.
    rows = sorted(engineers, key=lambda e: (e.user.display_name.casefold(), e.pk))
    if not column.since:
        return sorted(rows, key=value, reverse=not ascending)
    dated = [e for e in rows if value(e) is not None]
    never = [e for e in rows if value(e) is None]
    if ascending:
        return sorted(dated, key=value, reverse=True) + never
    return never + sorted(dated, key=value)


@dataclass(frozen=True)
class TeamRow:
    engineer: Engineer
    is_direct: bool
    days_since_mine: int | None
    days_since_any: int | None
    technical: int
    interpersonal: int
    goals_at_risk: int
    days_since_one_on_one: int | None
    unacknowledged: int

    @property
    def interpersonal_missing(self) -> bool:
        """Technical feedback but no interpersonal in the window: a blind spot."""
        return self.technical > 0 and self.interpersonal == 0


def team_row(
    engineer: Engineer,
    *,
    access: Access,
    zone: datetime.tzinfo,
    now: datetime.datetime,
) -> TeamRow:
    """One dashboard row from an engineer annotated by :func:`team_table`,
    with days counted in the viewer's time zone."""
    today = timezone.localdate(now, zone)
    return TeamRow(
        engineer=engineer,
        is_direct=access.manages(engineer.pk),
        days_since_mine=days_since(engineer.last_feedback_mine, today=today, zone=zone),
        days_since_any=days_since(engineer.last_feedback_any, today=today, zone=zone),
        technical=engineer.technical,
        interpersonal=engineer.interpersonal,
        goals_at_risk=engineer.goals_at_risk,
        days_since_one_on_one=days_since(engineer.last_one_on_one, today=today),
        unacknowledged=engineer.unacknowledged,
    )


# --- coaching --------------------------------------------------------------------


@dataclass
class CoachedMentor:
    """How one mentor is doing as a mentor, in counts and dates only."""

    coaching: Mentorship
    mentees: list[MenteeRow] = field(default_factory=list)
    technical: int = 0
    interpersonal: int = 0
    rated: int = 0
    rated_actionable: int = 0

    @property
    def mentor(self) -> Engineer:
        return self.coaching.mentee

    @property
    def active_mentees(self) -> int:
        return len(self.mentees)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.mentees if row.status == "overdue")

    @property
    def kept(self) -> int:
        return self.active_mentees - self.overdue

    @property
    def feedback_given(self) -> int:
        return self.technical + self.interpersonal


def coached_mentors(
    access: Access, *, zone: datetime.tzinfo, now: datetime.datetime
) -> list[CoachedMentor]:
    """The mentors ``user`` coaches and how they are doing: three queries.

    A mentorship's cadence is kept while its next check-in is not past due
    (due today still counts as kept). Feedback counts are the shared notes the
    mentor gave their current mentees in the last 90 days: a coach may not read
    a manager-only note, so its number is not shown either. The actionable
    share is over every note from them that those mentees acknowledged and
    rated.
    """
    today = timezone.localdate(now, zone)
    coaching = list(
        Mentorship.objects.active()
        .filter(mentor_id__in=access.own_ids, mentee_id__in=access.coached_mentor_ids)
        .select_related("mentee__user")
        .order_by("mentee__user__display_name", "pk")
    )
    by_mentor = {row.mentee_id: CoachedMentor(coaching=row) for row in coaching}
    if not by_mentor:
        return []

    mentorships = with_last_check_in(
        Mentorship.objects.active()
        .filter(mentor_id__in=by_mentor)
        .select_related("mentee__user")
        .order_by("mentee__user__display_name", "pk")
    )
    pairs = set()
    for mentorship in mentorships:
        by_mentor[mentorship.mentor_id].mentees.append(
            mentee_row(mentorship, today=today)
        )
        pairs.add((mentorship.mentor_id, mentorship.mentee_id))
    if not pairs:
        return list(by_mentor.values())

    # Notes from any of these mentors to any of their mentees, counted per
    # author and engineer; the pairs that are no mentorship are dropped here.
    # Cheaper than asking the database to check each note's pair.
    mentor_of_user = {row.mentee.user_id: row.mentee_id for row in coaching}
    recent = Q(created_at__gte=now - FEEDBACK_WINDOW)
    rated = Q(
        visibility=Visibility.SHARED,
        acknowledged_at__isnull=False,
        actionable__isnull=False,
    )
    totals = (
        FeedbackNote.objects.filter(
            author_id__in=mentor_of_user,
            engineer_id__in={mentee for _mentor, mentee in pairs},
            visibility=Visibility.SHARED,
        )
        .order_by()
        .values("author_id", "engineer_id")
        .annotate(
            technical=Count("pk", filter=recent & Q(kind=CompetencyKind.TECHNICAL)),
            interpersonal=Count(
                "pk", filter=recent & Q(kind=CompetencyKind.INTERPERSONAL)
            ),
            rated=Count("pk", filter=rated),
            rated_actionable=Count("pk", filter=rated & Q(actionable=True)),
        )
    )
    for total in totals:
        mentor_id = mentor_of_user[total["author_id"]]
        if (mentor_id, total["engineer_id"]) not in pairs:
            continue
        row = by_mentor[mentor_id]
        row.technical += total["technical"]
        row.interpersonal += total["interpersonal"]
        row.rated += total["rated"]
        row.rated_actionable += total["rated_actionable"]
    return list(by_mentor.values())
