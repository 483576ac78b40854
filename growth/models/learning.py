"""Learning time: learning days, hackathons, sessions led by seniors, courses."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from growth.models import limits
from growth.models.limits import LimitedCharField, LimitedTextField, within_limits


class LearningKind(models.TextChoices):
    LEARNING_DAY = "learning_day", "Learning day"
    HACKATHON = "hackathon", "Hackathon"
    LEARNING_SESSION = "learning_session", "Learning session"
    COURSE = "course", "Course"
    READING = "reading", "Reading"
    CONFERENCE = "conference", "Conference"


# Organisation-wide events: everyone may see them and who took part.
PUBLIC_LEARNING_KINDS = (LearningKind.LEARNING_SESSION, LearningKind.HACKATHON)


class LearningActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.learning_visible_to(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.learning_editable_by(user, self)


class LearningActivity(models.Model):
    """Time spent learning, by one engineer or many together."""

    kind = models.CharField(max_length=20, choices=LearningKind.choices)
    title = LimitedCharField(max_length=limits.LEARNING_TITLE)
    description = LimitedTextField(max_length=limits.LEARNING_DESCRIPTION, blank=True)
    date = models.DateField(default=timezone.localdate, db_index=True)
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        help_text="Hours each attendee spent, e.g. 7.5 for a full day.",
    )
    led_by = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_led",
        help_text="Who ran the session, if anyone.",
    )
    attendees = models.ManyToManyField(
        "growth.Engineer",
        through="growth.Attendance",
        related_name="learning_activities",
        blank=True,
    )
    goal = models.ForeignKey(
        "growth.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_activities",
    )
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_activities",
        help_text="The competency it grew, so it counts as evidence there.",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "learning activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal("0")) & Q(hours__lte=Decimal("200")),
                name="learning_hours_range",
                violation_error_message="Hours must be more than 0 and at most 200.",
            ),
            within_limits(
                "learning_text_within_limits",
                title=limits.LEARNING_TITLE,
                description=limits.LEARNING_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


class AttendanceQuerySet(models.QuerySet):
    def of_visible_to(self, user, engineer_id: int):
        """One engineer's attendances of activities ``user`` may see."""
        from growth import policy

        return policy.attendances_visible_to(user, engineer_id, self)


class Attendance(models.Model):
    """One engineer's attendance of one activity: the rows behind
    ``LearningActivity.attendees``, in the table Django made for them."""

    learningactivity = models.ForeignKey(
        LearningActivity, on_delete=models.CASCADE, related_name="attendances"
    )
    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="attendances"
    )
    date = models.DateField(
        help_text="The activity's date, kept equal to it by the services and the "
        "admin: it lets one engineer's attendances in a period be read without the "
        "activities."
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        db_table = "growth_learningactivity_attendees"
        indexes = [
            # One engineer's attendances in a period, for the dashboard's hours
            # per month. With the activity in the key too, the join behind
            # ``filter(attendees=…)`` is answered from the index alone.
            models.Index(
                fields=["engineer", "date", "learningactivity"],
                name="attendance_engineer_date",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["learningactivity", "engineer"], name="attendance_once"
            ),
        ]

    def __str__(self):
        return f"Engineer {self.engineer_id} at activity {self.learningactivity_id}"
