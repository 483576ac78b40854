"""The outbox of channel posts: Slack's public channel and each team's Teams
channel, one row per destination, kind and event, sent once.

The same machinery as the reminders' outbox (growth/reminders/delivery.py),
on ``ChannelPost`` rows: recorded in the transaction that makes the event,
published after the commit, claimed with a conditional update that must
change one row, finished only by the claim that is still ours, retried with
backoff after a passing failure (never before a ``Retry-After``), failed with
its reason after a refusal or the last attempt, AMBIGUOUS when the request
went out and no answer came back, handed back by the sweep when a worker died
holding it, skipped when its praise was deleted or made private or its
session called off or begun meanwhile (a session moved is posted as it
stands), and sent again from the admin only when a person retries it.

What goes here is what the whole team may see: public praise (names, kind,
competency), a scheduled learning session (it is visible to everyone), and a
team's weekly digest of team-level counts. Personal reminders never do.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from growth.chat import cards, slack, slack_configured, teams
from growth.chat.slack import ChatError
from growth.models import (
    ChannelPost,
    FeedbackNote,
    LearningSession,
    PostKind,
    PostTarget,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    Sentiment,
    SessionStatus,
    Visibility,
)
from growth.reminders import delivery

logger = logging.getLogger(__name__)


# --- recording -----------------------------------------------------------------------


def _destinations(team_ids) -> list[tuple[str, str, int | None]]:
    """(target, destination, team id) for every channel that hears about an
    event of the teams ``team_ids`` (None: every team)."""
    found = []
    if slack_configured() and settings.SLACK_PUBLIC_CHANNEL:
        channel = settings.SLACK_PUBLIC_CHANNEL
        found.append((PostTarget.SLACK_CHANNEL, f"slack:{channel}", None))
    hooked = Team.objects.exclude(teams_webhook_url="")
    if team_ids is not None:
        hooked = hooked.filter(pk__in=team_ids)
    for team_id in hooked.order_by("pk").values_list("pk", flat=True):
        found.append((PostTarget.TEAMS, f"teams:{team_id}", team_id))
    return found


def channel_posts_record(
    *,
    kind: str,
    key: str,
    payload: dict,
    now: datetime.datetime,
    team_ids=None,
    slack_channel: bool = True,
) -> list[ChannelPost]:
    """Record a post about one event for each channel that hears of it, and
    publish them after the commit; return the rows written now.

    Call it inside the transaction that makes the event. The same ``key``
    twice writes nothing more.
    """
    rows = [
        ChannelPost(
            target=target,
            destination=destination,
            team_id=team_id,
            kind=kind,
            key=key,
            payload=payload,
            created_at=now,
            next_attempt_at=Now(),
        )
        for target, destination, team_id in _destinations(team_ids)
        if slack_channel or target != PostTarget.SLACK_CHANNEL
    ]
    if not rows:
        return []
    there = set(
        ChannelPost.objects.filter(
            kind=kind, key=key, destination__in=[r.destination for r in rows]
        ).values_list("destination", flat=True)
    )
    new = [r for r in rows if r.destination not in there]
    ChannelPost.objects.bulk_create(new, ignore_conflicts=True)
    ids = list(
        ChannelPost.objects.filter(
            kind=kind,
            key=key,
            destination__in=[r.destination for r in new],
            status=ReminderStatus.PENDING,
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return new


def praise_posts_record(*, note: FeedbackNote, now: datetime.datetime) -> list:
    """Public praise, to the public Slack channel and the praised engineer's
    team's Teams channel. Names, kind and competency: never the line itself."""
    if not (
        note.public
        and note.sentiment == Sentiment.PRAISE
        and note.visibility == Visibility.SHARED
    ):
        return []
    payload = {
        "engineer_name": str(note.engineer),
        "author_name": str(note.author) if note.author else "A former employee",
        "kind": note.get_kind_display().lower(),
        "competency": str(note.competency) if note.competency_id else "",
        "logged_on": (note.created_at or now).date().isoformat(),
        "path": reverse("praise-wall"),
    }
    team_ids = [note.engineer.team_id] if note.engineer.team_id else []
    return channel_posts_record(
        kind=PostKind.PRAISE,
        key=f"note-{note.pk}",
        payload=payload,
        now=now,
        team_ids=team_ids,
    )


def _session_payload(session: LearningSession) -> dict:
    local = session.starts_at.astimezone(datetime.UTC)
    zone = getattr(settings, "TIME_ZONE", "UTC")
    if zone != "UTC":
        import zoneinfo

        local = session.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    return {
        "title": session.title,
        "leader_name": str(session.leader),
        "starts_on": local.date().isoformat(),
        "starts_at_time": f"{local:%H:%M}",
        "time_zone": zone,
        "path": reverse("session-detail", args=[session.pk]),
    }


def session_posts_record(
    *, session: LearningSession, now: datetime.datetime
) -> list[ChannelPost]:
    """A newly scheduled session, to the public Slack channel and every team's
    Teams channel: sessions are open to everyone."""
    return channel_posts_record(
        kind=PostKind.SESSION_SCHEDULED,
        key=f"session-{session.pk}",
        payload=_session_payload(session),
        now=now,
    )


def team_digests_record(*, now: datetime.datetime) -> int:
    """On the weekly digest's weekday, from its send hour (the site's time
    zone: a team has no zone of its own), record each hooked team's digest
    for the week; return how many were written now.

    Team-level counts only, what anyone in the team may see: how many
    engineers, how much public praise they got this week, how many learning
    sessions (open to all) are coming. No name, no private count.
    """
    rule = ReminderRule.objects.filter(
        kind=ReminderKind.WEEKLY_DIGEST, enabled=True
    ).first()
    if rule is None:
        return 0
    local = now.astimezone(datetime.UTC)
    if settings.TIME_ZONE != "UTC":
        import zoneinfo

        local = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if local.weekday() != rule.digest_weekday or local.hour < rule.send_hour:
        return 0
    year, week, _day = local.isocalendar()
    key = f"{year}-W{week:02d}"
    hooked = Team.objects.exclude(teams_webhook_url="").exclude(
        channel_posts__kind=PostKind.TEAM_DIGEST, channel_posts__key=key
    )
    week_ago = now - datetime.timedelta(days=7)
    teams_now = list(
        hooked.annotate(
            engineers_now=Count(
                "engineers", filter=Q(engineers__is_active=True), distinct=True
            ),
        ).order_by("pk")
    )
    if not teams_now:
        return 0
    praise = dict(
        FeedbackNote.objects.filter(
            engineer__team__in=teams_now,
            public=True,
            sentiment=Sentiment.PRAISE,
            visibility=Visibility.SHARED,
            created_at__gte=week_ago,
            created_at__lt=now,
        )
        .values_list("engineer__team_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sessions = LearningSession.objects.filter(
        status=SessionStatus.SCHEDULED,
        starts_at__gte=now,
        starts_at__lt=now + datetime.timedelta(days=7),
    ).count()
    written = 0
    for team in teams_now:
        payload = {
            "team_name": team.name,
            "week_of": local.date().isoformat(),
            "engineers": team.engineers_now,
            "praise_count": praise.get(team.pk, 0),
            "sessions": sessions,
            "path": reverse("session-list"),
        }
        written += len(
            channel_posts_record(
                kind=PostKind.TEAM_DIGEST,
                key=key,
                payload=payload,
                now=now,
                team_ids=[team.pk],
                slack_channel=False,
            )
        )
    return written


# --- publishing ----------------------------------------------------------------------


def enqueue(ids, *, timeout=delivery.PUBLISH_TIMEOUT) -> int:
    from growth.tasks import send_channel_post

    return delivery.enqueue(
        ids, timeout=timeout, task=send_channel_post, model=ChannelPost
    )


def _due(*, at=None):
    moment = Now() if at is None else at
    return ChannelPost.objects.filter(status=ReminderStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment)
    )


def requeue(*, timeout=delivery.PUBLISH_TIMEOUT) -> int:
    """Hand back posts whose worker died, then publish those due; as the
    reminders' ``requeue`` does, by the database's clock."""
    waiting = [ReminderStatus.PENDING, ReminderStatus.SENDING]
    if not ChannelPost.objects.filter(status__in=waiting).exists():
        return 0  # the usual case: one cheap look, no writes
    with transaction.atomic():
        marked = delivery.database_now()
        stale = ChannelPost.objects.filter(
            status=ReminderStatus.SENDING,
            claimed_at__lt=marked - delivery.claim_timeout(),
        )
        stale.filter(attempts__gte=delivery.max_attempts()).update(
            status=ReminderStatus.FAILED,
            last_error="The worker stopped while posting it, too many times.",
        )
        stale.update(status=ReminderStatus.PENDING, next_attempt_at=None)
        _due(at=marked - delivery.republish_after()).update(next_attempt_at=marked)
        ids = list(
            ChannelPost.objects.filter(
                status=ReminderStatus.PENDING, next_attempt_at=marked
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return enqueue(ids, timeout=timeout)


def retry_failed(ids) -> int:
    """Give failed and ambiguous posts a fresh set of attempts and publish
    them; return how many. A person's decision, as for the reminders: an
    ambiguous post may appear twice."""
    return delivery.retry_rows(ChannelPost, ids, publish=enqueue)


# --- sending -------------------------------------------------------------------------


def _finish(post: ChannelPost, **fields) -> bool:
    """Write the outcome while the claim is still ours (its attempt, SENDING)."""
    written = delivery._on_a_fresh_connection(
        lambda: ChannelPost.objects.filter(
            pk=post.pk, attempts=post.attempts, status=ReminderStatus.SENDING
        ).update(**fields)
    )
    if not written:
        logger.warning("Channel post %s: its claim was taken back first", post.pk)
    return bool(written)


def deliver_post(post_id: int) -> str | None:
    """Post one channel post if it is pending and due; return its new status.

    None when it is not ours to send (sent, being sent, waiting, gone). Raises
    ``delivery.RetryLater`` after a passing failure.
    """
    claimed = (
        _due()
        .filter(pk=post_id)
        .update(
            status=ReminderStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=Now(),
        )
    )
    if claimed != 1:
        return None
    post = ChannelPost.objects.select_related("team").get(pk=post_id)
    reason = _no_longer_true(post)
    if reason:
        logger.info("Channel post %s skipped: %s", post.pk, reason)
        return _give_up(post, reason, status=ReminderStatus.SKIPPED)
    try:
        if post.target == PostTarget.TEAMS:
            url = post.team.teams_webhook_url if post.team else ""
            if not url:
                return _give_up(post, "The team has no Teams webhook any more.")
            teams.post_card(url, cards.teams_card(post))
        else:
            if not slack_configured():
                return _give_up(post, "Slack is not configured any more.")
            channel = post.destination.removeprefix("slack:")
            slack.channel_message(channel, text=cards.slack_post_text(post))
    except ChatError as error:
        return _failed_to_send(post, error)
    except Exception as error:  # a bug in building the card: retrying won't help
        logger.exception("Channel post %s could not be built", post.pk)
        return _give_up(post, f"{type(error).__name__}: {error}")
    logger.info("Channel post %s sent [attempt %s]", post.pk, post.attempts)
    _finish(post, status=ReminderStatus.SENT, sent_at=Now())
    return ReminderStatus.SENT


def _no_longer_true(post: ChannelPost) -> str:
    """Why a post must not go out, or "" when it may.

    Recorded with its event, a post may wait (a 429, a backoff, the broker
    down, a retry from the admin) while the event changes: praise deleted or
    made private, a session cancelled, moved or already begun. Checked again
    here, as the reminders check theirs; a session still to come is posted
    as it stands now.
    """
    if post.kind == PostKind.PRAISE:
        return _praise_gone(post)
    if post.kind == PostKind.SESSION_SCHEDULED:
        return _session_gone(post)
    return ""


def _praise_gone(post: ChannelPost) -> str:
    note_id = post.key.removeprefix("note-")
    still_public = note_id.isdigit() and (
        FeedbackNote.objects.filter(  # the live notes: a deleted one is gone
            pk=int(note_id),
            public=True,
            sentiment=Sentiment.PRAISE,
            visibility=Visibility.SHARED,
        ).exists()
    )
    return "" if still_public else "The praise was deleted or is no longer public."


def _session_gone(post: ChannelPost) -> str:
    session_id = post.key.removeprefix("session-")
    session = (
        LearningSession.objects.select_related("leader__user")
        .filter(pk=int(session_id) if session_id.isdigit() else None)
        .first()
    )
    if session is None or session.status != SessionStatus.SCHEDULED:
        return "The session was cancelled or is no longer scheduled."
    if session.starts_at <= timezone.now():
        return "The session has already begun."
    fresh = _session_payload(session)
    if fresh != post.payload:
        # A new time or title meanwhile: recorded before it goes, never after
        # (an erasure may unname the row while it is being sent).
        ChannelPost.objects.filter(pk=post.pk).update(payload=fresh)
        post.payload = fresh
    return ""


def _give_up(post: ChannelPost, reason: str, status=ReminderStatus.FAILED) -> str:
    _finish(post, status=status, last_error=delivery._history(post, reason))
    return status


def _failed_to_send(post: ChannelPost, error: ChatError) -> str:
    if error.ambiguous:
        return _give_up(
            post,
            f"Ambiguous: {error.reason}. It may have been posted, so it is not "
            "posted again unless someone retries it.",
            status=ReminderStatus.AMBIGUOUS,
        )
    if error.permanent or post.attempts >= delivery.max_attempts():
        return _give_up(post, error.reason)
    wait = slack.seconds_until(error.retry_after, delivery.backoff(post.attempts))
    _finish(
        post,
        status=ReminderStatus.PENDING,
        last_error=delivery._history(
            post, f"{error.reason}; trying again in {int(wait.total_seconds())} s"
        ),
        next_attempt_at=Now() + wait,
    )
    raise delivery.RetryLater(
        min(int(wait.total_seconds()), settings.REMINDER_RETRY_MAX_SECONDS)
    )
