"""Reads for leading people: the team dashboard and the coaching page.

Each selector builds one page's data in a fixed number of queries, whatever the
number of people: subqueries and grouped queries over the viewer's ids
(``Access``), merged in Python, never a query per row. Pages show names, counts
and dates; the text of a note or a check-in never comes through here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Team
from growth.models import (
    DEFAULT_RULES,
    CheckIn,
    CheckInKind,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    Goal,
    Mentorship,
    ReminderKind,
    ReminderRule,
    Visibility,
)
from growth.models.feedback import GIVEN, UNACKNOWLEDGED
from growth.models.goals import GOAL_DUE_SOON, GOAL_STALE_AFTER
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

# How often a manager should hold a 1:1 with each report. No reminder rule
# covers 1:1s yet, so the team page holds them to a fortnight, the usual
# rhythm; a rule admins can tune in the admin should replace this number.
ONE_ON_ONE_EVERY_DAYS = 14


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
    # The direction a first click sorts in: the attention column puts the
    # people who need it most first.
    first: str = "asc"


COLUMNS = (
    Column("name", "Name", "engineer.user.display_name"),
    Column("team", "Team", "engineer.team.name"),
    Column(
        "last_feedback_mine",
        "Days since my feedback",
        "engineer.last_feedback_mine",
        since=True,
    ),
    Column(
        "last_feedback", "Days since any feedback", "engineer.last_feedback_any", True
    ),
    Column("technical", "Technical (90 days)", "technical"),
    Column("interpersonal", "Interpersonal (90 days)", "interpersonal"),
    Column("goals_at_risk", "Goals at risk", "goals_at_risk"),
    Column("last_one_on_one", "Days since 1:1", "engineer.last_one_on_one", True),
    Column("unacknowledged", "Unacknowledged", "unacknowledged"),
    # Mentorships keep cadences of their own: they sort on how far behind
    # theirs each is, not on the days alone.
    Column("mentoring", "Days since mentoring", "mentoring_behind"),
    Column("attention", "Needs attention", "attention", first="desc"),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# Who needs attention most comes first unless the viewer sorts otherwise.
DEFAULT_SORT = "attention"


@dataclass(frozen=True)
class Rules:
    """The day counts the team page judges against. The feedback and gap
    rules are the reminder rules admins tune, so a cell turns the day the
    reminder goes out; mentoring follows each mentorship's own cadence."""

    feedback_days: int = DEFAULT_RULES[ReminderKind.FEEDBACK_DUE]["cadence_days"]
    interpersonal_days: int = DEFAULT_RULES[ReminderKind.INTERPERSONAL_GAP][
        "cadence_days"
    ]
    one_on_one_days: int = ONE_ON_ONE_EVERY_DAYS
    # The goal rule's days, fixed in code (``Goal.objects.at_risk``).
    goal_due_days: int = GOAL_DUE_SOON.days
    goal_stale_days: int = GOAL_STALE_AFTER.days


def _cadence_of(kind: str) -> RawSQL:
    """A reminder rule's cadence, as a subquery the database runs once.

    The rules ride on the table's own query rather than a query of their own:
    the page stays at the queries it had before it judged anything. Written
    by hand because the ORM's subquery compiles a whole query for one number.
    """
    return RawSQL(
        f"SELECT cadence_days FROM {ReminderRule._meta.db_table} WHERE kind = %s",
        (str(kind),),
        output_field=IntegerField(),
    )


def _rules_of(engineer: Engineer) -> Rules:
    """The rules read with ``engineer``; a rule row an admin deleted counts
    with its default, as the reminders would if it came back."""
    defaults = Rules()
    return Rules(
        feedback_days=_or(engineer.feedback_rule_days, defaults.feedback_days),
        interpersonal_days=_or(engineer.gap_rule_days, defaults.interpersonal_days),
    )


def _or(value, default):
    return default if value is None else value


# The most a rule in days adds to the attention score, however long ago: past
# three spans every case is simply long overdue, and a team new to Cultivate,
# "never" for years on every row, would otherwise be sorted by start date.
MOST_SPANS = 3.0

# A cell's state against its rule. "due" is the day the rule is reached (for
# feedback, the day its reminder goes out); "overdue" any day after.
OK = "ok"
DUE = "due"
OVERDUE = "overdue"
GAP = "gap"
AT_RISK = "at_risk"


@dataclass(frozen=True)
class Judgement:
    """One cell read against the rule that governs it."""

    state: str
    # The cell's value; once the rule is reached, with the rule
    # ("31 days · rule 14").
    value: str
    # The state in words beside the value once the rule is reached
    # ("overdue"); empty within it.
    word: str
    # Where the person stands against the rule, in a sentence: the title.
    title: str
    # The cell in a few words for the row's summary of what needs doing.
    summary: str
    # What the cell adds to the row's attention score (see ``TeamRow``).
    score: float = 0.0

    @property
    def reached(self) -> bool:
        return self.state != OK


def _days(n: int | None) -> str:
    if n is None:
        return "never"
    return "1 day" if n == 1 else f"{n} days"


def _ago(n: int) -> str:
    return "today" if n <= 0 else f"{_days(n)} ago"


def _by_days(
    subject: str,
    *,
    days: int | None,
    judged: int,
    rule_days: int,
    rule: str,
    rule_sentence: str,
    started: str,
) -> Judgement:
    """A "days since" cell against a rule of ``rule_days`` days.

    ``days`` is what the cell shows (None for never); ``judged`` the days the
    rule counts, from the last time or, for a newcomer, from the start, as
    the reminders count them. Reached on the rule's day, overdue after it.
    """
    if judged < rule_days:
        state, word, verdict = OK, "", f"due in {_days(rule_days - judged)}"
    elif judged == rule_days:
        state, word, verdict = DUE, "due today", "due today"
    else:
        state, word = OVERDUE, "overdue"
        verdict = f"{_days(judged - rule_days)} overdue"
    if days is None:
        when = f"none yet, and {started} {_ago(judged)}"
    else:
        when = f"the last {_ago(days)}"
    title = f"{subject}: {when}; {rule_sentence}: {verdict}."
    if state == OK:
        return Judgement(OK, "never" if days is None else str(days), "", title, "")
    value = f"{_days(days)} · {rule}"
    return Judgement(
        state,
        value,
        word,
        title,
        summary=f"{subject} {value} · {word}",
        # How many times the rule's span has passed: 31 days against a
        # 14-day rule counts 2.2, the day it is reached 1.
        score=min(judged / max(rule_days, 1), MOST_SPANS),
    )


def _interpersonal_gap(
    count: int,
    *,
    technical_days: int | None,
    interpersonal_days: int | None,
    rule_days: int,
) -> Judgement:
    """The interpersonal gap rule: technical feedback within the rule's days
    and no interpersonal feedback within them, as its reminder reads it.

    The reminder waits until a newcomer has been here the rule's days, so as
    not to nag; the page shows the gap at once, as it is.
    """
    gap = (
        technical_days is not None
        and technical_days < rule_days
        and (interpersonal_days is None or interpersonal_days >= rule_days)
    )
    if not gap:
        title = (
            f"Within the interpersonal gap rule: technical feedback in the last "
            f"{_days(rule_days)} comes with interpersonal feedback too."
        )
        return Judgement(OK, str(count), "", title, "")
    title = (
        f"Technical feedback {_ago(technical_days)} and none interpersonal in the "
        f"last {_days(rule_days)}: the interpersonal gap rule is {_days(rule_days)}."
    )
    return Judgement(
        GAP,
        str(count),
        f"No interpersonal feedback in {_days(rule_days)}",
        title,
        summary=f"Interpersonal gap · rule {rule_days}",
        score=1.0,
    )


def _goals(count: int) -> Judgement:
    """Goals at risk: each one is a rule broken."""
    rules = Rules()
    rule = (
        f"a goal is at risk when it is overdue, or due within "
        f"{_days(rules.goal_due_days)} and not updated for "
        f"{_days(rules.goal_stale_days)}"
    )
    if not count:
        return Judgement(OK, "0", "", f"No goal at risk: {rule}.", "")
    goals = "1 goal" if count == 1 else f"{count} goals"
    return Judgement(
        AT_RISK,
        str(count),
        "at risk",
        f"{goals} at risk: {rule}.",
        summary=f"{goals} at risk",
        score=float(count),
    )


@dataclass(frozen=True)
class TeamRow:
    """One person on the team page, each value read against its rule.

    The attention score adds up the rules the person has reached: a "days
    since" rule counts the times its span has passed (31 days against 14 is
    2.2, the day it is reached 1, at most ``MOST_SPANS``), an interpersonal
    gap counts 1 and each goal at risk 1. Rules within their span count
    nothing, so 0 means all is well.
    """

    engineer: Engineer
    is_direct: bool
    days_since_mine: int | None
    days_since_any: int | None
    technical: int
    interpersonal: int
    goals_at_risk: int
    days_since_one_on_one: int | None
    unacknowledged: int
    # Of the direct report's active mentorship most behind its cadence; None
    # without one, and always for indirect reports (a manager of managers
    # may not see their mentorships).
    days_since_mentoring: int | None
    # Its days since the last check-in (or the start) over its cadence.
    mentoring_behind: float | None
    # The feedback rule asks a manager about their own feedback, so it judges
    # direct reports only; mentoring too (see above).
    feedback: Judgement | None
    gap: Judgement
    goals: Judgement
    one_on_one: Judgement
    mentoring: Judgement | None

    @property
    def interpersonal_missing(self) -> bool:
        """Technical feedback but no interpersonal, by the gap rule: a blind spot."""
        return self.gap.state == GAP

    @property
    def judgements(self) -> list[Judgement]:
        """Every judged cell, in the table's order."""
        cells = (self.feedback, self.gap, self.goals, self.one_on_one, self.mentoring)
        return [cell for cell in cells if cell is not None]

    @property
    def reached(self) -> list[Judgement]:
        """The rules reached, the most urgent first (the table's order on ties)."""
        reached = [cell for cell in self.judgements if cell.reached]
        return sorted(reached, key=lambda cell: -cell.score)

    @property
    def attention(self) -> float:
        return sum(cell.score for cell in self.judgements)

    @property
    def most_urgent(self) -> Judgement | None:
        reached = self.reached
        return reached[0] if reached else None


@dataclass(frozen=True)
class TeamTable:
    rows: list[TeamRow]
    rules: Rules


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
    sort: str = DEFAULT_SORT,
    direction: str | None = None,
) -> TeamTable:
    """The team dashboard's rows for the viewer, a manager, judged and sorted:
    two queries.

    The people come with their goals at risk, last 1:1, the reminder rules
    and their active mentorships (subqueries on small, indexed sets, and a
    join that gives a person one row per mentorship, merged here); their
    notes are counted in one grouped query over the rows' ids and merged
    here. Judging and sorting happen here too, after the merge, so every
    column sorts across pages alike: a manager's table is a few hundred rows
    at most. ``direction`` defaults to the column's first.
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
            feedback_rule_days=_cadence_of(ReminderKind.FEEDBACK_DUE),
            gap_rule_days=_cadence_of(ReminderKind.INTERPERSONAL_GAP),
        )
        .order_by()
    )
    if access.report_ids:
        qs = _with_mentorships(qs, access)
    if team is not None:
        qs = qs.filter(team_id=team)

    people: dict[int, Engineer] = {}
    mentorships: dict[int, list[tuple]] = defaultdict(list)
    for engineer in qs:
        people.setdefault(engineer.pk, engineer)
        if getattr(engineer, "mentoring_pk", None) is not None:
            mentorships[engineer.pk].append(
                (
                    engineer.mentoring_started_on,
                    engineer.mentoring_cadence,
                    engineer.mentoring_last,
                )
            )
    totals = _note_totals(access, list(people), now=now)
    rules = _rules_of(next(iter(people.values()))) if people else Rules()
    rows = []
    for pk, engineer in people.items():
        for name, value in totals.get(pk, _NO_NOTES).items():
            setattr(engineer, name, value)
        rows.append(
            _row(
                engineer,
                access=access,
                zone=zone,
                today=today,
                rules=rules,
                mentorships=mentorships.get(pk, ()),
            )
        )
    return TeamTable(rows=_sorted(rows, sort, direction), rules=rules)


def _with_mentorships(qs: QuerySet, access: Access) -> QuerySet:
    """``qs`` with the active mentorships of the viewer's direct reports: a
    row per mentorship (none for a person without one), each with its last
    mentoring check-in. Indirect reports get none: the policy lets only the
    direct manager see a person's mentorships."""
    current = FilteredRelation(
        "mentorships_as_mentee",
        condition=Q(
            mentorships_as_mentee__ended_on__isnull=True,
            mentorships_as_mentee__mentee_id__in=access.report_ids,
        ),
    )
    check_ins = CheckIn.objects.filter(
        mentorship=OuterRef("mentoring_pk"), kind=CheckInKind.MENTORING
    )
    return qs.annotate(
        current_mentorship=current,
        mentoring_pk=F("current_mentorship__pk"),
        mentoring_started_on=F("current_mentorship__started_on"),
        mentoring_cadence=F("current_mentorship__cadence_days"),
    ).annotate(mentoring_last=latest_of(check_ins, "held_on"))


# What an engineer nobody has written to counts: no dates, zero notes.
_NO_NOTES = {
    "last_feedback_mine": None,
    "last_feedback_any": None,
    "last_technical": None,
    "last_interpersonal": None,
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
    technical = Q(kind=CompetencyKind.TECHNICAL)
    interpersonal = Q(kind=CompetencyKind.INTERPERSONAL)
    totals = (
        FeedbackNote.objects.filter(engineer_id__in=engineer_ids)
        .order_by()
        .values("engineer_id")
        .annotate(
            last_feedback_mine=Max(
                "created_at", filter=given & Q(author_id=access.user_id)
            ),
            last_feedback_any=Max("created_at", filter=given),
            # For the interpersonal gap rule, which looks back its own days.
            last_technical=Max("created_at", filter=given & technical),
            last_interpersonal=Max("created_at", filter=given & interpersonal),
            technical=Count("pk", filter=recent & technical),
            interpersonal=Count("pk", filter=recent & interpersonal),
            unacknowledged=Count("pk", filter=UNACKNOWLEDGED),
        )
    )
    return {total.pop("engineer_id"): total for total in totals}


def _row(
    engineer: Engineer,
    *,
    access: Access,
    zone: datetime.tzinfo,
    today: datetime.date,
    rules: Rules,
    mentorships,
) -> TeamRow:
    """One dashboard row from an engineer annotated by :func:`team_table`,
    with days counted in the viewer's time zone."""

    def since(moment) -> int | None:
        return days_since(moment, today=today, zone=zone)

    def judged(last_on: datetime.date | None, start: datetime.date) -> int:
        # As the reminders count: from the last time, or from the start for
        # someone who has had none yet (a newcomer is not overdue on day one).
        return (today - (max(last_on, start) if last_on else start)).days

    is_direct = access.manages(engineer.pk)
    start = engineer.start_date
    mine_on = (
        timezone.localdate(engineer.last_feedback_mine, zone)
        if engineer.last_feedback_mine
        else None
    )
    days_since_mine = since(engineer.last_feedback_mine)
    feedback = None
    if is_direct:
        feedback = _by_days(
            "Feedback from you",
            days=days_since_mine,
            judged=judged(mine_on, start),
            rule_days=rules.feedback_days,
            rule=f"rule {rules.feedback_days}",
            rule_sentence=f"the feedback rule is every {_days(rules.feedback_days)}",
            started="they started",
        )
    days_since_one_on_one = since(engineer.last_one_on_one)
    one_on_one = _by_days(
        "1:1",
        days=days_since_one_on_one,
        judged=judged(engineer.last_one_on_one, start),
        rule_days=rules.one_on_one_days,
        rule=f"rule {rules.one_on_one_days}",
        rule_sentence=f"1:1s are due every {_days(rules.one_on_one_days)}",
        started="they started",
    )
    mentoring = _mentoring(mentorships, today=today) if is_direct else None
    return TeamRow(
        engineer=engineer,
        is_direct=is_direct,
        days_since_mine=days_since_mine,
        days_since_any=since(engineer.last_feedback_any),
        technical=engineer.technical,
        interpersonal=engineer.interpersonal,
        goals_at_risk=engineer.goals_at_risk,
        days_since_one_on_one=days_since_one_on_one,
        unacknowledged=engineer.unacknowledged,
        days_since_mentoring=mentoring[0] if mentoring else None,
        mentoring_behind=mentoring[1] if mentoring else None,
        feedback=feedback,
        gap=_interpersonal_gap(
            engineer.interpersonal,
            technical_days=since(engineer.last_technical),
            interpersonal_days=since(engineer.last_interpersonal),
            rule_days=rules.interpersonal_days,
        ),
        goals=_goals(engineer.goals_at_risk),
        one_on_one=one_on_one,
        mentoring=mentoring[2] if mentoring else None,
    )


def _mentoring(
    mentorships, *, today: datetime.date
) -> tuple[int | None, float, Judgement] | None:
    """The mentoring check-ins of the active mentorship furthest behind its own
    cadence (a person may have several mentors): its days since the last
    check-in, how far behind it is, and its judgement; None without one."""
    behind = []
    for started_on, cadence, last in mentorships:
        # As the mentoring page counts: from the last check-in, or the start.
        counted = (today - (last or started_on)).days
        behind.append((counted / cadence, last, started_on, cadence, counted))
    if not behind:
        return None
    ratio, last, _started_on, cadence, counted = max(behind, key=lambda b: b[0])
    days = days_since(last, today=today)
    return (
        days,
        ratio,
        _by_days(
            "Mentoring check-in",
            days=days,
            judged=counted,
            rule_days=cadence,
            rule=f"every {cadence}",
            rule_sentence=f"the mentorship's cadence is every {_days(cadence)}",
            started="the mentorship started",
        ),
    )


def _sort_key(column: Column):
    """What rows sort on for ``column``: names as people read them ("bob"
    beside "Bob", not after "Zoe"), the rest as they are."""
    value = attrgetter(column.attribute)
    if column.key in ("name", "team"):
        return lambda row: value(row).casefold()
    return value


def _sorted(rows: list[TeamRow], sort: str, direction: str | None) -> list[TeamRow]:
    """``rows`` by the column ``sort``, then by name and id.

    Days-since columns hold a date: fewest days first is the latest date
    first, and "never" (no date) counts as more days than any. Elsewhere an
    empty value (no mentorship) comes last whichever way the column goes.
    """
    column = COLUMNS_BY_KEY.get(sort, COLUMNS_BY_KEY[DEFAULT_SORT])
    ascending = (direction or column.first) != "desc"
    value = _sort_key(column)
    # Python's sorts are stable, even reversed: sorting by the tie-break first
    # keeps ties in name and id order whichever way the column goes.
    rows = sorted(
        rows,
        key=lambda row: (row.engineer.user.display_name.casefold(), row.engineer.pk),
    )
    present = [row for row in rows if value(row) is not None]
    empty = [row for row in rows if value(row) is None]
    if not column.since:
        return sorted(present, key=value, reverse=not ascending) + empty
    if ascending:
        return sorted(present, key=value, reverse=True) + empty
    return empty + sorted(present, key=value)


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
