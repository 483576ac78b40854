"""The career framework: tracks, their ordered levels, competencies grouped in
areas, what each level expects of each competency, and where an engineer stands
against it (assessments by themselves and their manager, and readiness for the
next level)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.models import limits
from growth.models.limits import LimitedCharField, LimitedTextField, within_limits


class Track(models.Model):
    """A career path: individual contributor, management, ML engineering …"""

    key = models.SlugField(
        max_length=40, unique=True, help_text="Stable name used by framework files."
    )
    name = LimitedCharField(max_length=limits.FRAMEWORK_NAME, unique=True)
    description = LimitedTextField(max_length=limits.FRAMEWORK_DESCRIPTION, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retired tracks are kept for the people and history on them.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            within_limits(
                "track_text_within_limits",
                name=limits.FRAMEWORK_NAME,
                description=limits.FRAMEWORK_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return self.name


class LevelQuerySet(models.QuerySet):
    def senior(self):
        return self.filter(is_senior=True)


class Level(models.Model):
    """One rung of a track, ordered by rank (1 is the first)."""

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="levels")
    key = models.SlugField(max_length=40, help_text="Stable within the track.")
    name = LimitedCharField(max_length=limits.FRAMEWORK_NAME)
    rank = models.PositiveSmallIntegerField(help_text="1 is the track's first level.")
    summary = LimitedTextField(max_length=limits.FRAMEWORK_DESCRIPTION, blank=True)
    is_senior = models.BooleanField(
        "senior",
        default=False,
        help_text="People at this level are counted as seniors: their technical "
        "leadership is shown and the sessions they lead count as senior-led.",
    )

    objects = LevelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["track__position", "track__name", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "key"],
                name="level_key_once_per_track",
                violation_error_message="This track already has a level with this key.",
            ),
            models.UniqueConstraint(
                fields=["track", "rank"],
                name="level_rank_once_per_track",
                violation_error_message="This track already has a level at this rank.",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1),
                name="level_rank_from_one",
                violation_error_message="Ranks start at 1.",
            ),
            within_limits(
                "level_text_within_limits",
                name=limits.FRAMEWORK_NAME,
                summary=limits.FRAMEWORK_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return f"{self.track.name}: {self.name}"

    def next_level(self):
        """The next rung of the same track, or None at the top."""
        return (
            Level.objects.filter(track_id=self.track_id, rank__gt=self.rank)
            .order_by("rank")
            .first()
        )


class CompetencyKind(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    INTERPERSONAL = "interpersonal", "Interpersonal"


class CompetencyArea(models.Model):
    """A group of competencies, e.g. "Delivery" or "People"."""

    key = models.SlugField(max_length=40, unique=True)
    name = LimitedCharField(max_length=limits.FRAMEWORK_NAME, unique=True)
    description = LimitedTextField(max_length=limits.FRAMEWORK_DESCRIPTION, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            within_limits(
                "competencyarea_text_within_limits",
                name=limits.FRAMEWORK_NAME,
                description=limits.FRAMEWORK_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return self.name


class Competency(models.Model):
    """A named skill that feedback, goals, requests and learning refer to."""

    key = models.SlugField(
        max_length=60, unique=True, help_text="Stable name used by framework files."
    )
    name = LimitedCharField(max_length=limits.COMPETENCY_NAME, unique=True)
    kind = models.CharField(max_length=20, choices=CompetencyKind.choices)
    area = models.ForeignKey(
        CompetencyArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competencies",
    )
    position = models.PositiveSmallIntegerField(default=0)
    description = LimitedTextField(max_length=limits.COMPETENCY_DESCRIPTION, blank=True)
    counts_mentoring = models.BooleanField(
        "mentoring is evidence",
        default=False,
        help_text="Mentoring check-ins someone held count as evidence for this one.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retired competencies are kept for the feedback and goals on them.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "competencies"
        constraints = [
            within_limits(
                "competency_text_within_limits",
                name=limits.COMPETENCY_NAME,
                description=limits.COMPETENCY_DESCRIPTION,
            ),
        ]

    def __str__(self):
        return self.name


class Expectation(models.Model):
    """What one level expects of one competency. A competency with no
    expectation at a level is not part of that level (or of its track)."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="expectations"
    )
    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="expectations"
    )
    statement = LimitedTextField(
        max_length=limits.EXPECTATION_STATEMENT,
        help_text="What someone at this level does, observably.",
    )
    examples = LimitedTextField(
        max_length=limits.EXPECTATION_EXAMPLES,
        blank=True,
        help_text="One example per line.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level__track__position", "level__rank", "competency__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"],
                name="expectation_once_per_level",
                violation_error_message="This competency already has an expectation "
                "at this level.",
            ),
            within_limits(
                "expectation_text_within_limits",
                statement=limits.EXPECTATION_STATEMENT,
                examples=limits.EXPECTATION_EXAMPLES,
            ),
        ]

    def __str__(self):
        return f"{self.competency} at {self.level}"

    @property
    def example_lines(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class AssessmentRole(models.TextChoices):
    SELF = "self", "Self-assessment"
    MANAGER = "manager", "Manager's assessment"


class Rating(models.TextChoices):
    BELOW = "below", "Below the expectation"
    MEETS = "meets", "Meets the expectation"
    EXCEEDS = "exceeds", "Exceeds the expectation"


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.assessments_visible_to(user, self)

    def shared(self):
        return self.filter(shared_at__isnull=False)


class Assessment(models.Model):
    """Where an engineer stands against their level, competency by
    competency, in the eyes of one person: themselves or their manager.

    A draft is read by its author only; once shared, the other side reads it
    (and the engineer's mentors, if the engineer lets them).
    """

    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="assessments"
    )
    role = models.CharField(max_length=10, choices=AssessmentRole.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="The level assessed against: the engineer's level when it began.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while a draft."
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "role"],
                condition=Q(shared_at__isnull=True),
                name="assessment_one_draft_per_role",
                violation_error_message="There is already a draft of this assessment.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["engineer", "role", "shared_at"], name="assessment_latest"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} of {self.engineer}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class AssessmentRating(models.Model):
    """One competency of an assessment: a rating, a sentence and evidence."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="ratings"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.CharField(max_length=10, choices=Rating.choices)
    comment = LimitedTextField(
        max_length=limits.ASSESSMENT_COMMENT,
        blank=True,
        help_text="A sentence on why.",
    )
    evidence_notes = models.ManyToManyField(
        "growth.FeedbackNote", blank=True, related_name="+"
    )
    evidence_goals = models.ManyToManyField("growth.Goal", blank=True, related_name="+")
    evidence_learning = models.ManyToManyField(
        "growth.LearningActivity", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["competency__position", "competency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"],
                name="rating_once_per_competency",
                violation_error_message="This competency is already rated here.",
            ),
            within_limits(
                "assessmentrating_text_within_limits",
                comment=limits.ASSESSMENT_COMMENT,
            ),
        ]

    def __str__(self):
        return f"{self.competency}: {self.get_rating_display()}"


class ReadinessStatus(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    GETTING_THERE = "getting_there", "Getting there"
    READY = "ready", "Ready"


class ReadinessQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.readiness_visible_to(user, self)


class Readiness(models.Model):
    """The manager's summary of an engineer's readiness for a level."""

    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="readiness"
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The level they are growing toward.",
    )
    status = models.CharField(
        max_length=20, choices=ReadinessStatus.choices, default=ReadinessStatus.NOT_YET
    )
    summary = LimitedTextField(max_length=limits.READINESS_SUMMARY)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until the manager shares it."
    )

    objects = ReadinessQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name_plural = "readiness summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "level"],
                name="readiness_once_per_level",
                violation_error_message="There is already a readiness summary for "
                "this level.",
            ),
            within_limits(
                "readiness_text_within_limits", summary=limits.READINESS_SUMMARY
            ),
        ]

    def __str__(self):
        return f"{self.engineer} toward {self.level}"

    def clean(self):
        super().clean()
        engineer_level = self.engineer.level if self.engineer_id else None
        if (
            engineer_level is not None
            and self.level_id
            and (
                self.level.track_id != engineer_level.track_id
                or self.level.rank <= engineer_level.rank
            )
        ):
            raise ValidationError(
                {"level": "Pick a level above theirs on the same track."}
            )


# The tracks and ranks Cultivate began with, before the framework was data:
# the demo, the bench and older people files name levels this way.
ENGINEERING, MANAGEMENT = "engineering", "management"
RANKS = {"junior": 1, "mid": 2, "senior": 3, "staff": 4, "principal": 5}


def levels_by_rank() -> dict[tuple[str, int], Level]:
    """Every level by (track key, rank): one query."""
    return {
        (level.track.key, level.rank): level
        for level in Level.objects.select_related("track")
    }
