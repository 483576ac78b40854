"""Learning activities."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import (
    Count,
)
from django.utils import timezone

from growth.admin.base import (
    ENGINEER_SEARCH,
    GrowthAdmin,
)
from growth.models import (
    LearningActivity,
    LearningDayPlan,
    SprintCadence,
)
from growth.services.learning import learning_attendees_set

# --- learning --------------------------------------------------------------------


@admin.register(LearningActivity)
class LearningActivityAdmin(GrowthAdmin):
    list_display = ("title", "kind", "date", "hours", "led_by", "attendee_count")
    list_select_related = ("led_by__user",)
    list_filter = (("date", admin.DateFieldListFilter), "kind", "led_by__team")
    search_fields = (
        "title",
        "led_by__user__display_name",
        "attendees__user__display_name",
        "attendees__user__email",
    )
    search_help_text = "Search by title, or the name of who led or attended."
    autocomplete_fields = ("led_by", "attendees", "goal", "logged_by")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        attendees = Count("attendees", distinct=True)
        return super().get_queryset(request).annotate(attendees_total=attendees)

    @admin.display(description="attendees", ordering="attendees_total")
    def attendee_count(self, activity):
        return activity.attendees_total

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "attendees":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # The admin leaves out a relation with a through model of its own, as it
        # cannot fill the other columns; save_related() dates each attendance.
        db = kwargs.get("using")
        kwargs.setdefault(
            "widget", AutocompleteSelectMultiple(db_field, self.admin_site, using=db)
        )
        queryset = self.get_field_queryset(db, db_field, request)
        if queryset is not None:
            kwargs.setdefault("queryset", queryset)
        return db_field.formfield(**kwargs)

    def save_related(self, request, form, formsets, change):
        # The form would save the attendees with a set() that leaves the new
        # attendances undated, which the table refuses; the service dates them,
        # and moves the others to the activity's date if it changed.
        attendees = form.cleaned_data.pop("attendees")
        super().save_related(request, form, formsets, change)
        learning_attendees_set(activity=form.instance, attendees=attendees)


# --- sprint rhythm ---------------------------------------------------------------


@admin.register(SprintCadence)
class SprintCadenceAdmin(GrowthAdmin):
    """Each team's sprints and learning weekday; its managers set it on the
    team page too."""

    list_display = ("team", "sprint_weeks", "first_sprint_start", "learning_weekday")
    list_select_related = ("team",)
    list_filter = ("sprint_weeks", "learning_weekday")
    search_fields = ("team__name",)
    search_help_text = "Search by team name."
    autocomplete_fields = ("team",)
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(LearningDayPlan)
class LearningDayPlanAdmin(GrowthAdmin):
    """What people planned for a learning day and what they did: their own
    words, so staff read and delete them here but neither add nor change them."""

    list_display = ("day", "engineer", "hours", "activity")
    list_select_related = ("engineer__user", "activity")
    list_filter = (("day", admin.DateFieldListFilter),)
    search_fields = ENGINEER_SEARCH
    search_help_text = "Search by the engineer's name or email."
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
