"""Feedback notes, their comments and requests."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from growth.admin.base import (
    ENGINEER_SEARCH,
    AcknowledgedFilter,
    DeletedFilter,
    EstimatedCountPaginator,
    GrowthAdmin,
    GrowthInline,
    HistoryAdmin,
)
from growth.admin.changelist import (
    FeedbackNoteChangeList,
    NamedRelatedFilter,
    PlainActionForm,
)
from growth.models import (
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    WorkLink,
)
from growth.services.feedback import feedback_note_restore, feedback_requests_reopen


class WorkLinkInline(GrowthInline):
    """The note's links to the work, as its author gave them: read here, changed
    by the author (a link's kind is read from its address when it is saved)."""

    model = WorkLink
    fk_name = "note"
    fields = ("url", "kind", "host", "label", "title")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedbackNote)
class FeedbackNoteAdmin(HistoryAdmin):
    """Every note, deleted ones included: staff restore what an author deleted
    (the "deleted" filter finds them); deleting here removes a note for good."""

    # Metadata only: the note's text stays on its own page.
    list_display = (
        "created_at",
        "engineer",
        "author",
        "kind",
        "competency",
        "sentiment",
        "visibility",
        "acknowledged",
        "actionable",
        "deleted",
    )
    list_select_related = ("engineer__user", "author", "competency")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        "kind",
        "sentiment",
        "visibility",
        AcknowledgedFilter,
        "actionable",
        DeletedFilter,
        ("competency", NamedRelatedFilter),
        ("engineer__team", NamedRelatedFilter),
    )
    search_fields = (*ENGINEER_SEARCH, "author__display_name", "author__email")
    search_help_text = "Search by engineer or author name or email."
    # The request a note answers is set by answering it in the app: a request
    # has one answer, deleted notes included, which a form here cannot see.
    autocomplete_fields = ("author", "engineer", "competency", "goal")
    # A filtered list counts its matches once; the whole table's total is not
    # counted again on every page (a second full COUNT over all the notes), and
    # the unfiltered total is PostgreSQL's estimate. No date hierarchy: it reads
    # the distinct years of every note on each page; the date filter costs nothing.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Notes are found by searching and filtering, not by paging through them.
    list_per_page = 25
    # What a page of the list reads: the columns above and the checkboxes'
    # labels (str(note)), not the notes' text nor every column of three people.
    list_only = (
        "created_at",
        "kind",
        "sentiment",
        "visibility",
        "acknowledged_at",
        "actionable",
        "deleted_at",
        "engineer__user__display_name",
        "engineer__user__email",
        "author__display_name",
        "author__email",
        "competency__name",
    )
    # The answer is the engineer's own words and rating: nobody writes it for them.
    readonly_fields = (
        "created_at",
        "updated_at",
        "acknowledged_at",
        "reply",
        "replied_at",
        "actionable",
        "deleted_at",
        "deleted_by",
        "request",
    )
    actions = ("restore",)
    action_form = PlainActionForm
    inlines = (WorkLinkInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "author",
                    "engineer",
                    "kind",
                    "competency",
                    "sentiment",
                    "visibility",
                )
            },
        ),
        ("Observation", {"fields": ("situation", "behaviour", "impact", "suggestion")}),
        ("Praise in one line", {"fields": ("message", "public")}),
        ("Related", {"fields": ("goal", "request")}),
        (
            "The engineer's answer",
            {"fields": ("acknowledged_at", "reply", "replied_at", "actionable")},
        ),
        (
            "Record",
            {
                "fields": ("created_at", "updated_at", "deleted_at", "deleted_by"),
                "classes": ["collapse"],
            },
        ),
    )

    def get_changelist(self, request, **kwargs):
        return FeedbackNoteChangeList

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        # The page's rows read ``list_only``; actions and exports start again
        # from get_queryset(), with every field.
        queryset = queryset.only(*self.list_only)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)

    def get_queryset(self, request):
        # The model's default manager leaves deleted notes out; here they are in.
        # (The list adds list_select_related itself.)
        queryset = FeedbackNote.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(boolean=True, description="acknowledged", ordering="acknowledged_at")
    def acknowledged(self, note):
        return note.is_acknowledged

    @admin.display(boolean=True, description="deleted", ordering="deleted_at")
    def deleted(self, note):
        return note.is_deleted

    def delete_model(self, request, obj):
        # Removed for good, as when its author deletes it: its request is open again.
        with transaction.atomic():
            feedback_requests_reopen(FeedbackNote.all_objects.filter(pk=obj.pk))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            feedback_requests_reopen(queryset)
            super().delete_queryset(request, queryset)

    @admin.action(description="Restore selected deleted notes", permissions=["change"])
    def restore(self, request, queryset):
        notes = list(queryset.deleted())
        now = timezone.now()
        for note in notes:
            feedback_note_restore(note=note, by=request.user, now=now, staff=True)
        self.message_user(
            request,
            f"Restored {len(notes)} note{'' if len(notes) == 1 else 's'}; "
            "each is back where it was, for everyone who could see it.",
            messages.SUCCESS,
        )


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(HistoryAdmin):
    """A note's conversation, comment by comment, each with its versions on
    its "History" page. Read-only: a comment is its author's own words."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 25
    list_display = ("created_at", "note", "author", "updated_at")
    list_select_related = ("note__engineer__user", "author")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = (
        "author__display_name",
        "author__email",
        "note__engineer__user__display_name",
        "note__engineer__user__email",
    )
    search_help_text = (
        "Search by the comment's author, or the engineer the note is about."
    )
    fields = ("note", "author", "body", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(WorkLink)
class WorkLinkAdmin(HistoryAdmin):
    """Links to the work, each on its note or check-in, with its versions on
    its "History" page. Read-only: a link is its author's, as the note is."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 25
    list_display = ("created_at", "host", "kind", "label", "engineer")
    list_select_related = ("engineer__user",)
    list_filter = ("kind", ("created_at", admin.DateFieldListFilter))
    search_fields = ("host", *ENGINEER_SEARCH)
    search_help_text = "Search by host, or the engineer it is about."
    fields = (
        "note",
        "goal_check_in",
        "engineer",
        "url",
        "kind",
        "host",
        "label",
        "title",
        "position",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(GrowthAdmin):
    list_display = (
        "requester",
        "recipient",
        "competency",
        "status",
        "due_on",
        "created_at",
        "closed_at",
    )
    list_select_related = ("requester__user", "recipient__user", "competency")
    list_filter = ("status", "competency", "requester__team")
    search_fields = (
        "requester__user__display_name",
        "requester__user__email",
        "recipient__user__display_name",
        "recipient__user__email",
    )
    search_help_text = "Search by requester or recipient name or email."
    autocomplete_fields = ("requester", "recipient", "competency", "goal")
    readonly_fields = ("created_at",)
    date_hierarchy = "due_on"
