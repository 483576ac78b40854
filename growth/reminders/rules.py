"""What is due: one selector per reminder rule.

Each selector runs one query over everyone (annotations and subqueries, never a
query per row), narrows it in Python where the arithmetic depends on the
recipient's time zone, and returns rows of (recipient, time zone, item). Days are
counted in the recipient's own calendar, as the team dashboard counts them, so a
condition turns true at the recipient's midnight and the reminder goes out at
their send hour.

An item holds names, counts, dates (ISO strings, keys ending in ``_on``) and ids:
never the text of a note or a request.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from growth import rhythm
from growth.models import (
    Assessment,
    AssessmentRole,
    CheckIn,
    CheckInKind,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningDayPlan,
    Mentorship,
    Reminder,
    ReminderKind,
    ReminderRule,
    SprintCadence,
)
from growth.models.feedback import GIVEN
from growth.models.goals import GOAL_DUE_SOON, goal_is_at_risk
from growth.selectors.checkins import latest_of
from growth.selectors.insight import org_digests

logger = logging.getLogger(__name__)

DAY = datetime.timedelta(days=1)
# The SQL filters below are deliberately wider than the rules by this much, so
# that no time zone (UTC-12 to UTC+14, with DST) falls outside them; Python then
# applies the exact rule in the recipient's own calendar.
SLACK = 2 * DAY


class Clock:
    """One moment, read in each recipient's time zone (each zone computed once)."""

    def __init__(self, now: datetime.datetime):
        if now.tzinfo is None:
            raise ValueError("The sweep needs an aware datetime.")
        self.now = now
        self._zones: dict[str, zoneinfo.ZoneInfo] = {}
        self._local: dict[str, datetime.datetime] = {}

    def zone(self, name: str) -> zoneinfo.ZoneInfo:
        if name not in self._zones:
            try:
                self._zones[name] = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                # A bad stored zone must not stop everyone else's reminders.
                logger.warning("Unknown time zone %r; reading it as UTC", name)
                self._zones[name] = zoneinfo.ZoneInfo("UTC")
        return self._zones[name]

    def local(self, name: str) -> datetime.datetime:
        if name not in self._local:
            self._local[name] = self.now.astimezone(self.zone(name))
        return self._local[name]

    def today(self, name: str) -> datetime.date:
        return self.local(name).date()

    def date_of(self, moment: datetime.datetime, name: str) -> datetime.date:
        return moment.astimezone(self.zone(name)).date()

    @property
    def latest_today(self) -> datetime.date:
        """The latest date it is anywhere now (a bound for SQL filters)."""
        return (self.now + SLACK).date()

    def at_least_days_ago(self, days: int) -> datetime.datetime:
        """A moment that anything ``days`` local days old, anywhere, is before."""
        return self.now - datetime.timedelta(days=days) + SLACK


@dataclass(frozen=True)
class Row:
    user_id: int
    time_zone: str
    item: dict
    # The period this subject is due in, when it is not the ISO week (a
    # learning day's reminder is once per learning day: its date).
    period_key: str = ""


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _reports_of_active_managers():
    """Active engineers whose manager is active too: who managers hear about."""
    return Engineer.objects.active().filter(
        manager__is_active=True, manager__user__is_active=True
    )


# --- the rules -------------------------------------------------------------------


def feedback_due(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Managers whose report has had no feedback from them in N days.

    Shared and manager-only notes count; notes to self do not. A new joiner is
    not due before their start date plus N.
    """
    n = rule.cadence_days
    mine = FeedbackNote.objects.filter(
        engineer=OuterRef("pk"),
        author=OuterRef("manager__user"),
        visibility__in=GIVEN,
    )
    rows = (
        _reports_of_active_managers()
        .filter(start_date__lte=clock.latest_today - datetime.timedelta(days=n))
        .annotate(last=latest_of(mine, "created_at"))
        .filter(Q(last__isnull=True) | Q(last__lt=clock.at_least_days_ago(n)))
        .order_by("manager__user_id", "user__display_name", "pk")
        .values_list(
            "manager__user_id",
            "manager__user__time_zone",
            "pk",
            "user__display_name",
            "start_date",
            "last",
        )
    )
    due = []
    for user_id, zone, pk, name, start_date, last in rows:
        today = clock.today(zone)
        last_on = clock.date_of(last, zone) if last else None
        since = max(last_on, start_date) if last_on else start_date
        if (today - since).days < n:
            continue
        item = {
            "engineer_id": pk,
            "name": name,
            "last_feedback_on": _iso(last_on),
            "days": (today - last_on).days if last_on else None,
        }
        due.append(Row(user_id, zone, item))
    return due


def interpersonal_gap(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Managers whose report has had technical feedback in the last N days but
    no interpersonal feedback in them (from anyone; notes to self do not count)."""
    n = rule.cadence_days
    given = FeedbackNote.objects.filter(engineer=OuterRef("pk"), visibility__in=GIVEN)
    rows = (
        _reports_of_active_managers()
        .filter(start_date__lte=clock.latest_today - datetime.timedelta(days=n))
        .annotate(
            last_technical=latest_of(
                given.filter(kind=CompetencyKind.TECHNICAL), "created_at"
            ),
            last_interpersonal=latest_of(
                given.filter(kind=CompetencyKind.INTERPERSONAL), "created_at"
            ),
        )
        .filter(last_technical__gte=clock.now - datetime.timedelta(days=n) - SLACK)
        .filter(
            Q(last_interpersonal__isnull=True)
            | Q(last_interpersonal__lt=clock.at_least_days_ago(n))
        )
        .order_by("manager__user_id", "user__display_name", "pk")
        .values_list(
            "manager__user_id",
            "manager__user__time_zone",
            "pk",
            "user__display_name",
            "start_date",
            "last_technical",
            "last_interpersonal",
        )
    )
    due = []
    for user_id, zone, pk, name, start_date, technical, interpersonal in rows:
        today = clock.today(zone)
        technical_on = clock.date_of(technical, zone)
        interpersonal_on = clock.date_of(interpersonal, zone) if interpersonal else None
        if (today - start_date).days < n or (today - technical_on).days >= n:
            continue
        if interpersonal_on and (today - interpersonal_on).days < n:
            continue
        item = {
            "engineer_id": pk,
            "name": name,
            "last_technical_on": _iso(technical_on),
            "last_interpersonal_on": _iso(interpersonal_on),
        }
        due.append(Row(user_id, zone, item))
    return due


def checkin_due(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Mentors of an active mentorship with no mentoring check-in within its own
    cadence plus N days of grace, counted from the last check-in or the start."""
    grace = rule.cadence_days
    theirs = CheckIn.objects.filter(
        mentorship=OuterRef("pk"), kind=CheckInKind.MENTORING
    )
    rows = (
        Mentorship.objects.active()
        .filter(
            mentor__is_active=True,
            mentor__user__is_active=True,
            mentee__is_active=True,
            mentee__user__is_active=True,
        )
        .annotate(last=latest_of(theirs, "held_on"))
        .order_by("mentor__user_id", "mentee__user__display_name", "pk")
        .values_list(
            "mentor__user_id",
            "mentor__user__time_zone",
            "mentee_id",
            "mentee__user__display_name",
            "started_on",
            "cadence_days",
            "last",
        )
    )
    due = []
    for user_id, zone, mentee_id, name, started_on, cadence, last in rows:
        today = clock.today(zone)
        due_on = (last or started_on) + datetime.timedelta(days=cadence + grace)
        if today < due_on:
            continue
        item = {
            "engineer_id": mentee_id,
            "name": name,
            "last_check_in_on": _iso(last),
            "due_on": _iso(due_on),
            "days_overdue": (today - due_on).days,
        }
        due.append(Row(user_id, zone, item))
    return due


def goal_deadline(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Engineers with an active goal due within N days (or overdue) that has not
    been updated (edited or checked in on) in N days."""
    n = rule.cadence_days
    stale_before = clock.at_least_days_ago(n)
    rows = (
        Goal.objects.active()
        .filter(
            engineer__is_active=True,
            engineer__user__is_active=True,
            target_date__lte=clock.latest_today + datetime.timedelta(days=n),
            updated_at__lt=stale_before,
        )
        .annotate(
            last_check_in=latest_of(
                GoalCheckIn.objects.filter(goal=OuterRef("pk")), "created_at"
            )
        )
        .filter(Q(last_check_in__isnull=True) | Q(last_check_in__lt=stale_before))
        .order_by("engineer__user_id", "target_date", "pk")
        .values_list(
            "engineer__user_id",
            "engineer__user__time_zone",
            "pk",
            "title",
            "target_date",
            "updated_at",
            "last_check_in",
        )
    )
    due = []
    for user_id, zone, pk, title, target_on, updated_at, last_check_in in rows:
        today = clock.today(zone)
        touched = max(updated_at, last_check_in) if last_check_in else updated_at
        touched_on = clock.date_of(touched, zone)
        if (target_on - today).days > n or (today - touched_on).days < n:
            continue
        item = {
            "goal_id": pk,
            "title": title,
            "target_on": _iso(target_on),
            "days_left": (target_on - today).days,
            "updated_on": _iso(touched_on),
        }
        due.append(Row(user_id, zone, item))
    return due


def request_pending(rule: ReminderRule, clock: Clock) -> list[Row]:
    """People asked for feedback N days ago, or due within N days, who have not
    given it (the request is still open)."""
    n = rule.cadence_days
    people_active = Q(
        recipient__is_active=True,
        recipient__user__is_active=True,
        requester__is_active=True,
        requester__user__is_active=True,
    )
    rows = (
        FeedbackRequest.objects.open()
        .filter(people_active)
        .filter(
            Q(created_at__lt=clock.at_least_days_ago(n))
            | Q(due_on__lte=clock.latest_today + datetime.timedelta(days=n))
        )
        .order_by("recipient__user_id", "due_on", "pk")
        .values_list(
            "recipient__user_id",
            "recipient__user__time_zone",
            "pk",
            "requester_id",
            "requester__user__display_name",
            "created_at",
            "due_on",
        )
    )
    due = []
    for user_id, zone, pk, requester_id, name, created_at, due_on in rows:
        today = clock.today(zone)
        asked_on = clock.date_of(created_at, zone)
        if (today - asked_on).days < n and (due_on - today).days > n:
            continue
        item = {
            "request_id": pk,
            "engineer_id": requester_id,
            "name": name,
            "asked_on": _iso(asked_on),
            "due_on": _iso(due_on),
            "days_left": (due_on - today).days,
        }
        due.append(Row(user_id, zone, item))
    return due


def weekly_digest(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Every active manager's direct reports, summarised: days since feedback
    (theirs and anyone's), unacknowledged feedback, goals at risk, last 1:1.

    Two queries: the reports, and the goals that may be at risk (at risk as the
    team dashboard defines it, on the manager's own date); and six for the
    organisation section of the managers of managers.
    """
    own = OuterRef("pk")
    given = FeedbackNote.objects.filter(engineer=own, visibility__in=GIVEN)
    unacknowledged = (
        FeedbackNote.objects.filter(engineer=own)
        .unacknowledged()
        .order_by()
        .values("engineer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    one_on_ones = CheckIn.objects.filter(
        engineer=own, kind=CheckInKind.ONE_ON_ONE, author=OuterRef("manager__user")
    )
    rows = list(
        _reports_of_active_managers()
        .annotate(
            last_mine=latest_of(
                given.filter(author=OuterRef("manager__user")), "created_at"
            ),
            last_any=latest_of(given, "created_at"),
            unacknowledged=Subquery(unacknowledged),
            last_one_on_one=latest_of(one_on_ones, "held_on"),
        )
        .order_by("manager__user_id", "user__display_name", "pk")
        .values_list(
            "manager__user_id",
            "manager__user__time_zone",
            "pk",
            "user__display_name",
            "last_mine",
            "last_any",
            "unacknowledged",
            "last_one_on_one",
        )
    )
    at_risk = _goals_maybe_at_risk(clock)
    due = []
    for user_id, zone, pk, name, mine, anyone, unack, one_on_one in rows:
        today = clock.today(zone)
        mine_on = clock.date_of(mine, zone) if mine else None
        any_on = clock.date_of(anyone, zone) if anyone else None
        item = {
            "engineer_id": pk,
            "name": name,
            "days_since_mine": (today - mine_on).days if mine_on else None,
            "days_since_any": (today - any_on).days if any_on else None,
            "unacknowledged": unack or 0,
            "goals_at_risk": sum(
                goal_is_at_risk(
                    target_on=goal.target_on,
                    touched=goal.touched,
                    today=today,
                    now=clock.now,
                )
                for goal in at_risk.get(pk, ())
            ),
            "last_one_on_one_on": _iso(one_on_one),
            "days_since_one_on_one": (today - one_on_one).days if one_on_one else None,
        }
        due.append(Row(user_id, zone, item))
    # A manager of managers also hears how their whole organisation does, in
    # the same email: counts per team, small teams hidden (growth.selectors.insight).
    today = clock.now.astimezone(datetime.UTC).date()
    for user_id, (zone, item) in org_digests(today=today).items():
        due.append(Row(user_id, zone, item))
    return due


@dataclass(frozen=True)
class _GoalDates:
    target_on: datetime.date
    touched: datetime.datetime


def _goals_maybe_at_risk(clock: Clock) -> dict[int, list[_GoalDates]]:
    """Active goals of managed engineers due soon or overdue, by engineer: one query."""
    goals = (
        Goal.objects.active()
        .filter(
            engineer__in=_reports_of_active_managers().values("pk"),
            target_date__lte=clock.latest_today + GOAL_DUE_SOON,
        )
        .annotate(
            last_check_in=latest_of(
                GoalCheckIn.objects.filter(goal=OuterRef("pk")), "created_at"
            )
        )
        .order_by()
        .values_list("engineer_id", "target_date", "updated_at", "last_check_in")
    )
    by_engineer: dict[int, list[_GoalDates]] = {}
    for engineer_id, target_on, updated_at, last_check_in in goals:
        touched = max(updated_at, last_check_in) if last_check_in else updated_at
        by_engineer.setdefault(engineer_id, []).append(_GoalDates(target_on, touched))
    return by_engineer


def learning_day(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Active engineers whose team's learning day is N days after their own
    today (tomorrow, by default). Once per learning day: its date is the
    period. One query: the engineers of teams with a cadence, with it."""
    ahead = datetime.timedelta(days=rule.cadence_days)
    rows = (
        Engineer.objects.active()
        .filter(team__cadence__isnull=False)
        .annotate(
            # The latest plan up to the furthest learning day anyone is due
            # for: the one for that day, if they have planned it.
            planned_on=Subquery(
                LearningDayPlan.objects.filter(
                    engineer=OuterRef("pk"), day__lte=clock.latest_today + ahead
                )
                .exclude(plan="")
                .order_by("-day")
                .values("day")[:1]
            )
        )
        .order_by("user_id")
        .values_list(
            "user_id",
            "user__time_zone",
            "pk",
            "user__display_name",
            "team__name",
            "team__cadence__sprint_weeks",
            "team__cadence__first_sprint_start",
            "team__cadence__learning_weekday",
            "planned_on",
        )
    )
    due = []
    for user_id, zone, pk, name, team, weeks, first, weekday, planned_on in rows:
        day = clock.today(zone) + ahead
        cadence = SprintCadence(
            sprint_weeks=weeks, first_sprint_start=first, learning_weekday=weekday
        )
        if not rhythm.is_learning_day(cadence, day):
            continue
        item = {
            "engineer_id": pk,
            "name": name,
            "team": team,
            "learning_day_on": day.isoformat(),
            "planned": planned_on == day,
        }
        due.append(Row(user_id, zone, item, period_key=day.isoformat()))
    return due


def _latest_shared(role: str) -> Subquery:
    return Subquery(
        Assessment.objects.shared()
        .filter(engineer=OuterRef("pk"), role=role)
        .order_by("-shared_at")
        .values("shared_at")[:1]
    )


# The assessment reminder's period keys: "due-" and the recipient's day it
# was planned on (before December 2026, the latest due date it told of).
DUE_KEY = "due-"


def _last_told(recipient: str) -> Subquery:
    """The greatest period key of the assessment reminders already recorded
    for ``recipient`` (a path to a user id from the engineer)."""
    return Subquery(
        Reminder.objects.filter(
            recipient_id=OuterRef(recipient),
            kind=ReminderKind.ASSESSMENT_DUE,
            period_key__startswith=DUE_KEY,
        )
        .order_by("-period_key")
        .values("period_key")[:1]
    )


def _assessment_item(
    pk: int, name: str, last, start_date: datetime.date, zone: str, clock: Clock, n: int
) -> dict | None:
    """The item for one engineer's assessment of one role, or None while the
    latest shared one (or, with none, their start date) is under N days old
    in the recipient's calendar."""
    today = clock.today(zone)
    last_on = clock.date_of(last, zone) if last else None
    due_on = (last_on or start_date) + datetime.timedelta(days=n)
    if today < due_on:
        return None
    return {
        "engineer_id": pk,
        "name": name,
        "last_assessed_on": _iso(last_on),
        "days": (today - last_on).days if last_on else None,
        "due_on": due_on.isoformat(),
    }


def assessment_due(rule: ReminderRule, clock: Clock) -> list[Row]:
    """Engineers whose latest shared self-assessment is N days old, and the
    managers of those whose latest shared manager assessment is: one email
    each, listing every report. With none yet, it is due N days after they
    started. Only people with a level (an assessment is against one).

    Once per lapse: a recipient hears when one of their subjects is new to
    them, one that fell due after the last reminder they were sent (the
    greatest period key recorded for them: "due-" and that day) or that
    the last reminder did not list (a report who just moved to them, long
    due). Then one email lists all, keyed by their day. Not again while
    nothing new falls due, nor when one falls off the list because it was
    assessed and the others, told already, are left. Two queries.
    """
    n = rule.cadence_days
    before = clock.at_least_days_ago(n)
    rows = (
        Engineer.objects.active()
        .filter(
            user__is_active=True,
            level__isnull=False,
            start_date__lte=clock.latest_today - datetime.timedelta(days=n),
        )
        .annotate(
            last_self=_latest_shared(AssessmentRole.SELF),
            last_manager=_latest_shared(AssessmentRole.MANAGER),
            told=_last_told("user_id"),
            manager_told=_last_told("manager__user_id"),
        )
        .filter(
            Q(last_self__isnull=True)
            | Q(last_self__lt=before)
            | Q(last_manager__isnull=True)
            | Q(last_manager__lt=before)
        )
        .order_by("user__display_name", "pk")
        .values_list(
            "pk",
            "user_id",
            "user__time_zone",
            "user__display_name",
            "start_date",
            "last_self",
            "last_manager",
            "manager__user_id",
            "manager__user__time_zone",
            "manager__is_active",
            "manager__user__is_active",
            "told",
            "manager_told",
        )
    )
    found: list[tuple[int, str, dict]] = []
    told: dict[int, str] = {}
    for row in rows:
        pk, user_id, zone, name, start_date, last_self, last_manager = row[:7]
        manager_user, manager_zone, *manager_active = row[7:11]
        told[user_id] = row[11] or ""
        if manager_user is not None:
            told[manager_user] = row[12] or ""
        item = _assessment_item(pk, name, last_self, start_date, zone, clock, n)
        if item is not None:
            found.append((user_id, zone, {**item, "own": True}))
        if manager_user is None or not all(manager_active):
            continue
        item = _assessment_item(
            pk, name, last_manager, start_date, manager_zone, clock, n
        )
        if item is not None:
            found.append((manager_user, manager_zone, {**item, "own": False}))
    if not found:
        return []
    listed = _last_listed({user_id: told[user_id] for user_id, _z, _i in found})
    new = {
        user_id
        for user_id, _zone, item in found
        if DUE_KEY + item["due_on"] > told[user_id]
        or item["engineer_id"] not in listed.get(user_id, ())
    }
    return [
        Row(user_id, zone, item, period_key=DUE_KEY + clock.today(zone).isoformat())
        for user_id, zone, item in found
        if user_id in new
    ]


def _last_listed(told: dict[int, str]) -> dict[int, set[int]]:
    """Recipient → the engineers their last assessment reminder listed
    (the one recorded under ``told[recipient]``)."""
    reminders = Reminder.objects.filter(
        kind=ReminderKind.ASSESSMENT_DUE,
        recipient_id__in=[user_id for user_id, key in told.items() if key],
        period_key__in={key for key in told.values() if key},
    ).values_list("recipient_id", "period_key", "payload")
    return {
        recipient: {item.get("engineer_id") for item in payload.get("items", ())}
        for recipient, key, payload in reminders
        if told[recipient] == key
    }


SELECTORS: dict[str, Callable[[ReminderRule, Clock], list[Row]]] = {
    ReminderKind.FEEDBACK_DUE: feedback_due,
    ReminderKind.INTERPERSONAL_GAP: interpersonal_gap,
    ReminderKind.CHECKIN_DUE: checkin_due,
    ReminderKind.GOAL_DEADLINE: goal_deadline,
    ReminderKind.REQUEST_PENDING: request_pending,
    ReminderKind.WEEKLY_DIGEST: weekly_digest,
    ReminderKind.LEARNING_DAY: learning_day,
    ReminderKind.ASSESSMENT_DUE: assessment_due,
}
