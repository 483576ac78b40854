"""Technical leadership, made visible: what a senior engineer does for others.

For each engineer of level senior and above, over the last year: the learning
sessions they led, the people those sessions taught (newcomers among them),
their active mentees, and how many of those mentees mentor in turn (coaching).
Counts only. The same annotations serve the growth dashboard (on the read of
its engineer, no query of its own) and the team page (one query for every
senior report), so the two never disagree.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    IntegerField,
)
from django.db.models.expressions import RawSQL

from growth.models import (
    Attendance,
    Engineer,
    LearningActivity,
    LearningKind,
    Mentorship,
)

WINDOW = datetime.timedelta(days=365)  # "the last year", for sessions


def newcomer_months() -> int:
    """How many months after their start an engineer is a newcomer."""
    return getattr(settings, "NEWCOMER_MONTHS", 6)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` calendar months earlier, the day kept within the
    month (31 August less six months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def is_newcomer(start_date: datetime.date, on: datetime.date) -> bool:
    """Started within the newcomer months before ``on`` (and not after it)."""
    return months_before(on, newcomer_months()) < start_date <= on


def months_before_sql(column: str, months: int, vendor: str) -> tuple[str, int]:
    """``months_before`` of the SQL date ``column``, and how many times the
    text uses the column (for its parameters)."""
    months = int(months)
    if vendor == "postgresql":
        # PostgreSQL keeps the day within the month, as months_before does.
        return f"(({column}) - make_interval(months => {months}))::date", 1
    # SQLite would roll 31 August - 6 months over to 3 March: take the
    # earlier of the month's last day and the same day number.
    last = f"date({column}, 'start of month', '-{months} months', '+1 month', '-1 day')"
    same = (
        f"date({column}, 'start of month', '-{months} months', "
        f"'+' || (CAST(strftime('%%d', {column}) AS INTEGER) - 1) || ' days')"
    )
    return f"min({last}, {same})", 3


def leadership_counts(*, today: datetime.date) -> dict:
    """Annotations for an Engineer queryset: ``sessions_led``,
    ``people_taught``, ``newcomers_taught``, ``mentees``, ``coached``.

    Plain SQL: the ORM took some milliseconds to build these five correlated
    subqueries on every request, more than the database took to run them.
    """
    since = today - WINDOW
    q = connection.ops.quote_name
    engineer = q(Engineer._meta.db_table)
    activity = q(LearningActivity._meta.db_table)
    attendance = q(Attendance._meta.db_table)
    mentorship = q(Mentorship._meta.db_table)
    session = LearningKind.LEARNING_SESSION.value
    led = (
        f"SELECT COUNT(*) FROM {activity} la WHERE la.led_by_id = {engineer}.id"
        " AND la.kind = %s AND la.date >= %s AND la.date <= %s"
    )
    taught_from = (
        f"FROM {attendance} a JOIN {activity} la ON la.id = a.learningactivity_id"
        f" WHERE la.led_by_id = {engineer}.id AND la.kind = %s"
        f" AND a.date >= %s AND a.date <= %s AND a.engineer_id <> {engineer}.id"
    )
    # The column is written out in the text: no parameters to repeat.
    cutoff, _uses = months_before_sql("a.date", newcomer_months(), connection.vendor)
    newcomer = (
        f"SELECT COUNT(DISTINCT a.engineer_id) {taught_from} AND EXISTS ("
        f"SELECT 1 FROM {engineer} t WHERE t.id = a.engineer_id"
        f" AND t.start_date > {cutoff} AND t.start_date <= a.date)"
    )
    active = "m.ended_on IS NULL"
    mentees = f"SELECT COUNT(*) FROM {mentorship} m WHERE m.mentor_id = {engineer}.id"
    coached = (
        f"{mentees} AND {active} AND EXISTS (SELECT 1 FROM {mentorship} m2"
        " WHERE m2.mentor_id = m.mentee_id AND m2.ended_on IS NULL)"
    )
    window = (session, since, today)
    return {
        "sessions_led": RawSQL(f"({led})", window, IntegerField()),
        "people_taught": RawSQL(
            f"(SELECT COUNT(DISTINCT a.engineer_id) {taught_from})",
            window,
            IntegerField(),
        ),
        "newcomers_taught": RawSQL(f"({newcomer})", window, IntegerField()),
        "mentees": RawSQL(f"({mentees} AND {active})", (), IntegerField()),
        "coached": RawSQL(f"({coached})", (), IntegerField()),
    }


@dataclass(frozen=True)
class Leadership:
    """One senior engineer's leadership, in counts."""

    engineer_id: int
    name: str
    sessions_led: int
    people_taught: int
    newcomers_taught: int
    mentees: int
    coached: int

    @property
    def any(self) -> bool:
        return bool(self.sessions_led or self.mentees)


def is_senior(engineer) -> bool:
    """At a level the framework counts as senior (read with the engineer)."""
    return engineer.level_id is not None and engineer.level.is_senior


def leadership_of_engineer(engineer) -> Leadership | None:
    """The card of an engineer read with ``leadership_counts``; None below senior."""
    if not is_senior(engineer) or not hasattr(engineer, "sessions_led"):
        return None
    return Leadership(
        engineer_id=engineer.pk,
        name=engineer.name,
        sessions_led=engineer.sessions_led,
        people_taught=engineer.people_taught,
        newcomers_taught=engineer.newcomers_taught,
        mentees=engineer.mentees,
        coached=engineer.coached,
    )


def leadership_of(engineer_ids, *, today: datetime.date) -> list[Leadership]:
    """The leadership of the senior-and-above among ``engineer_ids``, by
    name: one query."""
    rows = (
        Engineer.objects.filter(pk__in=engineer_ids, level__is_senior=True)
        .annotate(**leadership_counts(today=today))
        .order_by("user__display_name", "pk")
        .values_list(
            "pk",
            "user__display_name",
            "sessions_led",
            "people_taught",
            "newcomers_taught",
            "mentees",
            "coached",
        )
    )
    return [Leadership(*row) for row in rows]
