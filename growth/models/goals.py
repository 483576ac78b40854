"""Growth goals and the check-ins that record progress on them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.models import limits
from growth.models.limits import LimitedCharField, LimitedTextField, within_limits


class GoalKind(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    INTERPERSONAL = "interpersonal", "Interpersonal"
    CAREER = "career", "Career"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    ABANDONED = "abandoned", "Abandoned"


# A goal is at risk when it is active and either overdue, or due within
# GOAL_DUE_SOON and untouched (no edit, no check-in) for GOAL_STALE_AFTER.
GOAL_DUE_SOON = datetime.timedelta(days=14)
GOAL_STALE_AFTER = datetime.timedelta(days=14)


def goal_is_at_risk(
    *,
    target_on: datetime.date | None,
    touched: datetime.datetime,
    today: datetime.date,
    now: datetime.datetime,
) -> bool:
    """``GoalQuerySet.at_risk``'s rule for one active goal, in Python: for a
    sweep that judges many people's goals, each on their own date."""
    if target_on is None:
        return False
    if target_on < today:
        return True
    return target_on <= today + GOAL_DUE_SOON and touched < now - GOAL_STALE_AFTER


class GoalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=GoalStatus.ACTIVE)

    def at_risk(self, *, now: datetime.datetime, today: datetime.date):
        """Active goals overdue, or due within 14 days and not updated (edited
        or checked in on) for 14 days: the team page's and the reminders' rule
        (``goal_is_at_risk`` says it for one goal).

        ``today`` is the viewer's date, ``now`` the moment staleness counts from.
        """
        stale_since = now - GOAL_STALE_AFTER
        checked_in_lately = GoalCheckIn.objects.filter(
            goal=OuterRef("pk"), created_at__gte=stale_since
        )
        return self.active().filter(
            Q(target_date__lt=today)
            | (
                Q(target_date__lte=today + GOAL_DUE_SOON, updated_at__lt=stale_since)
                & ~Exists(checked_in_lately)
            )
        )

    def visible_to(self, user):
        from growth import policy

        return policy.goals_visible_to(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.goals_editable_by(user, self)

    def checkinable_by(self, user):
        """Goals ``user`` may record progress on: engineer, manager, mentors."""
        from growth import policy

        return policy.goals_visible_to(user, self)


class Goal(models.Model):
    """Something an engineer wants to get better at, by a target date."""

    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="goals"
    )
    title = LimitedCharField(max_length=limits.GOAL_TITLE)
    description = LimitedTextField(max_length=limits.GOAL_DESCRIPTION, blank=True)
    kind = models.CharField(max_length=20, choices=GoalKind.choices)
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
    )
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    progress = models.PositiveSmallIntegerField(
        default=0, help_text="How far along, from 0 to 100 per cent."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [
            models.Index(fields=["engineer", "status"], name="goal_engineer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="goal_progress_0_100",
                violation_error_message="Progress must be between 0 and 100.",
            ),
            within_limits(
                "goal_text_within_limits",
                title=limits.GOAL_TITLE,
                description=limits.GOAL_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.progress is not None and not 0 <= self.progress <= 100:
            raise ValidationError({"progress": "Progress must be between 0 and 100."})
        if (
            self.competency_id
            and self.kind in (GoalKind.TECHNICAL, GoalKind.INTERPERSONAL)
            and self.competency.kind != self.kind
        ):
            raise ValidationError(
                {"competency": f"{self.competency} is not a {self.kind} competency."}
            )
        if self.title is not None and not self.title.strip():
            raise ValidationError({"title": "Give the goal a title."})


class GoalCheckInQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.goal_check_ins_visible_to(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.goal_check_ins_editable_by(user, self)


class GoalCheckIn(models.Model):
    """Progress on a goal at a point in time; the dashboard draws these."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(help_text="0 to 100 per cent.")
    note = LimitedTextField(max_length=limits.GOAL_CHECK_IN_NOTE, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GoalCheckInQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "goal check-in"
        indexes = [
            models.Index(fields=["goal", "created_at"], name="goalcheckin_goal_time")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="goalcheckin_progress_0_100",
                violation_error_message="Progress must be between 0 and 100.",
            ),
            within_limits(
                "goalcheckin_text_within_limits", note=limits.GOAL_CHECK_IN_NOTE
            ),
        ]

    def __str__(self):
        return f"{self.goal}: {self.progress}% on {self.created_at:%Y-%m-%d}"
