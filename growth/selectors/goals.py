"""Reads for the goal pages: the list, and one goal with its history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)

from growth import charts
from growth.models import FeedbackNote, Goal, GoalCheckIn, GoalStatus, LearningActivity
from growth.policy import Access

ACTIVE_FIRST = Case(
    When(status=GoalStatus.ACTIVE, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


# What a row of the goal list shows: no description, and only names.
LIST_FIELDS = (
    *("title", "kind", "status", "target_date", "progress"),
    *("engineer__user__display_name", "engineer__user__email", "competency__name"),
)


def goal_list(viewer) -> QuerySet:
    """Goals ``viewer`` may see, active first, then by target date."""
    return (
        Goal.objects.visible_to(viewer)
        .select_related("engineer__user", "competency")
        .only(*LIST_FIELDS)
        .order_by(
            ACTIVE_FIRST,
            F("target_date").asc(nulls_last=True),
            "engineer__user__display_name",
            "pk",
        )
    )


def goal_detail_queryset(viewer) -> QuerySet:
    """Goals ``viewer`` may open, saying whether they may also edit each one."""
    return (
        Goal.objects.visible_to(viewer)
        .select_related("engineer__user", "competency", "created_by")
        .annotate(
            may_edit=Exists(Goal.objects.editable_by(viewer).filter(pk=OuterRef("pk")))
        )
        .prefetch_related(
            Prefetch(
                "check_ins",
                queryset=GoalCheckIn.objects.select_related("author").prefetch_related(
                    "links"
                ),
                to_attr="check_in_log",
            )
        )
    )


@dataclass(frozen=True)
class GoalPage:
    goal: Goal
    history: list[GoalCheckIn]
    chart: charts.Chart | None
    notes: list[FeedbackNote]
    learning: list[LearningActivity]


def goal_page_build(
    *, viewer, access: Access, goal: Goal, now: datetime.datetime
) -> GoalPage:
    """A goal with its check-ins (oldest first), their chart, and the feedback
    and learning linked to it that ``viewer`` (a user, with their ``access``)
    may see."""
    history = list(getattr(goal, "check_in_log", None) or goal.check_ins.all())
    chart = None
    if history:
        chart = charts.progress_line_chart(
            id=f"goal-{goal.pk}-progress",
            title=f"Progress on “{goal.title}”",
            series=[(goal.title, [(c.created_at, c.progress) for c in history])],
            start=min(goal.created_at, history[0].created_at),
            end=max(now, history[-1].created_at),
            zone=viewer.zone,
        )
    notes = list(
        FeedbackNote.objects.visible_to(access)
        .filter(goal=goal)
        .select_related("author", "competency")
    )
    learning = list(LearningActivity.objects.visible_to(access).filter(goal=goal))
    return GoalPage(
        goal=goal, history=history, chart=chart, notes=notes, learning=learning
    )
