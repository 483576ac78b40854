"""What reminds people: the rules admins tune, the log of what was sent,
each person's preferences, and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models import limits
from growth.models.limits import LimitedTextField, within_limits


class ReminderKind(models.TextChoices):
    FEEDBACK_DUE = "feedback_due", "Feedback due"
    INTERPERSONAL_GAP = "interpersonal_gap", "Interpersonal feedback gap"
    CHECKIN_DUE = "checkin_due", "Mentoring check-in due"
    GOAL_DEADLINE = "goal_deadline", "Goal deadline"
    REQUEST_PENDING = "request_pending", "Feedback request pending"
    WEEKLY_DIGEST = "weekly_digest", "Weekly team digest"
    LEARNING_DAY = "learning_day", "Learning days"
    ASSESSMENT_DUE = "assessment_due", "Framework assessment due"


class EventKind(models.TextChoices):
    FEEDBACK_RECEIVED = "feedback_received", "Feedback received"
    FEEDBACK_REQUESTED = "feedback_requested", "Feedback requested"
    # A comment in the conversation of a note one may read.
    FEEDBACK_COMMENTED = "feedback_commented", "Comments on feedback"
    # For the author: the engineer read the note, or said whether it was actionable.
    FEEDBACK_ANSWERED = "feedback_answered", "Your feedback being read or rated"
    # In the app only: the other person of a pair added a talking point.
    AGENDA_ADDED = "agenda_added", "Talking point added"
    # In the app only: for a session's leader, attendees said how it went.
    SESSION_FEEDBACK = "session_feedback", "Feedback on a session you led"
    # For those signed up: the leader called the session off.
    SESSION_CANCELLED = "session_cancelled", "A session you signed up to cancelled"
    # The other side shared an assessment, or the manager shared readiness
    # for the next level.
    ASSESSMENT_SHARED = "assessment_shared", "An assessment shared with you"
    READINESS_SHARED = "readiness_shared", "Your readiness for the next level"


# Everything a person can be told about, swept reminder or event.
NOTICE_KIND_CHOICES = ReminderKind.choices + EventKind.choices
# Told in the app, never by email: no email switch for these.
IN_APP_ONLY = frozenset(
    {
        EventKind.AGENDA_ADDED,
        EventKind.SESSION_FEEDBACK,
    }
)
EMAIL_KIND_CHOICES = [c for c in NOTICE_KIND_CHOICES if c[0] not in IN_APP_ONLY]


class DeliveryChannel(models.TextChoices):
    """Where one outbox row goes: each channel has its own row, sent once."""

    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"


class ChannelChoice(models.TextChoices):
    """What a person picks per kind; stored as two switches (see ReminderPreference)."""

    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    BOTH = "both", "Email and Slack"
    NONE = "none", "Neither (in the app only)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# The defaults a fresh installation starts with (see the data migration).
DEFAULT_RULES = {
    ReminderKind.FEEDBACK_DUE: {
        "cadence_days": 14,
        "description": "A manager has given a report no feedback in this many days.",
    },
    ReminderKind.INTERPERSONAL_GAP: {
        "cadence_days": 60,
        "description": "A report has technical but no interpersonal feedback in this many days.",
    },
    ReminderKind.CHECKIN_DUE: {
        "cadence_days": 0,
        "description": "A mentorship has had no check-in within its own cadence, "
        "plus this many days of grace.",
    },
    ReminderKind.GOAL_DEADLINE: {
        "cadence_days": 7,
        "description": "A goal is due within this many days, or overdue, and has not "
        "been updated in that time.",
    },
    ReminderKind.REQUEST_PENDING: {
        "cadence_days": 3,
        "description": "Someone asked for feedback this many days ago (or its due date "
        "is this close) and it has not been given.",
    },
    ReminderKind.WEEKLY_DIGEST: {
        "cadence_days": 7,
        "description": "A manager's summary of their team, on the digest weekday.",
    },
    ReminderKind.LEARNING_DAY: {
        "cadence_days": 1,
        "description": "Engineers hear this many days before their team's learning "
        "day, once per learning day.",
    },
    ReminderKind.ASSESSMENT_DUE: {
        "cadence_days": 180,
        "description": "An engineer's latest shared self-assessment, or their "
        "manager's latest shared assessment of them, is this many days old (or "
        "there is none and they started this long ago); once a month while due.",
    },
}


class ReminderRule(models.Model):
    """How one kind of reminder behaves; admins tune these in the admin."""

    kind = models.CharField(max_length=30, choices=ReminderKind.choices, unique=True)
    enabled = models.BooleanField(default=True)
    cadence_days = models.PositiveSmallIntegerField(
        help_text="The number of days the rule counts with; see the description."
    )
    send_hour = models.PositiveSmallIntegerField(
        "local send hour",
        default=9,
        help_text="The hour (0–23) in each recipient's own time zone to send at.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text="The day the weekly digest goes out.",
    )
    description = LimitedTextField(
        max_length=limits.REMINDER_RULE_DESCRIPTION, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    last_swept_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a sweep last applied this rule; /healthz reports it.",
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(send_hour__gte=0) & Q(send_hour__lte=23),
                name="reminderrule_send_hour_0_23",
                violation_error_message="The send hour must be between 0 and 23.",
            ),
            models.CheckConstraint(
                condition=Q(digest_weekday__gte=0) & Q(digest_weekday__lte=6),
                name="reminderrule_weekday_0_6",
                violation_error_message="The weekday must be Monday (0) to Sunday (6).",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__lte=366),
                name="reminderrule_cadence_at_most_a_year",
                violation_error_message="The cadence can be at most 366 days.",
            ),
            within_limits(
                "reminderrule_text_within_limits",
                description=limits.REMINDER_RULE_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The connection was lost after the message was handed over: it may or may
    # not have arrived, so it is never resent without a person deciding to.
    AMBIGUOUS = "ambiguous", "Ambiguous (may have been delivered)"
    SKIPPED = "skipped", "Skipped (recipient opted out or left)"


class Reminder(models.Model):
    """One message to one person for one period on one channel: the log and
    the outbox.

    Unique on (recipient, kind, period key, channel), so it is never sent twice
    for the same period on the same channel: a second sweep finds the row and
    sends nothing. Email and Slack are two rows, each claimed and sent alone.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30, choices=NOTICE_KIND_CHOICES)
    period_key = models.CharField(
        max_length=64, help_text="e.g. 2026-W48 or 2026-11-25; one email per period."
    )
    channel = models.CharField(
        max_length=10, choices=DeliveryChannel.choices, default=DeliveryChannel.EMAIL
    )
    subject = models.CharField(max_length=255)
    payload = models.JSONField(
        default=dict,
        blank=True,
        help_text="Names, counts, dates and ids for the email; never a note's text.",
    )
    status = models.CharField(
        max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When the sweep may queue it (again); empty means at once.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="reminder_status_time")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period_key", "channel"],
                name="reminder_once_per_period_and_channel",
                violation_error_message="This reminder was already recorded for this period.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
                violation_error_message="A sent reminder needs its sent time.",
            ),
        ]

    def __str__(self):
        by = "" if self.channel == DeliveryChannel.EMAIL else f" on {self.channel}"
        return f"{self.get_kind_display()} to {self.recipient}{by} ({self.period_key})"


class ReminderPreference(models.Model):
    """A person's choice of channel for one kind; no row means the default
    (email, not Slack).

    Kept as one switch per channel rather than one four-valued field: the
    outbox asks one question per channel ("email off?", "Slack on?"), and the
    one-click email opt-out turns email off whatever Slack is set to.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preferences",
    )
    kind = models.CharField(max_length=30, choices=NOTICE_KIND_CHOICES)
    email_enabled = models.BooleanField(
        default=True, help_text="Unset to stop emails of this kind."
    )
    slack_enabled = models.BooleanField(
        default=False,
        help_text="Set to send this kind as a Slack direct message too "
        "(only while Slack is configured).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="preference_once_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} by {self.get_channel_display()}"

    @property
    def channel(self) -> str:
        return channel_of(email=self.email_enabled, slack=self.slack_enabled)

    def get_channel_display(self) -> str:
        return ChannelChoice(self.channel).label


def channel_of(*, email: bool, slack: bool) -> str:
    """The one choice two switches make."""
    if email and slack:
        return ChannelChoice.BOTH
    if slack:
        return ChannelChoice.SLACK
    return ChannelChoice.EMAIL if email else ChannelChoice.NONE


def switches_of(channel: str) -> tuple[bool, bool]:
    """(email, slack) for a channel choice."""
    return (
        channel in (ChannelChoice.EMAIL, ChannelChoice.BOTH),
        channel in (ChannelChoice.SLACK, ChannelChoice.BOTH),
    )


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def visible_to(self, user):
        from growth import policy

        return policy.notifications_visible_to(user, self)


class Notification(models.Model):
    """An in-app message: names, counts, dates and a link, never a note's text."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NOTICE_KIND_CHOICES)
    message = models.CharField(max_length=255)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=100,
        blank=True,
        help_text="Set by reminders, so a second sweep does not notify again.",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self):
        return self.message
