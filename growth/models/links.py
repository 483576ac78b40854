"""Links from a note or a goal check-in to the work it is about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from growth.links import LinkKind, link_display
from growth.models import limits
from growth.models.limits import LimitedCharField, within_limits

ON_A_NOTE = Q(note__isnull=False, goal_check_in__isnull=True)
ON_A_CHECK_IN = Q(note__isnull=True, goal_check_in__isnull=False)


class WorkLink(models.Model):
    """A pull request, issue, incident or document a note or check-in is about.

    Plain data, never fetched: its kind, host and label are read from the
    address when it is saved (``growth.links``). It lives inside its note or
    check-in: whoever may read that reads it, nobody else.
    """

    note = models.ForeignKey(
        "growth.FeedbackNote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
    )
    goal_check_in = models.ForeignKey(
        "growth.GoalCheckIn",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
    )
    # Whom the note or goal is about, copied from it: a link's versions are
    # found, exported and forgotten with the rest about that person
    # (growth.privacy), even once its note or check-in is gone.
    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="+"
    )
    url = LimitedCharField("address", max_length=limits.WORK_LINK_URL)
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    host = LimitedCharField(max_length=limits.WORK_LINK_HOST)
    label = LimitedCharField(
        max_length=limits.WORK_LINK_LABEL,
        blank=True,
        help_text="“#42”, “PROJ-7”: read from the address.",
    )
    title = LimitedCharField(
        max_length=limits.WORK_LINK_TITLE,
        blank=True,
        help_text="A few words naming it, if given.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "link to the work"
        constraints = [
            models.CheckConstraint(
                condition=ON_A_NOTE | ON_A_CHECK_IN,
                name="worklink_one_owner",
                violation_error_message=(
                    "A link belongs to one note or one goal check-in."
                ),
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="worklink_http_only",
                violation_error_message="Only http and https addresses.",
            ),
            models.UniqueConstraint(
                fields=["note", "url"],
                condition=Q(note__isnull=False),
                name="worklink_once_a_note",
            ),
            models.UniqueConstraint(
                fields=["goal_check_in", "url"],
                condition=Q(goal_check_in__isnull=False),
                name="worklink_once_a_check_in",
            ),
            within_limits(
                "worklink_text_within_limits",
                url=limits.WORK_LINK_URL,
                host=limits.WORK_LINK_HOST,
                label=limits.WORK_LINK_LABEL,
                title=limits.WORK_LINK_TITLE,
            ),
        ]

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        """ "github.com · pull request #42"."""
        return link_display(host=self.host, kind=self.kind, label=self.label)
