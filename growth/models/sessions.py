"""Learning sessions and hackathons as events: planned, signed up to, held.

The event is the plan; ``LearningActivity`` stays the one record of learning
time. Once a session or hackathon is held, the services record one activity
for it (its leader and attendees, its hours), so the dashboards, the exports
and the organisation's figures read sessions from the same log as the rest.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models.limits import LimitedCharField, LimitedTextField, within_limits

SESSION_TITLE = 200
SESSION_DESCRIPTION = 5_000
SESSION_PLACE = 200
# "Was it useful?" and one line: a sentence, not an essay.
SESSION_FEEDBACK_LINE = 300
HACKATHON_TITLE = 200
HACKATHON_THEME = 200
HACKATHON_TEAM_NAME = 100
DEMO_TITLE = 200
DEMO_LINK = 500
DEMO_SUMMARY = 2_000

MAX_CAPACITY = 500
MAX_DURATION_MINUTES = 8 * 60


class TopicKind(models.TextChoices):
    TECHNICAL = "technical", "Technical skill"
    INTERPERSONAL = "interpersonal", "Interpersonal skill"
    CAREER = "career", "Career management"


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class LearningSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.sessions_visible_to(user, self)

    def led_by(self, user):
        from growth import policy

        return policy.sessions_led_by(user, self)


class LearningSession(models.Model):
    """A session someone leads for others, on a topic, at a time and place."""

    leader = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="led_sessions"
    )
    title = LimitedCharField(max_length=SESSION_TITLE)
    topic_kind = models.CharField(
        "topic", max_length=20, choices=TopicKind.choices, default=TopicKind.TECHNICAL
    )
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The skill it teaches; none for career management.",
    )
    description = LimitedTextField(max_length=SESSION_DESCRIPTION, blank=True)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    place = LimitedCharField(
        max_length=SESSION_PLACE, blank=True, help_text="A room, or a call's link."
    )
    capacity = models.PositiveSmallIntegerField(default=20)
    for_newcomers = models.BooleanField(
        default=False, help_text="Suited to people who joined recently."
    )
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.PROPOSED
    )
    activity = models.OneToOneField(
        "growth.LearningActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session",
        help_text="The learning recorded when it was held.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LearningSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_CAPACITY),
                name="session_capacity_range",
                violation_error_message=f"Capacity must be 1 to {MAX_CAPACITY}.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15)
                & Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="session_duration_range",
                violation_error_message="A session lasts 15 minutes to 8 hours.",
            ),
            within_limits(
                "session_text_within_limits",
                title=SESSION_TITLE,
                description=SESSION_DESCRIPTION,
                place=SESSION_PLACE,
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("session-detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def topic_label(self) -> str:
        if self.topic_kind == TopicKind.CAREER or self.competency_id is None:
            return self.get_topic_kind_display()
        return str(self.competency)

    @property
    def is_open(self) -> bool:
        """Whether it is still to come: proposed or scheduled."""
        return self.status in (SessionStatus.PROPOSED, SessionStatus.SCHEDULED)


class SessionSignup(models.Model):
    """One person's place at a session; ``attended`` is set once it was held."""

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="signups"
    )
    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="session_signups"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(
        null=True, blank=True, help_text="Empty until the leader confirms attendance."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "engineer"], name="session_signup_once"
            ),
        ]

    def __str__(self):
        return f"Engineer {self.engineer_id} at session {self.session_id}"


class SessionFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.session_feedback_visible_to(user, self)


class SessionFeedback(models.Model):
    """An attendee's word on a session: useful or not, and one line, for its
    leader."""

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="feedback"
    )
    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="session_feedback"
    )
    useful = models.BooleanField()
    line = LimitedCharField(max_length=SESSION_FEEDBACK_LINE, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "session feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "engineer"], name="session_feedback_once"
            ),
            within_limits("session_feedback_within_limits", line=SESSION_FEEDBACK_LINE),
        ]

    def __str__(self):
        return f"Feedback by engineer {self.engineer_id} on session {self.session_id}"


class Hackathon(models.Model):
    """A hackathon: a theme, some days, teams that demo what they built."""

    title = LimitedCharField(max_length=HACKATHON_TITLE)
    theme = LimitedCharField(max_length=HACKATHON_THEME, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    organiser = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="hackathons_organised"
    )
    held = models.BooleanField(default=False)
    activity = models.OneToOneField(
        "growth.LearningActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hackathon",
        help_text="The learning recorded when it was held.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="hackathon_ends_after_start",
                violation_error_message="A hackathon ends on or after its first day.",
            ),
            within_limits(
                "hackathon_text_within_limits",
                title=HACKATHON_TITLE,
                theme=HACKATHON_THEME,
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("hackathon-detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class HackathonTeam(models.Model):
    """A team at a hackathon, its members and the demo they gave."""

    hackathon = models.ForeignKey(
        Hackathon, on_delete=models.CASCADE, related_name="teams"
    )
    name = LimitedCharField(max_length=HACKATHON_TEAM_NAME)
    members = models.ManyToManyField(
        "growth.Engineer", related_name="hackathon_teams", blank=True
    )
    demo_title = LimitedCharField(max_length=DEMO_TITLE, blank=True)
    # A web address: the demo form checks it is one (http or https).
    demo_link = LimitedCharField(max_length=DEMO_LINK, blank=True)
    demo_summary = LimitedTextField(max_length=DEMO_SUMMARY, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hackathon", "name"], name="hackathon_team_name_once"
            ),
            within_limits(
                "hackathon_team_text_within_limits",
                name=HACKATHON_TEAM_NAME,
                demo_title=DEMO_TITLE,
                demo_link=DEMO_LINK,
                demo_summary=DEMO_SUMMARY,
            ),
        ]

    def __str__(self):
        return self.name
