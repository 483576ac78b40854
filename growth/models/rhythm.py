"""The learning rhythm: a team's sprint cadence, and each engineer's plan for
a learning day and what they did on it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models.limits import LimitedCharField, LimitedTextField, within_limits
from growth.models.reminders import Weekday

MAX_SPRINT_WEEKS = 6
LEARNING_DAY_PLAN = 500
LEARNING_DAY_DONE = 2_000
MAX_LEARNING_DAY_HOURS = Decimal("24")

# A learning day falls on a working day.
LEARNING_WEEKDAYS = [choice for choice in Weekday.choices if choice[0] <= 4]


class SprintCadence(models.Model):
    """How a team works in sprints; its learning days are derived from it
    (``growth.rhythm``), never stored."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="cadence"
    )
    sprint_weeks = models.PositiveSmallIntegerField(
        "sprint length in weeks",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SPRINT_WEEKS)],
    )
    first_sprint_start = models.DateField(
        help_text="The first day of a sprint; every later sprint follows on from it."
    )
    learning_weekday = models.PositiveSmallIntegerField(
        "learning day",
        choices=LEARNING_WEEKDAYS,
        default=Weekday.MONDAY,
        help_text="The learning day is the first such weekday after each sprint ends.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sprint_weeks__gte=1)
                & Q(sprint_weeks__lte=MAX_SPRINT_WEEKS),
                name="cadence_sprint_weeks_1_6",
                violation_error_message="A sprint lasts from 1 to 6 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(learning_weekday__gte=0) & Q(learning_weekday__lte=4),
                name="cadence_learning_weekday_mon_fri",
                violation_error_message="The learning day is Monday to Friday.",
            ),
        ]

    def __str__(self):
        weeks = f"{self.sprint_weeks}-week" if self.sprint_weeks else "?-week"
        return f"{self.team}: {weeks} sprints"


class LearningDayPlanQuerySet(models.QuerySet):
    def visible_to(self, who):
        from growth import policy

        return policy.learning_day_plans_visible_to(who, self)

    def editable_by(self, who):
        from growth import policy

        return policy.learning_day_plans_editable_by(who, self)


class LearningDayPlan(models.Model):
    """What one engineer plans to learn on one learning day, and afterwards
    what they did: logging that records a learning activity of theirs."""

    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="learning_day_plans"
    )
    day = models.DateField()
    plan = LimitedCharField(
        "what I plan to learn", max_length=LEARNING_DAY_PLAN, blank=True
    )
    goal = models.ForeignKey(
        "growth.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_day_plans",
    )
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done = LimitedTextField("what I did", max_length=LEARNING_DAY_DONE, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    activity = models.ForeignKey(
        "growth.LearningActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The learning activity that logging what was done recorded.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningDayPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "day"],
                name="learning_day_plan_once",
                violation_error_message="There is already a plan for this day.",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True)
                | (Q(hours__gt=Decimal("0")) & Q(hours__lte=MAX_LEARNING_DAY_HOURS)),
                name="learning_day_hours_range",
                violation_error_message="Hours must be more than 0 and at most 24.",
            ),
            within_limits(
                "learning_day_text_within_limits",
                plan=LEARNING_DAY_PLAN,
                done=LEARNING_DAY_DONE,
            ),
        ]

    def __str__(self):
        return f"Engineer {self.engineer_id} on {self.day:%Y-%m-%d}"

    @property
    def logged(self) -> bool:
        return self.activity_id is not None
