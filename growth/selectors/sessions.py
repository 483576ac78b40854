"""Reads of learning sessions and hackathons for the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from growth import policy
from growth.models import (
    Engineer,
    Hackathon,
    HackathonTeam,
    LearningSession,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
)

PAST_SHOWN = 30


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day when
    that month is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def is_newcomer(engineer: Engineer | None, today: datetime.date) -> bool:
    """Whether ``engineer`` started within NEWCOMER_MONTHS of ``today``."""
    if engineer is None:
        return False
    return engineer.start_date > months_before(today, settings.NEWCOMER_MONTHS)


def _listed(access) -> QuerySet:
    access = policy.access_of(access)
    mine = SessionSignup.objects.filter(
        session=OuterRef("pk"), engineer_id__in=access.own_ids
    )
    return (
        LearningSession.objects.visible_to(access)
        .select_related("leader__user", "competency")
        .annotate(signed_up=Count("signups"), mine=Exists(mine))
    )


@dataclass(frozen=True)
class SessionLists:
    upcoming: list
    past: list
    newcomer: bool


def session_lists(
    access, *, engineer: Engineer | None, now: datetime.datetime, today
) -> SessionLists:
    """Sessions still to come (cancelled ones too, so nobody turns up) and the
    latest ones past. A newcomer sees those for newcomers first."""
    newcomer = is_newcomer(engineer, today)
    qs = _listed(access)
    upcoming = qs.filter(starts_at__gte=now - datetime.timedelta(hours=8)).exclude(
        status=SessionStatus.HELD
    )
    order = ["starts_at", "pk"]
    if newcomer:
        order = ["-for_newcomers", *order]
    past = qs.filter(
        Q(status=SessionStatus.HELD)
        | Q(starts_at__lt=now - datetime.timedelta(hours=8))
    ).order_by("-starts_at", "-pk")[:PAST_SHOWN]
    return SessionLists(
        upcoming=list(upcoming.order_by(*order)), past=list(past), newcomer=newcomer
    )


@dataclass(frozen=True)
class SessionPage:
    session: LearningSession
    signups: list
    my_signup: SessionSignup | None
    leads: bool
    feedback: list  # the lines this viewer may read
    useful: int  # counts, for everyone
    not_useful: int

    @property
    def places_left(self) -> int:
        return max(self.session.capacity - len(self.signups), 0)

    @property
    def my_feedback(self):
        return next(
            (
                f
                for f in self.feedback
                if f.engineer_id == getattr(self.my_signup, "engineer_id", None)
            ),
            None,
        )


def session_page(access, pk: int) -> SessionPage:
    """One session as ``access`` sees it; ``get`` raises for one they may not."""
    access = policy.access_of(access)
    session = (
        LearningSession.objects.visible_to(access)
        .select_related("leader__user", "competency")
        .get(pk=pk)
    )
    signups = list(
        session.signups.select_related("engineer__user").order_by("created_at", "pk")
    )
    mine = next((s for s in signups if s.engineer_id in access.own_ids), None)
    feedback = list(
        SessionFeedback.objects.visible_to(access)
        .filter(session=session)
        .select_related("engineer__user")
    )
    counts = SessionFeedback.objects.filter(session=session).aggregate(
        yes=Count("pk", filter=Q(useful=True)),
        no=Count("pk", filter=Q(useful=False)),
    )
    return SessionPage(
        session=session,
        signups=signups,
        my_signup=mine,
        leads=session.leader_id in access.own_ids,
        feedback=feedback,
        useful=counts["yes"],
        not_useful=counts["no"],
    )


def knowledge_sharing(engineer_id: int) -> dict:
    """What ``engineer_id`` shared as a session leader: sessions held, people
    taught, and how many attendees found them useful. Counts only: evidence
    of knowledge sharing for the leader's growth and the framework."""
    held = LearningSession.objects.filter(
        leader_id=engineer_id, status=SessionStatus.HELD
    )
    taught = (
        SessionSignup.objects.filter(session__in=held, attended=True)
        .values("engineer")
        .distinct()
        .count()
    )
    feedback = SessionFeedback.objects.filter(session__in=held).aggregate(
        answers=Count("pk"), found_useful=Count("pk", filter=Q(useful=True))
    )
    return {"sessions_held": held.count(), "people_taught": taught, **feedback}


# --- hackathons --------------------------------------------------------------------


def hackathons_listed(access) -> QuerySet:
    return (
        policy.hackathons_visible_to(access, Hackathon.objects.all())
        .select_related("organiser__user")
        .annotate(
            team_count=Count("teams", distinct=True),
            member_count=Count("teams__members", distinct=True),
        )
    )


def hackathon_page(access, pk: int):
    """A hackathon with its teams and their members, and the viewer's team."""
    access = policy.access_of(access)
    hackathon = (
        policy.hackathons_visible_to(access, Hackathon.objects.all())
        .select_related("organiser__user")
        .get(pk=pk)
    )
    teams = list(
        HackathonTeam.objects.filter(hackathon=hackathon).prefetch_related(
            Prefetch("members", queryset=Engineer.objects.select_related("user"))
        )
    )
    mine = next(
        (t for t in teams if any(m.pk in access.own_ids for m in t.members.all())),
        None,
    )
    return hackathon, teams, mine


def hackathon_team_for_edit(access, pk: int) -> HackathonTeam:
    return (
        policy.hackathon_teams_editable_by(access, HackathonTeam.objects.all())
        .select_related("hackathon")
        .get(pk=pk)
    )
