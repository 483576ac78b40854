"""The career framework in the admin: tracks with their levels, competency
areas, competencies with an expectation per level, and (read-mostly) the
assessments and readiness summaries people wrote in the app.

Every framework model keeps its history. A competency that feedback, goals,
requests, learning or an assessment points at is retired, never deleted, so
nothing that refers to it loses its meaning. "Preview" opens the public
framework page as an engineer sees it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, F
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from growth.admin.base import (
    ENGINEER_SEARCH,
    GrowthAdmin,
    GrowthInline,
    HistoryAdmin,
    LabelledInlineFormSet,
    NamedRelatedFilter,
)
from growth.admin.framework_files import FrameworkFilesMixin, export_framework
from growth.framework.importer import referenced
from growth.models import (
    Assessment,
    AssessmentRating,
    Competency,
    CompetencyArea,
    Expectation,
    Level,
    Readiness,
    Track,
)


def _preview_url(track_key: str, level_key: str | None = None) -> str | None:
    """The public framework page of a track (a level highlighted), as an
    engineer sees it; None until that page exists."""
    try:
        url = reverse("framework-track", args=[track_key])
    except NoReverseMatch:
        return None
    return f"{url}?level={level_key}" if level_key else url


# --- tracks and levels ---------------------------------------------------------------


# Where a level whose rank changes waits while the others move: above any rank.
RANK_OUT_OF_THE_WAY = 10_000


class LevelFormSet(LabelledInlineFormSet):
    """A track's levels, ranks swapped or shifted saved without meeting one
    another on the way (two on one rank are refused by Django's own check)."""

    def save_existing_objects(self, commit=True):
        # Saved one row at a time, a swap of two ranks meets the unique
        # (track, rank) halfway: the rows that move, and those deleted, step
        # aside first, and each is then saved at its new rank.
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk
            and (form in self.deleted_forms or "rank" in form.changed_data)
        ]
        if commit and moving:
            Level.objects.filter(pk__in=moving).update(
                rank=F("rank") + RANK_OUT_OF_THE_WAY
            )
        return super().save_existing_objects(commit)


class LevelInline(GrowthInline):
    model = Level
    formset = LevelFormSet
    fields = ("rank", "key", "name", "summary", "is_senior")
    ordering = ("rank",)
    show_change_link = True


@admin.register(Track)
class TrackAdmin(FrameworkFilesMixin, HistoryAdmin):
    list_display = ("name", "key", "position", "is_active", "levels", "preview")
    list_editable = ("position",)
    list_filter = ("is_active",)
    search_fields = ("name", "key", "description")
    ordering = ("position", "name")
    prepopulated_fields = {"key": ("name",)}
    readonly_fields = ("preview_levels",)
    inlines = (LevelInline,)
    actions = (export_framework,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_count=Count("levels"))

    @admin.display(description="levels", ordering="level_count")
    def levels(self, track):
        return track.level_count

    @admin.display(description="preview")
    def preview(self, track):
        url = _preview_url(track.key)
        if url is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">As an engineer sees it'
            '<span class="visually-hidden"> ({})</span></a>',
            url,
            track.name,
        )

    @admin.display(description="preview as an engineer sees it")
    def preview_levels(self, track):
        if not track.pk or _preview_url(track.key) is None:
            return "—"
        links = [(_preview_url(track.key), "The whole track")]
        links += [
            (_preview_url(track.key, level.key), level.name)
            for level in track.levels.order_by("rank")
        ]
        return format_html_join(
            " · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links
        )


@admin.register(Level)
class LevelAdmin(HistoryAdmin):
    list_display = ("name", "track", "rank", "key", "is_senior")
    list_select_related = ("track",)
    list_filter = ("track", "is_senior")
    search_fields = ("name", "key", "track__name")
    ordering = ("track__position", "track__name", "rank")


# --- areas and competencies ----------------------------------------------------------


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(HistoryAdmin):
    list_display = ("name", "key", "position")
    list_editable = ("position",)
    search_fields = ("name", "key", "description")
    ordering = ("position", "name")
    prepopulated_fields = {"key": ("name",)}


class ExpectationInline(GrowthInline):
    """One row per level that expects the competency; a level without a row
    does not include it."""

    model = Expectation
    fields = ("level", "statement", "examples")
    ordering = ("level__track__position", "level__rank")
    list_select_related = ("level__track",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("level__track")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "level":
            kwargs["queryset"] = Level.objects.select_related("track")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def is_referenced(competency: Competency) -> bool:
    """Whether anything points at ``competency``, now or in its history: a
    note, a goal, a request, learning, a session, an assessment."""
    return bool(referenced(Competency, [competency.pk], skip={Expectation}))


@admin.action(
    description="Retire the selected competencies (kept for what refers to them)"
)
def retire(modeladmin, request, queryset):
    count = queryset.filter(is_active=True).update(is_active=False)
    modeladmin.message_user(
        request,
        f"Retired {count} competenc{'y' if count == 1 else 'ies'}.",
        messages.SUCCESS,
    )


@admin.action(description="Bring the selected competencies back")
def reinstate(modeladmin, request, queryset):
    count = queryset.filter(is_active=False).update(is_active=True)
    modeladmin.message_user(
        request,
        f"Brought back {count} competenc{'y' if count == 1 else 'ies'}.",
        messages.SUCCESS,
    )


@admin.register(Competency)
class CompetencyAdmin(HistoryAdmin):
    list_display = ("name", "kind", "area", "position", "is_active", "preview")
    list_editable = ("position",)
    list_select_related = ("area",)
    list_filter = ("kind", "is_active", "area")
    search_fields = ("name", "key", "description")
    ordering = ("kind", "position", "name")
    prepopulated_fields = {"key": ("name",)}
    readonly_fields = ("preview",)
    actions = (retire, reinstate)
    inlines = (ExpectationInline,)

    def get_actions(self, request):
        # Deleting several at once would cascade through what refers to them.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_referenced(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="preview as an engineer sees it")
    def preview(self, competency):
        if not competency.pk:
            return "—"
        # The lowest level of each track that expects it: where it starts.
        first: dict[int, Level] = {}
        for row in competency.expectations.select_related("level__track").order_by(
            "level__track__position", "level__rank"
        ):
            first.setdefault(row.level.track_id, row.level)
        links = [
            (
                _preview_url(level.track.key, level.key),
                f"{level.track.name}, from {level.name}",
            )
            for level in first.values()
        ]
        links = [(url, text) for url, text in links if url]
        if not links:
            return "—"
        return format_html_join(
            " · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links
        )


@admin.register(Expectation)
class ExpectationAdmin(HistoryAdmin):
    list_display = ("competency", "level", "statement")
    list_select_related = ("competency", "level__track")
    list_filter = ("level__track", ("level", NamedRelatedFilter), "competency__kind")
    search_fields = ("statement", "examples", "competency__name")
    autocomplete_fields = ("competency",)


# --- what people wrote: read-mostly ------------------------------------------------


class AssessmentRatingInline(GrowthInline):
    model = AssessmentRating
    fields = ("competency", "rating", "comment")
    readonly_fields = fields
    can_delete = False
    list_select_related = ("competency",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competency")

    def has_add_permission(self, request, obj=None):
        return False


class _WrittenInTheApp:
    """Written by people in the app: staff read them and may delete one (an
    erasure does so by itself), but neither add nor rewrite them here."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Assessment)
class AssessmentAdmin(_WrittenInTheApp, GrowthAdmin):
    list_display = ("engineer", "role", "level", "author", "created_at", "shared")
    list_select_related = ("engineer__user", "level__track", "author")
    list_filter = ("role", ("shared_at", admin.EmptyFieldListFilter), "level__track")
    search_fields = ENGINEER_SEARCH
    search_help_text = "Search by the engineer's name or email."
    date_hierarchy = "created_at"
    inlines = (AssessmentRatingInline,)

    @admin.display(boolean=True, description="shared", ordering="shared_at")
    def shared(self, assessment):
        return assessment.shared_at is not None


@admin.register(Readiness)
class ReadinessAdmin(_WrittenInTheApp, HistoryAdmin):
    list_display = ("engineer", "level", "status", "author", "updated_at", "shared")
    list_select_related = ("engineer__user", "level__track", "author")
    list_filter = ("status", ("shared_at", admin.EmptyFieldListFilter))
    search_fields = ENGINEER_SEARCH
    search_help_text = "Search by the engineer's name or email."

    @admin.display(boolean=True, description="shared", ordering="shared_at")
    def shared(self, readiness):
        return readiness.shared_at is not None
