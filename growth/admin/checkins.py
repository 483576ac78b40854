"""1:1 and mentoring check-ins, agenda and action items."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import (
    Count,
    Q,
)

from growth.admin.base import (
    ENGINEER_SEARCH,
    DoneFilter,
    GrowthAdmin,
    GrowthInline,
    _IsSetFilter,
)
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
)

# --- check-ins -------------------------------------------------------------------


class ActionItemInline(GrowthInline):
    model = ActionItem
    fields = ("description", "owner", "due_on", "done_at", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("owner",)
    list_select_related = ("owner",)


class DiscussedAgendaItemInline(GrowthInline):
    model = AgendaItem
    fk_name = "discussed_in"
    verbose_name = "talking point discussed"
    verbose_name_plural = "talking points discussed"
    fields = ("text", "added_by", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("added_by",)
    list_select_related = ("added_by",)

    def has_add_permission(self, request, obj=None):
        # A point is put on a pair's agenda first (Agenda items), then discussed.
        return False


@admin.register(CheckIn)
class CheckInAdmin(GrowthAdmin):
    list_display = ("held_on", "kind", "engineer", "author", "open_action_items")
    list_select_related = ("engineer__user", "author")
    list_filter = ("kind", "engineer__team")
    search_fields = (*ENGINEER_SEARCH, "author__display_name", "author__email")
    search_help_text = "Search by engineer or author name or email."
    autocomplete_fields = ("author", "engineer", "mentorship")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "held_on"
    inlines = (DiscussedAgendaItemInline, ActionItemInline)

    def get_queryset(self, request):
        open_items = Count(
            "action_items", filter=Q(action_items__done_at__isnull=True), distinct=True
        )
        return super().get_queryset(request).annotate(open_items=open_items)

    @admin.display(description="open action items", ordering="open_items")
    def open_action_items(self, check_in):
        return check_in.open_items


@admin.register(ActionItem)
class ActionItemAdmin(GrowthAdmin):
    list_display = ("description", "check_in", "owner", "due_on", "done", "created_at")
    list_select_related = ("check_in__engineer__user", "owner")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        DoneFilter,
        "check_in__kind",
        ("due_on", admin.DateFieldListFilter),
    )
    search_fields = (
        "description",
        "check_in__engineer__user__display_name",
        "check_in__engineer__user__email",
        "owner__display_name",
        "owner__email",
    )
    search_help_text = "Search by the item, or the engineer's or owner's name or email."
    autocomplete_fields = ("check_in", "owner")
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="done", ordering="done_at")
    def done(self, item):
        return item.is_done


class DiscussedFilter(_IsSetFilter):
    title = parameter_name = "discussed"
    field = "discussed_in"


@admin.register(AgendaItem)
class AgendaItemAdmin(GrowthAdmin):
    list_display = ("text", "engineer", "kind", "added_by", "created_at", "discussed")
    list_select_related = ("engineer__user", "added_by")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        DiscussedFilter,
        "kind",
        "engineer__team",
    )
    search_fields = (
        "text",
        *ENGINEER_SEARCH,
        "added_by__display_name",
        "added_by__email",
    )
    search_help_text = (
        "Search by the point, or the engineer's or its adder's name or email."
    )
    autocomplete_fields = ("engineer", "mentorship", "added_by", "discussed_in")
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="discussed", ordering="discussed_in")
    def discussed(self, point):
        return point.discussed_in_id is not None
