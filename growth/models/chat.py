"""Chat delivery: who each person is on Slack, and the outbox of posts to a
channel (Slack's public channel, a team's Microsoft Teams channel)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models.reminders import ReminderStatus


class SlackIdentity(models.Model):
    """A person's Slack user id, looked up by their email and kept.

    In growth rather than on ``accounts.User``: sign-in knows nothing of Slack,
    and the email it was found with is kept beside it, so a changed email (or
    a send that says the id is gone) looks it up again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slack"
    )
    email = models.EmailField(help_text="The email the id was looked up with.")
    slack_user_id = models.CharField(max_length=32)
    looked_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Slack identity"
        verbose_name_plural = "Slack identities"

    def __str__(self):
        return f"{self.user} on Slack ({self.slack_user_id})"


class PostTarget(models.TextChoices):
    SLACK_CHANNEL = "slack_channel", "Slack public channel"
    TEAMS = "teams", "Microsoft Teams (a team's channel)"


class PostKind(models.TextChoices):
    PRAISE = "praise", "Public praise"
    SESSION_SCHEDULED = "session_scheduled", "Learning session scheduled"
    TEAM_DIGEST = "team_digest", "Weekly team digest"


class ChannelPost(models.Model):
    """One post to one channel about one event: the outbox for channels.

    Unique on (destination, kind, key): a second sweep, a retried request or
    a duplicated task finds the row and posts nothing more. Claimed and
    finished exactly as a ``Reminder`` is (growth/chat/outbox.py). Its payload
    is what the whole team may see: names, counts, dates and links.
    """

    target = models.CharField(max_length=20, choices=PostTarget.choices)
    # "slack:<channel>" or "teams:<team id>": what the uniqueness is over.
    destination = models.CharField(max_length=120)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channel_posts",
    )
    kind = models.CharField(max_length=30, choices=PostKind.choices)
    key = models.CharField(max_length=64, help_text="e.g. note-12 or 2026-W48.")
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "kind", "key"],
                name="channelpost_once_per_event",
                violation_error_message="This post was already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="channelpost_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.destination} ({self.key})"
