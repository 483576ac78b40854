"""Reads of 1:1s and mentoring: the mentoring page, a pair's history, the
cadence a mentorship keeps, and the pairs of the My 1:1s pages with the
agenda of their next check-in.

Each selector builds its part of a page in a fixed number of queries, whatever
the number of people, from the viewer's ``Access``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from growth import policy
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    CheckInKind,
    Engineer,
    Mentorship,
)
from growth.policy import Access


def latest_of(qs: QuerySet, field_name: str, *tiebreak: str) -> Subquery:
    """The newest value of ``field_name`` in ``qs``, as a subquery."""
    newest = qs.order_by(f"-{field_name}", *tiebreak).values(field_name)[:1]
    return Subquery(newest)


def count_of(qs: QuerySet, by: str = "engineer") -> Coalesce:
    """Count the rows of ``qs`` (already tied to the outer row) as a subquery."""
    counted = qs.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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


def with_last_check_in(qs: QuerySet) -> QuerySet:
    """Annotate mentorships with the date and id of their last check-in."""
    theirs = CheckIn.objects.filter(
        mentorship=OuterRef("pk"), kind=CheckInKind.MENTORING
    )
    return qs.annotate(
        last_held_on=latest_of(theirs, "held_on", "-pk"),
        last_check_in_id=Subquery(theirs.order_by("-held_on", "-pk").values("pk")[:1]),
    )


# --- mentoring -------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeRow:
    mentorship: Mentorship
    due_on: datetime.date
    status: str


@dataclass(frozen=True)
class MentoringAsMentor:
    # Active mentorships by mentee name, with when each is due.
    current: list[MenteeRow]
    # Ended ones, the latest end first.
    past: list[Mentorship]


def mentoring_as_mentor(access: Access, *, today: datetime.date) -> MentoringAsMentor:
    """The viewer's mentorships as a mentor, current and past: one query.

    Both lists come from the same rows, split and sorted here: a mentor has a
    handful, and one query compiles in half the time of two.
    """
    mentorships = with_last_check_in(
        Mentorship.objects.filter(mentor_id__in=access.own_ids)
        .select_related("mentee__user")
        .annotate(
            check_in_count=count_of(
                CheckIn.objects.filter(mentorship=OuterRef("pk")), by="mentorship"
            )
        )
        .order_by()
    )
    current, past = [], []
    for mentorship in mentorships:
        # What ``Mentorship.objects.active()`` selects, read on the row.
        (current if mentorship.ended_on is None else past).append(mentorship)
    current.sort(key=lambda m: (m.mentee.user.display_name, m.pk))
    past.sort(key=lambda m: (-m.ended_on.toordinal(), m.pk))
    return MentoringAsMentor(
        current=[mentee_row(mentorship, today=today) for mentorship in current],
        past=past,
    )


def mentee_rows(access: Access, *, today: datetime.date) -> list[MenteeRow]:
    """The viewer's active mentorships as a mentor, with when each is due."""
    return mentoring_as_mentor(access, today=today).current


def mentee_row(mentorship: Mentorship, *, today: datetime.date) -> MenteeRow:
    """A mentorship annotated by ``with_last_check_in``, with when it is due."""
    due_on = check_in_due_on(
        last_held_on=mentorship.last_held_on,
        started_on=mentorship.started_on,
        cadence_days=mentorship.cadence_days,
    )
    return MenteeRow(mentorship, due_on, cadence_status(due_on, today))


def report_rows(access: Access) -> QuerySet:
    """The viewer's direct reports with their last 1:1 with them: one query."""
    theirs = CheckIn.objects.filter(
        engineer=OuterRef("pk"),
        kind=CheckInKind.ONE_ON_ONE,
        author_id=access.user_id,
    )
    return (
        Engineer.objects.active()
        .filter(pk__in=access.report_ids)
        .select_related("user", "team")
        .annotate(
            last_one_on_one=latest_of(theirs, "held_on", "-pk"),
            last_one_on_one_id=Subquery(
                theirs.order_by("-held_on", "-pk").values("pk")[:1]
            ),
        )
        .order_by("user__display_name", "pk")
    )


def recent_check_ins(access: Access, *, limit: int = 10) -> QuerySet:
    """The check-ins the viewer held most recently, with their open item counts.

    The latest ``limit`` are picked first, in a subquery, and only they are
    joined to their people and counted: otherwise PostgreSQL joins and SQLite
    counts every check-in the viewer ever held before the limit keeps ten.
    """
    ordering = ("-held_on", "-pk")
    latest = (
        CheckIn.objects.filter(author_id=access.user_id)
        .order_by(*ordering)
        .values("pk")[:limit]
    )
    open_items = ActionItem.objects.filter(check_in=OuterRef("pk"), done_at=None)
    return (
        CheckIn.objects.filter(pk__in=latest)
        .select_related("engineer__user")
        .annotate(open_items=count_of(open_items, by="check_in"))
        .order_by(*ordering)
    )


# --- a pair's history --------------------------------------------------------------


def pair_check_ins(
    *, author, engineer: Engineer, kind: str, mentorship: Mentorship | None = None
) -> QuerySet:
    """The check-ins ``author`` held with ``engineer`` of ``kind``, newest first;
    for mentoring, only those of ``mentorship``."""
    qs = CheckIn.objects.filter(author=author, engineer=engineer, kind=kind)
    if kind == CheckInKind.MENTORING:
        qs = qs.filter(mentorship=mentorship)
    return qs.order_by("-held_on", "-pk")


def carry_over_items(
    *, author, engineer: Engineer, kind: str, mentorship: Mentorship | None = None
) -> QuerySet:
    """The open action items of the pair's last check-in: what a new one takes."""
    last = pair_check_ins(
        author=author, engineer=engineer, kind=kind, mentorship=mentorship
    )
    return ActionItem.objects.filter(
        check_in=Subquery(last.values("pk")[:1]), done_at__isnull=True
    ).select_related("check_in")


# --- pairs: the 1:1s and mentoring of one engineer, and the next agenda -----------


def pair_url(kind: str, *, engineer_id: int, mentorship_id: int | None) -> str:
    """The page of a pair: an engineer's 1:1s, or one mentorship."""
    if kind == CheckInKind.MENTORING:
        return reverse("mentoring-pair", args=[mentorship_id])
    return reverse("one-on-one-pair", args=[engineer_id])


@dataclass
class Pair:
    """Two people who meet: an engineer and their manager (1:1s), or a
    mentee and their mentor (one mentorship). What a page shows of them."""

    kind: str
    engineer: Engineer
    mentorship: Mentorship | None
    # The manager or mentor; None when there is none (or they were erased).
    holder: Engineer | None
    # Whether a next check-in can happen: a manager to meet, an active mentorship.
    current: bool
    check_ins: list[CheckIn] = field(default_factory=list)  # newest first
    agenda: list[AgendaItem] = field(default_factory=list)  # oldest first
    open_items: list[ActionItem] = field(default_factory=list)  # the viewer's first
    may_add: bool = False
    # Whether the viewer is the engineer, not the manager or mentor.
    mine: bool = False
    due_on: datetime.date | None = None  # the next mentoring check-in
    status: str = ""  # of ``due_on``: see ``cadence_status``

    @property
    def kind_noun(self) -> str:
        return CheckInKind(self.kind).noun

    @property
    def other(self) -> Engineer | None:
        """The pair's other person, from the viewer."""
        return self.holder if self.mine else self.engineer

    @property
    def key(self) -> str:
        """An id for the pair on a page of several."""
        if self.mentorship is not None:
            return f"mentoring-{self.mentorship.pk}"
        return f"one-on-one-{self.engineer.pk}"

    @property
    def url(self) -> str:
        return pair_url(
            self.kind,
            engineer_id=self.engineer.pk,
            mentorship_id=self.mentorship.pk if self.mentorship else None,
        )

    def _matches(self, kind: str, mentorship_id: int | None) -> bool:
        if self.kind == CheckInKind.MENTORING:
            return kind == self.kind and mentorship_id == self.mentorship.pk
        return kind == self.kind


def pair_engineer(access: Access, engineer_id: int) -> Engineer | None:
    """The engineer of a pair with what its pages show of them and their
    manager, if ``access`` may read some pair of theirs; else None."""
    if engineer_id not in access.own_ids | access.report_ids | access.mentee_ids:
        return None
    return (
        Engineer.objects.select_related("user", "manager__user")
        .filter(pk=engineer_id)
        .first()
    )


def _mentoring_pair(access: Access, mentorship: Mentorship) -> Pair:
    pair = Pair(
        kind=CheckInKind.MENTORING,
        engineer=mentorship.mentee,
        mentorship=mentorship,
        holder=mentorship.mentor,
        current=mentorship.is_active,
    )
    pair.may_add = policy.may_add_agenda_item(
        access, engineer=mentorship.mentee, kind=pair.kind, mentorship=mentorship
    )
    pair.mine = mentorship.mentee_id in access.own_ids
    return pair


def _one_on_one_pair(access: Access, engineer: Engineer) -> Pair:
    pair = Pair(
        kind=CheckInKind.ONE_ON_ONE,
        engineer=engineer,
        mentorship=None,
        holder=engineer.manager,
        current=engineer.manager_id is not None,
    )
    pair.may_add = policy.may_add_agenda_item(
        access, engineer=engineer, kind=pair.kind, mentorship=None
    )
    pair.mine = engineer.pk in access.own_ids
    return pair


def _fill(
    access: Access,
    pairs: list[Pair],
    engineer: Engineer,
    *,
    kind: str | None = None,
    mentorship_id: int | None = None,
    today: datetime.date,
) -> None:
    """Read the check-ins, agenda and open action items of ``pairs`` (all of
    ``engineer``; of one ``kind`` and mentorship when given) in three queries,
    and hand each its own."""
    narrow: dict = {}
    if kind is not None:
        narrow = {"kind": kind}
        if kind == CheckInKind.MENTORING:
            narrow["mentorship_id"] = mentorship_id
    check_ins = (
        CheckIn.objects.visible_to(access)
        .filter(engineer=engineer, **narrow)
        .select_related("author")
        .only("kind", "mentorship", "held_on", "engineer", "author", *_author("author"))
        .order_by("-held_on", "-pk")
    )
    agenda = (
        AgendaItem.objects.visible_to(access)
        .open()
        .filter(engineer=engineer, **narrow)
        .select_related("added_by")
        .order_by("created_at", "pk")
    )
    items = (
        ActionItem.objects.visible_to(access)
        .open()
        .filter(
            check_in__engineer=engineer,
            **{f"check_in__{name}": value for name, value in narrow.items()},
        )
        .select_related("check_in__engineer__user", "owner")
        .order_by("created_at", "pk")
    )
    for check_in in check_ins:
        for pair in pairs:
            if pair._matches(check_in.kind, check_in.mentorship_id):
                pair.check_ins.append(check_in)
    for point in agenda:
        for pair in pairs:
            if pair._matches(point.kind, point.mentorship_id):
                pair.agenda.append(point)
    for item in items:
        item.may_toggle = policy.may_toggle_action_item(access, item, item.check_in)
        item.mine = item.owner_id == access.user_id or (
            item.owner_id is None and engineer.pk in access.own_ids
        )
        for pair in pairs:
            if pair._matches(item.check_in.kind, item.check_in.mentorship_id):
                pair.open_items.append(item)
    for pair in pairs:
        # Mine first, then the soonest due (undated last), then the oldest.
        pair.open_items.sort(
            key=lambda i: (not i.mine, i.due_on is None, i.due_on or today)
        )
        if pair.kind == CheckInKind.MENTORING and pair.current:
            started = pair.mentorship.started_on
            last = pair.check_ins[0].held_on if pair.check_ins else None
            pair.due_on = check_in_due_on(
                last_held_on=last,
                started_on=started,
                cadence_days=pair.mentorship.cadence_days,
            )
            pair.status = cadence_status(pair.due_on, today)


def _author(path: str) -> list[str]:
    return [f"{path}__display_name", f"{path}__email"]


def one_on_one_pair(access: Access, engineer: Engineer, *, today) -> Pair | None:
    """The 1:1s of ``engineer`` (from ``pair_engineer``) as ``access`` may
    read them, or None when they may not."""
    if not policy.may_read_pair(
        access, engineer_id=engineer.pk, kind=CheckInKind.ONE_ON_ONE
    ):
        return None
    pair = _one_on_one_pair(access, engineer)
    _fill(access, [pair], engineer, kind=pair.kind, today=today)
    return pair


def mentoring_pair(access: Access, mentorship_id: int, *, today) -> Pair | None:
    """One mentorship's check-ins as ``access`` may read them, or None."""
    mentorship = (
        Mentorship.objects.select_related("mentor__user", "mentee__user")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None or not policy.may_read_pair(
        access, engineer_id=mentorship.mentee_id, kind=CheckInKind.MENTORING
    ):
        return None
    pair = _mentoring_pair(access, mentorship)
    _fill(
        access,
        [pair],
        mentorship.mentee,
        kind=pair.kind,
        mentorship_id=mentorship.pk,
        today=today,
    )
    return pair


def my_pairs(access: Access, engineer: Engineer, *, today) -> list[Pair]:
    """Every 1:1 and mentoring check-in about the viewer, ``engineer``, by
    pair: their 1:1s, then their mentorships, the active ones first."""
    mentorships = list(
        Mentorship.objects.visible_to(access)
        .filter(mentee=engineer)
        .select_related("mentor__user")
        .order_by()
    )
    for mentorship in mentorships:
        mentorship.mentee = engineer
    mentorships.sort(
        key=lambda m: (
            m.ended_on is not None,
            -(m.ended_on or m.started_on).toordinal(),
            m.pk,
        )
    )
    pairs = [_one_on_one_pair(access, engineer)]
    pairs += [_mentoring_pair(access, m) for m in mentorships]
    _fill(access, pairs, engineer, today=today)
    # A past pair with nothing in it is not worth a heading.
    return [
        pair
        for pair in pairs
        if pair.current or pair.check_ins or pair.agenda or pair.open_items
    ]


@dataclass(frozen=True)
class PeopleIMeet:
    reports: list[Engineer]  # each with last_one_on_one, agenda_points, my_items
    mentorships: list[Mentorship]  # each with last_held_on, agenda_points, my_items


def people_i_meet(access: Access) -> PeopleIMeet:
    """The viewer's active reports and active mentorships as a mentor, each
    with its last check-in, the points on its next agenda and the open items
    the viewer owns in it: two queries."""
    points = AgendaItem.objects.visible_to(access).open()
    my_items = ActionItem.objects.open().filter(owner_id=access.user_id)
    one_on_ones = CheckIn.objects.filter(
        engineer=OuterRef("pk"), kind=CheckInKind.ONE_ON_ONE
    )
    reports = []
    if access.report_ids:
        reports = list(
            Engineer.objects.active()
            .filter(pk__in=access.report_ids)
            .select_related("user")
            .annotate(
                last_one_on_one=latest_of(one_on_ones, "held_on", "-pk"),
                agenda_points=count_of(
                    points.filter(engineer=OuterRef("pk"), kind=CheckInKind.ONE_ON_ONE)
                ),
                my_items=count_of(
                    my_items.filter(
                        check_in__engineer=OuterRef("pk"),
                        check_in__kind=CheckInKind.ONE_ON_ONE,
                    ),
                    by="owner",
                ),
            )
            .order_by("user__display_name", "pk")
        )
    mentorships = []
    if access.mentee_ids:
        mentorships = list(
            with_last_check_in(
                Mentorship.objects.active().filter(mentor_id__in=access.own_ids)
            )
            .select_related("mentee__user")
            .annotate(
                agenda_points=count_of(
                    points.filter(mentorship=OuterRef("pk")),
                    by="mentorship",
                ),
                my_items=count_of(
                    my_items.filter(check_in__mentorship=OuterRef("pk")), by="owner"
                ),
            )
            .order_by("mentee__user__display_name", "pk")
        )
    return PeopleIMeet(reports=reports, mentorships=mentorships)
