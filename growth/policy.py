"""Who may see and change what: the one place that answers it.

Every view and every reminder starts from these querysets (usually through
``Model.objects.visible_to(user)``), so a rule changes here or nowhere. The rules
are the table in DESIGN.md:

- a *shared* feedback note: its author, the engineer, their manager and their
  active mentors read it; only the engineer answers it; only the author edits it;
- a *manager-only* note: its author and the engineer's manager;
- a *note to self*: its author alone;
- goals and goal check-ins: the engineer and their manager read and edit, active
  mentors read and check in;
- check-ins: the author edits; the engineer and their manager read; active mentors
  read the mentoring ones;
- learning: attendees, leader and whoever logged it, plus the attendees' managers
  and mentors; learning sessions and hackathons are for everyone to see. The
  logger and leader edit; attendees edit their personal activities too.

"Manager" is the direct manager: content never travels further up the chain.
A mentor is someone with an *active* mentorship; an ended one grants nothing.
Inactive and anonymous users see nothing. Staff follow the same rules here; they
see everything through the admin instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from growth.models import (
    PUBLIC_LEARNING_KINDS,
    CheckInKind,
    Engineer,
    FeedbackRequest,
    Mentorship,
    Notification,
    Visibility,
)


class _Among(Func):
    """``column IN (subquery)``, which PostgreSQL is asked as ``= ANY(ARRAY(…))``.

    The rules below are ORs. Inside an OR, PostgreSQL cannot use an index for
    ``IN (subquery)`` and reads the whole table (every feedback note, to list
    a manager's); the array of a subquery that does not depend on the row is
    computed once, and ``= ANY`` of it is an index scan that an OR combines
    with the others. Both forms are true of the same rows.
    """

    arg_joiner = " IN "
    template = "%(expressions)s"
    output_field = BooleanField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            arg_joiner=" = ANY(ARRAY",
            template="%(expressions)s)",
            **extra_context,
        )


def _among(field: str, ids: QuerySet) -> Q:
    """``field`` is one of the ids ``ids`` selects (``field__in=ids``)."""
    # As ``__in`` does: a subquery's order (Engineer's is by name) is no use.
    return Q(_Among(F(field), Subquery(ids.order_by())))


def _own(user) -> QuerySet:
    """The id of ``user``'s own engineer profile, as a subquery."""
    return Engineer.objects.filter(user=user).values("pk")


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _reports(user) -> QuerySet:
    """Ids of the engineers ``user`` manages directly, as a subquery."""
    return Engineer.objects.filter(manager__user=user).values("pk")


def _mentees(user) -> QuerySet:
    """Ids of the engineers ``user`` actively mentors, as a subquery."""
    return Mentorship.objects.active().filter(mentor__user=user).values("mentee_id")


def _coached_mentors(user) -> QuerySet:
    """Ids of the mentors ``user`` coaches (actively mentors, while they mentor)."""
    return (
        Mentorship.objects.active()
        .coaching()
        .filter(mentor__user=user)
        .values("mentee_id")
    )


# --- roles, for navigation and page guards -------------------------------------


class _IdList(Func):
    """The ``member`` column of a subquery's rows, as one comma-separated text."""

    template = "(SELECT GROUP_CONCAT(ids.member) FROM %(expressions)s ids)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT STRING_AGG(ids.member::text, ',') FROM %(expressions)s ids)",
            **extra_context,
        )


# The team dashboard's reach: direct reports, their reports, and theirs.
INDIRECT_DEPTH = 3


def _circle(user) -> QuerySet:
    """``user``'s own profile, their reports to ``INDIRECT_DEPTH`` levels,
    everyone they mentor or once mentored, and the mentees of the mentors they
    coach: every engineer whose growth may show on their pages, and more
    (``growth.pagecache``)."""
    mentored = Mentorship.objects.filter(mentor__user=user).values("mentee_id")
    coached = Mentorship.objects.filter(mentor__in=_mentees(user)).values("mentee_id")
    reports = Q()
    for level in range(INDIRECT_DEPTH):
        reports |= Q(**{"manager__" * level + "manager__user": user})
    return Engineer.objects.filter(
        Q(user=user) | reports | Q(pk__in=mentored) | Q(pk__in=coached)
    ).order_by()


@dataclass(frozen=True)
class Roles:
    manager: bool = False
    mentor: bool = False
    coach: bool = False
    # Not a role, but the navigation shows it on every page beside them.
    unread_notifications: int = 0
    # Not roles either, but asked on the busiest pages beside them: the ids of
    # their own profile, of the engineers whose dashboard they may open
    # (``engineers_visible_to``), and of their ``_circle`` (``growth.pagecache``).
    engineer_id: int | None = None
    follows: frozenset[int] = frozenset()
    circle: frozenset[int] = frozenset()


def roles_of(user) -> Roles:
    """What ``user`` is here, how many notifications wait unread and whom
    they follow, in one query: the navigation and the page cache ask on every
    page."""
    if not _is_member(user):
        return Roles()
    unread = (
        notifications_visible_to(user, Notification.objects.all())
        .unread()
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            manages=Exists(Engineer.objects.filter(manager__user=OuterRef("pk"))),
            mentors=Exists(
                Mentorship.objects.active().filter(mentor__user=OuterRef("pk"))
            ),
            coaches=Exists(
                Mentorship.objects.active()
                .coaching()
                .filter(mentor__user=OuterRef("pk"))
            ),
            unread=Coalesce(Subquery(unread), 0),
            engineer_id=Subquery(_own(user)),
            follows=_IdList(
                Subquery(
                    engineers_visible_to(user, Engineer.objects.order_by()).values(
                        member=F("pk")
                    )
                )
            ),
            circle=_IdList(Subquery(_circle(user).values(member=F("pk")))),
        )
        .values(
            "manages",
            "mentors",
            "coaches",
            "unread",
            "engineer_id",
            "follows",
            "circle",
        )
        .first()
    )
    if row is None:
        return Roles()
    return Roles(
        manager=row["manages"],
        mentor=row["mentors"],
        coach=row["coaches"],
        unread_notifications=row["unread"],
        engineer_id=row["engineer_id"],
        follows=_ids(row["follows"]),
        circle=_ids(row["circle"]),
    )


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(int(pk) for pk in (text or "").split(",") if pk)


def is_manager(user) -> bool:
    return _is_member(user) and Engineer.objects.filter(manager__user=user).exists()


def is_mentor(user) -> bool:
    return (
        _is_member(user)
        and Mentorship.objects.active().filter(mentor__user=user).exists()
    )


def is_coach(user) -> bool:
    return _is_member(user) and _coached_mentors(user).exists()


# --- engineers and mentorships --------------------------------------------------


def engineers_visible_to(user, qs: QuerySet) -> QuerySet:
    """Engineers whose growth dashboard ``user`` may open."""
    if not _is_member(user):
        return qs.none()
    return qs.filter(Q(user=user) | Q(pk__in=_reports(user)) | Q(pk__in=_mentees(user)))


def mentorships_visible_to(user, qs: QuerySet) -> QuerySet:
    """Mentorships ``user`` is in, manages the mentee of, or coaches the mentor of."""
    if not _is_member(user):
        return qs.none()
    return qs.filter(
        Q(mentor__user=user)
        | Q(mentee__user=user)
        | Q(mentee__in=_reports(user))
        | Q(mentor__in=_coached_mentors(user))
    )


# --- feedback ------------------------------------------------------------------


def feedback_notes_visible_to(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(
        Q(author=user)
        | Q(visibility=Visibility.SHARED) & _among("engineer", _own(user))
        | Q(visibility__in=[Visibility.SHARED, Visibility.MANAGER])
        & _among("engineer", _reports(user))
        | Q(visibility=Visibility.SHARED) & _among("engineer", _mentees(user))
    )


def feedback_notes_editable_by(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(author=user)


def feedback_notes_answerable_by(user, qs: QuerySet) -> QuerySet:
    """Notes ``user`` may acknowledge, reply to, rate and turn into a goal."""
    if not _is_member(user):
        return qs.none()
    return qs.filter(visibility=Visibility.SHARED, engineer__user=user)


def may_write_manager_note(user, engineer: Engineer) -> bool:
    """Manager-only visibility is offered to the engineer's manager and mentors."""
    if not _is_member(user):
        return False
    return (
        Engineer.objects.filter(pk=engineer.pk)
        .filter(Q(manager__user=user) | Q(pk__in=_mentees(user)))
        .exists()
    )


def feedback_requests_visible_to(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(Q(requester__user=user) | Q(recipient__user=user))


def feedback_requests_fulfillable_by(user, qs: QuerySet | None = None) -> QuerySet:
    qs = FeedbackRequest.objects.all() if qs is None else qs
    if not _is_member(user):
        return qs.none()
    return qs.open().filter(recipient__user=user)


# --- goals ---------------------------------------------------------------------


def goals_visible_to(user, qs: QuerySet) -> QuerySet:
    """Goals ``user`` may read and check in on: engineer, manager, active mentors."""
    if not _is_member(user):
        return qs.none()
    return qs.filter(
        _among("engineer", _own(user))
        | _among("engineer", _reports(user))
        | _among("engineer", _mentees(user))
    )


def goals_editable_by(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(
        _among("engineer", _own(user)) | _among("engineer", _reports(user))
    )


def goal_owners_for(user, qs: QuerySet) -> QuerySet:
    """Engineers ``user`` may set goals for: themselves and their direct reports,
    the people whose goals ``goals_editable_by`` lets them edit."""
    if not _is_member(user):
        return qs.none()
    return qs.filter(Q(user=user) | Q(pk__in=_reports(user)))


def goal_check_ins_visible_to(user, qs: QuerySet) -> QuerySet:
    from growth.models import Goal

    return qs.filter(goal__in=goals_visible_to(user, Goal.objects.all()).values("pk"))


def goal_check_ins_editable_by(user, qs: QuerySet) -> QuerySet:
    """The engineer and manager edit any; a mentor edits the ones they wrote."""
    from growth.models import Goal

    if not _is_member(user):
        return qs.none()
    editable_goals = goals_editable_by(user, Goal.objects.all()).values("pk")
    visible_goals = goals_visible_to(user, Goal.objects.all()).values("pk")
    return qs.filter(
        Q(goal__in=editable_goals) | Q(author=user, goal__in=visible_goals)
    )


# --- check-ins -----------------------------------------------------------------


def check_ins_visible_to(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(
        Q(author=user)
        | _among("engineer", _own(user))
        | _among("engineer", _reports(user))
        | Q(kind=CheckInKind.MENTORING) & _among("engineer", _mentees(user))
    )


def check_ins_editable_by(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(author=user)


def action_items_toggleable_by(user, qs: QuerySet) -> QuerySet:
    """Action items ``user`` may mark done or undone: the check-in's author and
    its engineer, among the check-ins they may see."""
    from growth.models import CheckIn

    if not _is_member(user):
        return qs.none()
    visible = check_ins_visible_to(user, CheckIn.objects.all()).filter(
        Q(author=user) | Q(engineer__user=user)
    )
    return qs.filter(check_in__in=visible.values("pk"))


# --- learning ------------------------------------------------------------------


def learning_visible_to(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    through = qs.model.attendees.through
    attended_by_someone_i_follow = Exists(
        through.objects.filter(learningactivity_id=OuterRef("pk")).filter(
            _among("engineer", _own(user))
            | _among("engineer", _reports(user))
            | _among("engineer", _mentees(user))
        )
    )
    return qs.filter(
        Q(kind__in=PUBLIC_LEARNING_KINDS)
        | Q(logged_by=user)
        | Q(led_by__user=user)
        | attended_by_someone_i_follow
    )


def learning_editable_by(user, qs: QuerySet) -> QuerySet:
    """Whoever logged or led an activity edits it; so do the attendees of a
    personal one. An attendee of a shared event (a session, a hackathon) does
    not, or one person could change everyone's hours."""
    if not _is_member(user):
        return qs.none()
    attended_it = Exists(
        qs.model.attendees.through.objects.filter(
            learningactivity_id=OuterRef("pk"), engineer__user=user
        )
    )
    return qs.filter(
        Q(logged_by=user)
        | Q(led_by__user=user)
        | (~Q(kind__in=PUBLIC_LEARNING_KINDS) & attended_it)
    )


# --- notifications -------------------------------------------------------------


def notifications_visible_to(user, qs: QuerySet) -> QuerySet:
    if not _is_member(user):
        return qs.none()
    return qs.filter(recipient=user)
