"""The organisation insight's counts, per engineer and month: numbers only.

The insight page reads the last six months of a whole organisation; counting
them from the notes, check-ins and learning on every view took hundreds of
milliseconds at 2,000 engineers. They are counted here instead, every
INSIGHT_REFRESH_SECONDS by Celery beat (``growth.services.insight``), and the
page adds up a few thousand rows of plain numbers. Nothing anyone wrote is
here: a row is counts about one engineer in one month, and goes with them.
"""

from __future__ import annotations

from django.db import models


class InsightCount(models.Model):
    """One engineer's counts in one calendar month (UTC), as
    ``growth.selectors.insight.Raw`` holds them for a group."""

    engineer = models.ForeignKey(
        "growth.Engineer", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month.")
    covered = models.PositiveIntegerField(default=0)
    technical = models.PositiveIntegerField(default=0)
    interpersonal = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    actionable = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    # Of the acknowledged, within 1, 2, 3, 7, 14 and 30 days (ACK_BANDS).
    ack_1 = models.PositiveIntegerField(default=0)
    ack_2 = models.PositiveIntegerField(default=0)
    ack_3 = models.PositiveIntegerField(default=0)
    ack_7 = models.PositiveIntegerField(default=0)
    ack_14 = models.PositiveIntegerField(default=0)
    ack_30 = models.PositiveIntegerField(default=0)
    cross_team = models.PositiveIntegerField(default=0)
    mentorships = models.PositiveIntegerField(default=0)
    on_cadence = models.PositiveIntegerField(default=0)
    learning_hours = models.DecimalField(max_digits=9, decimal_places=1, default=0)
    senior_sessions = models.PositiveIntegerField(default=0)
    newcomer_sessions = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "month"], name="growth_insightcount_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "engineer"])]

    def __str__(self):
        return f"{self.engineer_id} in {self.month:%Y-%m}"
