"""Engineers, the reporting lines between them, mentorships and competencies."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.models import limits
from growth.models.limits import LimitedCharField, within_limits


class EngineerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user):
        """Engineers whose growth ``user`` may see: themselves, reports, mentees."""
        from growth import policy

        return policy.engineers_visible_to(user, self)

    def reports_of(self, user):
        """Engineers who report directly to ``user``."""
        return self.filter(manager__user=user)


class Engineer(models.Model):
    """One per person: where they sit and who they report to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engineer"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="engineers"
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The engineer this person reports to.",
    )
    level = models.ForeignKey(
        "growth.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engineers",
        help_text="Their level on a track of the career framework; the level names "
        "the track.",
    )
    level_since = models.DateField(
        "at this level since",
        null=True,
        blank=True,
        help_text="When the level took effect; the history keeps each change.",
    )
    shares_assessments_with_mentors = models.BooleanField(
        "mentors read my assessments",
        default=False,
        help_text="Lets their active mentors read their framework assessments and "
        "readiness.",
    )
    title = LimitedCharField(
        max_length=limits.ENGINEER_TITLE, blank=True, help_text="e.g. Backend engineer"
    )
    start_date = models.DateField(default=timezone.localdate)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive engineers get no reminders."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EngineerQuerySet.as_manager()
    # Reporting lines change over time: each version of a person's place is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__display_name"]
        # Staff who may hand over or destroy everything about a person, in the
        # admin: more than seeing or deleting the profile.
        permissions = [
            (
                "export_personal_data",
                "Can export everything about a person (subject access)",
            ),
            ("erase_person", "Can erase a person who left"),
            # Staff who read the organisation insight of every team (counts only).
            ("view_org_insight", "Can view organisation insight for every team"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")),
                name="engineer_not_own_manager",
                violation_error_message="An engineer cannot be their own manager.",
            ),
            within_limits("engineer_text_within_limits", title=limits.ENGINEER_TITLE),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def name(self) -> str:
        return str(self.user)

    @property
    def track(self):
        """The track of their level, or None before a level is set."""
        return self.level.track if self.level_id else None

    def clean(self):
        super().clean()
        if self.manager_id is None:
            return
        if self.pk is not None and self.manager_id == self.pk:
            raise ValidationError(
                {"manager": "An engineer cannot be their own manager."}
            )
        # Walk up the chain from the proposed manager; meeting ourselves is a loop.
        seen = set()
        current = self.manager_id
        while current is not None and current not in seen:
            if current == self.pk:
                raise ValidationError(
                    {
                        "manager": "This would make a loop: the manager already reports "
                        "(directly or indirectly) to this engineer."
                    }
                )
            seen.add(current)
            current = (
                Engineer.objects.filter(pk=current)
                .values_list("manager_id", flat=True)
                .first()
            )


def end_mentorship(collector, field, sub_objs, using):
    """``on_delete`` of a mentorship's mentor: a mentor who goes ends their
    mentorships, which stay with no mentor named, because the mentee's
    check-ins in them are the mentee's. One that has not begun ends on its
    first day."""
    end = getattr(collector, "mentorship_end", None)
    if end is None:
        # One update for every batch of the deletion, registered before the
        # mentor is emptied: the updates run in the order first registered, and
        # a mentorship without a mentor must have ended.
        end = Coalesce(
            F("ended_on"), Greatest(Value(timezone.localdate()), F("started_on"))
        )
        collector.mentorship_end = end
    collector.add_field_update(field.model._meta.get_field("ended_on"), end, sub_objs)
    collector.add_field_update(field, None, sub_objs)


class MentorshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)

    def coaching(self):
        """Mentorships whose mentee is themselves an active mentor."""
        return self.filter(
            Exists(Mentorship.objects.active().filter(mentor_id=OuterRef("mentee_id")))
        )

    def visible_to(self, user):
        from growth import policy

        return policy.mentorships_visible_to(user, self)


class Mentorship(models.Model):
    """A mentor helps a mentee; when the mentee mentors others it is coaching."""

    mentor = models.ForeignKey(
        Engineer,
        on_delete=end_mentorship,
        null=True,
        blank=True,
        related_name="mentorships_as_mentor",
        help_text="Empty when the mentor has left and been erased: the mentee's "
        "check-ins with them stay.",
    )
    mentee = models.ForeignKey(
        Engineer, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="Set when the mentorship ends; empty while active.",
    )
    focus = LimitedCharField(
        max_length=limits.MENTORSHIP_FOCUS,
        blank=True,
        help_text="What the mentorship is about.",
    )
    cadence_days = models.PositiveSmallIntegerField(
        "check-in cadence (days)",
        default=14,
        help_text="How often mentor and mentee should check in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorshipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")),
                name="mentorship_mentor_not_mentee",
                violation_error_message="A mentor cannot mentor themselves.",
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(ended_on__isnull=True),
                name="mentorship_one_active_per_pair",
                violation_error_message="These two already have an active mentorship.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="mentorship_ends_after_start",
                violation_error_message="A mentorship cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(mentor__isnull=False) | Q(ended_on__isnull=False),
                name="mentorship_without_mentor_has_ended",
                violation_error_message="A mentorship without a mentor has ended.",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1) & Q(cadence_days__lte=365),
                name="mentorship_cadence_range",
                violation_error_message="The check-in cadence must be 1 to 365 days.",
            ),
            within_limits(
                "mentorship_text_within_limits", focus=limits.MENTORSHIP_FOCUS
            ),
        ]

    def __str__(self):
        return f"{self.mentor or 'A former employee'} → {self.mentee}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def is_coaching(self) -> bool:
        return Mentorship.objects.active().filter(mentor_id=self.mentee_id).exists()

    def clean(self):
        super().clean()
        if self.mentor_id and self.mentor_id == self.mentee_id:
            raise ValidationError({"mentee": "A mentor cannot mentor themselves."})
        # Ended today at the latest; one that never started ends on its first
        # day (as when its mentor leaves before it begins).
        if self.ended_on and self.ended_on > max(
            timezone.localdate(), self.started_on or timezone.localdate()
        ):
            raise ValidationError(
                {
                    "ended_on": "A mentorship ends on the day it is ended, not in the future."
                }
            )
