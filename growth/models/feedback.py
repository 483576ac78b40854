"""Feedback notes, and requests for them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.models import limits
from growth.models.framework import CompetencyKind
from growth.models.limits import LimitedTextField, within_limits


class Sentiment(models.TextChoices):
    PRAISE = "praise", "Praise — keep doing this"
    CONSTRUCTIVE = "constructive", "Constructive — try this instead"


class Visibility(models.TextChoices):
    SHARED = "shared", "Shared with the engineer"
    MANAGER = "manager", "Manager only — the author and the engineer's manager"
    SELF = "self", "Note to self — only I see it"


# Feedback that counts as given: notes to self are private thoughts, not feedback.
GIVEN = (Visibility.SHARED, Visibility.MANAGER)
# Feedback shared with the engineer that they have not acknowledged yet.
UNACKNOWLEDGED = Q(visibility=Visibility.SHARED, acknowledged_at__isnull=True)

# What the author can no longer change once the engineer has answered a note:
# the engineer answered *this* feedback, so only its wording may still be fixed.
LOCKED_ONCE_ANSWERED = ("kind", "competency", "sentiment", "visibility", "goal")
CONVERSATION_FIXES_READERS = (
    "This note has a conversation, so who sees it can no longer change."
)

# The observation and the suggestion: what every note has, but praise in one line.
NOTE_PARTS = ("situation", "behaviour", "impact", "suggestion")
# A note's two shapes: the four parts written, or praise as one message.
FOUR_PARTS = Q(message="") & ~Q(
    Q(situation="") | Q(behaviour="") | Q(impact="") | Q(suggestion="")
)
ONE_LINE_PRAISE = ~Q(message="") & Q(
    sentiment=Sentiment.PRAISE, **dict.fromkeys(NOTE_PARTS, "")
)


def undo_window() -> datetime.timedelta:
    """How long the author of a deleted note may restore it."""
    return datetime.timedelta(days=settings.FEEDBACK_UNDO_DAYS)


class FeedbackNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        from growth import policy

        return policy.feedback_notes_visible_to(user, self)

    def editable_by(self, user):
        from growth import policy

        return policy.feedback_notes_editable_by(user, self)

    def answerable_by(self, user):
        """Notes ``user`` may acknowledge, reply to, rate and turn into a goal."""
        from growth import policy

        return policy.feedback_notes_answerable_by(user, self)

    def technical(self):
        return self.filter(kind=CompetencyKind.TECHNICAL)

    def interpersonal(self):
        return self.filter(kind=CompetencyKind.INTERPERSONAL)

    def unacknowledged(self):
        return self.filter(UNACKNOWLEDGED)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def restorable_by(self, user, *, now: datetime.datetime):
        """The notes ``user`` may still restore: theirs, deleted within the
        undo window. Call it on ``all_objects``: the default manager has none."""
        return (
            self.editable_by(user).deleted().filter(deleted_at__gte=now - undo_window())
        )


class LiveFeedbackNoteManager(models.Manager.from_queryset(FeedbackNoteQuerySet)):
    """The notes nobody has deleted: every page, count and email reads these."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class FeedbackNote(models.Model):
    """An observation about an engineer's work, with a concrete suggestion."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="feedback_given",
        help_text="Empty when the author has left and been erased.",
    )
    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="feedback_received"
    )
    kind = models.CharField(max_length=20, choices=CompetencyKind.choices)
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_notes",
    )
    sentiment = models.CharField(max_length=20, choices=Sentiment.choices)
    situation = LimitedTextField(
        max_length=limits.NOTE_PART,
        blank=True,
        help_text="When and where: the context you observed.",
    )
    behaviour = LimitedTextField(
        max_length=limits.NOTE_PART,
        blank=True,
        help_text="What they did or said, as you saw it.",
    )
    impact = LimitedTextField(
        max_length=limits.NOTE_PART,
        blank=True,
        help_text="What it changed for the team, the code or you.",
    )
    suggestion = LimitedTextField(
        max_length=limits.NOTE_PART,
        blank=True,
        help_text="A concrete next step: what to keep doing, or what to try instead.",
    )
    # Praise in one line: the four parts above stay empty (a check holds a note
    # to one shape or the other).
    message = LimitedTextField(
        max_length=limits.NOTE_PART,
        blank=True,
        help_text="Praise in a line or two, instead of the four parts.",
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.SHARED
    )
    goal = models.ForeignKey(
        "growth.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_notes",
        help_text="The goal this feedback relates to, or that it was turned into.",
    )
    request = models.OneToOneField(
        "growth.FeedbackRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="note",
        help_text="The request this note answers.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The one reply a note had before notes had a conversation: migration 0012
    # moved every reply into the note's comments, and nothing writes it now.
    # Kept for the readers that still name it, then dropped.
    reply = LimitedTextField(max_length=limits.REPLY, blank=True)
    replied_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the engineer last answered in the note's conversation.",
    )
    actionable = models.BooleanField(
        "was this actionable?",
        null=True,
        blank=True,
        help_text="The engineer's rating: could they act on it?",
    )
    public = models.BooleanField(
        "shown on the Praise wall",
        default=False,
        help_text="Praise shared with the engineer that everyone signed in may read.",
    )
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the note is deleted: hidden everywhere but the admin, "
        "where staff can restore it.",
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The first manager is the default one: a deleted note is out of every query
    # unless it asks for ``all_objects`` (the admin, restoring, erasure, backups).
    objects = LiveFeedbackNoteManager()
    all_objects = FeedbackNoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(
                fields=["engineer", "-created_at"], name="note_engineer_recent"
            ),
            models.Index(fields=["author", "-created_at"], name="note_author_recent"),
            # The feedback list's tabs about people, their count and their
            # "About" and "Written by" choices, and the team page's counts,
            # read only these columns: each is answered from the index alone.
            models.Index(
                fields=[
                    "engineer",
                    "deleted_at",
                    "visibility",
                    "-created_at",
                    "author",
                    "id",
                    "kind",
                    "acknowledged_at",
                ],
                name="note_list_cover",
            ),
            # The Praise wall: the few public notes, newest first.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(public=True),
                name="note_praise_wall",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility=Visibility.SHARED)
                | Q(acknowledged_at__isnull=True, reply="", actionable__isnull=True),
                name="note_only_shared_is_answered",
                violation_error_message=(
                    "Only feedback shared with the engineer can be acknowledged, "
                    "replied to or rated."
                ),
            ),
            models.CheckConstraint(
                condition=Q(public=False)
                | Q(sentiment=Sentiment.PRAISE, visibility=Visibility.SHARED),
                name="note_only_shared_praise_is_public",
                violation_error_message=(
                    "Only praise shared with the engineer can go on the Praise wall."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reply="") | Q(replied_at__isnull=False),
                name="note_reply_has_time",
                violation_error_message="A reply needs the time it was made.",
            ),
            models.CheckConstraint(
                condition=FOUR_PARTS | ONE_LINE_PRAISE,
                name="note_four_parts_or_praise_message",
                violation_error_message=(
                    "A note is either its four parts, or praise in one message."
                ),
            ),
            within_limits(
                "note_text_within_limits",
                situation=limits.NOTE_PART,
                behaviour=limits.NOTE_PART,
                impact=limits.NOTE_PART,
                suggestion=limits.NOTE_PART,
                message=limits.NOTE_PART,
                reply=limits.REPLY,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} feedback for {self.engineer} ({self.created_at:%Y-%m-%d})"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_one_line(self) -> bool:
        """Praise in one message rather than the four parts."""
        return bool(self.message)

    @property
    def is_answered(self) -> bool:
        """Whether the engineer has read, answered or rated it."""
        return (
            self.acknowledged_at is not None
            or self.replied_at is not None
            or self.actionable is not None
        )

    @property
    def gist(self) -> str:
        """The line that stands for the note in lists: the praise, or the
        suggestion."""
        return self.message or self.suggestion

    def clean(self):
        super().clean()
        errors = {}
        if self.competency_id and self.kind and self.competency.kind != self.kind:
            errors["competency"] = (
                f"{self.competency} is a {self.competency.get_kind_display().lower()} "
                f"competency; pick a {self.get_kind_display().lower()} one or change the kind."
            )
        if (
            self.author_id
            and self.engineer_id
            and self.visibility != Visibility.SELF
            and self.engineer.user_id == self.author_id
        ):
            errors["engineer"] = (
                "You cannot give yourself feedback; keep it as a note to self instead."
            )
        if self.visibility != Visibility.SHARED and (
            self.acknowledged_at or self.reply or self.actionable is not None
        ):
            errors["visibility"] = (
                "Only feedback shared with the engineer can be acknowledged, "
                "replied to or rated."
            )
        if self.public and (
            self.sentiment != Sentiment.PRAISE or self.visibility != Visibility.SHARED
        ):
            errors["public"] = (
                "Only praise shared with the engineer can go on the Praise wall."
            )
        if self.message:
            if not self.message.strip():
                errors["message"] = "This field cannot be blank."
            if self.sentiment and self.sentiment != Sentiment.PRAISE:
                errors["sentiment"] = (
                    "Only praise fits in one line; constructive feedback needs "
                    "the situation, behaviour, impact and a suggestion."
                )
            for field in NOTE_PARTS:
                if getattr(self, field):
                    errors[field] = "Praise in one line leaves this part empty."
        else:
            for field in NOTE_PARTS:
                value = getattr(self, field)
                if value is not None and not value.strip() and field not in errors:
                    errors[field] = "This field cannot be blank."
        if errors:
            raise ValidationError(errors)


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    FULFILLED = "fulfilled", "Fulfilled"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class FeedbackRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RequestStatus.OPEN)

    def visible_to(self, user):
        from growth import policy

        return policy.feedback_requests_visible_to(user, self)


class FeedbackRequest(models.Model):
    """An engineer asks someone for feedback, by a due date."""

    requester = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.CASCADE,
        related_name="feedback_requests_made",
    )
    recipient = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.CASCADE,
        related_name="feedback_requests_received",
        help_text="The person asked to give feedback.",
    )
    message = LimitedTextField(
        max_length=limits.REQUEST_MESSAGE,
        blank=True,
        help_text="What you would like feedback on, and why.",
    )
    competency = models.ForeignKey(
        "growth.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_requests",
    )
    goal = models.ForeignKey(
        "growth.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_requests",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["recipient", "status", "due_on"], name="request_owed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")),
                name="request_not_to_self",
                violation_error_message="You cannot ask yourself for feedback.",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.OPEN, closed_at__isnull=True)
                | (~Q(status=RequestStatus.OPEN) & Q(closed_at__isnull=False)),
                name="request_closed_at_matches_status",
                violation_error_message="A closed request needs the time it was closed.",
            ),
            within_limits("request_text_within_limits", message=limits.REQUEST_MESSAGE),
        ]

    def __str__(self):
        return f"{self.requester} asks {self.recipient} (due {self.due_on:%Y-%m-%d})"

    def clean(self):
        super().clean()
        if self.requester_id and self.requester_id == self.recipient_id:
            raise ValidationError(
                {"recipient": "You cannot ask yourself for feedback."}
            )
        if (
            self.goal_id
            and self.requester_id
            and self.goal.engineer_id != self.requester_id
        ):
            raise ValidationError({"goal": "Pick one of your own goals."})
