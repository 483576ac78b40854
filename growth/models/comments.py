"""A note's conversation: comments among the people who may read the note."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.models import limits
from growth.models.limits import LimitedTextField, within_limits


class FeedbackCommentQuerySet(models.QuerySet):
    """A comment has its note's readers: no rule of its own (DESIGN.md, "comments
    on a note: as the note's visibility allows")."""

    def visible_to(self, who):
        from growth.models.feedback import FeedbackNote

        return self.filter(note__in=FeedbackNote.objects.visible_to(who).values("pk"))

    def editable_by(self, who):
        """The comments ``who`` wrote, on notes they may still read."""
        from growth import policy

        return self.visible_to(who).filter(author_id=policy.access_of(who).user_id)


class FeedbackComment(models.Model):
    """One message in a note's conversation; an edit keeps the earlier wording
    in the history."""

    note = models.ForeignKey(
        "growth.FeedbackNote", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="feedback_comments",
        help_text="Empty when the author has left and been erased.",
    )
    body = LimitedTextField(max_length=limits.REPLY)
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the services, not ``auto_now``: "edited" is shown when it moved on.
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackCommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["note", "created_at"], name="comment_note_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="comment_not_blank",
                violation_error_message="A comment needs some words.",
            ),
            within_limits("comment_text_within_limits", body=limits.REPLY),
        ]

    def __str__(self):
        return f"Comment by {self.author or 'a former employee'} on note {self.note_id}"

    @property
    def is_edited(self) -> bool:
        return self.updated_at > self.created_at

    def clean(self):
        super().clean()
        if self.body is not None and not self.body.strip():
            raise ValidationError({"body": "Write something, or leave it."})
