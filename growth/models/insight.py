"""The organisation insight's counts, per organisation, team and month:
numbers only.

The insight page reads the last six months of a whole organisation; counting
them from the notes, check-ins and learning on every view took hundreds of
milliseconds at 2,000 engineers, and adding up per-engineer counts still tens.
They are counted here instead, every INSIGHT_REFRESH_SECONDS by Celery beat
(``growth.services.insight``): for everyone (what staff with the permission
see) and for the organisation below each manager of managers, a row per team
and month, so a page reads a few hundred rows as they are. Nothing anyone
wrote is here: only counts, which go with the head whose organisation they are.
"""

from __future__ import annotations

from django.db import models


class InsightCount(models.Model):
    """One team's counts in one calendar month (UTC), within one organisation,
    as ``growth.selectors.insight.Raw`` holds them."""

    head = models.ForeignKey(
        "growth.Engineer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose organisation: empty for everyone.",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month.")
    engineers = models.PositiveIntegerField(default=0)
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
    learning_days = models.PositiveIntegerField(default=0)
    learning_days_held = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["head", "month"])]

    def __str__(self):
        return f"team {self.team_id} in {self.month:%Y-%m}"
