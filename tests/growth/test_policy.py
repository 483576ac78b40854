"""Who may see and change what, as a matrix: every person against every object.

Each table is the "Who may see what" table of DESIGN.md turned on its side: one
line per object and action, one column per person, and each cell is one test case
(``<object>-<action>-<person>``) asserting whether the object is in the policy's
queryset for that person. The people are named by what they are to alice, the
engineer every object is about (see the cast in conftest.py).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from growth import policy
from growth.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CheckIn,
    CheckInKind,
    Engineer,
    EventKind,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    LearningKind,
    Mentorship,
    Notification,
    RequestStatus,
    Visibility,
)
from tests import factories

Y, N = True, False

# The columns, in order. "author" is whoever wrote the object (for learning,
# whoever logged it; for a request, whoever asked), so it is also one of the others.
EVERYONE = (
    "engineer",  # en: alice
    "manager",  # mg: mia, alice's direct manager
    "mentor",  # me: max, alice's active mentor
    "former-mentor",  # fm: olivia, whose mentorship of alice has ended
    "skip-level",  # sk: skip, mia's manager
    "peer",  # pe: bob, on alice's team
    "outsider",  # ou: carol, on another team, related to no one
    "coach",  # co: cora, who mentors max
    "staff",  # st: an admin with no engineer profile
    "inactive",  # in: mia, deactivated
    "anonymous",  # an: nobody signed in
)
WITH_AUTHOR = ("author", *EVERYONE)  # au

CAST_NAMES = {
    "engineer": "alice",
    "manager": "mia",
    "mentor": "max",
    "former-mentor": "olivia",
    "skip-level": "skip",
    "peer": "bob",
    "outsider": "carol",
    "coach": "cora",
}

LONG_AGO = datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC)  # olivia's time


def matrix(table, columns):
    """Turn a table into one case per cell, each with an id that reads as a rule."""
    cases = []
    for row, cells in table.items():
        for who, expected in zip(columns, cells, strict=True):
            cases.append(pytest.param(row, who, expected, id="-".join((*row, who))))
    return cases


def person(cast, who, obj=None):
    if who == "author":
        return author_of(obj)
    if who == "anonymous":
        return AnonymousUser()
    if who == "staff":
        return cast.staff
    if who == "inactive":
        User.objects.filter(pk=cast.mia.user_id).update(is_active=False)
        return User.objects.get(pk=cast.mia.user_id)
    return getattr(cast, CAST_NAMES[who]).user


def author_of(obj):
    if isinstance(obj, LearningActivity):
        return obj.logged_by
    if isinstance(obj, FeedbackRequest):
        return obj.requester.user
    if isinstance(obj, AgendaItem):
        return obj.added_by
    if isinstance(obj, ActionItem):
        return obj.check_in.author
    return obj.author


ACTIONS = {
    "read": lambda objects, user: objects.visible_to(user),
    "edit": lambda objects, user: objects.editable_by(user),
    "answer": lambda objects, user: objects.answerable_by(user),
    "check-in": lambda objects, user: objects.checkinable_by(user),
    "fulfil": lambda objects, user: policy.feedback_requests_fulfillable_by(
        user, objects.all()
    ),
    "remove": lambda objects, user: objects.removable_by(user),
    "tick": lambda objects, user: objects.toggleable_by(user),
    "own": lambda objects, user: objects.owned_by(user),
}


def allowed(cast, world, row, who) -> bool:
    name, action = row
    obj = world[name]
    user = person(cast, who, obj)
    return obj in ACTIONS[action](type(obj).objects, user)


def point(added_by, *, mentorship=None, **fields):
    kind = CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE
    return AgendaItem.objects.create(
        engineer=mentorship.mentee if mentorship else fields.pop("engineer"),
        kind=kind,
        mentorship=mentorship,
        added_by=added_by,
        text="Talk about the on-call rota",
        **fields,
    )


def item(check_in, owner):
    return ActionItem.objects.create(
        check_in=check_in, description="Write the runbook", owner=owner
    )


@pytest.fixture
def world(cast):
    """One of each object, all about alice unless the name says otherwise."""
    alice, bob, carol, mia = cast.alice, cast.bob, cast.carol, cast.mia
    max_, olivia = cast.max, cast.olivia
    goal = factories.make_goal(alice, created_by=alice.user)
    manager_only, to_self = Visibility.MANAGER, Visibility.SELF
    one_on_one = factories.make_check_in(mia.user, alice)
    mentoring = factories.make_check_in(
        max_.user, alice, mentorship=cast.max_mentors_alice
    )
    former_mentoring = factories.make_check_in(
        olivia.user,
        alice,
        mentorship=cast.olivia_mentored_alice,
        held_on=LONG_AGO.date(),
    )
    agendas = {
        # talking points for the next check-in, and one discussed already
        "one-on-one-point-by-engineer": point(alice.user, engineer=alice),
        "one-on-one-point-by-manager": point(mia.user, engineer=alice),
        "discussed-point": point(alice.user, engineer=alice, discussed_in=one_on_one),
        "mentoring-point-by-mentee": point(
            alice.user, mentorship=cast.max_mentors_alice
        ),
        "mentoring-point-by-mentor": point(
            max_.user, mentorship=cast.max_mentors_alice
        ),
        # Olivia's, never discussed before her mentorship ended.
        "former-mentoring-point": point(
            olivia.user, mentorship=cast.olivia_mentored_alice
        ),
        # action items, for one of the two people of their check-in
        "item-for-engineer": item(one_on_one, alice.user),
        "item-for-manager": item(one_on_one, mia.user),
        "item-for-mentor": item(mentoring, max_.user),
        # Its owner's account was erased: it falls to the engineer.
        "item-without-owner": item(mentoring, None),
        "former-mentoring-item": item(former_mentoring, alice.user),
    }
    return agendas | {
        # feedback notes
        "shared-note-by-peer": factories.make_note(bob.user, alice),
        "shared-note-by-outsider": factories.make_note(carol.user, alice),
        "shared-note-by-former-mentor": factories.make_note(
            olivia.user, alice, created_at=LONG_AGO
        ),
        "manager-note-by-manager": factories.make_note(
            mia.user, alice, visibility=manager_only
        ),
        "manager-note-by-mentor": factories.make_note(
            max_.user, alice, visibility=manager_only
        ),
        "self-note-by-manager": factories.make_note(
            mia.user, alice, visibility=to_self
        ),
        "self-note-by-mentor": factories.make_note(
            max_.user, alice, visibility=to_self
        ),
        # goals
        "goal": goal,
        "goal-check-in-by-engineer": factories.make_goal_check_in(goal, alice.user),
        "goal-check-in-by-mentor": factories.make_goal_check_in(goal, max_.user),
        "goal-check-in-by-former-mentor": factories.make_goal_check_in(
            goal, olivia.user, created_at=LONG_AGO
        ),
        # check-ins
        "one-on-one": one_on_one,
        "mentoring-check-in": mentoring,
        "former-mentoring-check-in": former_mentoring,
        # learning
        "course": factories.make_learning(alice.user, attendees=[alice]),
        "course-logged-by-manager": factories.make_learning(
            mia.user, title="Kubernetes basics", attendees=[alice]
        ),
        "learning-session": factories.make_learning(
            carol.user,
            kind=LearningKind.LEARNING_SESSION,
            title="Profiling Python",
            led_by=bob,
            attendees=[carol],
        ),
        "hackathon": factories.make_learning(
            bob.user,
            kind=LearningKind.HACKATHON,
            title="Spring hackathon",
            attendees=[bob],
        ),
        # feedback requests
        "open-request": factories.make_request(bob, alice),
        "closed-request": factories.make_request(
            alice, carol, status=RequestStatus.FULFILLED, closed_at=LONG_AGO
        ),
        # people
        "mentorship": cast.max_mentors_alice,
        "coaching": cast.cora_coaches_max,
        "ended-mentorship": cast.olivia_mentored_alice,
        "engineer": alice,
        "managers-profile": mia,
        "notification": Notification.objects.create(
            recipient=alice.user,
            kind=EventKind.FEEDBACK_RECEIVED,
            message="Bob Peer gave you feedback",
        ),
    }


# --- feedback ------------------------------------------------------------------

# fmt: off
FEEDBACK_NOTES = {
    #                                           au en mg me fm sk pe ou co st in an
    ("shared-note-by-peer", "read"):            (Y, Y, Y, Y, N, N, Y, N, N, N, N, N),
    ("shared-note-by-peer", "edit"):            (Y, N, N, N, N, N, Y, N, N, N, N, N),
    ("shared-note-by-peer", "answer"):          (N, Y, N, N, N, N, N, N, N, N, N, N),
    # Anyone may give shared feedback, and what they wrote stays theirs.
    ("shared-note-by-outsider", "read"):        (Y, Y, Y, Y, N, N, N, Y, N, N, N, N),
    ("shared-note-by-outsider", "edit"):        (Y, N, N, N, N, N, N, Y, N, N, N, N),
    ("shared-note-by-outsider", "answer"):      (N, Y, N, N, N, N, N, N, N, N, N, N),
    # Written by olivia while she mentored alice: hers as author, not as mentor.
    ("shared-note-by-former-mentor", "read"):   (Y, Y, Y, Y, Y, N, N, N, N, N, N, N),
    ("shared-note-by-former-mentor", "edit"):   (Y, N, N, N, Y, N, N, N, N, N, N, N),
    ("shared-note-by-former-mentor", "answer"): (N, Y, N, N, N, N, N, N, N, N, N, N),
    ("manager-note-by-manager", "read"):        (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("manager-note-by-manager", "edit"):        (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("manager-note-by-manager", "answer"):      (N, N, N, N, N, N, N, N, N, N, N, N),
    ("manager-note-by-mentor", "read"):         (Y, N, Y, Y, N, N, N, N, N, N, N, N),
    ("manager-note-by-mentor", "edit"):         (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("manager-note-by-mentor", "answer"):       (N, N, N, N, N, N, N, N, N, N, N, N),
    ("self-note-by-manager", "read"):           (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("self-note-by-manager", "edit"):           (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("self-note-by-manager", "answer"):         (N, N, N, N, N, N, N, N, N, N, N, N),
    ("self-note-by-mentor", "read"):            (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("self-note-by-mentor", "edit"):            (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("self-note-by-mentor", "answer"):          (N, N, N, N, N, N, N, N, N, N, N, N),
}

# policy.may_write_manager_note(person, alice)
MANAGER_NOTE_WRITERS = {
    #                                        en mg me fm sk pe ou co st in an
    ("manager-note", "write"):               (N, Y, Y, N, N, N, N, N, N, N, N),
}

FEEDBACK_REQUESTS = {
    # bob asks alice; alice asked carol, who has given it.
    #                                           au en mg me fm sk pe ou co st in an
    ("open-request", "read"):                   (Y, Y, N, N, N, N, Y, N, N, N, N, N),
    ("open-request", "fulfil"):                 (N, Y, N, N, N, N, N, N, N, N, N, N),
    ("closed-request", "read"):                 (Y, Y, N, N, N, N, N, Y, N, N, N, N),
    ("closed-request", "fulfil"):               (N, N, N, N, N, N, N, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(
    ("row", "who", "expected"), matrix(FEEDBACK_NOTES, WITH_AUTHOR)
)
def test_feedback_notes(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


@pytest.mark.parametrize(
    ("row", "who", "expected"), matrix(MANAGER_NOTE_WRITERS, EVERYONE)
)
def test_who_is_offered_manager_only_visibility(cast, row, who, expected):
    assert policy.may_write_manager_note(person(cast, who), cast.alice) is expected


@pytest.mark.parametrize(
    ("row", "who", "expected"), matrix(FEEDBACK_REQUESTS, WITH_AUTHOR)
)
def test_feedback_requests(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


# --- goals ---------------------------------------------------------------------

# fmt: off
GOALS = {
    #                                        en mg me fm sk pe ou co st in an
    ("goal", "read"):                        (Y, Y, Y, N, N, N, N, N, N, N, N),
    ("goal", "edit"):                        (Y, Y, N, N, N, N, N, N, N, N, N),
    ("goal", "check-in"):                    (Y, Y, Y, N, N, N, N, N, N, N, N),
}

GOAL_CHECK_INS = {
    #                                           au en mg me fm sk pe ou co st in an
    ("goal-check-in-by-engineer", "read"):      (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("goal-check-in-by-engineer", "edit"):      (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("goal-check-in-by-mentor", "read"):        (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("goal-check-in-by-mentor", "edit"):        (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    # Olivia wrote it while she mentored alice; the goal is no longer hers to see.
    ("goal-check-in-by-former-mentor", "read"): (N, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("goal-check-in-by-former-mentor", "edit"): (N, Y, Y, N, N, N, N, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(("row", "who", "expected"), matrix(GOALS, EVERYONE))
def test_goals(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


@pytest.mark.parametrize(
    ("row", "who", "expected"), matrix(GOAL_CHECK_INS, WITH_AUTHOR)
)
def test_goal_check_ins(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


# --- check-ins -----------------------------------------------------------------

# fmt: off
CHECK_INS = {
    #                                           au en mg me fm sk pe ou co st in an
    ("one-on-one", "read"):                     (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("one-on-one", "edit"):                     (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("mentoring-check-in", "read"):             (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("mentoring-check-in", "edit"):             (Y, N, N, Y, N, N, N, N, N, N, N, N),
    # Held by olivia in her ended mentorship: still hers as author.
    ("former-mentoring-check-in", "read"):      (Y, Y, Y, Y, Y, N, N, N, N, N, N, N),
    ("former-mentoring-check-in", "edit"):      (Y, N, N, N, Y, N, N, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(("row", "who", "expected"), matrix(CHECK_INS, WITH_AUTHOR))
def test_check_ins(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


# policy.may_read_private_notes(person, check-in)
# fmt: off
PRIVATE_NOTES = {
    #                                           au en mg me fm sk pe ou co st in an
    ("one-on-one", "read-private-notes"):       (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("mentoring-check-in", "read-private-notes"): (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("former-mentoring-check-in", "read-private-notes"): (Y, N, N, N, Y, N, N, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(("row", "who", "expected"), matrix(PRIVATE_NOTES, WITH_AUTHOR))
def test_private_notes_are_the_authors_alone(cast, world, row, who, expected):
    check_in = world[row[0]]
    user = person(cast, who, check_in)
    assert policy.may_read_private_notes(user, check_in) is expected


# --- the agenda of the next check-in -----------------------------------------------

# fmt: off
AGENDA = {
    #                                             au en mg me fm sk pe ou co st in an
    ("one-on-one-point-by-engineer", "read"):     (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("one-on-one-point-by-engineer", "remove"):   (Y, Y, N, N, N, N, N, N, N, N, N, N),
    ("one-on-one-point-by-manager", "read"):      (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("one-on-one-point-by-manager", "remove"):    (Y, N, Y, N, N, N, N, N, N, N, N, N),
    # Discussed in mia's 1:1: part of that check-in's record now, kept as it is.
    ("discussed-point", "read"):                  (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("discussed-point", "remove"):                (N, N, N, N, N, N, N, N, N, N, N, N),
    ("mentoring-point-by-mentee", "read"):        (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("mentoring-point-by-mentee", "remove"):      (Y, Y, N, N, N, N, N, N, N, N, N, N),
    ("mentoring-point-by-mentor", "read"):        (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("mentoring-point-by-mentor", "remove"):      (Y, N, N, Y, N, N, N, N, N, N, N, N),
    # Added by olivia while she mentored alice: read as her mentoring check-ins are.
    ("former-mentoring-point", "read"):           (Y, Y, Y, Y, Y, N, N, N, N, N, N, N),
    ("former-mentoring-point", "remove"):         (Y, N, N, N, Y, N, N, N, N, N, N, N),
}

# policy.may_add_agenda_item and policy.may_read_pair, for alice's pairs
PAIRS = {
    #                                        en mg me fm sk pe ou co st in an
    ("one-on-one", "add"):                   (Y, Y, N, N, N, N, N, N, N, N, N),
    ("one-on-one", "read"):                  (Y, Y, N, N, N, N, N, N, N, N, N),
    ("mentoring", "add"):                    (Y, N, Y, N, N, N, N, N, N, N, N),
    ("mentoring", "read"):                   (Y, Y, Y, N, N, N, N, N, N, N, N),
    # Olivia's: no next check-in to add to; read as its check-ins are.
    ("ended-mentoring", "add"):              (N, N, N, N, N, N, N, N, N, N, N),
    ("ended-mentoring", "read"):             (Y, Y, Y, N, N, N, N, N, N, N, N),
}

ACTION_ITEMS = {
    #                                        au en mg me fm sk pe ou co st in an
    ("item-for-engineer", "read"):           (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-engineer", "tick"):           (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-engineer", "own"):            (N, Y, N, N, N, N, N, N, N, N, N, N),
    ("item-for-engineer", "edit"):           (Y, N, Y, N, N, N, N, N, N, N, N, N),
    # The manager's own: the engineer reads it, and does not tick it off.
    ("item-for-manager", "read"):            (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-manager", "tick"):            (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-manager", "own"):             (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-manager", "edit"):            (Y, N, Y, N, N, N, N, N, N, N, N, N),
    ("item-for-mentor", "read"):             (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("item-for-mentor", "tick"):             (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("item-for-mentor", "own"):              (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("item-for-mentor", "edit"):             (Y, N, N, Y, N, N, N, N, N, N, N, N),
    ("item-without-owner", "read"):          (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("item-without-owner", "tick"):          (Y, Y, N, Y, N, N, N, N, N, N, N, N),
    ("item-without-owner", "own"):           (N, Y, N, N, N, N, N, N, N, N, N, N),
    ("item-without-owner", "edit"):          (Y, N, N, Y, N, N, N, N, N, N, N, N),
    # From olivia's ended mentorship: hers as the author still.
    ("former-mentoring-item", "read"):       (Y, Y, Y, Y, Y, N, N, N, N, N, N, N),
    ("former-mentoring-item", "tick"):       (Y, Y, N, N, Y, N, N, N, N, N, N, N),
    ("former-mentoring-item", "own"):        (N, Y, N, N, N, N, N, N, N, N, N, N),
    ("former-mentoring-item", "edit"):       (Y, N, N, N, Y, N, N, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(("row", "who", "expected"), matrix(AGENDA, WITH_AUTHOR))
def test_agenda_items(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


def pair_of(cast, name):
    mentorship = {
        "one-on-one": None,
        "mentoring": cast.max_mentors_alice,
        "ended-mentoring": cast.olivia_mentored_alice,
    }[name]
    kind = CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE
    return {"engineer": cast.alice, "kind": kind, "mentorship": mentorship}


@pytest.mark.parametrize(("row", "who", "expected"), matrix(PAIRS, EVERYONE))
def test_pairs(cast, row, who, expected):
    name, action = row
    pair = pair_of(cast, name)
    user = person(cast, who)
    if action == "add":
        may = policy.may_add_agenda_item(user, **pair)
    else:
        may = policy.may_read_pair(
            user, engineer_id=pair["engineer"].pk, kind=pair["kind"]
        )
    assert may is expected


@pytest.mark.parametrize(("row", "who", "expected"), matrix(ACTION_ITEMS, WITH_AUTHOR))
def test_action_items(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


@pytest.mark.parametrize(
    ("row", "who", "expected"),
    [case for case in matrix(ACTION_ITEMS, WITH_AUTHOR) if case.values[0][1] == "tick"],
)
def test_one_items_tick_rule_is_the_querysets(cast, world, row, who, expected):
    """What the pages ask of an item they have read says what the view allows."""
    name, _ = row
    obj = ActionItem.objects.select_related("check_in").get(pk=world[name].pk)
    user = person(cast, who, obj)
    may = policy.may_toggle_action_item(user, obj, obj.check_in)
    assert may is expected


def test_an_engineer_with_no_manager_has_no_one_on_one_agenda_to_add_to(cast):
    alone = cast.carol
    assert not policy.may_add_agenda_item(
        alone.user, engineer=alone, kind=CheckInKind.ONE_ON_ONE, mentorship=None
    )


def test_only_the_mentee_of_the_mentorship_is_its_engineer(cast):
    assert not policy.may_add_agenda_item(
        cast.max.user,
        engineer=cast.bob,
        kind=CheckInKind.MENTORING,
        mentorship=cast.max_mentors_alice,
    )


@pytest.mark.parametrize("who", WITH_AUTHOR[1:])
def test_discussed_points_and_items_are_read_with_their_check_in(cast, world, who):
    """A check-in's talking points and action items have the check-in's
    readers: the rules on the items say the same as the rule on the check-in."""
    user = person(cast, who)
    readable = set(CheckIn.objects.visible_to(user))
    for point in AgendaItem.objects.filter(discussed_in__isnull=False):
        visible = AgendaItem.objects.visible_to(user).filter(pk=point.pk).exists()
        assert visible is (point.discussed_in in readable), point
    for action in ActionItem.objects.all():
        visible = ActionItem.objects.visible_to(user).filter(pk=action.pk).exists()
        assert visible is (action.check_in in readable), action


# --- learning ------------------------------------------------------------------

# fmt: off
LEARNING = {
    # A course alice logged for herself.
    #                                           au en mg me fm sk pe ou co st in an
    ("course", "read"):                         (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("course", "edit"):                         (Y, Y, N, N, N, N, N, N, N, N, N, N),
    # A course mia logged for alice is still alice's record to keep (DESIGN.md).
    ("course-logged-by-manager", "read"):       (Y, Y, Y, Y, N, N, N, N, N, N, N, N),
    ("course-logged-by-manager", "edit"):       (Y, Y, Y, N, N, N, N, N, N, N, N, N),
    # Led by bob, attended and logged by carol: every member sees it.
    ("learning-session", "read"):               (Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N),
    ("learning-session", "edit"):               (Y, N, N, N, N, N, Y, Y, N, N, N, N),
    # Logged and attended by bob.
    ("hackathon", "read"):                      (Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N),
    ("hackathon", "edit"):                      (Y, N, N, N, N, N, Y, N, N, N, N, N),
}
# fmt: on


@pytest.mark.parametrize(("row", "who", "expected"), matrix(LEARNING, WITH_AUTHOR))
def test_learning(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


# --- people --------------------------------------------------------------------

# fmt: off
PEOPLE = {
    # max mentors alice; cora coaches max; olivia's mentorship of alice has ended.
    #                                        en mg me fm sk pe ou co st in an
    ("mentorship", "read"):                  (Y, Y, Y, N, N, N, N, Y, N, N, N),
    ("coaching", "read"):                    (N, N, Y, N, Y, N, N, Y, N, N, N),
    ("ended-mentorship", "read"):            (Y, Y, N, Y, N, N, N, N, N, N, N),
    # Whose growth dashboard one may open: alice's.
    ("engineer", "read"):                    (Y, Y, Y, N, N, N, N, N, N, N, N),
    # ...and mia's: her own and her manager's (skip), not her report's.
    ("managers-profile", "read"):            (N, Y, N, N, Y, N, N, N, N, N, N),
    # A notification to alice.
    ("notification", "read"):                (Y, N, N, N, N, N, N, N, N, N, N),
}

ROLES = {
    #                                        en mg me fm sk pe ou co st in an
    ("is-manager",):                         (N, Y, N, N, Y, N, N, N, N, N, N),
    ("is-mentor",):                          (N, N, Y, N, N, N, N, Y, N, N, N),
    ("is-coach",):                           (N, N, N, N, N, N, N, Y, N, N, N),
}
# fmt: on

ROLE_CHECKS = {
    "is-manager": policy.is_manager,
    "is-mentor": policy.is_mentor,
    "is-coach": policy.is_coach,
}


@pytest.mark.parametrize(("row", "who", "expected"), matrix(PEOPLE, EVERYONE))
def test_mentorships_engineers_and_notifications(cast, world, row, who, expected):
    may = allowed(cast, world, row, who)
    assert may is expected


@pytest.mark.parametrize(("row", "who", "expected"), matrix(ROLES, EVERYONE))
def test_roles(cast, row, who, expected):
    (role,) = row
    assert ROLE_CHECKS[role](person(cast, who)) is expected


# --- ended mentorships -----------------------------------------------------------


def end(mentorship):
    mentorship.ended_on = datetime.date(2026, 3, 1)
    mentorship.save(update_fields=["ended_on"])


def test_an_ended_mentorship_takes_the_mentee_out_of_the_mentors_view(cast, world):
    end(cast.max_mentors_alice)
    max_ = cast.max.user

    assert cast.alice not in Engineer.objects.visible_to(max_)
    assert world["goal"] not in Goal.objects.visible_to(max_)
    assert world["shared-note-by-peer"] not in FeedbackNote.objects.visible_to(max_)
    assert not policy.may_write_manager_note(max_, cast.alice)


def test_an_ended_mentorship_leaves_the_mentor_what_they_wrote(cast, world):
    end(cast.max_mentors_alice)
    max_ = cast.max.user

    assert world["mentoring-check-in"] in CheckIn.objects.editable_by(max_)
    assert world["manager-note-by-mentor"] in FeedbackNote.objects.editable_by(max_)
    # A goal check-in follows the goal, which he no longer sees.
    assert world["goal-check-in-by-mentor"] not in GoalCheckIn.objects.visible_to(max_)


def test_a_coach_stops_coaching_when_their_mentee_stops_mentoring(cast):
    end(cast.max_mentors_alice)

    assert not policy.is_mentor(cast.max.user)
    assert not policy.is_coach(cast.cora.user)
    assert cast.max_mentors_alice not in Mentorship.objects.visible_to(cast.cora.user)


# --- one row per object, in one query ------------------------------------------

VISIBLE_MODELS = [
    pytest.param(model, id=model.__name__)
    for model in (
        FeedbackNote,
        FeedbackRequest,
        Goal,
        GoalCheckIn,
        CheckIn,
        AgendaItem,
        ActionItem,
        LearningActivity,
        Mentorship,
        Engineer,
        Notification,
    )
]


@pytest.fixture
def many_hats(cast, world):
    """Mia as alice's manager *and* mentor, with more than one path to each row."""
    mia, alice, bob = cast.mia, cast.alice, cast.bob
    mentorship = factories.make_mentorship(mia, alice)
    check_in = factories.make_check_in(mia.user, alice, mentorship=mentorship)
    item(check_in, mia.user)
    point(mia.user, mentorship=mentorship, discussed_in=check_in)
    factories.make_goal_check_in(world["goal"], mia.user)
    factories.make_learning(
        mia.user,
        kind=LearningKind.LEARNING_DAY,
        led_by=mia,
        attendees=[alice, bob],
    )
    factories.make_request(alice, mia)
    Notification.objects.create(
        recipient=mia.user, kind=EventKind.FEEDBACK_REQUESTED, message="Alice asks"
    )
    return mia.user


@pytest.mark.parametrize("model", VISIBLE_MODELS)
def test_visible_to_lists_each_object_once_for_someone_with_several_roles(
    many_hats, model
):
    visible = model.objects.visible_to(many_hats)
    pks = list(visible.values_list("pk", flat=True))

    assert pks, "mia should see something here"
    assert visible.count() == len(set(pks)) == len(pks)


@pytest.mark.parametrize("model", VISIBLE_MODELS)
def test_visible_to_runs_one_query(many_hats, model, django_assert_num_queries):
    with django_assert_num_queries(1):
        access = policy.access_of(many_hats)
    with django_assert_num_queries(1):
        list(model.objects.visible_to(access))


GOAL_OWNERS = [
    ("alice", True), ("mia", True), ("max", False), ("skip", False),
    ("bob", False), ("olivia", False), ("cora", False),
]  # fmt: skip
TOGGLERS = [
    ("max", True), ("alice", True), ("mia", False), ("olivia", False), ("bob", False),
]  # fmt: skip
# The action item below has no owner: as before owners, its engineer ticks it.


@pytest.mark.parametrize(("person", "may_set"), GOAL_OWNERS)
def test_goal_owners_are_yourself_and_your_direct_reports(cast, person, may_set):
    user = getattr(cast, person).user
    owners = policy.goal_owners_for(user, Engineer.objects.all())
    assert owners.filter(pk=cast.alice.pk).exists() is may_set


@pytest.mark.parametrize(("person", "may_toggle"), TOGGLERS)
def test_action_items_are_ticked_by_their_author_and_engineer(cast, person, may_toggle):
    check_in = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    item = ActionItem.objects.create(check_in=check_in, description="Read the runbook")
    user = getattr(cast, person).user
    toggleable = policy.action_items_toggleable_by(user, ActionItem.objects.all())
    assert toggleable.filter(pk=item.pk).exists() is may_toggle


@pytest.mark.parametrize(
    ("person", "may_decline", "may_cancel"),
    [
        ("alice", False, True),  # she asked
        ("mia", True, False),  # she was asked
        ("bob", False, False),
        ("skip", False, False),  # mia's manager: the request is still not his
    ],
)
def test_the_person_asked_declines_and_the_one_who_asked_cancels(
    cast, person, may_decline, may_cancel
):
    asked = factories.make_request(cast.alice, cast.mia)
    user = getattr(cast, person).user
    declinable = policy.feedback_requests_declinable_by(user, FeedbackRequest.objects)
    cancellable = policy.feedback_requests_cancellable_by(user, FeedbackRequest.objects)
    assert declinable.filter(pk=asked.pk).exists() is may_decline
    assert cancellable.filter(pk=asked.pk).exists() is may_cancel


# --- the viewer's ids, once per request ------------------------------------------


def notify(user, *, read: bool = False):
    read_at = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC) if read else None
    return Notification.objects.create(
        recipient=user, kind=EventKind.FEEDBACK_RECEIVED, message="Hi", read_at=read_at
    )


def ids(*engineers) -> frozenset[int]:
    return frozenset(engineer.pk for engineer in engineers)


def test_access_holds_each_persons_relationships(cast):
    mia = policy.access_of(cast.mia.user)
    assert mia.engineer_id == cast.mia.pk
    assert mia.report_ids == ids(cast.alice, cast.bob)
    assert mia.indirect_report_ids == frozenset()
    assert (mia.manager, mia.mentor, mia.coach) == (True, False, False)

    skip = policy.access_of(cast.skip.user)
    assert skip.report_ids == ids(cast.mia, cast.max, cast.cora, cast.olivia)
    assert skip.indirect_report_ids == ids(cast.alice, cast.bob)

    max_ = policy.access_of(cast.max.user)
    assert max_.mentee_ids == ids(cast.alice)  # olivia's ended mentorship is not his
    assert (max_.manager, max_.mentor, max_.coach) == (False, True, False)

    cora = policy.access_of(cast.cora.user)
    assert cora.mentee_ids == ids(cast.max)
    assert cora.coached_mentor_ids == ids(cast.max)
    assert cora.coach

    olivia = policy.access_of(cast.olivia.user)
    assert (olivia.mentor, olivia.mentee_ids) == (False, frozenset())


def test_access_follows_the_people_whose_dashboard_one_may_open(cast):
    mia = policy.access_of(cast.mia.user)
    assert mia.followed_ids == ids(cast.mia, cast.alice, cast.bob)
    assert not mia.follows(cast.max.pk)
    # Indirect reports are counts on the team page, never a dashboard.
    assert not policy.access_of(cast.skip.user).follows(cast.alice.pk)


def test_indirect_reports_reach_three_levels_down(cast):
    below_alice = factories.make_engineer("Level Three", manager=cast.alice)
    fourth = factories.make_engineer("Level Four", manager=below_alice)
    skip = policy.access_of(cast.skip.user)
    assert below_alice.pk in skip.indirect_report_ids
    assert fourth.pk not in skip.indirect_report_ids | skip.report_ids


def test_a_loop_in_the_reporting_lines_ends(cast):
    # Skip reports to alice, who reports (through mia) to skip.
    Engineer.objects.filter(pk=cast.skip.pk).update(manager=cast.alice)
    skip = policy.access_of(cast.skip.user)
    assert cast.skip.pk not in skip.report_ids | skip.indirect_report_ids
    assert skip.indirect_report_ids == ids(cast.alice, cast.bob)


def test_the_roles_agree_with_the_single_role_checks(cast):
    for name in ("alice", "mia", "max", "cora", "olivia", "skip"):
        user = getattr(cast, name).user
        access = policy.access_of(user)
        assert (access.manager, access.mentor, access.coach) == (
            policy.is_manager(user),
            policy.is_mentor(user),
            policy.is_coach(user),
        ), name


def test_access_is_one_query_with_my_unread_notifications_only(
    cast, django_assert_num_queries
):
    mia = cast.mia.user
    notify(mia)
    notify(mia)
    notify(mia, read=True)
    notify(cast.alice.user)
    with django_assert_num_queries(1):
        access = policy.access_of(mia)
    assert access.unread_notifications == 2
    assert access.manager
    assert policy.access_of(cast.bob.user).unread_notifications == 0


def test_an_access_is_used_as_it_is(cast, django_assert_num_queries):
    access = policy.access_of(cast.mia.user)
    with django_assert_num_queries(0):
        assert policy.access_of(access) is access


def test_access_of_an_inactive_or_anonymous_person_is_nothing(cast):
    notify(cast.mia.user)
    cast.mia.user.is_active = False
    assert policy.access_of(cast.mia.user) == policy.NOBODY
    assert policy.access_of(AnonymousUser()) == policy.NOBODY
    assert not policy.NOBODY.member


def test_staff_without_a_profile_have_no_relationships(cast):
    notify(cast.staff)
    access = policy.access_of(cast.staff)
    assert access.member and access.engineer_id is None
    assert access.followed_ids == frozenset()
    assert access.unread_notifications == 1


# --- the narrowed rules: the same answers, asked about one engineer ------------


@pytest.mark.parametrize("who", EVERYONE)
def test_notes_about_one_engineer_are_the_visible_notes_about_them(cast, world, who):
    user = person(cast, who)
    for engineer in Engineer.objects.all():
        about = policy.notes_about(user, engineer.pk)
        narrowed = {
            note
            for note in FeedbackNote.objects.filter(engineer=engineer)
            if about.author_id is not None
            and (
                note.author_id == about.author_id
                or note.visibility in about.visibilities
            )
        }
        visible = FeedbackNote.objects.visible_to(user).filter(engineer=engineer)
        assert narrowed == set(visible), engineer


@pytest.mark.parametrize("who", EVERYONE)
def test_learning_one_engineer_attended_is_the_visible_learning_they_attended(
    cast, world, who
):
    user = person(cast, who)
    for engineer in Engineer.objects.all():
        narrowed = Attendance.objects.of_visible_to(user, engineer.pk)
        visible = LearningActivity.objects.visible_to(user).filter(attendees=engineer)
        assert {a.learningactivity_id for a in narrowed} == {a.pk for a in visible}


@pytest.mark.parametrize("who", EVERYONE)
def test_check_ins_of_goals_are_the_visible_check_ins_of_those_goals(cast, world, who):
    user = person(cast, who)
    goals = list(Goal.objects.all())
    narrowed = GoalCheckIn.objects.filter(
        goal_id__in=policy.goals_with_readable_check_ins(user, goals)
    )
    visible = GoalCheckIn.objects.visible_to(user).filter(goal__in=goals)
    assert set(narrowed) == set(visible)
    assert set(visible) or who not in ("engineer", "manager", "mentor")
