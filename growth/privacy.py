"""People's data, for staff: everything about a person, and erasing a person who left.

A feedback record is personal data about the engineer it describes, whoever
wrote it, so the subject-access export holds every note about the person —
manager-only notes, notes to self and deleted notes included — besides what
they wrote, their goals, check-ins (with their authors' private notes, for the
same reason), talking points, mentorships, learning, requests,
notifications, reminders, sign-in records and the change history of it all.

Erasing a person who left keeps what the organisation still needs and nothing
that identifies them: their account stays, deactivated and nameless, so that
what they wrote about others still reads "a former employee"; everything about
them goes, history included. Both run from the admin, staff only.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Cast

from accounts.models import ApiToken, NameChange, User
from accounts.names import name_and_email
from accounts.sessions import user_sessions_end
from growth.exports import (
    agenda_item_record,
    assessment_record,
    assessments_prefetched,
    check_in_record,
    goal_check_in_record,
    goal_record,
    in_zone,
    level_history,
    name_of,
    note_record,
    readiness_record,
    request_record,
)
from growth.models import (
    PUBLIC_LEARNING_KINDS,
    ActionItem,
    AgendaItem,
    Assessment,
    ChannelPost,
    CheckIn,
    Competency,
    CompetencyArea,
    Engineer,
    Expectation,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    HackathonTeam,
    LearningActivity,
    LearningDayPlan,
    LearningSession,
    Level,
    Mentorship,
    Notification,
    Readiness,
    Reminder,
    ReminderPreference,
    SessionFeedback,
    SessionSignup,
    SlackIdentity,
    Track,
    WorkLink,
)

FORMER_EMPLOYEE = "Former employee"

# The change-history tables, and the columns in them that point at a person:
# the rows about an engineer go with them; the columns naming them as someone
# who acted (wrote, changed, mentored) are emptied, the rows kept.
HISTORY_ABOUT = {
    Engineer: ("id",),
    FeedbackNote: ("engineer_id",),
    Goal: ("engineer_id",),
    Mentorship: ("mentee_id",),
    WorkLink: ("engineer_id",),
    Readiness: ("engineer_id",),
}
HISTORY_BY_ENGINEER = {Engineer: ("manager_id",), Mentorship: ("mentor_id",)}
HISTORY_BY = {
    Engineer: ("history_user_id",),
    FeedbackNote: ("author_id", "deleted_by_id", "history_user_id"),
    Goal: ("created_by_id", "history_user_id"),
    Mentorship: ("history_user_id",),
    FeedbackComment: ("author_id", "history_user_id"),
    WorkLink: ("history_user_id",),
    Readiness: ("author_id", "history_user_id"),
    # The framework itself: who edited it in the admin.
    Track: ("history_user_id",),
    Level: ("history_user_id",),
    CompetencyArea: ("history_user_id",),
    Competency: ("history_user_id",),
    Expectation: ("history_user_id",),
}


def _history_rows(model, engineer: Engineer | None, user: User, zone) -> list[dict]:
    """Every version of ``model`` rows about ``engineer``, or made by ``user``."""
    about = Q()
    if engineer is not None:
        about = _about(model, engineer.pk)
        for column in HISTORY_BY_ENGINEER.get(model, ()):
            about |= Q(**{column: engineer.pk})
    rows = model.history.filter(about | Q(history_user_id=user.pk)).order_by(
        "history_date", "history_id"
    )
    tracked = [field.attname for field in model.history.model.tracked_fields]
    columns = ("history_id", "history_type", "history_date", "history_user_id")
    return [
        {**row, "history_date": in_zone(row["history_date"], zone)}
        for row in rows.values(*columns, *tracked).iterator()
    ]


def _with_deletion(note: FeedbackNote, zone) -> dict:
    return {**note_record(note, zone), "deleted_at": in_zone(note.deleted_at, zone)}


def subject_access_export(
    *, user: User, by: User, now: datetime.datetime
) -> dict[str, object]:
    """Everything Cultivate holds about ``user``, for a subject-access request.

    Times are in UTC, as stored. A fixed number of queries, however much there is.
    """
    zone = datetime.UTC
    engineer = (
        Engineer.objects.filter(user=user)
        .select_related("team", "level__track")
        .first()
    )
    notes = (
        FeedbackNote.all_objects.select_related(
            "author", "engineer__user", "competency"
        )
        .prefetch_related(
            "links",
            Prefetch(
                "comments",
                queryset=FeedbackComment.objects.select_related("author"),
                to_attr="thread",
            ),
        )
        .order_by("created_at", "pk")
    )
    data: dict[str, object] = {
        "exported_at": in_zone(now, zone),
        "exported_by": by.email,
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "active": user.is_active,
            "staff": user.is_staff,
            "date_joined": in_zone(user.date_joined, zone),
            "last_login": in_zone(user.last_login, zone),
            "name_history": [
                {
                    "old_name": change.old_name,
                    "new_name": change.new_name,
                    "changed_at": in_zone(change.changed_at, zone),
                    "changed_by": change.changed_by.email
                    if change.changed_by
                    else None,
                }
                for change in NameChange.objects.filter(user=user)
                .select_related("changed_by")
                .order_by("changed_at", "pk")
            ],
        },
        "profile": None,
        "feedback_about_them": [],
        "feedback_they_wrote": [
            _with_deletion(note, zone) for note in notes.filter(author=user)
        ],
        "goals": [],
        "goal_check_ins_they_wrote": [
            {"goal_id": check_in.goal_id, **goal_check_in_record(check_in, zone)}
            for check_in in GoalCheckIn.objects.filter(author=user)
            .select_related("author")
            .prefetch_related("links")
            .order_by("created_at", "pk")
        ],
        "check_ins": [],
        "talking_points": [],
        "mentorships": [],
        "learning": [],
        "feedback_requests": [],
        "notifications": [
            {
                "kind": n.kind,
                "message": n.message,
                "url": n.url,
                "created_at": in_zone(n.created_at, zone),
                "read_at": in_zone(n.read_at, zone),
            }
            for n in Notification.objects.filter(recipient=user).order_by(
                "created_at", "pk"
            )
        ],
        "reminders": [
            {
                "kind": r.kind,
                "period_key": r.period_key,
                "subject": r.subject,
                "status": r.status,
                "sent_at": in_zone(r.sent_at, zone),
            }
            for r in Reminder.objects.filter(recipient=user).order_by("pk")
        ],
        "email_preferences": [
            {"kind": p.kind, "email_enabled": p.email_enabled}
            for p in ReminderPreference.objects.filter(user=user).order_by("kind")
        ],
        "sign_in_records": [
            {
                "ip_address": log.ip_address,
                "user_agent": log.user_agent,
                "attempt_time": in_zone(log.attempt_time, zone),
                "logout_time": in_zone(log.logout_time, zone),
            }
            for log in AccessLog.objects.filter(username__iexact=user.email).order_by(
                "pk"
            )
        ],
        "failed_sign_ins": [
            {
                "ip_address": log.ip_address,
                "attempt_time": in_zone(log.attempt_time, zone),
            }
            for log in AccessFailureLog.objects.filter(
                username__iexact=user.email
            ).order_by("pk")
        ],
        "sign_in_lockouts": [
            {
                "ip_address": attempt.ip_address,
                "failures": attempt.failures_since_start,
                "attempt_time": in_zone(attempt.attempt_time, zone),
            }
            for attempt in AccessAttempt.objects.filter(
                username__iexact=user.email
            ).order_by("pk")
        ],
        # The career framework: assessments and readiness summaries they wrote
        # about others (about themselves: below, with their profile).
        "assessments_they_wrote": [
            assessment_record(a, zone)
            for a in assessments_prefetched(
                Assessment.objects.filter(author=user).exclude(engineer__user=user)
            ).order_by("created_at", "pk")
        ],
        "readiness_they_wrote": [
            readiness_record(r, zone)
            for r in Readiness.objects.filter(author=user)
            .exclude(engineer__user=user)
            .select_related("engineer__user", "author", "level__track")
            .order_by("created_at", "pk")
        ],
        "assessments_about_them": [],
        "readiness_about_them": [],
        "level_history": [],
        "learning_they_logged": [
            {"id": a.pk, "kind": a.kind, "title": a.title, "date": a.date}
            for a in LearningActivity.objects.filter(logged_by=user).order_by(
                "date", "pk"
            )
        ],
    }
    if engineer is not None:
        data["profile"] = {
            "id": engineer.pk,
            "team": name_of(engineer.team),
            "manager": name_of(engineer.manager),
            "level": engineer.level.name if engineer.level else None,
            "track": engineer.track.name if engineer.level else None,
            "level_since": engineer.level_since,
            "title": engineer.title,
            "start_date": engineer.start_date,
            "active": engineer.is_active,
        }
        data["feedback_about_them"] = [
            _with_deletion(note, zone) for note in notes.filter(engineer=engineer)
        ]
        goals = (
            Goal.objects.filter(engineer=engineer)
            .select_related("competency", "created_by")
            .prefetch_related("check_ins__author", "check_ins__links")
            .order_by("created_at", "pk")
        )
        data["goals"] = [
            goal_record(goal, goal.check_ins.all(), zone) for goal in goals
        ]
        data["check_ins"] = [
            check_in_record(
                check_in, check_in.action_items.all(), zone, private_notes=True
            )
            for check_in in CheckIn.objects.filter(
                Q(engineer=engineer) | Q(author=user)
            )
            .select_related("author", "engineer__user")
            .prefetch_related("action_items__owner")
            .order_by("held_on", "pk")
        ]
        data["talking_points"] = [
            agenda_item_record(point, zone)
            for point in AgendaItem.objects.filter(
                Q(engineer=engineer) | Q(added_by=user)
            )
            .select_related("engineer__user", "added_by")
            .order_by("created_at", "pk")
        ]
        data["mentorships"] = [
            {
                "id": m.pk,
                "mentor": name_of(m.mentor),
                "mentee": name_of(m.mentee),
                "focus": m.focus,
                "started_on": m.started_on,
                "ended_on": m.ended_on,
                "cadence_days": m.cadence_days,
            }
            for m in Mentorship.objects.filter(Q(mentor=engineer) | Q(mentee=engineer))
            .select_related("mentor__user", "mentee__user")
            .order_by("started_on", "pk")
        ]
        data["learning"] = [
            {
                "id": a.pk,
                "kind": a.kind,
                "title": a.title,
                "description": a.description,
                "date": a.date,
                "hours": a.hours,
                "led_by": name_of(a.led_by),
                "attended": a.attended,
            }
            for a in LearningActivity.objects.filter(
                Q(attendees=engineer) | Q(led_by=engineer)
            )
            .distinct()
            .annotate(
                attended=Exists(
                    LearningActivity.attendees.through.objects.filter(
                        learningactivity_id=OuterRef("pk"), engineer=engineer
                    )
                )
            )
            .select_related("led_by__user")
            .order_by("date", "pk")
        ]
        data.update(_learning_events(engineer, zone))
        # Drafts included: a draft about them is personal data about them.
        data["assessments_about_them"] = [
            assessment_record(a, zone)
            for a in assessments_prefetched(
                Assessment.objects.filter(engineer=engineer)
            ).order_by("created_at", "pk")
        ]
        data["readiness_about_them"] = [
            readiness_record(r, zone)
            for r in Readiness.objects.filter(engineer=engineer)
            .select_related("engineer__user", "author", "level__track")
            .order_by("created_at", "pk")
        ]
        data["level_history"] = level_history(engineer)
        data["feedback_requests"] = [
            request_record(r, zone)
            for r in FeedbackRequest.objects.filter(
                Q(requester=engineer) | Q(recipient=engineer)
            )
            .select_related("requester__user", "recipient__user", "competency")
            .order_by("created_at", "pk")
        ]
    data["change_history"] = {
        model._meta.model_name: _history_rows(model, engineer, user, zone)
        for model in HISTORY_ABOUT
    }
    return data


def _learning_events(engineer: Engineer, zone) -> dict:
    """Learning-day plans, sessions led or signed up for, the one-line answers
    given and received about them, and hackathon teams: five queries."""
    plans = LearningDayPlan.objects.filter(engineer=engineer).select_related(
        "goal", "competency"
    )
    led = LearningSession.objects.filter(leader=engineer).select_related("competency")
    signups = SessionSignup.objects.filter(engineer=engineer).select_related(
        "session__leader__user"
    )
    answers = SessionFeedback.objects.filter(
        Q(engineer=engineer) | Q(session__leader=engineer)
    ).select_related("session", "engineer__user")
    teams = HackathonTeam.objects.filter(members=engineer).select_related("hackathon")
    return {
        "learning_day_plans": [
            {
                "day": plan.day,
                "plan": plan.plan,
                "goal": plan.goal.title if plan.goal else None,
                "competency": plan.competency.name if plan.competency else None,
                "done": plan.done,
                "hours": plan.hours,
            }
            for plan in plans.order_by("day", "pk")
        ],
        "sessions_led": [
            {
                "id": session.pk,
                "title": session.title,
                "topic": session.topic_kind,
                "competency": session.competency.name if session.competency else None,
                "description": session.description,
                "starts_at": in_zone(session.starts_at, zone),
                "place": session.place,
                "capacity": session.capacity,
                "status": session.status,
            }
            for session in led.order_by("starts_at", "pk")
        ],
        "session_sign_ups": [
            {
                "session": signup.session.title,
                "leader": name_of(signup.session.leader),
                "starts_at": in_zone(signup.session.starts_at, zone),
                "attended": signup.attended,
            }
            for signup in signups.order_by("created_at", "pk")
        ],
        "session_answers": [
            {
                "session": answer.session.title,
                "by": name_of(answer.engineer),
                "useful": answer.useful,
                "line": answer.line,
                "at": in_zone(answer.created_at, zone),
            }
            for answer in answers.order_by("created_at", "pk")
        ],
        "hackathon_teams": [
            {
                "hackathon": team.hackathon.title,
                "team": team.name,
                "demo_title": team.demo_title,
                "demo_link": team.demo_link,
                "demo_summary": team.demo_summary,
            }
            for team in teams.order_by("hackathon__starts_on", "pk")
        ],
    }


# --- the history forgets who is gone ----------------------------------------------


def forget_engineer_history(engineer_id: int) -> None:
    """Remove every version of what was about the engineer ``engineer_id``,
    and their name from the versions of what they did for others."""
    # A comment's versions are about the engineer its note was about: they go
    # first, while the note's versions still say which notes those were.
    notes_about = FeedbackNote.history.filter(engineer_id=engineer_id)
    FeedbackComment.history.filter(note_id__in=notes_about.values("id")).delete()
    for model in HISTORY_ABOUT:
        model.history.filter(_about(model, engineer_id)).delete()
    for model, columns in HISTORY_BY_ENGINEER.items():
        for column in columns:
            model.history.filter(**{column: engineer_id}).update(**{column: None})


def forget_user_in_history(user_id: int) -> None:
    """Unsign what the user ``user_id`` wrote or changed, in every version.

    The history's copies of a note's author and the like are plain columns (a
    version must outlive what it points at), so deleting a user leaves them
    pointing at nobody, which a backup by natural keys cannot write out.
    """
    for model, columns in HISTORY_BY.items():
        for column in columns:
            model.history.filter(**{column: user_id}).update(**{column: None})


def on_engineer_deleted(sender, instance, **kwargs) -> None:
    forget_engineer_history(instance.pk)


def on_user_deleted(sender, instance, **kwargs) -> None:
    forget_user_in_history(instance.pk)


# --- erasure ---------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a person removes, keeps and changes: the confirmation page."""

    user: User
    engineer: Engineer | None
    notes_about: int
    notes_written: int
    goals: int
    check_ins: int
    mentorships: int
    requests: int
    notifications: int
    history_rows: int
    reports: list[str]
    sessions_led: int
    # Assessments (self and manager, drafts included) and readiness summaries
    # about them go; those they wrote about others stay, with no author.
    assessments_about: int
    readiness_about: int
    assessments_written: int
    readiness_written: int


def erasure_plan(user: User) -> ErasurePlan:
    engineer = Engineer.objects.filter(user=user).first()
    if engineer is None:
        about = dict.fromkeys(
            (
                "notes_about",
                "goals",
                "check_ins",
                "mentorships",
                "requests",
                "assessments_about",
                "readiness_about",
            ),
            0,
        )
        reports: list[str] = []
        sessions_led = 0
        history = 0
    else:
        about = {
            "notes_about": FeedbackNote.all_objects.filter(engineer=engineer).count(),
            "goals": Goal.objects.filter(engineer=engineer).count(),
            "check_ins": CheckIn.objects.filter(engineer=engineer).count(),
            "mentorships": Mentorship.objects.filter(mentee=engineer).count(),
            "requests": FeedbackRequest.objects.filter(
                Q(requester=engineer) | Q(recipient=engineer)
            ).count(),
            "assessments_about": Assessment.objects.filter(engineer=engineer).count(),
            "readiness_about": Readiness.objects.filter(engineer=engineer).count(),
        }
        reports = [str(e) for e in engineer.reports.select_related("user")]
        sessions_led = LearningActivity.objects.filter(led_by=engineer).count()
        history = (
            sum(
                model.history.filter(_about(model, engineer.pk)).count()
                for model in HISTORY_ABOUT
            )
            + _comment_history_about(engineer.pk).count()
        )
    return ErasurePlan(
        user=user,
        engineer=engineer,
        notes_written=FeedbackNote.all_objects.filter(author=user).count(),
        # Their self-assessments are about them, so they are not "about others".
        assessments_written=Assessment.objects.filter(author=user)
        .exclude(engineer__user=user)
        .count(),
        readiness_written=Readiness.objects.filter(author=user)
        .exclude(engineer__user=user)
        .count(),
        notifications=Notification.objects.filter(recipient=user).count(),
        history_rows=history,
        reports=reports,
        sessions_led=sessions_led,
        **about,
    )


def _comment_history_about(engineer_id: int):
    """Versions of the comments on every note that was ever about the engineer."""
    notes = FeedbackNote.history.filter(engineer_id=engineer_id).values("id")
    return FeedbackComment.history.filter(note_id__in=notes)


def _about(model, engineer_id: int) -> Q:
    """History rows of ``model`` about the engineer ``engineer_id``."""
    condition = Q()
    for column in HISTORY_ABOUT[model]:
        condition |= Q(**{column: engineer_id})
    return condition


def _payload_mentions(names) -> Q:
    """Rows whose JSON ``payload`` names one of ``names``, as written or as
    JSON text stores non-ASCII letters (escaped)."""
    mentions = Q()
    for name in names:
        mentions |= Q(payload__icontains=name) | Q(
            payload__icontains=json.dumps(name)[1:-1]
        )
    return mentions


def _unname(*names: str) -> None:
    """What Cultivate wrote to others naming the person — notifications, the
    subjects and details of their emails, and the posts to a channel (praise,
    a session they lead) — says "a former employee".

    Whole names only: erasing "Ann Lee" leaves "Ann Leeson" alone. What people
    wrote themselves (notes, requests, check-ins) is theirs and is not rewritten.
    """
    names = tuple(sorted((name for name in names if name), key=len, reverse=True))
    if not names:
        return
    # Not inside a longer word or a double-barrelled name: "Ann Lee" is not in
    # "Ann Leeson" nor in "Mary-Ann Lee-Smith". The longest first, so an email
    # address goes whole before a name that begins it.
    pattern = re.compile(
        "|".join(rf"(?<![\w-]){re.escape(name)}(?![\w-])" for name in names)
    )

    def unnamed(text: str) -> str:
        return pattern.sub(
            lambda match: (
                "A former employee" if match.start() == 0 else "a former employee"
            ),
            text,
        )

    def scrubbed(value):
        if isinstance(value, str):
            return unnamed(value)
        if isinstance(value, dict):
            return {key: scrubbed(item) for key, item in value.items()}
        if isinstance(value, list):
            return [scrubbed(item) for item in value]
        return value

    mentions = Q()
    for name in names:
        mentions |= Q(message__contains=name)
    changed = []
    for notification in Notification.objects.filter(mentions).only("message"):
        message = unnamed(notification.message)
        if message != notification.message:
            notification.message = message
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["message"], batch_size=500)

    mentions = _payload_mentions(names)
    for name in names:
        mentions |= Q(subject__contains=name)
    changed = []
    for reminder in Reminder.objects.filter(mentions).only("subject", "payload"):
        subject, payload = unnamed(reminder.subject), scrubbed(reminder.payload)
        if (subject, payload) != (reminder.subject, reminder.payload):
            reminder.subject, reminder.payload = subject, payload
            changed.append(reminder)
    Reminder.objects.bulk_update(changed, ["subject", "payload"], batch_size=500)

    changed = []
    for post in ChannelPost.objects.filter(_payload_mentions(names)).only("payload"):
        payload = scrubbed(post.payload)
        if payload != post.payload:
            post.payload = payload
            changed.append(post)
    ChannelPost.objects.bulk_update(changed, ["payload"], batch_size=500)


def _forget_logged_objects(queryset) -> None:
    """The admin's log entries about the rows of ``queryset``: their titles
    name the person."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model),
        object_id__in=queryset.annotate(
            logged_id=Cast("pk", output_field=CharField())
        ).values("logged_id"),
    ).delete()


def _forget_logged(user: User, engineer: Engineer | None) -> None:
    _forget_logged_objects(User.objects.filter(pk=user.pk))
    _forget_logged_objects(Notification.objects.filter(recipient=user))
    _forget_logged_objects(Reminder.objects.filter(recipient=user))
    _forget_logged_objects(ReminderPreference.objects.filter(user=user))
    _forget_logged_objects(SlackIdentity.objects.filter(user=user))
    if engineer is None:
        return
    _forget_logged_objects(Engineer.objects.filter(pk=engineer.pk))
    _forget_logged_objects(FeedbackNote.all_objects.filter(engineer=engineer))
    _forget_logged_objects(Goal.objects.filter(engineer=engineer))
    _forget_logged_objects(GoalCheckIn.objects.filter(goal__engineer=engineer))
    _forget_logged_objects(WorkLink.objects.filter(engineer=engineer))
    _forget_logged_objects(
        Mentorship.objects.filter(Q(mentor=engineer) | Q(mentee=engineer))
    )
    _forget_logged_objects(CheckIn.objects.filter(engineer=engineer))
    _forget_logged_objects(ActionItem.objects.filter(check_in__engineer=engineer))
    _forget_logged_objects(AgendaItem.objects.filter(engineer=engineer))
    _forget_logged_objects(
        FeedbackRequest.objects.filter(Q(requester=engineer) | Q(recipient=engineer))
    )
    _forget_logged_objects(Assessment.objects.filter(engineer=engineer))
    _forget_logged_objects(Readiness.objects.filter(engineer=engineer))


def erasure_refused(*, user: User, by: User) -> str:
    """Why ``by`` may not erase ``user``, or "" when they may."""
    if user.pk == by.pk:
        return "You cannot erase your own account."
    if user.is_superuser and not by.is_superuser:
        return "Only a superuser can erase a superuser."
    engineer = Engineer.objects.filter(user=user).first()
    still_here = engineer.is_active if engineer is not None else user.is_active
    if still_here:
        return (
            f"{user} has not left: untick “active” on their page when they leave, "
            "then erase them."
        )
    return ""


@transaction.atomic
def erase_person(*, user: User, by: User) -> None:
    """Erase ``user``, who left: see the module's docstring for what that means."""
    user = User.objects.select_for_update().get(pk=user.pk)
    refused = erasure_refused(user=user, by=by)
    if refused:
        raise ValidationError(refused)
    name, email = user.display_name, user.email
    engineer = Engineer.objects.filter(user=user).first()

    # What they wrote about others stays, unsigned.
    FeedbackNote.all_objects.filter(author=user).update(author=None)
    FeedbackNote.all_objects.filter(deleted_by=user).update(deleted_by=None)
    GoalCheckIn.objects.filter(author=user).update(author=None)
    # Their private notes go: nobody else could ever read them.
    CheckIn.objects.filter(author=user).update(author=None, private_notes="")
    ActionItem.objects.filter(owner=user).update(owner=None)
    AgendaItem.objects.filter(added_by=user).update(added_by=None)
    Goal.objects.filter(created_by=user).update(created_by=None)
    LearningActivity.objects.filter(logged_by=user).update(logged_by=None)
    # Assessments and readiness they wrote about others stay, unsigned; those
    # about them go with their profile below.
    Assessment.objects.filter(author=user).update(author=None)
    Readiness.objects.filter(author=user).update(author=None)
    # The admin's log of what is about them names them.
    _forget_logged(user, engineer)

    if engineer is not None:
        # Their own courses and books, which nobody else attended or led.
        LearningActivity.objects.filter(attendees=engineer).filter(
            Q(led_by__isnull=True) | Q(led_by=engineer)
        ).exclude(kind__in=PUBLIC_LEARNING_KINDS).exclude(
            pk__in=LearningActivity.attendees.through.objects.exclude(
                engineer=engineer
            ).values("learningactivity_id")
        ).delete()
        # Their profile, and with it every note, goal, check-in, request and
        # mentorship about them; the people they managed keep no manager; the
        # mentorships they gave end, keeping the mentees' check-ins, with no
        # mentor named (``growth.models.people.end_mentorship``).
        # Deleting it also takes the history about them (growth.apps).
        engineer.delete()
    # Their name goes from what they changed of others', in every version.
    forget_user_in_history(user.pk)

    Notification.objects.filter(recipient=user).delete()
    Reminder.objects.filter(recipient=user).delete()
    ReminderPreference.objects.filter(user=user).delete()
    # Who they were on Slack: their id there, and the email it was found by.
    SlackIdentity.objects.filter(user=user).delete()
    # Their earlier names go; the renames they made of others stay, unsigned.
    NameChange.objects.filter(user=user).delete()
    # Their API tokens: named by them, and no use to anyone once they are gone.
    ApiToken.objects.filter(user=user).delete()
    NameChange.objects.filter(changed_by=user).update(changed_by=None)
    # A note's notification names its author with their email beside.
    _unname(name_and_email(name, email), name, email)
    AccessAttempt.objects.filter(username__iexact=email).delete()
    AccessFailureLog.objects.filter(username__iexact=email).delete()
    AccessLog.objects.filter(username__iexact=email).delete()

    # The account stays, so what they wrote has an author: nameless and closed.
    user.display_name = FORMER_EMPLOYEE
    user.email = f"former-employee-{user.pk}@erased.invalid"
    user.time_zone = User._meta.get_field("time_zone").get_default()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user_sessions_end(user=user)
