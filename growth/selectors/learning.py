"""Reads of learning activities for the pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth

from growth.models import Engineer, LearningActivity

MONTHS_SHOWN = 12


def learning_visible(who) -> QuerySet:
    """Activities ``who`` may see, ready to list with their leader and attendees."""
    return (
        LearningActivity.objects.visible_to(who)
        .select_related("led_by__user")
        .prefetch_related(
            Prefetch("attendees", queryset=Engineer.objects.select_related("user"))
        )
    )


def monthly_totals(activities: QuerySet) -> QuerySet:
    """Hours and activities per month, newest first, for the last twelve
    months that have any: summed in the database."""
    return (
        activities.prefetch_related(None)
        .order_by()
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"), activities=Count("pk"))
        .order_by("-month")[:MONTHS_SHOWN]
    )
