"""Every URL of the project, who may open it, and how to build its arguments.

``CASES`` is the table the authorization walk and the canary crawl share. Each
URL name has at least one case; a URL with objects of different privacy (a
shared note, a manager-only note, a note to self) has one case per kind. A URL
pattern without a case fails ``test_every_url_pattern_has_a_rule``, so a new
page cannot be forgotten.

Answers: ``OK`` (200), ``REDIRECT`` (a redirect that is not the sign-in page),
``NOT_FOUND``, ``LOGIN`` (a redirect to the sign-in page) and
``NOT_ALLOWED`` (405, for a GET to a POST-only endpoint).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.invitations import token_hash
from accounts.models import ApiToken, Invitation, User
from accounts.tokens import api_token_create
from growth.models import (
    ActionItem,
    AgendaItem,
    Assessment,
    AssessmentRating,
    AssessmentRole,
    CheckIn,
    CheckInKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    Hackathon,
    HackathonTeam,
    LearningActivity,
    LearningDayPlan,
    LearningKind,
    LearningSession,
    Notification,
    Readiness,
    Reminder,
    ReminderPreference,
    RequestStatus,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
    SprintCadence,
    Visibility,
)
from growth.reminders.optout import unsubscribe_token
from growth.rhythm import next_learning_day
from tests import factories
from tests.framework_support import make_framework

OK, REDIRECT, NOT_FOUND, LOGIN, NOT_ALLOWED = 200, "redirect", 404, "login", 405
# The API answers who is not signed in with a 401, never the sign-in page.
UNAUTHORIZED = 401

# The brief's roles, plus skip (mia's manager: content never travels up the
# chain) and carol (an outsider, who leads a public learning session).
ROLES = (
    "anonymous",
    "alice",
    "bob",
    "mia",
    "max",
    "cora",
    "staff",
    "olivia",
    "skip",
    "carol",
)
SIGNED_IN = ROLES[1:]


@dataclass
class World:
    """The cast, and one object of each kind about alice to point URLs at."""

    cast: object
    note_shared: FeedbackNote
    note_manager: FeedbackNote
    note_self: FeedbackNote
    note_manager_by_mentor: FeedbackNote
    note_deleted: FeedbackNote
    comment: FeedbackComment
    goal: Goal
    goal_check_in: GoalCheckIn
    one_on_one: CheckIn
    mentoring: CheckIn
    item_one_on_one: ActionItem
    item_mentoring: ActionItem
    agenda_point: AgendaItem
    learning_private: LearningActivity
    learning_public: LearningActivity
    request: FeedbackRequest
    notification: Notification
    # Carol leads sessions: one to come (alice signed up), one held (alice
    # came and gave feedback). Cora organises a hackathon; alice is in a team.
    session: LearningSession | None = None
    session_held: LearningSession | None = None
    hackathon: Hackathon | None = None
    hackathon_team: HackathonTeam | None = None
    # The framework: alice's draft self-assessment, mia's draft of hers, and
    # mia's readiness summary for alice, not shared.
    self_draft: Assessment | None = None
    manager_draft: Assessment | None = None
    readiness: Readiness | None = None

    def user(self, role: str) -> User | None:
        if role == "anonymous":
            return None
        if role == "staff":
            return self.cast.staff
        return getattr(self.cast, role).user


def build_world(cast) -> World:
    """Objects about alice: by mia (her manager) and max (her mentor)."""
    goal = factories.make_goal(cast.alice, title="Run an incident review")
    one_on_one = factories.make_check_in(cast.mia.user, cast.alice)
    mentoring = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    note_shared = factories.make_note(cast.mia.user, cast.alice)
    # The platform team (skip, mia, alice, bob) has learning days; data has none.
    SprintCadence.objects.create(
        team=cast.platform, first_sprint_start=datetime.date(2026, 1, 5)
    )
    world = World(
        cast=cast,
        note_shared=note_shared,
        note_manager=factories.make_note(
            cast.mia.user, cast.alice, visibility=Visibility.MANAGER
        ),
        note_self=factories.make_note(
            cast.mia.user, cast.alice, visibility=Visibility.SELF
        ),
        note_manager_by_mentor=factories.make_note(
            cast.max.user, cast.alice, visibility=Visibility.MANAGER
        ),
        note_deleted=factories.make_note(
            cast.mia.user, cast.alice, deleted_at=timezone.now()
        ),
        comment=FeedbackComment.objects.create(
            note=note_shared, author=cast.mia.user, body="Happy to talk it through"
        ),
        goal=goal,
        goal_check_in=factories.make_goal_check_in(goal, cast.alice.user),
        one_on_one=one_on_one,
        mentoring=mentoring,
        item_one_on_one=ActionItem.objects.create(
            check_in=one_on_one, description="Draft the proposal"
        ),
        item_mentoring=ActionItem.objects.create(
            check_in=mentoring, description="Read the SRE book"
        ),
        agenda_point=AgendaItem.objects.create(
            engineer=cast.alice,
            kind=CheckInKind.ONE_ON_ONE,
            added_by=cast.alice.user,
            text="Talk about the promotion case",
        ),
        learning_private=factories.make_learning(
            cast.alice.user, attendees=[cast.alice]
        ),
        learning_public=factories.make_learning(
            cast.carol.user,
            kind=LearningKind.LEARNING_SESSION,
            title="Intro to tracing",
            led_by=cast.carol,
            attendees=[cast.carol],
        ),
        request=factories.make_request(cast.alice, cast.max, message="How did I do?"),
        notification=Notification.objects.create(
            recipient=cast.alice.user,
            kind="feedback_received",
            message="Mia left you feedback",
            url=reverse("feedback-detail", args=[0]),
        ),
    )
    _build_events(world)
    _build_framework(world)
    return world


def _build_framework(world: World) -> None:
    cast = world.cast
    make_framework()
    level = cast.alice.level
    world.self_draft = Assessment.objects.create(
        engineer=cast.alice,
        role=AssessmentRole.SELF,
        author=cast.alice.user,
        level=level,
    )
    world.manager_draft = Assessment.objects.create(
        engineer=cast.alice,
        role=AssessmentRole.MANAGER,
        author=cast.mia.user,
        level=level,
    )
    world.readiness = Readiness.objects.create(
        engineer=cast.alice,
        level=level.next_level(),
        summary="Close: leads the design reviews",
        author=cast.mia.user,
    )


def _build_events(world: World) -> None:
    cast, now = world.cast, timezone.now()
    session = {
        "leader": cast.carol,
        "title": "Intro to profiling",
        "topic_kind": "technical",
        "duration_minutes": 60,
        "capacity": 5,
    }
    world.session = LearningSession.objects.create(
        starts_at=now + datetime.timedelta(days=7),
        status=SessionStatus.SCHEDULED,
        **session,
    )
    SessionSignup.objects.create(session=world.session, engineer=cast.alice)
    world.session_held = LearningSession.objects.create(
        starts_at=now - datetime.timedelta(days=2),
        status=SessionStatus.HELD,
        activity=world.learning_public,
        **session,
    )
    SessionSignup.objects.create(
        session=world.session_held, engineer=cast.alice, attended=True
    )
    SessionFeedback.objects.create(
        session=world.session_held, engineer=cast.alice, useful=True, line="Clear"
    )
    world.hackathon = Hackathon.objects.create(
        organiser=cast.cora,
        title="Winter hack",
        starts_on=now.date() - datetime.timedelta(days=1),
        ends_on=now.date(),
    )
    world.hackathon_team = HackathonTeam.objects.create(
        hackathon=world.hackathon, name="Red"
    )
    world.hackathon_team.members.add(cast.alice)


# --- what the database holds, to prove a refused request changed nothing ------

WATCHED = (
    FeedbackNote,
    FeedbackComment,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    CheckIn,
    ActionItem,
    AgendaItem,
    LearningActivity,
    LearningSession,
    SessionSignup,
    SessionFeedback,
    Hackathon,
    HackathonTeam,
    Notification,
    Reminder,
    ReminderPreference,
    SprintCadence,
    LearningDayPlan,
    Assessment,
    AssessmentRating,
    Readiness,
    Engineer,
)


def fingerprint() -> dict:
    """Every watched row's values, and each user's name, zone and password."""
    rows = {
        model.__name__: list(model._base_manager.order_by("pk").values())
        for model in WATCHED
    }
    rows["User"] = list(
        User.objects.order_by("pk").values(
            "pk", "display_name", "time_zone", "password"
        )
    )
    return rows


# --- the table -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One URL with its arguments, and the answer each role gets."""

    name: str
    label: str
    answers: dict
    args: Callable[[World], list] = lambda w: []
    query: Callable[[World], str] = lambda w: ""
    post_only: bool = False
    # A valid POST body: what an allowed person would send; a refused one sends
    # it too and must change nothing.
    payload: Callable[[World], dict] = lambda w: {}
    # For a POST-only case: did the allowed person's POST do its work?
    done: Callable[[World, str], bool] | None = None
    crawl: bool = True
    tags: frozenset = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name

    def url(self, world: World) -> str:
        path = reverse(self.name, args=self.args(world))
        query = self.query(world)
        return f"{path}?{query}" if query else path


def only(*allowed: str, ok=OK, public=False, others=NOT_FOUND) -> dict:
    """``allowed`` get ``ok``, other signed-in people ``others``; anonymous
    people sign in first unless the page is public."""
    answers = {role: ok if role in allowed else others for role in SIGNED_IN}
    answers["anonymous"] = ok if public else LOGIN
    return answers


def everyone(ok=OK, **overrides) -> dict:
    answers = only(*SIGNED_IN, ok=ok)
    answers.update(overrides)
    return answers


def public(ok=OK, **overrides) -> dict:
    answers = only(*SIGNED_IN, ok=ok, public=True)
    answers.update(overrides)
    return answers


ENGINEERS = ("alice", "bob", "mia", "max", "cora", "olivia", "skip", "carol")


def _pk(attr):
    return lambda w: [getattr(w, attr).pk]


def _pk_of(role):
    return lambda w: [getattr(w.cast, role).pk]


def _note_payload(w):
    return {
        "kind": "technical",
        "competency": w.note_shared.competency_id or "",
        "sentiment": "praise",
        "situation": "changed situation",
        "behaviour": "changed behaviour",
        "impact": "changed impact",
        "suggestion": "changed suggestion",
        "visibility": Visibility.SHARED,
    }


def _goal_payload(w):
    return {"title": "Changed title", "kind": "career", "status": "active"}


def _check_in_payload(w):
    return {"held_on": "2026-01-05", "notes": "Changed notes", "action_items": "New"}


def _agenda_payload(w):
    return {"text": "Talk about the offsite"}


def _action_item_payload(w):
    return {"description": "Changed", "owner": w.cast.alice.user.pk}


def _learning_payload(w):
    return {
        "kind": LearningKind.COURSE,
        "title": "Changed",
        "date": "2026-03-01",
        "hours": "2",
        "attendees": [w.cast.alice.pk],
    }


def _next_learning_day(w):
    cadence = SprintCadence.objects.get(team=w.cast.platform)
    return [next_learning_day(cadence, timezone.localdate()).isoformat()]


def _session_payload(w):
    return {
        "title": "Changed",
        "topic_kind": "career",
        "starts_at": "2030-01-07T12:00",
        "duration_minutes": "60",
        "capacity": "5",
    }


def _signed_up(w, role) -> bool:
    return SessionSignup.objects.filter(
        session=w.session, engineer__user=w.user(role)
    ).exists()


def _alices_feedback(w):
    return SessionFeedback.objects.get(session=w.session_held, engineer=w.cast.alice)


def _reset_args(w):
    user = User.objects.get(pk=w.cast.alice.user.pk)  # its last_login, as saved
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return [uid, default_token_generator.make_token(user)]


def _invitation(*, days_old: int) -> Callable[[World], list]:
    """The token of a new person's invitation made ``days_old`` days ago (a
    week's link: expired after 7)."""

    def args(w):
        token = secrets.token_urlsafe(32)
        made = timezone.now() - datetime.timedelta(days=days_old)
        Invitation.objects.create(
            user=factories.make_user("Ivy Invited"),
            invited_by=w.cast.staff,
            token_hash=token_hash(token),
            created_at=made,
            expires_at=made + datetime.timedelta(days=7),
        )
        return [token]

    return args


def _refreshed(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- the API ---------------------------------------------------------------------
# Signed in, the walk reaches it through the session (as its documentation
# page does); a token gets the same answers (tests/api/test_api_walker.py).


def _alices_token(w) -> ApiToken:
    token, _secret = api_token_create(
        user=w.cast.alice.user, name="walker", now=timezone.now()
    )
    return token


def api(*allowed: str) -> dict:
    """``allowed`` read it, other signed-in people get a 404, nobody else a 401."""
    return only(*allowed) | {"anonymous": UNAUTHORIZED}


def api_everyone() -> dict:
    return api(*SIGNED_IN)


def _api_case(name: str, label: str, answers: dict, **kwargs) -> Case:
    return Case(f"api:{name}", label, answers, tags=frozenset({"api"}), **kwargs)


def _api_payloads(w) -> dict:
    """What an allowed person would POST to each list that creates."""
    return {
        "note": _note_payload(w)
        | {
            "engineer": w.cast.alice.pk,
            "competency": w.note_shared.competency_id,
            "links": ["https://github.com/acme/app/pull/4"],
        },
        "request": {"recipients": [w.cast.bob.pk]},
        "goal": {"title": "Refused", "kind": "technical"},
        "learning": {"kind": "course", "title": "Refused", "hours": "1"},
        "praise": {"engineer": w.cast.alice.pk, "message": "Hi", "kind": "technical"},
    }


def _api_payload(name: str) -> Callable[[World], dict]:
    return lambda w: _api_payloads(w).get(name, {})


def _request_status(status: str) -> Callable[[World, str], bool]:
    return lambda w, role: _refreshed(w.request).status == status


API_CASES = [
    *(
        _api_case(f"{name}-list", "", api_everyone(), payload=_api_payload(name))
        for name in ("person", "note", "request", "goal", "learning", "praise")
    ),
    _api_case("note-list", "received", api_everyone(), query=lambda w: "tab=received"),
    _api_case(
        "person-detail", "alice", api("alice", "mia", "max"), args=_pk_of("alice")
    ),
    _api_case("person-detail", "mia", api("mia", "skip"), args=_pk_of("mia")),
    _api_case(
        "note-detail", "shared", api("alice", "mia", "max"), args=_pk("note_shared")
    ),
    _api_case("note-detail", "manager-only", api("mia"), args=_pk("note_manager")),
    _api_case("note-detail", "to self", api("mia"), args=_pk("note_self")),
    _api_case(
        "note-detail",
        "manager-only by mentor",
        api("mia", "max"),
        args=_pk("note_manager_by_mentor"),
    ),
    _api_case("note-detail", "deleted", api(), args=_pk("note_deleted")),
    _api_case(
        "note-comments",
        "shared",
        api("alice", "mia", "max"),
        args=_pk("note_shared"),
        payload=lambda w: {"body": "Refused"},
    ),
    _api_case(
        "note-comments",
        "manager-only",
        api("mia"),
        args=_pk("note_manager"),
        payload=lambda w: {"body": "Refused"},
    ),
    _api_case("note-comments", "deleted", api(), args=_pk("note_deleted")),
    _api_case("request-detail", "", api("alice", "max"), args=_pk("request")),
    _api_case(
        "request-decline",
        "",
        api("max"),
        args=_pk("request"),
        post_only=True,
        done=_request_status(RequestStatus.DECLINED),
    ),
    _api_case(
        "request-cancel",
        "",
        api("alice"),
        args=_pk("request"),
        post_only=True,
        done=_request_status(RequestStatus.CANCELLED),
    ),
    _api_case("goal-detail", "", api("alice", "mia", "max"), args=_pk("goal")),
    _api_case(
        "goal-check-ins",
        "",
        api("alice", "mia", "max"),
        args=_pk("goal"),
        payload=lambda w: {"progress": 50, "links": ["https://github.com/a/b/pull/1"]},
    ),
    _api_case(
        "learning-detail",
        "personal",
        api("alice", "mia", "max"),
        args=_pk("learning_private"),
    ),
    _api_case(
        "learning-detail", "session", api_everyone(), args=_pk("learning_public")
    ),
    _api_case("schema", "", api_everyone()),
    # Any other path under /api/v1/: a JSON 404 to everyone, signed in or not.
    _api_case(
        "not-found",
        "",
        public(NOT_FOUND),
        args=lambda w: ["no-such-thing/"],
        crawl=False,
    ),
    Case("api:docs", "", everyone()),
]


CASES: list[Case] = [
    Case("home", "", everyone(REDIRECT)),
    Case("my-growth", "", everyone()),
    Case(
        "engineer-dashboard",
        "alice",
        only("alice", "mia", "max"),
        args=lambda w: [w.cast.alice.pk],
    ),
    Case(
        "engineer-dashboard",
        "carol",
        only("carol"),
        args=lambda w: [w.cast.carol.pk],
    ),
    Case("my-export", "json", only(*ENGINEERS), args=lambda w: ["json"]),
    Case("my-export", "csv", only(*ENGINEERS), args=lambda w: ["csv"]),
    Case("my-export", "xml", only(), args=lambda w: ["xml"]),
    # Goals.
    Case("goal-list", "", everyone()),
    Case("goal-create", "", only(*ENGINEERS)),
    Case(
        "goal-create",
        "for alice",
        only("alice", "mia"),
        query=lambda w: f"engineer={w.cast.alice.pk}",
    ),
    Case("goal-detail", "", only("alice", "mia", "max"), args=_pk("goal")),
    Case(
        "goal-edit", "", only("alice", "mia"), args=_pk("goal"), payload=_goal_payload
    ),
    Case(
        "goal-check-in",
        "",
        only("alice", "mia", "max"),
        args=_pk("goal"),
        payload=lambda w: {"progress": 60, "note": "Moved on"},
    ),
    Case(
        "goal-from-note",
        "shared",
        only("alice"),
        args=_pk("note_shared"),
        payload=lambda w: {"title": "From a note", "kind": "technical"},
    ),
    Case("goal-from-note", "manager-only", only(), args=_pk("note_manager")),
    # Feedback.
    Case("feedback-list", "", everyone()),
    Case(
        "feedback-list",
        "people",
        only("mia", "max", "cora", "skip"),
        query=lambda w: "tab=people",
    ),
    Case("feedback-create", "", everyone()),
    Case(
        "feedback-create",
        "for alice",
        everyone(),
        query=lambda w: f"engineer={w.cast.alice.pk}",
    ),
    Case(
        "feedback-create",
        "answering a request",
        only("max"),
        query=lambda w: f"request={w.request.pk}",
    ),
    Case("feedback-competency-options", "", everyone()),
    Case(
        "feedback-competency-options",
        "interpersonal",
        everyone(),
        query=lambda w: "kind=interpersonal",
    ),
    Case(
        "feedback-detail",
        "shared",
        only("alice", "mia", "max"),
        args=_pk("note_shared"),
    ),
    Case("feedback-detail", "manager-only", only("mia"), args=_pk("note_manager")),
    Case(
        "feedback-detail",
        "manager-only by a mentor",
        only("mia", "max"),
        args=_pk("note_manager_by_mentor"),
    ),
    Case("feedback-detail", "note to self", only("mia"), args=_pk("note_self")),
    Case("feedback-detail", "deleted", only(), args=_pk("note_deleted")),
    Case("feedback-delete", "shared", only("mia"), args=_pk("note_shared")),
    Case(
        "feedback-delete",
        "manager-only by a mentor",
        only("max"),
        args=_pk("note_manager_by_mentor"),
    ),
    Case("feedback-delete", "note to self", only("mia"), args=_pk("note_self")),
    Case("feedback-delete", "deleted", only(), args=_pk("note_deleted")),
    Case("feedback-deleted", "", everyone()),
    Case(
        "feedback-restore",
        "deleted",
        only("mia", ok=REDIRECT),
        args=_pk("note_deleted"),
        post_only=True,
        done=lambda w, role: (
            FeedbackNote.all_objects.get(pk=w.note_deleted.pk).deleted_at is None
        ),
    ),
    Case(
        "feedback-restore",
        "not deleted",
        only(),
        args=_pk("note_shared"),
        post_only=True,
    ),
    Case(
        "feedback-edit",
        "shared",
        only("mia"),
        args=_pk("note_shared"),
        payload=_note_payload,
    ),
    Case(
        "feedback-edit",
        "manager-only by a mentor",
        only("max"),
        args=_pk("note_manager_by_mentor"),
        payload=_note_payload,
    ),
    Case(
        "feedback-edit",
        "note to self",
        only("mia"),
        args=_pk("note_self"),
        payload=_note_payload,
    ),
    Case(
        "feedback-acknowledge",
        "shared",
        only("alice", ok=REDIRECT),
        args=_pk("note_shared"),
        post_only=True,
        done=lambda w, role: _refreshed(w.note_shared).acknowledged_at is not None,
    ),
    Case(
        "feedback-acknowledge",
        "manager-only",
        only(ok=REDIRECT),
        args=_pk("note_manager"),
        post_only=True,
    ),
    Case(
        "feedback-reply",
        "shared",
        only("alice", ok=REDIRECT),
        args=_pk("note_shared"),
        post_only=True,
        payload=lambda w: {"reply": "Thanks, will do"},
        done=lambda w, role: w.note_shared.comments.filter(
            body="Thanks, will do"
        ).exists(),
    ),
    Case(
        "feedback-reply",
        "note to self",
        only(ok=REDIRECT),
        args=_pk("note_self"),
        post_only=True,
        payload=lambda w: {"reply": "Thanks, will do"},
    ),
    # A note's conversation: its readers, as the note's visibility allows.
    Case(
        "feedback-comment",
        "shared",
        only("alice", "mia", "max", ok=REDIRECT),
        args=_pk("note_shared"),
        post_only=True,
        payload=lambda w: {"body": "Seen, thanks"},
        done=lambda w, role: w.note_shared.comments.filter(
            author=w.user(role), body="Seen, thanks"
        ).exists(),
    ),
    Case(
        "feedback-comment",
        "manager-only",
        only("mia", ok=REDIRECT),
        args=_pk("note_manager"),
        post_only=True,
        payload=lambda w: {"body": "Seen, thanks"},
        done=lambda w, role: w.note_manager.comments.exists(),
    ),
    Case(
        "feedback-comment",
        "manager-only by a mentor",
        only("mia", "max", ok=REDIRECT),
        args=_pk("note_manager_by_mentor"),
        post_only=True,
        payload=lambda w: {"body": "Seen, thanks"},
        done=lambda w, role: w.note_manager_by_mentor.comments.exists(),
    ),
    Case(
        "feedback-comment",
        "note to self",
        only("mia", ok=REDIRECT),
        args=_pk("note_self"),
        post_only=True,
        payload=lambda w: {"body": "Seen, thanks"},
        done=lambda w, role: w.note_self.comments.exists(),
    ),
    Case(
        "feedback-comment",
        "deleted",
        only(ok=REDIRECT),
        args=_pk("note_deleted"),
        post_only=True,
        payload=lambda w: {"body": "Seen, thanks"},
    ),
    Case(
        "feedback-comment-edit",
        "",
        only("mia"),
        args=_pk("comment"),
        payload=lambda w: {"body": "Reworded"},
    ),
    # Praise: the wall and the form are everyone's.
    Case("praise-wall", "", everyone()),
    # The career framework.
    Case("framework", "", everyone()),
    Case("framework-track", "", everyone(), args=lambda w: ["engineering"]),
    Case("framework-track", "unknown", everyone(NOT_FOUND), args=lambda w: ["nope"]),
    Case("my-framework", "", everyone()),
    Case(
        "framework-sharing",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        post_only=True,
        payload=lambda w: {"shares": "on"},
        done=lambda w, role: Engineer.objects.filter(
            user=w.user(role), shares_assessments_with_mentors=True
        ).exists(),
    ),
    Case(
        "engineer-framework",
        "alice",
        only("alice", "mia"),
        args=lambda w: [w.cast.alice.pk],
    ),
    Case(
        "assessment-start",
        "alice",
        only("alice", "mia", ok=REDIRECT),
        args=lambda w: [w.cast.alice.pk],
        post_only=True,
        done=lambda w, role: Assessment.objects.filter(
            author=w.user(role), shared_at__isnull=True
        ).exists(),
    ),
    Case(
        "assessment-edit",
        "self draft",
        only("alice"),
        args=_pk("self_draft"),
        payload=lambda w: {"then": "save"},
    ),
    Case("assessment-edit", "manager draft", only("mia"), args=_pk("manager_draft")),
    Case("assessment-share", "self draft", only("alice"), args=_pk("self_draft")),
    Case("assessment-share", "manager draft", only("mia"), args=_pk("manager_draft")),
    Case(
        "readiness-edit",
        "alice",
        only("mia"),
        args=lambda w: [w.cast.alice.pk],
        payload=lambda w: {"status": "ready", "summary": "Ready now"},
    ),
    Case("readiness-share", "alice", only("mia"), args=lambda w: [w.cast.alice.pk]),
    Case("praise-create", "", everyone()),
    Case(
        "praise-create",
        "for alice",
        everyone(),
        query=lambda w: f"engineer={w.cast.alice.pk}",
    ),
    Case(
        "feedback-rate",
        "shared",
        only("alice", ok=REDIRECT),
        args=_pk("note_shared"),
        post_only=True,
        payload=lambda w: {"actionable": "yes"},
        done=lambda w, role: _refreshed(w.note_shared).actionable is True,
    ),
    # Requests: alice asked max.
    Case("request-list", "", everyone()),
    Case("request-create", "", only(*ENGINEERS)),
    Case("request-detail", "", only("alice", "max"), args=_pk("request")),
    Case(
        "request-decline",
        "",
        only("max", ok=REDIRECT),
        args=_pk("request"),
        post_only=True,
        done=lambda w, role: _refreshed(w.request).status == "declined",
    ),
    Case(
        "request-cancel",
        "",
        only("alice", ok=REDIRECT),
        args=_pk("request"),
        post_only=True,
        done=lambda w, role: _refreshed(w.request).status == "cancelled",
    ),
    # Managers, mentors and coaches.
    Case("team-dashboard", "", only("mia", "skip")),
    Case("team-export", "", only("mia", "skip")),
    Case(
        "team-dashboard",
        "indirect",
        only("mia", "skip"),
        query=lambda w: "indirect=on",
    ),
    Case("mentoring", "", only("mia", "max", "cora", "skip")),
    Case(
        "check-in-create",
        "1:1 with alice",
        only("mia"),
        query=lambda w: f"engineer={w.cast.alice.pk}&kind={CheckInKind.ONE_ON_ONE}",
        payload=_check_in_payload,
    ),
    Case(
        "check-in-create",
        "mentoring alice",
        only("max"),
        query=lambda w: f"engineer={w.cast.alice.pk}&kind={CheckInKind.MENTORING}",
        payload=_check_in_payload,
    ),
    Case("check-in-detail", "1:1", only("alice", "mia"), args=_pk("one_on_one")),
    Case(
        "check-in-detail",
        "mentoring",
        only("alice", "mia", "max"),
        args=_pk("mentoring"),
    ),
    Case(
        "check-in-edit",
        "1:1",
        only("mia"),
        args=_pk("one_on_one"),
        payload=_check_in_payload,
    ),
    Case(
        "check-in-edit",
        "mentoring",
        only("max"),
        args=_pk("mentoring"),
        payload=_check_in_payload,
    ),
    Case(
        "action-item-toggle",
        "1:1",
        only("alice", "mia", ok=REDIRECT),
        args=_pk("item_one_on_one"),
        post_only=True,
        payload=lambda w: {"done": "1"},
        done=lambda w, role: _refreshed(w.item_one_on_one).done_at is not None,
    ),
    Case(
        "action-item-toggle",
        "mentoring",
        only("alice", "max", ok=REDIRECT),
        args=_pk("item_mentoring"),
        post_only=True,
        payload=lambda w: {"done": "1"},
        done=lambda w, role: _refreshed(w.item_mentoring).done_at is not None,
    ),
    Case(
        "action-item-edit",
        "1:1",
        only("mia"),
        args=_pk("item_one_on_one"),
        payload=_action_item_payload,
    ),
    Case(
        "action-item-edit",
        "mentoring",
        only("max"),
        args=_pk("item_mentoring"),
        payload=_action_item_payload,
    ),
    # 1:1s belong to both people: the engineer's page, and each pair's.
    Case("one-on-ones", "", everyone()),
    Case(
        "one-on-one-pair",
        "alice",
        only("alice", "mia"),
        args=lambda w: [w.cast.alice.pk],
        payload=_agenda_payload,
    ),
    Case(
        "mentoring-pair",
        "max and alice",
        # Her manager reads the mentoring agenda; only the two add to it.
        only("alice", "max", "mia"),
        args=lambda w: [w.cast.max_mentors_alice.pk],
        payload=_agenda_payload,
    ),
    Case(
        "agenda-item-remove",
        "",
        only("alice", ok=REDIRECT),
        args=_pk("agenda_point"),
        post_only=True,
        done=lambda w, role: (
            not AgendaItem.objects.filter(pk=w.agenda_point.pk).exists()
        ),
    ),
    Case("coaching", "", only("cora")),
    # The career framework's manager view (fw-team): direct reports only.
    Case("team-framework", "", only("mia", "skip")),
    # Organisation insight: skip manages mia, who has reports; staff is a
    # superuser, so holds the permission.
    Case("org-insight", "", only("skip", "staff")),
    Case("org-insight-export", "", only("skip", "staff")),
    # Learning.
    Case("learning-list", "", everyone()),
    Case("learning-list", "mine", everyone(), query=lambda w: "tab=mine"),
    Case("learning-create", "", everyone()),
    Case(
        "learning-detail",
        "a course",
        only("alice", "mia", "max"),
        args=_pk("learning_private"),
    ),
    Case("learning-detail", "a session", everyone(), args=_pk("learning_public")),
    Case(
        "learning-edit",
        "a course",
        only("alice"),
        args=_pk("learning_private"),
        payload=_learning_payload,
    ),
    Case(
        "learning-edit",
        "a session",
        only("carol"),
        args=_pk("learning_public"),
        payload=_learning_payload,
    ),
    # Learning days: each engineer plans their own; a team's managers set its rhythm.
    Case("learning-days", "", everyone()),
    Case(
        "learning-day-edit",
        "next",
        only("alice", "bob", "mia", "skip"),
        args=_next_learning_day,
        payload=lambda w: {"plan": "Read the tracing docs"},
    ),
    Case(
        "engineer-learning-days",
        "alice",
        {**only("mia", "max"), "alice": REDIRECT},
        args=lambda w: [w.cast.alice.pk],
    ),
    Case("team-rhythm", "", only("mia", "skip")),
    Case(
        "team-cadence-edit",
        "platform",
        only("mia", "skip"),
        args=lambda w: [w.cast.platform.pk],
        payload=lambda w: {
            "sprint_weeks": "3",
            "first_sprint_start": "2026-01-05",
            "learning_weekday": "4",
        },
    ),
    Case(
        "team-cadence-edit",
        "data",
        only("skip"),
        args=lambda w: [w.cast.data.pk],
        payload=lambda w: {
            "sprint_weeks": "1",
            "first_sprint_start": "2026-01-05",
            "learning_weekday": "0",
        },
    ),
    # Learning sessions and hackathons: everyone's to read; the leader or
    # organiser runs them; feedback lines are the leader's and the author's.
    Case("session-list", "", everyone()),
    Case("session-create", "", only(*ENGINEERS), payload=_session_payload),
    Case("session-detail", "to come", everyone(), args=_pk("session")),
    Case("session-detail", "held", everyone(), args=_pk("session_held")),
    Case(
        "session-edit",
        "",
        only("carol"),
        args=_pk("session"),
        payload=_session_payload,
    ),
    Case(
        "session-schedule",
        "",
        only("carol", ok=REDIRECT),
        args=_pk("session"),
        post_only=True,
    ),
    Case(
        "session-cancel",
        "",
        only("carol", ok=REDIRECT),
        args=_pk("session"),
        post_only=True,
        done=lambda w, role: _refreshed(w.session).status == SessionStatus.CANCELLED,
    ),
    Case(
        "session-sign-up",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        args=_pk("session"),
        post_only=True,
        done=lambda w, role: role == "carol" or _signed_up(w, role),
    ),
    Case(
        "session-withdraw",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        args=_pk("session"),
        post_only=True,
        done=lambda w, role: not _signed_up(w, role),
    ),
    Case(
        "session-attendance",
        "",
        only("carol"),
        args=_pk("session_held"),
        payload=lambda w: {"attended": [w.cast.alice.pk]},
    ),
    Case(
        "session-feedback",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        args=_pk("session_held"),
        post_only=True,
        payload=lambda w: {"useful": "no", "line": "Changed"},
        done=lambda w, role: role != "alice" or not _alices_feedback(w).useful,
    ),
    Case("hackathon-list", "", everyone()),
    Case(
        "hackathon-create",
        "",
        only(*ENGINEERS),
        payload=lambda w: {
            "title": "Spring hack",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-02",
        },
    ),
    Case("hackathon-detail", "", everyone(), args=_pk("hackathon")),
    Case(
        "hackathon-team-create",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        args=_pk("hackathon"),
        post_only=True,
        payload=lambda w: {"name": "Blue"},
        done=lambda w, role: HackathonTeam.objects.filter(name="Blue").exists(),
    ),
    Case(
        "hackathon-team-join",
        "",
        only(*ENGINEERS, ok=REDIRECT),
        args=_pk("hackathon_team"),
        post_only=True,
        done=lambda w, role: w.hackathon_team.members.filter(
            user=w.user(role)
        ).exists(),
    ),
    Case(
        "hackathon-team-demo",
        "",
        only("alice"),
        args=_pk("hackathon_team"),
        payload=lambda w: {"demo_title": "Changed", "demo_link": ""},
    ),
    Case(
        "hackathon-held",
        "",
        only("cora", ok=REDIRECT),
        args=_pk("hackathon"),
        post_only=True,
        done=lambda w, role: _refreshed(w.hackathon).held,
    ),
    # Notifications and the profile.
    Case("notification-list", "", everyone()),
    Case(
        "notification-open",
        "",
        only("alice", ok=REDIRECT),
        args=_pk("notification"),
    ),
    Case(
        "notification-read-all",
        "",
        everyone(REDIRECT),
        post_only=True,
        done=lambda w, role: (
            role != "alice" or _refreshed(w.notification).read_at is not None
        ),
    ),
    Case("profile", "", everyone()),
    # A GET of the address a new token was shown at leads back to the tokens;
    # making one is tests/api/test_tokens.py's.
    Case("api-token-create", "", everyone(REDIRECT), crawl=False),
    Case(
        "api-token-revoke",
        "",
        only("alice"),
        args=lambda w: [_alices_token(w).pk],
    ),
    *API_CASES,
    Case(
        "reminder-unsubscribe",
        "",
        public(),
        args=lambda w: [
            unsubscribe_token(user_id=w.cast.alice.user.pk, kind="feedback_due")
        ],
    ),
    Case(
        "reminder-unsubscribe",
        "forged",
        public(NOT_FOUND),
        args=lambda w: ["forged-token"],
    ),
    # For a load balancer: 503 when the database or the broker is down.
    Case("healthz", "", public((OK, 503)), crawl=False),
    # Signing in and out: Django's views.
    Case("login", "", public(REDIRECT, anonymous=OK)),
    Case(
        "logout",
        "",
        everyone(REDIRECT),
        post_only=True,
        crawl=False,
    ),
    Case("password_change", "", everyone()),
    Case("password_change_done", "", everyone()),
    Case("password_reset", "", public()),
    Case("password_reset_done", "", public()),
    Case("password_reset_confirm", "", public(REDIRECT), args=_reset_args),
    Case("password_reset_complete", "", public()),
    # Single sign-on: not set up here, so there is nothing to start or return to
    # (tests/accounts/test_oidc.py walks it against a real provider).
    Case("oidc-start", "", public(NOT_FOUND), crawl=False),
    Case("oidc-callback", "", public(NOT_FOUND), crawl=False),
    # An invitation's link: the token is the key, so anyone holding it.
    Case("invitation-accept", "", public(), args=_invitation(days_old=0)),
    Case("invitation-accept", "expired", public(), args=_invitation(days_old=30)),
    Case("invitation-accept", "unknown", public(NOT_FOUND), args=lambda w: ["nope"]),
    Case(
        "invitation-ask",
        "",
        public(REDIRECT),
        args=_invitation(days_old=30),
        post_only=True,
        done=lambda w, role: Invitation.objects.filter(
            renewal_requested_at__isnull=False
        ).exists(),
    ),
]


# --- the URL conf ----------------------------------------------------------------

SKIPPED_NAMESPACES = {"admin"}  # Django's admin guards itself


def url_names(patterns=None, namespace: str = "") -> list[str]:
    """Every named URL pattern of the project, the admin's aside."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            prefix = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            names += url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            if str(pattern.pattern).startswith("static"):
                continue
            names.append(
                f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)
            )
    return names
