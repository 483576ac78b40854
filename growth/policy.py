"""Who may see and change what: the one place that answers it.

Every view and every reminder starts from these querysets (usually through
``Model.objects.visible_to(who)``), and every page guard asks here too, so a
rule changes here or nowhere. ``who`` is an ``Access``: the signed-in person's
ids, built once per request (``request.access``, by ``AccessMiddleware``) or
from a user by ``access_of``. The rules read those ids as plain ``IN`` lists,
which every database serves from its indexes. They are the table in DESIGN.md:

- a *shared* feedback note: its author, the engineer, their manager and their
  active mentors read it; only the engineer answers it; only the author edits it;
- a *manager-only* note: its author and the engineer's manager;
- a *note to self*: its author alone;
- goals and goal check-ins: the engineer and their manager read and edit, active
  mentors read and check in;
- check-ins: the author edits; the engineer and their manager read; active mentors
  read the mentoring ones; the author's private notes on one are the author's
  alone (the pages ask ``may_read_private_notes``);
- a pair's agenda (the talking points for its next check-in) has the readers of
  its check-ins; its two people add to it: the engineer and their manager for
  1:1s, mentee and mentor of an active mentorship for mentoring. Whoever added
  a point takes it back until a check-in has discussed it;
- action items have their check-in's readers. Each has an owner, the engineer
  or the author; the owner ticks it off, and so does the author, who keeps the
  record of the conversation. An item without an owner (its owner's account
  was erased) falls to the engineer. The author edits items;
- learning: attendees, leader and whoever logged it, plus the attendees' managers
  and mentors; learning sessions and hackathons are for everyone to see. The
  logger and leader edit; attendees edit their personal activities too.
- learning sessions and hackathons (the events): everyone signed in reads
  them and who signed up; a session's leader changes it, schedules it, calls
  it off and confirms who came; a hackathon's organiser marks it held; the
  members of a hackathon team edit its demo. An attendee's feedback on a
  session is for its leader and its author alone.
- the career framework (tracks, levels, expectations) is everyone's to read.
  An assessment is the engineer's (self) or their direct manager's (manager):
  a draft is its author's alone; once shared the other side reads it, and so
  do the engineer's active mentors if the engineer lets them
  (``shares_assessments_with_mentors``). Readiness for the next level is the
  direct manager's to write; the engineer (and sharing mentors) read it once
  shared. Peers and the chain above the manager read neither.

"Manager" is the direct manager: content never travels further up the chain.
A mentor is someone with an *active* mentorship; an ended one grants nothing.
Inactive and anonymous users see nothing. Staff follow the same rules here; they
see everything through the admin instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from growth.models import (
    PUBLIC_LEARNING_KINDS,
    AssessmentRole,
    CheckIn,
    CheckInKind,
    Engineer,
    FeedbackRequest,
    LearningActivity,
    Mentorship,
    Notification,
    Sentiment,
    Visibility,
)

# The team dashboard's reach: direct reports, their reports, and theirs.
INDIRECT_DEPTH = 3


@dataclass(frozen=True)
class Access:
    """Who the signed-in person is here, as ids: read once per request.

    Every rule below reads one of these rather than asking the database again,
    so a page pays for its viewer's relationships once (``access_of``), and a
    change to them (a report moved to another manager, a mentorship ended)
    shows on the very next request: nothing here outlives the request.
    """

    user_id: int | None = None
    engineer_id: int | None = None
    # Engineers who report to them directly, whatever their state.
    report_ids: frozenset[int] = frozenset()
    # Their reports' reports, to INDIRECT_DEPTH levels: for counts, never content.
    indirect_report_ids: frozenset[int] = frozenset()
    # Engineers they actively mentor, and the mentors among those they coach.
    mentee_ids: frozenset[int] = frozenset()
    coached_mentor_ids: frozenset[int] = frozenset()
    # Not access, but the navigation shows it on every page beside the roles.
    unread_notifications: int = 0
    own_ids: frozenset[int] = field(init=False)
    followed_ids: frozenset[int] = field(init=False)

    def __post_init__(self):
        own = frozenset() if self.engineer_id is None else {self.engineer_id}
        object.__setattr__(self, "own_ids", frozenset(own))
        # The engineers whose growth dashboard they may open.
        followed = self.own_ids | self.report_ids | self.mentee_ids
        object.__setattr__(self, "followed_ids", followed)

    @property
    def member(self) -> bool:
        return self.user_id is not None

    @property
    def manager(self) -> bool:
        return bool(self.report_ids)

    @property
    def mentor(self) -> bool:
        return bool(self.mentee_ids)

    @property
    def coach(self) -> bool:
        return bool(self.coached_mentor_ids)

    @property
    def manages_managers(self) -> bool:
        """Whether someone who reports to them has reports of their own."""
        return bool(self.indirect_report_ids)

    def follows(self, engineer_id) -> bool:
        """Whether they may open the growth dashboard of ``engineer_id``."""
        return engineer_id in self.followed_ids

    def manages(self, engineer_id) -> bool:
        """Whether ``engineer_id`` reports to them directly."""
        return engineer_id in self.report_ids


NOBODY = Access()

# Who the person is here, in one round trip. Hand-written, because the ORM has
# no recursive query, and compiling the seven-part union it would take cost
# more than running it (about 1 ms, on every page). Each row is (tag, a, b):
# tag 0 is their own profile (id, manager), 1 to INDIRECT_DEPTH the engineers
# that many levels below them (id, manager); _MENTORED rows are active
# mentorships (mentor, mentee), theirs and those of the people they mentor;
# _UNREAD counts their unread notifications. "Active" and "unread" are
# Mentorship.objects.active() and Notification.objects.unread(); the policy's
# tests hold the two to each other.
_MENTORED, _UNREAD = -1, -2
_ACCESS_SQL = """
WITH RECURSIVE chain (depth, id, manager_id) AS (
    SELECT 0, id, manager_id FROM {engineer} WHERE user_id = %(user)s
    UNION ALL
    SELECT chain.depth + 1, below.id, below.manager_id
    FROM {engineer} below JOIN chain ON below.manager_id = chain.id
    WHERE chain.depth < {depth}
),
mine (mentor_id, mentee_id) AS (
    SELECT m.mentor_id, m.mentee_id
    FROM {mentorship} m JOIN {engineer} me ON m.mentor_id = me.id
    WHERE me.user_id = %(user)s AND m.ended_on IS NULL
)
SELECT depth, id, manager_id FROM chain
UNION ALL
SELECT {mentored}, mentor_id, mentee_id FROM mine
UNION ALL
SELECT {mentored}, mentor_id, mentee_id FROM {mentorship}
WHERE ended_on IS NULL AND mentor_id IN (SELECT mentee_id FROM mine)
UNION ALL
SELECT {unread}, COUNT(*), NULL FROM {notification}
WHERE recipient_id = %(user)s AND read_at IS NULL
"""


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def access_of(who) -> Access:
    """``who``'s ``Access``: ``who`` itself when it is one already (as
    ``request.access`` is), else built for the user ``who`` in one query."""
    if isinstance(who, Access):
        return who
    if not _is_member(who):
        return NOBODY
    return _build(who.pk, _access_rows(who.pk))


def _access_rows(user_id: int) -> list[tuple[int, int | None, int | None]]:
    sql = _ACCESS_SQL.format(
        engineer=connection.ops.quote_name(Engineer._meta.db_table),
        mentorship=connection.ops.quote_name(Mentorship._meta.db_table),
        notification=connection.ops.quote_name(Notification._meta.db_table),
        depth=INDIRECT_DEPTH,
        mentored=_MENTORED,
        unread=_UNREAD,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user_id})
        return cursor.fetchall()


def _build(user_id: int, rows) -> Access:
    levels: dict[int, set[int]] = {}
    for tag, a, _ in rows:
        if tag >= 0:
            levels.setdefault(tag, set()).add(a)
    own = next(iter(levels.get(0, ())), None)
    # A loop in the reporting lines brings them (or a report) round again.
    direct = levels.get(1, set()) - {own}
    indirect = set().union(*(levels.get(n, ()) for n in range(2, INDIRECT_DEPTH + 1)))
    mentored = [(a, b) for tag, a, b in rows if tag == _MENTORED]
    mentees = {mentee for mentor, mentee in mentored if mentor == own}
    coached = {mentor for mentor, _ in mentored if mentor != own and mentor in mentees}
    unread = next((a for tag, a, _ in rows if tag == _UNREAD), 0)
    return Access(
        user_id=user_id,
        engineer_id=own,
        report_ids=frozenset(direct),
        indirect_report_ids=frozenset(indirect - direct - {own}),
        mentee_ids=frozenset(mentees),
        coached_mentor_ids=frozenset(coached),
        unread_notifications=unread,
    )


def is_manager(user) -> bool:
    return access_of(user).manager


def is_mentor(user) -> bool:
    return access_of(user).mentor


def is_coach(user) -> bool:
    return access_of(user).coach


# --- engineers and mentorships --------------------------------------------------


def engineers_visible_to(who, qs: QuerySet) -> QuerySet:
    """Engineers whose growth dashboard ``who`` may open."""
    return qs.filter(pk__in=access_of(who).followed_ids)


def mentorships_visible_to(who, qs: QuerySet) -> QuerySet:
    """Mentorships ``who`` is in, manages the mentee of, or coaches the mentor of."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(
        Q(mentor_id__in=access.own_ids)
        | Q(mentee_id__in=access.own_ids | access.report_ids)
        | Q(mentor_id__in=access.coached_mentor_ids)
    )


def one_on_one_engineers(who, qs: QuerySet) -> QuerySet:
    """Engineers ``who`` may hold (and log) a 1:1 with: their direct reports."""
    return qs.filter(pk__in=access_of(who).report_ids)


def mentoring_mentorships(who, qs: QuerySet) -> QuerySet:
    """Mentorships ``who`` may log a mentoring check-in in: their active ones
    as the mentor."""
    return qs.active().filter(mentor_id__in=access_of(who).own_ids)


def may_hold_check_in(who, *, engineer: Engineer, kind: str, mentorship) -> bool:
    """Only the direct manager holds a 1:1, only the active mentor a mentoring
    check-in, inside that mentorship."""
    access = access_of(who)
    if kind == CheckInKind.ONE_ON_ONE:
        return mentorship is None and access.manages(engineer.pk)
    return (
        kind == CheckInKind.MENTORING
        and mentorship is not None
        and mentorship.is_active
        and mentorship.mentor_id in access.own_ids
        and mentorship.mentee_id == engineer.pk
    )


# --- feedback ------------------------------------------------------------------


def feedback_notes_visible_to(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(
        Q(author_id=access.user_id)
        | Q(
            visibility=Visibility.SHARED,
            engineer_id__in=access.own_ids | access.mentee_ids,
        )
        | Q(
            visibility__in=[Visibility.SHARED, Visibility.MANAGER],
            engineer_id__in=access.report_ids,
        )
    )


def public_praise_visible_to(who, qs: QuerySet) -> QuerySet:
    """Praise its author put on the Praise wall: everyone signed in reads it."""
    if not access_of(who).member:
        return qs.none()
    return qs.filter(
        public=True, sentiment=Sentiment.PRAISE, visibility=Visibility.SHARED
    )


@dataclass(frozen=True)
class NotesAbout:
    """What of the notes about one engineer a person may read, as data for the
    dashboard's hand-written read: ``feedback_notes_visible_to`` for one
    engineer, with the terms that cannot match them left out (a test holds
    the two to each other)."""

    engineer_id: int
    # Notes of these visibilities, whoever wrote them...
    visibilities: tuple[str, ...]
    # ...and every note this user wrote (None: nobody's).
    author_id: int | None


def notes_about(who, engineer_id: int) -> NotesAbout:
    access = access_of(who)
    if access.manages(engineer_id):
        visibilities = (Visibility.SHARED.value, Visibility.MANAGER.value)
    elif engineer_id in access.own_ids | access.mentee_ids:
        visibilities = (Visibility.SHARED.value,)
    else:
        visibilities = ()
    return NotesAbout(engineer_id, visibilities, access.user_id)


def feedback_notes_editable_by(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(author_id=access.user_id)


def feedback_notes_answerable_by(who, qs: QuerySet) -> QuerySet:
    """Notes ``who`` may acknowledge, reply to, rate and turn into a goal."""
    return qs.filter(
        visibility=Visibility.SHARED, engineer_id__in=access_of(who).own_ids
    )


def may_write_manager_note(who, engineer: Engineer) -> bool:
    """Manager-only visibility is offered to the engineer's manager and mentors."""
    access = access_of(who)
    return engineer.pk in access.report_ids | access.mentee_ids


def feedback_requests_visible_to(who, qs: QuerySet) -> QuerySet:
    own = access_of(who).own_ids
    return qs.filter(Q(requester_id__in=own) | Q(recipient_id__in=own))


def feedback_requests_declinable_by(who, qs: QuerySet) -> QuerySet:
    """Requests ``who`` may decline: the ones asked of them."""
    return qs.filter(recipient_id__in=access_of(who).own_ids)


def feedback_requests_cancellable_by(who, qs: QuerySet) -> QuerySet:
    """Requests ``who`` may withdraw: the ones they made."""
    return qs.filter(requester_id__in=access_of(who).own_ids)


def feedback_requests_fulfillable_by(who, qs: QuerySet | None = None) -> QuerySet:
    qs = FeedbackRequest.objects.all() if qs is None else qs
    return qs.open().filter(recipient_id__in=access_of(who).own_ids)


# --- goals ---------------------------------------------------------------------


def goals_visible_to(who, qs: QuerySet) -> QuerySet:
    """Goals ``who`` may read and check in on: engineer, manager, active mentors."""
    return qs.filter(engineer_id__in=access_of(who).followed_ids)


def goal_of_engineer_visible(who, engineer_id: int | None) -> bool:
    """Whether ``who`` may read a goal of engineer ``engineer_id``: the rule
    of ``goals_visible_to``, for a goal met beside something public (a
    learning session counted towards it)."""
    return engineer_id in access_of(who).followed_ids


def goals_editable_by(who, qs: QuerySet) -> QuerySet:
    return qs.filter(engineer_id__in=goal_owner_ids(who))


def goal_owner_ids(who) -> frozenset[int]:
    """Engineers ``who`` may set and edit goals for: themselves and their
    direct reports."""
    access = access_of(who)
    return access.own_ids | access.report_ids


def goal_owners_for(who, qs: QuerySet) -> QuerySet:
    """Engineers ``who`` may set goals for, the people whose goals
    ``goals_editable_by`` lets them edit."""
    return qs.filter(pk__in=goal_owner_ids(who))


def goal_check_ins_visible_to(who, qs: QuerySet) -> QuerySet:
    return qs.filter(goal__engineer_id__in=access_of(who).followed_ids)


def goals_with_readable_check_ins(who, goals) -> list[int]:
    """The ids of ``goals`` (already read) whose check-ins ``who`` may read: a
    check-in has its goal's readers, so the test is on the goals, here."""
    followed = access_of(who).followed_ids
    return [goal.pk for goal in goals if goal.engineer_id in followed]


def goal_check_ins_editable_by(who, qs: QuerySet) -> QuerySet:
    """The engineer and manager edit any; a mentor edits the ones they wrote."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(
        Q(goal__engineer_id__in=goal_owner_ids(access))
        | Q(author_id=access.user_id, goal__engineer_id__in=access.followed_ids)
    )


# --- check-ins -----------------------------------------------------------------


def _check_in_readers(access: Access, prefix: str = "") -> Q:
    """Who reads a check-in, on the check-in at ``prefix`` (``"check_in__"``
    from an action item): its author, the engineer and their manager, and the
    engineer's active mentors for mentoring ones."""
    return (
        Q(**{f"{prefix}author_id": access.user_id})
        | Q(**{f"{prefix}engineer_id__in": access.own_ids | access.report_ids})
        | Q(
            **{
                f"{prefix}kind": CheckInKind.MENTORING,
                f"{prefix}engineer_id__in": access.mentee_ids,
            }
        )
    )


def check_ins_visible_to(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(_check_in_readers(access))


def check_ins_editable_by(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(author_id=access.user_id)


def may_read_private_notes(who, check_in) -> bool:
    """A check-in's private notes are its author's alone: not the engineer's,
    not their manager's, not staff's through the pages."""
    access = access_of(who)
    return access.member and check_in.author_id == access.user_id


# --- a pair: the agenda of its next check-in ---------------------------------------


def may_read_pair(who, *, engineer_id: int, kind: str) -> bool:
    """Whether ``who`` reads a pair's page and agenda: the readers of its
    check-ins, their authors aside (an author who is no longer in the pair
    keeps the check-ins they held, not the pair)."""
    access = access_of(who)
    return engineer_id in access.own_ids | access.report_ids or (
        kind == CheckInKind.MENTORING and engineer_id in access.mentee_ids
    )


def may_add_agenda_item(who, *, engineer: Engineer, kind: str, mentorship) -> bool:
    """The pair's two people add talking points to its next check-in: the
    engineer (who has a manager to meet) and their direct manager for a 1:1;
    mentee and mentor of an active mentorship for mentoring."""
    access = access_of(who)
    if kind == CheckInKind.ONE_ON_ONE:
        return mentorship is None and (
            access.manages(engineer.pk)
            or (engineer.pk in access.own_ids and engineer.manager_id is not None)
        )
    return (
        kind == CheckInKind.MENTORING
        and mentorship is not None
        and mentorship.is_active
        and mentorship.mentee_id == engineer.pk
        and bool({mentorship.mentee_id, mentorship.mentor_id} & access.own_ids)
    )


def agenda_items_visible_to(who, qs: QuerySet) -> QuerySet:
    """A talking point has the readers of the pair's check-ins; whoever added
    it, and the author of the check-in that discussed it, read it too."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(
        Q(added_by_id=access.user_id)
        | Q(discussed_in__author_id=access.user_id)
        | Q(engineer_id__in=access.own_ids | access.report_ids)
        | Q(kind=CheckInKind.MENTORING, engineer_id__in=access.mentee_ids)
    )


def _sql_in(column: str, ids) -> tuple[str, list]:
    """``column IN (ids)`` for hand-written SQL; never true for no ids."""
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


def agenda_items_visible_sql(who, *, item: str) -> tuple[str, list]:
    """``agenda_items_visible_to`` as a condition of hand-written SQL on the
    talking point aliased ``item``, with its parameters: for a count whose ORM
    subquery costs more to build than to run (a test holds the two alike)."""
    access = access_of(who)
    if not access.member:
        return "1 = 0", []
    check_in = connection.ops.quote_name(CheckIn._meta.db_table)
    pair, pair_params = _sql_in(
        f"{item}.engineer_id", access.own_ids | access.report_ids
    )
    mentee, mentee_params = _sql_in(f"{item}.engineer_id", access.mentee_ids)
    sql = (
        f"({item}.added_by_id = %s OR {item}.discussed_in_id IN"
        f" (SELECT id FROM {check_in} WHERE author_id = %s) OR {pair}"
        f" OR ({item}.kind = %s AND {mentee}))"
    )
    params = [access.user_id, access.user_id, *pair_params]
    return sql, [*params, CheckInKind.MENTORING.value, *mentee_params]


def agenda_items_removable_by(who, qs: QuerySet) -> QuerySet:
    """Whoever added a point takes it back, until a check-in has discussed it."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(added_by_id=access.user_id, discussed_in__isnull=True)


# --- action items --------------------------------------------------------------


def action_items_visible_to(who, qs: QuerySet) -> QuerySet:
    """Action items have the readers of their check-in."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(_check_in_readers(access, "check_in__"))


def _owns(access: Access) -> Q:
    return Q(owner_id=access.user_id) | Q(
        owner__isnull=True, check_in__engineer_id__in=access.own_ids
    )


def action_items_owned_by(who, qs: QuerySet) -> QuerySet:
    """The items ``who`` is to do: theirs, and, as the engineer, those that
    have no owner any more."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(_owns(access))


def action_items_owned_sql(who, *, item: str, check_in: str) -> tuple[str, list]:
    """``action_items_owned_by`` as a condition of hand-written SQL on the
    action item aliased ``item`` joined to its check-in ``check_in``, with its
    parameters (a test holds the two alike)."""
    access = access_of(who)
    if not access.member:
        return "1 = 0", []
    own, own_params = _sql_in(f"{check_in}.engineer_id", access.own_ids)
    sql = f"({item}.owner_id = %s OR ({item}.owner_id IS NULL AND {own}))"
    return sql, [access.user_id, *own_params]


def action_items_toggleable_by(who, qs: QuerySet) -> QuerySet:
    """Action items ``who`` may mark done or undone: the ones they own, and
    every item of the check-ins they held."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(_owns(access) | Q(check_in__author_id=access.user_id))


def may_toggle_action_item(who, item, check_in) -> bool:
    """``action_items_toggleable_by`` for one item of ``check_in``, already read."""
    access = access_of(who)
    if not access.member:
        return False
    if item.owner_id is None:
        owns = check_in.engineer_id in access.own_ids
    else:
        owns = item.owner_id == access.user_id
    return owns or check_in.author_id == access.user_id


def action_items_editable_by(who, qs: QuerySet) -> QuerySet:
    """The author of a check-in rewrites its items, reassigns and re-dates them."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(check_in__author_id=access.user_id)


# --- learning ------------------------------------------------------------------


def learning_visible_to(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    attended_by_someone_i_follow = Exists(
        qs.model.attendees.through.objects.filter(
            learningactivity_id=OuterRef("pk"),
            engineer_id__in=access.followed_ids,
        )
    )
    return qs.filter(
        Q(kind__in=PUBLIC_LEARNING_KINDS)
        | Q(logged_by_id=access.user_id)
        | Q(led_by_id__in=access.own_ids)
        | attended_by_someone_i_follow
    )


def attendances_visible_to(who, engineer_id: int, qs: QuerySet) -> QuerySet:
    """The attendances of ``engineer_id`` at activities ``who`` may see.
    Whoever follows the engineer sees every one (the attendance itself is what
    lets them), so only anyone else pays for the rule's per-row test."""
    qs = qs.filter(engineer_id=engineer_id)
    access = access_of(who)
    if access.follows(engineer_id):
        return qs
    return qs.filter(
        learningactivity__in=learning_visible_to(access, LearningActivity.objects.all())
    )


def learning_editable_by(who, qs: QuerySet) -> QuerySet:
    """Whoever logged or led an activity edits it; so do the attendees of a
    personal one. An attendee of a shared event (a session, a hackathon) does
    not, or one person could change everyone's hours."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    attended_it = Exists(
        qs.model.attendees.through.objects.filter(
            learningactivity_id=OuterRef("pk"), engineer_id__in=access.own_ids
        )
    )
    return qs.filter(
        Q(logged_by_id=access.user_id)
        | Q(led_by_id__in=access.own_ids)
        | (~Q(kind__in=PUBLIC_LEARNING_KINDS) & attended_it)
    )


# --- learning sessions and hackathons ---------------------------------------------


def sessions_visible_to(who, qs: QuerySet) -> QuerySet:
    """Sessions are the organisation's: everyone signed in reads them."""
    return qs if access_of(who).member else qs.none()


def sessions_led_by(who, qs: QuerySet) -> QuerySet:
    """Sessions ``who`` leads: theirs to change, schedule, cancel and close."""
    return qs.filter(leader_id__in=access_of(who).own_ids)


def session_feedback_visible_to(who, qs: QuerySet) -> QuerySet:
    """An attendee's line on a session reaches its leader and no one else
    but the attendee who wrote it."""
    own = access_of(who).own_ids
    return qs.filter(Q(engineer_id__in=own) | Q(session__leader_id__in=own))


def hackathons_visible_to(who, qs: QuerySet) -> QuerySet:
    return qs if access_of(who).member else qs.none()


def hackathons_organised_by(who, qs: QuerySet) -> QuerySet:
    return qs.filter(organiser_id__in=access_of(who).own_ids)


def hackathon_teams_editable_by(who, qs: QuerySet) -> QuerySet:
    """A team's demo is its members' to write."""
    return qs.filter(members__in=access_of(who).own_ids).distinct()


# --- notifications -------------------------------------------------------------


def notifications_visible_to(who, qs: QuerySet) -> QuerySet:
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(recipient_id=access.user_id)


# --- the learning rhythm: sprint cadences and learning-day plans ---------------


def cadence_teams(who, qs: QuerySet) -> QuerySet:
    """Teams whose sprint cadence ``who`` sets: those they manage someone in
    (a direct report in the team). Staff set any in the admin."""
    access = access_of(who)
    if not access.manager:
        return qs.none()
    in_team = Engineer.objects.filter(pk__in=access.report_ids, team_id=OuterRef("pk"))
    return qs.filter(Exists(in_team))


def learning_day_plans_visible_to(who, qs: QuerySet) -> QuerySet:
    """A learning-day plan is read by its engineer, their direct manager and
    their active mentors: the people who follow their growth."""
    return qs.filter(engineer_id__in=access_of(who).followed_ids)


def learning_day_plans_editable_by(who, qs: QuerySet) -> QuerySet:
    """Only the engineer plans their learning day and logs what they did."""
    return qs.filter(engineer_id__in=access_of(who).own_ids)


# --- organisation insight -------------------------------------------------------

# Staff who may read every team's insight (the custom permission on Engineer).
ORG_INSIGHT_PERMISSION = "growth.view_org_insight"


def sees_all_insight(user) -> bool:
    """Staff with the permission read every team's insight. Only staff are
    asked, so nobody else pays for reading permissions."""
    return bool(
        _is_member(user) and user.is_staff and user.has_perm(ORG_INSIGHT_PERMISSION)
    )


def may_see_org_insight(user, who) -> bool:
    """Managers of managers (their own organisation) and staff with the
    permission (every team) see the insight page and its CSV."""
    return access_of(who).manages_managers or sees_all_insight(user)


def org_insight_scope(user, who) -> tuple[str, int | None] | None:
    """Whose organisation ``user`` reads on the insight page: ("all", None)
    for staff with the permission, ("organisation", their engineer id) for a
    manager of managers; None for anyone else."""
    if sees_all_insight(user):
        return "all", None
    access = access_of(who)
    if access.manages_managers:
        return "organisation", access.engineer_id
    return None


# --- the career framework: assessments and readiness --------------------------


def _sharing_mentees(access: Access) -> Q:
    """The mentees who let their active mentors read their assessments."""
    return Q(
        engineer_id__in=access.mentee_ids,
        engineer__shares_assessments_with_mentors=True,
    )


def assessments_visible_to(who, qs: QuerySet) -> QuerySet:
    """The engineer reads their self-assessments (drafts too) and the shared
    manager's ones; the direct manager reads the drafts they wrote and every
    shared one; sharing mentors read shared ones. A former manager's draft is
    nobody's."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    shared = Q(shared_at__isnull=False)
    return qs.filter(
        Q(engineer_id__in=access.own_ids, role=AssessmentRole.SELF)
        | (Q(engineer_id__in=access.own_ids | access.report_ids) & shared)
        | Q(
            engineer_id__in=access.report_ids,
            role=AssessmentRole.MANAGER,
            author_id=access.user_id,
        )
        | (_sharing_mentees(access) & shared)
    )


def assessments_editable_by(who, qs: QuerySet) -> QuerySet:
    """Drafts ``who`` wrote and may still write: their own self-assessment,
    or the manager's assessment of a direct report."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    return qs.filter(shared_at__isnull=True, author_id=access.user_id).filter(
        Q(engineer_id__in=access.own_ids, role=AssessmentRole.SELF)
        | Q(engineer_id__in=access.report_ids, role=AssessmentRole.MANAGER)
    )


def assessment_role_of(who, engineer_id: int) -> str | None:
    """The assessment ``who`` writes of ``engineer_id``: "self" for their own,
    "manager" for a direct report's, None for anyone else's."""
    access = access_of(who)
    if engineer_id in access.own_ids:
        return AssessmentRole.SELF
    if access.manages(engineer_id):
        return AssessmentRole.MANAGER
    return None


def readiness_visible_to(who, qs: QuerySet) -> QuerySet:
    """The direct manager reads the shared ones and their own drafts (a former
    manager's draft is nobody's, as for assessments); the engineer and sharing
    mentors read the shared ones."""
    access = access_of(who)
    if not access.member:
        return qs.none()
    shared = Q(shared_at__isnull=False)
    return qs.filter(
        (Q(engineer_id__in=access.report_ids) & (shared | Q(author_id=access.user_id)))
        | (Q(engineer_id__in=access.own_ids) & shared)
        | (_sharing_mentees(access) & shared)
    )


@dataclass(frozen=True)
class ReadinessAbout:
    """What of the readiness of one engineer a person may read, as data for
    the framework page's hand-written read: ``readiness_visible_to`` for one
    engineer (a test holds the two to each other)."""

    engineer_id: int
    # The drafts this user wrote too (the direct manager's), or None...
    drafts_by: int | None
    # ...and the shared ones (the engineer, a sharing mentee's mentor)...
    shared: bool
    # ...the latter only while the engineer lets their mentors read them.
    if_sharing: bool


def readiness_about(who, engineer_id: int) -> ReadinessAbout:
    access = access_of(who)
    if not access.member:
        return ReadinessAbout(engineer_id, None, False, False)
    if engineer_id in access.report_ids:
        return ReadinessAbout(engineer_id, access.user_id, True, False)
    if engineer_id in access.own_ids:
        return ReadinessAbout(engineer_id, None, True, False)
    if engineer_id in access.mentee_ids:
        return ReadinessAbout(engineer_id, None, True, True)
    return ReadinessAbout(engineer_id, None, False, False)


def may_write_readiness(who, engineer_id: int) -> bool:
    """Only the direct manager writes and shares readiness."""
    return access_of(who).manages(engineer_id)


def may_read_framework_of(who, engineer) -> bool:
    """The engineer's framework page: theirs, their direct manager's, and their
    active mentors' when they share their assessments. ``engineer`` is read
    already (its ``shares_assessments_with_mentors`` is asked)."""
    access = access_of(who)
    return (
        engineer.pk in access.own_ids
        or access.manages(engineer.pk)
        or (
            engineer.pk in access.mentee_ids
            and engineer.shares_assessments_with_mentors
        )
    )


def may_set_assessment_sharing(who, engineer_id: int) -> bool:
    """Only the engineer decides whether their mentors read their assessments."""
    return engineer_id in access_of(who).own_ids
