"""Goals and their check-ins."""

from __future__ import annotations

from django.contrib import admin

from growth.admin.base import (
    ENGINEER_SEARCH,
    EstimatedCountPaginator,
    GrowthAdmin,
    GrowthInline,
    HistoryAdmin,
)
from growth.admin.feedback import WorkLinkInline
from growth.models import (
    Goal,
    GoalCheckIn,
)

# --- goals -----------------------------------------------------------------------


class GoalCheckInInline(GrowthInline):
    model = GoalCheckIn
    fields = ("progress", "note", "author", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("author",)
    list_select_related = ("goal",)


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = (
        "title",
        "engineer",
        "kind",
        "competency",
        "status",
        "progress",
        "target_date",
        "updated_at",
    )
    list_select_related = ("engineer__user", "competency")
    list_filter = ("status", "kind", "competency", "engineer__team")
    search_fields = ("title", *ENGINEER_SEARCH)
    search_help_text = "Search by title, or the engineer's name or email."
    autocomplete_fields = ("engineer", "competency", "created_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "target_date"
    inlines = (GoalCheckInInline,)


class CheckInWorkLinkInline(WorkLinkInline):
    fk_name = "goal_check_in"


@admin.register(GoalCheckIn)
class GoalCheckInAdmin(GrowthAdmin):
    inlines = (CheckInWorkLinkInline,)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = ("goal", "engineer", "progress", "author", "created_at")
    list_select_related = ("goal__engineer__user", "author")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        "goal__status",
        "goal__engineer__team",
    )
    search_fields = (
        "goal__title",
        "goal__engineer__user__display_name",
        "goal__engineer__user__email",
    )
    search_help_text = "Search by goal title, or the engineer's name or email."
    autocomplete_fields = ("goal", "author")
    readonly_fields = ("created_at",)

    @admin.display(
        description="engineer", ordering="goal__engineer__user__display_name"
    )
    def engineer(self, check_in):
        return check_in.goal.engineer
