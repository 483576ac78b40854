"""Learning sessions and hackathons: proposing, signing up, holding them.

Holding one writes the learning log: a session held becomes one
``LearningActivity`` of kind learning_session (its leader, the people who came,
its hours), a hackathon one of kind hackathon with every team member. The log
stays the one source of learning hours and counts; the event keeps a link to
the activity it wrote, so confirming again changes that activity, never adds a
second.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from growth import emails
from growth.chat.outbox import session_posts_record
from growth.models import (
    Competency,
    Engineer,
    EventKind,
    Hackathon,
    HackathonTeam,
    LearningActivity,
    LearningKind,
    LearningSession,
    Notification,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
    TopicKind,
)
from growth.reminders import event_record
from growth.services.learning import learning_activity_create, learning_attendees_set

MAX_HOURS = Decimal("200")
HACKATHON_HOURS_A_DAY = Decimal("7.5")


class SessionFull(ValidationError):
    """Every place is taken."""


def _local_date(moment: datetime.datetime, engineer: Engineer) -> datetime.date:
    return moment.astimezone(engineer.user.zone).date()


def _locked(session: LearningSession) -> LearningSession:
    """The session's row, locked until the transaction ends: sign-ups, the
    attendance and a cancellation of one session happen one at a time."""
    return LearningSession.objects.select_for_update().get(pk=session.pk)


# --- a session's life --------------------------------------------------------------


def _topic(topic_kind: str, competency: Competency | None) -> Competency | None:
    """A career-management session teaches no competency; a skill session's
    competency must be of its kind."""
    if topic_kind == TopicKind.CAREER:
        return None
    if competency is not None and competency.kind != topic_kind:
        raise ValidationError(
            {"competency": "Choose a competency of the session's kind of skill."}
        )
    return competency


def learning_session_propose(
    *,
    leader: Engineer,
    created_by,
    title: str,
    topic_kind: str,
    competency: Competency | None = None,
    description: str = "",
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str = "",
    capacity: int,
    for_newcomers: bool = False,
    now: datetime.datetime,
) -> LearningSession:
    """Put a session forward, led by ``leader``: proposed until they schedule it."""
    session = LearningSession(
        leader=leader,
        created_by=created_by,
        title=title.strip(),
        topic_kind=topic_kind,
        competency=_topic(topic_kind, competency),
        description=description.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        capacity=capacity,
        for_newcomers=for_newcomers,
        status=SessionStatus.PROPOSED,
        created_at=now,
    )
    session.full_clean()
    session.save()
    return session


def learning_session_update(
    *,
    session: LearningSession,
    title: str,
    topic_kind: str,
    competency: Competency | None = None,
    description: str = "",
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str = "",
    capacity: int,
    for_newcomers: bool = False,
) -> LearningSession:
    """Change a session that has not been held or cancelled. A smaller
    capacity keeps everyone already signed up: nobody loses a place."""
    with transaction.atomic():
        session = _locked(session)
        if not session.is_open:
            raise ValidationError("A session that was held or cancelled is kept as is.")
        fields = {
            "title": title.strip(),
            "topic_kind": topic_kind,
            "competency": _topic(topic_kind, competency),
            "description": description.strip(),
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "place": place.strip(),
            "capacity": capacity,
            "for_newcomers": for_newcomers,
        }
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean(exclude=["leader", "created_by", "activity"])
        session.save(update_fields=list(fields))
    return session


def learning_session_schedule(
    *, session: LearningSession, now: datetime.datetime
) -> LearningSession:
    """Confirm a proposed session's date and open it for sign-ups."""
    with transaction.atomic():
        session = _locked(session)
        if session.status == SessionStatus.SCHEDULED:
            return session
        if session.status != SessionStatus.PROPOSED:
            raise ValidationError("Only a proposed session can be scheduled.")
        if session.starts_at <= now:
            raise ValidationError("Move the session to a time still to come first.")
        session.status = SessionStatus.SCHEDULED
        session.save(update_fields=["status"])
        session_posts_record(session=session, now=now)
    return session


def learning_session_cancel(
    *, session: LearningSession, now: datetime.datetime
) -> LearningSession:
    """Call a session off and tell everyone signed up, in the app and by email
    as each chose: the leader's name, the date and a link, nothing written."""
    with transaction.atomic():
        session = _locked(session)
        if session.status == SessionStatus.CANCELLED:
            return session
        if not session.is_open:
            raise ValidationError("A session that was held cannot be cancelled.")
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status"])
        leader = Engineer.objects.select_related("user").get(pk=session.leader_id)
        signups = session.signups.select_related("engineer__user")
        for signup in signups:
            _notify_cancelled(session, leader, signup.engineer.user, now=now)
    return session


def _notify_cancelled(session, leader, recipient, *, now) -> None:
    local = session.starts_at.astimezone(recipient.zone)
    payload = {
        "session_id": session.pk,
        "leader_name": str(leader),
        "starts_on": local.date().isoformat(),
        "starts_at_time": f"{local:%H:%M}",
    }
    event_record(
        recipient=recipient,
        kind=EventKind.SESSION_CANCELLED,
        key=f"session-{session.pk}",
        subject=emails.subject_for(EventKind.SESSION_CANCELLED, payload),
        payload=payload,
        url=reverse("session-detail", args=[session.pk]),
        message=(
            f"{leader} cancelled the session of {local.day} {local:%B %Y} "
            "you signed up to."
        ),
        now=now,
    )


# --- signing up ----------------------------------------------------------------------


def session_sign_up(
    *, session: LearningSession, engineer: Engineer, now: datetime.datetime
) -> tuple[SessionSignup, bool]:
    """Take a place at a scheduled session; return it and whether it is new.

    Signing up twice (a double click, two tabs) keeps the one place. The
    session's row is locked while the places are counted, so two people never
    take the last one together.
    """
    with transaction.atomic():
        session = _locked(session)
        existing = SessionSignup.objects.filter(session=session, engineer=engineer)
        if found := existing.first():
            return found, False
        if session.leader_id == engineer.pk:
            raise ValidationError("You lead this session.")
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
            raise ValidationError("Sign-ups are open for scheduled sessions to come.")
        if session.signups.count() >= session.capacity:
            raise SessionFull("This session is full.")
        try:
            with transaction.atomic():
                signup = SessionSignup.objects.create(
                    session=session, engineer=engineer, created_at=now
                )
        except IntegrityError:
            return existing.get(), False
    return signup, True


def session_withdraw(
    *, session: LearningSession, engineer: Engineer, now: datetime.datetime
) -> bool:
    """Give up one's place before the session starts; return whether there was one."""
    with transaction.atomic():
        session = _locked(session)
        if not session.is_open or session.starts_at <= now:
            raise ValidationError("Places can be given up before the session starts.")
        deleted, _ = SessionSignup.objects.filter(
            session=session, engineer=engineer
        ).delete()
    return bool(deleted)


# --- holding it ------------------------------------------------------------------------


def _hours(minutes: int) -> Decimal:
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return min(max(hours, Decimal("0.1")), MAX_HOURS)


def session_attendance_confirm(
    *,
    session: LearningSession,
    attended: Iterable[Engineer],
    logged_by,
    now: datetime.datetime,
) -> LearningActivity:
    """Record who came to a session that has started, and log it as learning.

    ``attended`` is everyone who came: those signed up, ticked, and whoever
    came without signing up (they are signed up now, as attended). Everyone
    else signed up is marked absent. The session is held, and its one
    ``LearningActivity`` (kind learning_session, led by the leader, attended
    by these people, the session's hours) is written, or rewritten when the
    leader confirms again.
    """
    people = {engineer.pk: engineer for engineer in attended}
    people.pop(session.leader_id, None)  # the leader led it; the log says so
    with transaction.atomic():
        session = _locked(session)
        if session.status not in (SessionStatus.SCHEDULED, SessionStatus.HELD):
            raise ValidationError("Attendance is confirmed for a scheduled session.")
        if session.starts_at > now:
            raise ValidationError("Attendance is confirmed once the session started.")
        signed = set(session.signups.values_list("engineer_id", flat=True))
        SessionSignup.objects.bulk_create(
            [
                SessionSignup(session=session, engineer_id=pk, created_at=now)
                for pk in people.keys() - signed
            ]
        )
        session.signups.filter(engineer_id__in=people).update(attended=True)
        session.signups.exclude(engineer_id__in=people).update(attended=False)
        leader = Engineer.objects.select_related("user").get(pk=session.leader_id)
        fields = {
            "kind": LearningKind.LEARNING_SESSION,
            "title": session.title,
            "description": session.description,
            "date": _local_date(session.starts_at, leader),
            "hours": _hours(session.duration_minutes),
            "led_by": leader,
            # Evidence on the framework for leader and attendees alike.
            "competency": session.competency,
        }
        activity = session.activity
        if activity is None:
            activity = learning_activity_create(
                logged_by=logged_by, attendees=people.values(), now=now, **fields
            )
        else:
            for name, value in fields.items():
                setattr(activity, name, value)
            activity.save(update_fields=[*fields, "updated_at"])
            learning_attendees_set(activity=activity, attendees=people.values())
        session.activity = activity
        session.status = SessionStatus.HELD
        session.save(update_fields=["activity", "status"])
    return activity


def session_feedback_give(
    *,
    session: LearningSession,
    engineer: Engineer,
    useful: bool,
    line: str = "",
    now: datetime.datetime,
) -> SessionFeedback:
    """Say whether a session one attended was useful, in one line, for its
    leader. Giving it again changes one's answer."""
    attended = SessionSignup.objects.filter(
        session=session, engineer=engineer, attended=True
    ).exists()
    if session.status != SessionStatus.HELD or not attended:
        raise ValidationError("Feedback comes from the people who attended.")
    with transaction.atomic():
        feedback, _created = SessionFeedback.objects.update_or_create(
            session=session,
            engineer=engineer,
            defaults={"useful": useful, "line": (line or "").strip()},
            create_defaults={
                "useful": useful,
                "line": (line or "").strip(),
                "created_at": now,
            },
        )
        feedback.full_clean()
        _notify_leader(session, engineer, now=now)
    return feedback


def _notify_leader(session: LearningSession, by: Engineer, *, now) -> None:
    """Tell the leader in the app, with a name and a link: one unread notice a
    session, however many attendees answer before they look."""
    leader = Engineer.objects.select_related("user").get(pk=session.leader_id)
    recipient = leader.user
    if not (leader.is_active and recipient.is_active):
        return
    url = reverse("session-detail", args=[session.pk])
    kind = EventKind.SESSION_FEEDBACK
    waiting = Notification.objects.filter(
        recipient=recipient, kind=kind, url=url, read_at__isnull=True
    )
    if waiting.exists():
        return
    Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=f"{by} gave feedback on a session you led.",
        url=url,
        created_at=now,
    )


# --- hackathons ------------------------------------------------------------------------


def hackathon_create(
    *,
    organiser: Engineer,
    title: str,
    theme: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    now: datetime.datetime,
) -> Hackathon:
    """Announce a hackathon that ``organiser`` runs."""
    hackathon = Hackathon(
        organiser=organiser,
        title=title.strip(),
        theme=theme.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
    )
    hackathon.full_clean()
    hackathon.save()
    return hackathon


def _open(hackathon: Hackathon) -> None:
    if hackathon.held:
        raise ValidationError(
            "The hackathon was held; its teams are kept as they were."
        )


def hackathon_team_create(
    *, hackathon: Hackathon, name: str, engineer: Engineer, now: datetime.datetime
) -> HackathonTeam:
    """Start a team at a hackathon, with ``engineer`` in it (and out of any
    other team there)."""
    _open(hackathon)
    name = name.strip()
    with transaction.atomic():
        if hackathon.teams.filter(name__iexact=name).exists():
            raise ValidationError({"name": "A team of that name is taken."})
        team = HackathonTeam(hackathon=hackathon, name=name, created_at=now)
        team.full_clean()
        team.save()
        hackathon_team_join(team=team, engineer=engineer)
    return team


def hackathon_team_join(*, team: HackathonTeam, engineer: Engineer) -> HackathonTeam:
    """Put ``engineer`` in ``team``: one team a hackathon, so out of any other."""
    hackathon = Hackathon.objects.get(pk=team.hackathon_id)
    _open(hackathon)
    with transaction.atomic():
        others = HackathonTeam.members.through.objects.filter(
            hackathonteam__hackathon_id=team.hackathon_id, engineer=engineer
        ).exclude(hackathonteam=team)
        others.delete()
        team.members.add(engineer)
    return team


def hackathon_team_demo_update(
    *, team: HackathonTeam, demo_title: str, demo_link: str = "", demo_summary: str = ""
) -> HackathonTeam:
    """Say what the team demoed: a title, a link and a few lines."""
    team.demo_title = demo_title.strip()
    team.demo_link = demo_link.strip()
    team.demo_summary = demo_summary.strip()
    team.full_clean(exclude=["hackathon"])
    team.save(update_fields=["demo_title", "demo_link", "demo_summary"])
    return team


def hackathon_mark_held(
    *, hackathon: Hackathon, logged_by, now: datetime.datetime
) -> LearningActivity:
    """Log the hackathon as learning for every team member: one activity of
    kind hackathon, led by the organiser, a working day's hours for each day.
    Marking it again brings the activity up to date."""
    with transaction.atomic():
        hackathon = Hackathon.objects.select_for_update().get(pk=hackathon.pk)
        if hackathon.starts_on > now.date():
            raise ValidationError("A hackathon is held once it has begun.")
        members = Engineer.objects.filter(
            hackathon_teams__hackathon=hackathon
        ).distinct()
        fields = {
            "kind": LearningKind.HACKATHON,
            "title": hackathon.title,
            "description": hackathon.theme,
            "date": hackathon.starts_on,
            "hours": min(HACKATHON_HOURS_A_DAY * hackathon.days, MAX_HOURS),
            "led_by": hackathon.organiser,
        }
        activity = hackathon.activity
        if activity is None:
            activity = learning_activity_create(
                logged_by=logged_by, attendees=members, now=now, **fields
            )
        else:
            for name, value in fields.items():
                setattr(activity, name, value)
            activity.save(update_fields=[*fields, "updated_at"])
            learning_attendees_set(activity=activity, attendees=members)
        hackathon.activity = activity
        hackathon.held = True
        hackathon.save(update_fields=["activity", "held"])
    return activity
