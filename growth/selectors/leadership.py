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
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from growth.models import (
    Attendance,
    Engineer,
    LearningActivity,
    LearningKind,
    Level,
    Mentorship,
)

SENIOR_LEVELS = (Level.SENIOR, Level.STAFF, Level.PRINCIPAL)
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


class MonthsBefore(Func):
    """``months_before`` in SQL, on SQLite and PostgreSQL alike."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # PostgreSQL keeps the day within the month, as months_before does.
        return f"(({sql}) - make_interval(months => {self.months}))::date", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite would roll 31 August - 6 months over to 3 March: take the
        # earlier of the month's last day and the same day number.
        last = f"date({sql}, 'start of month', '-{self.months} months', '+1 month', '-1 day')"
        same = (
            f"date({sql}, 'start of month', '-{self.months} months', "
            f"'+' || (CAST(strftime('%%d', {sql}) AS INTEGER) - 1) || ' days')"
        )
        return f"min({last}, {same})", [*params, *params, *params]


def _sessions_led(since: datetime.date, today: datetime.date) -> QuerySet:
    return LearningActivity.objects.filter(
        kind=LearningKind.LEARNING_SESSION, date__gte=since, date__lte=today
    )


def _count(qs: QuerySet, by: str, counted: str = "pk", distinct: bool = False):
    counted_qs = (
        qs.order_by()
        .values(by)
        .annotate(n=Count(counted, distinct=distinct))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted_qs, output_field=IntegerField()), Value(0))


def leadership_counts(*, today: datetime.date) -> dict:
    """Annotations for an Engineer queryset: ``sessions_led``,
    ``people_taught``, ``newcomers_taught``, ``mentees``, ``coached``."""
    since = today - WINDOW
    led = _sessions_led(since, today).filter(led_by=OuterRef("pk"))
    taught = Attendance.objects.filter(
        learningactivity__kind=LearningKind.LEARNING_SESSION,
        learningactivity__led_by=OuterRef("pk"),
        date__gte=since,
        date__lte=today,
    ).exclude(engineer=OuterRef("pk"))
    newcomers = taught.filter(
        engineer__start_date__gt=MonthsBefore(F("date"), newcomer_months()),
        engineer__start_date__lte=F("date"),
    )
    mentees = Mentorship.objects.active().filter(mentor=OuterRef("pk"))
    coached = mentees.filter(
        Exists(Mentorship.objects.active().filter(mentor=OuterRef("mentee_id")))
    )
    by = "learningactivity__led_by"
    return {
        "sessions_led": _count(led, "led_by"),
        "people_taught": _count(taught, by, "engineer", distinct=True),
        "newcomers_taught": _count(newcomers, by, "engineer", distinct=True),
        "mentees": _count(mentees, "mentor"),
        "coached": _count(coached, "mentor"),
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
    return engineer.level in SENIOR_LEVELS


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
        Engineer.objects.filter(pk__in=engineer_ids, level__in=SENIOR_LEVELS)
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
