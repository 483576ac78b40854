"""Reminder rules, the outbox, preferences, notifications and submission keys."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator

from growth import reminders
from growth.admin.base import (
    EstimatedCountPaginator,
    GrowthAdmin,
    ReadFilter,
)
from growth.chat import outbox
from growth.models import (
    ChannelPost,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
    SlackIdentity,
    Submission,
)

# --- reminders -------------------------------------------------------------------


@admin.register(ReminderRule)
class ReminderRuleAdmin(GrowthAdmin):
    list_display = (
        "kind",
        "enabled",
        "cadence_days",
        "send_hour",
        "digest_weekday",
        "description",
        "updated_at",
    )
    list_display_links = ("kind",)
    list_editable = ("enabled", "cadence_days", "send_hour", "digest_weekday")
    fields = (
        "kind",
        "description",
        "enabled",
        "cadence_days",
        "send_hour",
        "digest_weekday",
        "updated_at",
    )
    readonly_fields = ("updated_at",)
    actions = ("send_due_now",)

    def get_readonly_fields(self, request, obj=None):
        # A rule is its kind; the description says how the code reads the cadence.
        if obj is not None:
            return (*self.readonly_fields, "kind", "description")
        return self.readonly_fields

    def has_add_permission(self, request):
        # One row per kind, seeded by a migration: adding only fills a gap.
        present = set(ReminderRule.objects.values_list("kind", flat=True))
        missing = set(ReminderKind.values) - present
        return bool(missing) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Switch a rule off with "enabled" instead.
        return False

    @admin.action(
        description="Send the due reminders of the selected rules now",
        permissions=["change"],
    )
    def send_due_now(self, request, queryset):
        """Run the sweep for these rules now instead of at the next tick.

        The same sweep as beat's: only what is due (in each recipient's own
        morning) and not yet sent this period goes out, and delivery is queued
        for the workers.
        """
        kinds = list(queryset.filter(enabled=True).values_list("kind", flat=True))
        disabled = queryset.filter(enabled=False).count()
        if disabled:
            self.message_user(
                request,
                f"Skipped {disabled} disabled rule(s); enable them first.",
                messages.WARNING,
            )
        if not kinds:
            return
        result = reminders.sweep(now=timezone.now(), kinds=kinds)
        # Each count apart: another sweep may have recorded some of what was
        # planned, and what is published includes rows waiting from before.
        self.message_user(
            request,
            f"Planned {result.planned} reminder(s); recorded {result.recorded}, "
            f"{result.skipped} of them skipped (the recipient opted out); "
            f"published {result.published} for sending. If the workers are down "
            "they go out at the next sweep.",
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(GrowthAdmin):
    """The log of what was sent: read it, filter it, export it."""

    list_display = (
        "created_at",
        "recipient",
        "kind",
        "channel",
        "period_key",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "error",
    )
    list_select_related = ("recipient",)
    list_filter = (
        "kind",
        "channel",
        "status",
        ("recipient", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = (
        "recipient__display_name",
        "recipient__email",
        "subject",
        "period_key",
    )
    search_help_text = "Search by recipient, subject or period (e.g. 2026-W48)."
    actions = ("retry",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        # The log is read-only; retrying is what changing a reminder means.
        return request.user.has_perm("growth.change_reminder")

    @admin.display(description="last error")
    def error(self, reminder):
        return Truncator(reminder.last_error).chars(80)

    @admin.action(
        description="Retry the selected failed or ambiguous reminders",
        permissions=["retry"],
    )
    def retry(self, request, queryset):
        # An ambiguous reminder may have arrived: only a person sends it again.
        _retry(self, request, queryset, reminders.retry_failed, "reminder", "arrive")


@admin.register(ChannelPost)
class ChannelPostAdmin(GrowthAdmin):
    """The log of posts to the Slack channel and the teams' Teams channels."""

    list_display = (
        "created_at",
        "target",
        "team",
        "kind",
        "key",
        "status",
        "attempts",
        "sent_at",
        "error",
    )
    list_select_related = ("team",)
    list_filter = ("target", "kind", "status", "created_at")
    search_fields = ("destination", "key", "team__name")
    actions = ("retry",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        # The log is read-only; retrying is what changing a post means.
        return request.user.has_perm("growth.change_channelpost")

    @admin.display(description="last error")
    def error(self, post):
        return Truncator(post.last_error).chars(80)

    @admin.action(
        description="Retry the selected failed or ambiguous posts",
        permissions=["retry"],
    )
    def retry(self, request, queryset):
        # An ambiguous post may be in the channel already: only a person
        # posts it again.
        _retry(self, request, queryset, outbox.retry_failed, "post", "appear")


@admin.register(SlackIdentity)
class SlackIdentityAdmin(GrowthAdmin):
    """Who is who on Slack, as looked up by email; delete a row to look again."""

    list_display = ("user", "slack_user_id", "email", "looked_up_at")
    list_select_related = ("user",)
    search_fields = ("user__display_name", "user__email", "slack_user_id")
    readonly_fields = ("user", "email", "slack_user_id", "looked_up_at")

    def has_add_permission(self, request):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(GrowthAdmin):
    list_display = ("user", "kind", "email_enabled", "slack_enabled", "updated_at")
    list_select_related = ("user",)
    list_filter = ("kind", "email_enabled", "slack_enabled")
    search_fields = ("user__display_name", "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("updated_at",)


@admin.register(Notification)
class NotificationAdmin(GrowthAdmin):
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = ("created_at", "recipient", "kind", "message", "read")
    list_select_related = ("recipient",)
    list_filter = (("created_at", admin.DateFieldListFilter), "kind", ReadFilter)
    search_fields = ("recipient__display_name", "recipient__email", "message")
    autocomplete_fields = ("recipient",)
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="read", ordering="read_at")
    def read(self, notification):
        return notification.read_at is not None


@admin.register(Submission)
class SubmissionAdmin(GrowthAdmin):
    """The one-time keys that made creates idempotent: read-only, for tracing
    what a double click or a retried POST was answered with."""

    list_display = ("created_at", "user", "content_type", "object_ids")
    list_select_related = ("user", "content_type")
    list_filter = (("created_at", admin.DateFieldListFilter), "content_type")
    search_fields = ("user__email", "user__display_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _retry(modeladmin, request, queryset, retry_failed, noun: str, arrives: str):
    """Queue the failed and ambiguous rows of an outbox's selection again, and
    say how many (or that none could be)."""
    ids = queryset.filter(
        status__in=[ReminderStatus.FAILED, ReminderStatus.AMBIGUOUS]
    ).values_list("pk", flat=True)
    retried = retry_failed(ids)
    modeladmin.message_user(
        request,
        f"Queued {retried} failed or ambiguous {noun}(s) again, with fresh "
        f"attempts (an ambiguous one may {arrives} twice)."
        if retried
        else f"None of the selected {noun}s had failed or was ambiguous.",
        messages.SUCCESS if retried else messages.WARNING,
    )
