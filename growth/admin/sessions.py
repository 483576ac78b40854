"""Learning sessions and hackathons: the events, their sign-ups and feedback."""

from __future__ import annotations

from django.contrib import admin

from growth.admin.base import GrowthAdmin, GrowthInline
from growth.models import (
    Hackathon,
    HackathonTeam,
    LearningSession,
    SessionFeedback,
    SessionSignup,
)


class SessionSignupInline(GrowthInline):
    model = SessionSignup
    extra = 0
    autocomplete_fields = ("engineer",)
    fields = ("engineer", "created_at", "attended")


@admin.register(LearningSession)
class LearningSessionAdmin(GrowthAdmin):
    list_display = ("title", "leader", "topic_kind", "starts_at", "status", "capacity")
    list_select_related = ("leader__user",)
    list_filter = ("status", "topic_kind", "for_newcomers", "leader__team")
    search_fields = ("title", "leader__user__display_name", "leader__user__email")
    search_help_text = "Search by title, or the leader's name."
    autocomplete_fields = ("leader", "competency", "activity", "created_by")
    readonly_fields = ("created_at",)
    inlines = [SessionSignupInline]


@admin.register(SessionSignup)
class SessionSignupAdmin(GrowthAdmin):
    list_display = ("session", "engineer", "created_at", "attended")
    list_select_related = ("session", "engineer__user")
    list_filter = ("attended",)
    search_fields = ("session__title", "engineer__user__display_name")
    search_help_text = "Search by session title, or the person's name."
    autocomplete_fields = ("session", "engineer")


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(GrowthAdmin):
    list_display = ("session", "engineer", "useful", "created_at")
    list_select_related = ("session", "engineer__user")
    list_filter = ("useful",)
    search_fields = ("session__title", "engineer__user__display_name")
    search_help_text = "Search by session title, or the attendee's name."
    autocomplete_fields = ("session", "engineer")


class HackathonTeamInline(admin.StackedInline):
    model = HackathonTeam
    extra = 0
    autocomplete_fields = ("members",)
    fields = ("name", "members", "demo_title", "demo_link", "demo_summary")


@admin.register(Hackathon)
class HackathonAdmin(GrowthAdmin):
    list_display = ("title", "organiser", "starts_on", "ends_on", "held")
    list_select_related = ("organiser__user",)
    list_filter = ("held",)
    search_fields = ("title", "theme", "organiser__user__display_name")
    search_help_text = "Search by title, theme or the organiser's name."
    autocomplete_fields = ("organiser", "activity")
    readonly_fields = ("created_at",)
    inlines = [HackathonTeamInline]


@admin.register(HackathonTeam)
class HackathonTeamAdmin(GrowthAdmin):
    list_display = ("name", "hackathon", "demo_title")
    list_select_related = ("hackathon",)
    search_fields = ("name", "hackathon__title", "members__user__display_name")
    search_help_text = "Search by team, hackathon, or a member's name."
    autocomplete_fields = ("hackathon", "members")
