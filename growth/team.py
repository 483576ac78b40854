"""The read side of leading people: the team dashboard, mentoring and coaching.

Each selector here builds one page's data in a fixed number of queries, whatever
the number of people: annotations and subqueries, never a query per row. Pages
show names, counts and dates; the text of a note or a check-in never comes
through here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Team
from growth import policy
from growth.models import (
    CheckIn,
    CheckInKind,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    Mentorship,
    Visibility,
)

# A goal is at risk when it is active and either overdue, or due within
# GOAL_DUE_SOON and untouched (no edit, no check-in) for GOAL_STALE_AFTER.
GOAL_DUE_SOON = datetime.timedelta(days=14)
GOAL_STALE_AFTER = datetime.timedelta(days=14)
# The technical / interpersonal split looks this far back.
FEEDBACK_WINDOW = datetime.timedelta(days=90)
# Direct reports are level 1; the toggle adds their reports and theirs.
INDIRECT_DEPTH = policy.INDIRECT_DEPTH
# Feedback that counts as given: notes to self are private thoughts, not feedback.
GIVEN = (Visibility.SHARED, Visibility.MANAGER)


# --- small query pieces --------------------------------------------------------


def _count(qs: QuerySet, by: str = "engineer") -> Coalesce:
    """Count the rows of ``qs`` (already tied to the outer row) as a subquery."""
    counted = qs.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest(qs: QuerySet, field_name: str, *tiebreak: str) -> Subquery:
    """The newest value of ``field_name`` in ``qs``, as a subquery."""
    newest = qs.order_by(f"-{field_name}", *tiebreak).values(field_name)[:1]
    return Subquery(newest)


def goals_at_risk(
    qs: QuerySet, *, now: datetime.datetime, today: datetime.date
) -> QuerySet:
    """Narrow ``qs`` to goals at risk: active and overdue, or active, due within
    14 days and not updated (edited or checked in on) for 14 days.

    ``today`` is the viewer's date, ``now`` the moment the staleness counts from.
    """
    stale_since = now - GOAL_STALE_AFTER
    checked_in_lately = GoalCheckIn.objects.filter(
        goal=OuterRef("pk"), created_at__gte=stale_since
    )
    return qs.active().filter(
        Q(target_date__lt=today)
        | (
            Q(target_date__lte=today + GOAL_DUE_SOON, updated_at__lt=stale_since)
            & ~Exists(checked_in_lately)
        )
    )


def days_since(moment, *, today: datetime.date, zone=None) -> int | None:
    """Whole days from ``moment`` (a date, or an aware datetime read in ``zone``)
    to ``today``; None for never."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment, zone)
    return (today - moment).days


# --- mentorship cadence ---------------------------------------------------------


def check_in_due_on(
    *, last_held_on: datetime.date | None, started_on: datetime.date, cadence_days: int
) -> datetime.date:
    """The day a mentorship's next check-in is due: the cadence after the last
    check-in, or after the start while there has been none."""
    return (last_held_on or started_on) + datetime.timedelta(days=cadence_days)


def cadence_status(due_on: datetime.date, today: datetime.date) -> str:
    """``overdue`` after the due day, ``due`` on it, ``ok`` before it."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due"
    return "ok"


def _with_last_check_in(qs: QuerySet) -> QuerySet:
    """Annotate mentorships with the date and id of their last check-in."""
    theirs = CheckIn.objects.filter(
        mentorship=OuterRef("pk"), kind=CheckInKind.MENTORING
    )
    return qs.annotate(
        last_held_on=_latest(theirs, "held_on", "-pk"),
        last_check_in_id=Subquery(theirs.order_by("-held_on", "-pk").values("pk")[:1]),
    )


# --- the team dashboard -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order_by: str
    # "Days since" columns sort on a date: fewer days means a later date,
    # and never (no date) means more days than any.
    since: bool = False


COLUMNS = (
    Column("name", "Name", "user__display_name"),
    Column("team", "Team", "team__name"),
    Column("last_feedback_mine", "Days since my feedback", "last_feedback_mine", True),
    Column("last_feedback", "Days since any feedback", "last_feedback_any", True),
    Column("technical", "Technical (90 days)", "technical"),
    Column("interpersonal", "Interpersonal (90 days)", "interpersonal"),
    Column("goals_at_risk", "Goals at risk", "goals_at_risk"),
    Column("last_one_on_one", "Days since 1:1", "last_one_on_one", True),
    Column("unacknowledged", "Unacknowledged", "unacknowledged"),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


class TeamTableForm(forms.Form):
    """The team dashboard's query string: filter, toggle and sort."""

    team = forms.TypedChoiceField(
        label="Team", required=False, coerce=int, empty_value=None
    )
    indirect = forms.BooleanField(
        label="Include indirect reports (their reports, up to three levels)",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    sort = forms.ChoiceField(
        choices=[(c.key, c.label) for c in COLUMNS],
        required=False,
        widget=forms.HiddenInput,
    )
    dir = forms.ChoiceField(
        choices=[("asc", "ascending"), ("desc", "descending")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, teams: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams"), *teams]

    def options(self) -> dict:
        """The valid parts of the query, with defaults for the rest."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "team": data.get("team"),
            "indirect": bool(data.get("indirect")),
            "sort": data.get("sort") or "name",
            "direction": data.get("dir") or "asc",
        }


def reports_within(user, *, depth: int) -> QuerySet:
    """Active engineers reporting to ``user`` within ``depth`` levels, annotated
    with their ``depth`` (1 for a direct report)."""
    levels = [("manager__" * level) + "manager__user" for level in range(depth)]
    condition = Q()
    for path in levels:
        condition |= Q(**{path: user})
    return (
        Engineer.objects.active()
        .filter(condition)
        .exclude(user=user)
        .annotate(
            depth=Case(
                *(
                    When(**{path: user}, then=Value(n))
                    for n, path in enumerate(levels, 1)
                ),
                output_field=IntegerField(),
            )
        )
    )


def team_choices(user) -> list[tuple[int, str]]:
    """The teams of everyone on ``user``'s dashboard, at any depth: one query."""
    people = reports_within(user, depth=INDIRECT_DEPTH).values("team_id")
    return list(Team.objects.filter(pk__in=people).values_list("pk", "name"))


def team_table(
    user,
    *,
    now: datetime.datetime,
    indirect: bool = False,
    team: int | None = None,
    sort: str = "name",
    direction: str = "asc",
) -> QuerySet:
    """The team dashboard's rows for manager ``user``, sorted: one query."""
    today = timezone.localdate(now, user.zone)
    own = OuterRef("pk")
    given = FeedbackNote.objects.filter(engineer=own, visibility__in=GIVEN)
    recent = given.filter(created_at__gte=now - FEEDBACK_WINDOW)
    one_on_ones = CheckIn.objects.filter(
        engineer=own,
        kind=CheckInKind.ONE_ON_ONE,
        author=OuterRef("manager__user"),
    )
    qs = (
        reports_within(user, depth=INDIRECT_DEPTH if indirect else 1)
        .select_related("user", "team", "manager__user")
        .annotate(
            last_feedback_mine=_latest(given.filter(author=user), "created_at"),
            last_feedback_any=_latest(given, "created_at"),
            technical=_count(recent.filter(kind=CompetencyKind.TECHNICAL)),
            interpersonal=_count(recent.filter(kind=CompetencyKind.INTERPERSONAL)),
            goals_at_risk=_count(
                goals_at_risk(Goal.objects.filter(engineer=own), now=now, today=today)
            ),
            last_one_on_one=_latest(one_on_ones, "held_on"),
            unacknowledged=_count(
                FeedbackNote.objects.filter(engineer=own).unacknowledged()
            ),
        )
    )
    if team is not None:
        qs = qs.filter(team_id=team)
    return qs.order_by(*_ordering(sort, direction))


def _ordering(sort: str, direction: str) -> list:
    column = COLUMNS_BY_KEY.get(sort, COLUMNS[0])
    ascending = direction != "desc"
    expression = F(column.order_by)
    if column.since:
        # Fewest days first is the latest date first, with "never" last.
        key = (
            expression.desc(nulls_last=True)
            if ascending
            else expression.asc(nulls_first=True)
        )
    else:
        key = expression.asc() if ascending else expression.desc()
    return [key, "user__display_name", "pk"]


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


def team_row(engineer: Engineer, *, viewer, now: datetime.datetime) -> TeamRow:
    """One dashboard row from an engineer annotated by :func:`team_table`,
    with days counted in the viewer's time zone."""
    zone = viewer.zone
    today = timezone.localdate(now, zone)
    return TeamRow(
        engineer=engineer,
        is_direct=engineer.depth == 1,
        days_since_mine=days_since(engineer.last_feedback_mine, today=today, zone=zone),
        days_since_any=days_since(engineer.last_feedback_any, today=today, zone=zone),
        technical=engineer.technical,
        interpersonal=engineer.interpersonal,
        goals_at_risk=engineer.goals_at_risk,
        days_since_one_on_one=days_since(engineer.last_one_on_one, today=today),
        unacknowledged=engineer.unacknowledged,
    )


# --- mentoring -------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeRow:
    mentorship: Mentorship
    due_on: datetime.date
    status: str


def mentee_rows(user, *, today: datetime.date) -> list[MenteeRow]:
    """``user``'s active mentorships as a mentor, with when each is due: one query."""
    qs = _with_last_check_in(
        Mentorship.objects.active()
        .filter(mentor__user=user)
        .select_related("mentee__user", "mentee__team")
        .order_by("mentee__user__display_name", "pk")
    )
    rows = []
    for mentorship in qs:
        due_on = check_in_due_on(
            last_held_on=mentorship.last_held_on,
            started_on=mentorship.started_on,
            cadence_days=mentorship.cadence_days,
        )
        rows.append(MenteeRow(mentorship, due_on, cadence_status(due_on, today)))
    return rows


def report_rows(user) -> QuerySet:
    """``user``'s direct reports with their last 1:1 with ``user``: one query."""
    theirs = CheckIn.objects.filter(
        engineer=OuterRef("pk"), kind=CheckInKind.ONE_ON_ONE, author=user
    )
    return (
        Engineer.objects.active()
        .reports_of(user)
        .select_related("user", "team")
        .annotate(
            last_one_on_one=_latest(theirs, "held_on", "-pk"),
            last_one_on_one_id=Subquery(
                theirs.order_by("-held_on", "-pk").values("pk")[:1]
            ),
        )
        .order_by("user__display_name", "pk")
    )


def past_mentorships(user) -> QuerySet:
    """Mentorships ``user`` mentored that have ended, newest end first: one query."""
    return (
        _with_last_check_in(
            Mentorship.objects.filter(mentor__user=user, ended_on__isnull=False)
        )
        .annotate(
            check_in_count=_count(
                CheckIn.objects.filter(mentorship=OuterRef("pk")), by="mentorship"
            )
        )
        .select_related("mentee__user")
        .order_by("-ended_on", "pk")
    )


def recent_check_ins(user, *, limit: int = 10) -> QuerySet:
    """The check-ins ``user`` held most recently, with their open item counts."""
    return (
        CheckIn.objects.visible_to(user)
        .filter(author=user)
        .select_related("engineer__user")
        .annotate(
            open_items=Count("action_items", filter=Q(action_items__done_at=None))
        )
        .order_by("-held_on", "-pk")[:limit]
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


def coached_mentors(user, *, now: datetime.datetime) -> list[CoachedMentor]:
    """The mentors ``user`` coaches and how they are doing: three queries.

    A mentorship's cadence is kept while its next check-in is not past due
    (due today still counts as kept). Feedback counts are the shared and
    manager-only notes the mentor gave their current mentees in the last 90
    days; the actionable share is over every note from them that those mentees
    acknowledged and rated.
    """
    today = timezone.localdate(now, user.zone)
    coaching = list(
        Mentorship.objects.active()
        .coaching()
        .filter(mentor__user=user)
        .select_related("mentee__user", "mentee__team")
        .order_by("mentee__user__display_name", "pk")
    )
    by_mentor = {row.mentee_id: CoachedMentor(coaching=row) for row in coaching}
    if not by_mentor:
        return []

    mentorships = _with_last_check_in(
        Mentorship.objects.active()
        .filter(mentor_id__in=by_mentor)
        .select_related("mentee__user")
        .order_by("mentee__user__display_name", "pk")
    )
    for mentorship in mentorships:
        due_on = check_in_due_on(
            last_held_on=mentorship.last_held_on,
            started_on=mentorship.started_on,
            cadence_days=mentorship.cadence_days,
        )
        by_mentor[mentorship.mentor_id].mentees.append(
            MenteeRow(mentorship, due_on, cadence_status(due_on, today))
        )

    to_their_mentees = Exists(
        Mentorship.objects.active().filter(
            mentor__user=OuterRef("author"), mentee=OuterRef("engineer")
        )
    )
    recent = Q(created_at__gte=now - FEEDBACK_WINDOW)
    rated = Q(
        visibility=Visibility.SHARED,
        acknowledged_at__isnull=False,
        actionable__isnull=False,
    )
    totals = (
        FeedbackNote.objects.filter(
            author__engineer__in=by_mentor, visibility__in=GIVEN
        )
        .filter(to_their_mentees)
        .order_by()
        .values("author__engineer")
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
        row = by_mentor[total["author__engineer"]]
        row.technical = total["technical"]
        row.interpersonal = total["interpersonal"]
        row.rated = total["rated"]
        row.rated_actionable = total["rated_actionable"]
    return list(by_mentor.values())
