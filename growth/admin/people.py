"""People, reporting lines, mentorships and competencies."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import (
    unquote,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Exists,
    OuterRef,
)
from django.http import (
    Http404,
    HttpResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from growth import privacy
from growth.admin.base import (
    ActiveMentorshipFilter,
    CoachingFilter,
    EngineerFilter,
    GrowthInline,
    HistoryAdmin,
    NamedRelatedFilter,
)
from growth.exports import export_json
from growth.forms.people_admin import PersonAddAdminMixin
from growth.models import (
    Engineer,
    Mentorship,
)
from growth.services import people_import
from growth.services.people import engineer_active_set

# --- people ----------------------------------------------------------------------


class MentorshipInline(GrowthInline):
    model = Mentorship
    show_change_link = True
    list_select_related = ("mentor__user", "mentee__user")


class MentorshipAsMentorInline(MentorshipInline):
    fk_name = "mentor"
    fields = ("mentee", "focus", "started_on", "ended_on", "cadence_days")
    autocomplete_fields = ("mentee",)
    verbose_name = "mentee"
    verbose_name_plural = "mentees (mentorships as mentor)"


class MentorshipAsMenteeInline(MentorshipInline):
    fk_name = "mentee"
    fields = ("mentor", "focus", "started_on", "ended_on", "cadence_days")
    autocomplete_fields = ("mentor",)
    verbose_name = "mentor"
    verbose_name_plural = "mentors (mentorships as mentee)"


class PeopleImportMixin(ImportExportMixin):
    """Import people from an HR file, with a preview of every row first, and
    export them in the same columns (growth.services.people_import)."""

    resource_classes = [people_import.PeopleResource]
    formats = [CSV, XLSX]
    # Every column, always: a file exported whole imports back unchanged.
    export_form_class = ExportForm
    import_template_name = "admin/growth/engineer/import.html"

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "columns": people_import.COLUMNS,
            "required_columns": people_import.REQUIRED_COLUMNS,
        }

    def process_result(self, result, request):
        if result.plan.has_errors:
            # The people changed between the preview and the confirmation.
            self.message_user(
                request,
                "Nothing was imported: the file no longer fits the people here. "
                "Upload it again to see why.",
                messages.ERROR,
            )
            return redirect("admin:growth_engineer_import")
        people_import.people_import_invite(
            users=result.plan.created_users, invited_by=request.user
        )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.plan.totals
        message = (
            f"Imported: {totals[people_import.NEW]} created, "
            f"{totals[people_import.UPDATE]} updated, "
            f"{totals[people_import.UNCHANGED]} unchanged."
        )
        if result.plan.teams_to_create:
            message += " Teams created: " + ", ".join(result.plan.teams_to_create) + "."
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Engineer)
class EngineerAdmin(PersonAddAdminMixin, PeopleImportMixin, HistoryAdmin):
    list_display = (
        "name",
        "email",
        "team",
        "manager",
        "level",
        "title",
        "start_date",
        "is_active",
    )
    list_select_related = ("user", "team", "manager__user", "level__track")
    list_filter = (
        "team",
        ("manager", EngineerFilter),
        "level__track",
        ("level", NamedRelatedFilter),
        "is_active",
    )
    search_fields = ("user__display_name", "user__email", "title")
    search_help_text = "Search by name, email or title."
    autocomplete_fields = ("user", "team", "manager")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "start_date"
    ordering = ("user__display_name",)
    fieldsets = (
        (None, {"fields": ("user", "team", "manager", "title")}),
        (
            "Career",
            {
                "fields": (
                    "level",
                    "level_since",
                    "start_date",
                    "is_active",
                    "shares_assessments_with_mentors",
                )
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ["collapse"]}),
    )
    inlines = (MentorshipAsMentorInline, MentorshipAsMenteeInline)
    # Adds "Subject-access export" and "Erase…" to the person's page.
    change_form_template = "admin/growth/engineer/change_form.html"
    actions = ("subject_access", "erase")

    @admin.display(description="name", ordering="user__display_name")
    def name(self, engineer):
        return engineer.user.display_name

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # The account follows: whoever is marked as gone is signed out
            # everywhere at once and cannot sign in again.
            engineer_active_set(engineer=obj, active=obj.is_active)

    # --- people's data: a subject-access export, and erasing who left ---------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/subject-access/",
                view(self.subject_access_view),
                name="growth_engineer_subject_access",
            ),
            path(
                "<path:object_id>/erase/",
                view(self.erase_view),
                name="growth_engineer_erase",
            ),
            *super().get_urls(),
        ]

    def _person(self, request, object_id) -> Engineer:
        """The person of the page, whom the staff member must be allowed to see."""
        engineer = self.get_object(request, unquote(object_id))
        if engineer is None:
            raise Http404("No such person.")
        if not self.has_view_or_change_permission(request, engineer):
            raise PermissionDenied
        return engineer

    def subject_access_view(self, request, object_id):
        """Everything about the person, as one JSON file: notes of every kind."""
        engineer = self._person(request, object_id)
        if not self.has_export_personal_data_permission(request):
            raise PermissionDenied
        now = timezone.now()
        data = privacy.subject_access_export(
            user=engineer.user, by=request.user, now=now
        )
        self.log_change(request, engineer, "Exported everything about them.")
        response = HttpResponse(
            export_json(data), content_type="application/json; charset=utf-8"
        )
        filename = f"subject-access-{engineer.pk}-{now:%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def erase_view(self, request, object_id):
        """What erasing the person removes and keeps; erase once their email
        address is typed in, to confirm."""
        engineer = self._person(request, object_id)
        if not self.has_erase_person_permission(request):
            raise PermissionDenied
        user = engineer.user
        refused = privacy.erasure_refused(user=user, by=request.user)
        error = ""
        if request.method == "POST" and not refused:
            if request.POST.get("confirm", "").strip().lower() != user.email.lower():
                error = f"Type {user.email} to confirm."
            else:
                try:
                    privacy.erase_person(user=user, by=request.user)
                except ValidationError as changed_meanwhile:
                    return self._erase_page(
                        request, engineer, refused=" ".join(changed_meanwhile.messages)
                    )
                user.refresh_from_db()  # nameless now: the log names nobody
                self.log_change(request, user, "Erased a person who left.")
                self.message_user(
                    request,
                    "Erased. Their account is closed and nameless; what they "
                    'wrote about others now reads "a former employee".',
                    messages.SUCCESS,
                )
                return redirect("admin:growth_engineer_changelist")
        return self._erase_page(request, engineer, refused=refused, error=error)

    def _erase_page(self, request, engineer, *, refused="", error=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Erase {engineer}?",
            "plan": privacy.erasure_plan(engineer.user),
            "refused": refused,
            "error": error,
            "typed": request.POST.get("confirm", ""),
        }
        return TemplateResponse(request, "admin/growth/engineer/erase.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_export": self.has_export_personal_data_permission(request),
            "may_erase": self.has_erase_person_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_export_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("growth.export_personal_data")

    def has_erase_person_permission(self, request) -> bool:
        return request.user.has_perm("growth.erase_person")

    def _redirect_for_one_person(self, request, queryset, url_name):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one person.", messages.WARNING)
            return None
        return redirect(reverse(url_name, args=[queryset.get().pk]))

    @admin.action(
        description="Export everything about the selected person (subject access)",
        permissions=["export_personal_data"],
    )
    def subject_access(self, request, queryset):
        return self._redirect_for_one_person(
            request, queryset, "admin:growth_engineer_subject_access"
        )

    @admin.action(
        description="Erase the selected person, who left…", permissions=["erase_person"]
    )
    def erase(self, request, queryset):
        return self._redirect_for_one_person(
            request, queryset, "admin:growth_engineer_erase"
        )

    @admin.display(description="email", ordering="user__email")
    def email(self, engineer):
        return engineer.user.email


@admin.register(Mentorship)
class MentorshipAdmin(HistoryAdmin):
    list_display = (
        "mentor",
        "mentee",
        "focus",
        "started_on",
        "ended_on",
        "cadence_days",
        "active",
        "coaching",
    )
    list_select_related = ("mentor__user", "mentee__user")
    list_filter = (
        ActiveMentorshipFilter,
        CoachingFilter,
        ("mentor", EngineerFilter),
        "mentee__team",
    )
    search_fields = (
        "mentor__user__display_name",
        "mentor__user__email",
        "mentee__user__display_name",
        "mentee__user__email",
        "focus",
    )
    search_help_text = "Search by mentor or mentee name or email, or the focus."
    autocomplete_fields = ("mentor", "mentee")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        # Coaching as MentorshipQuerySet.coaching() defines it, once per row.
        mentors = Mentorship.objects.active().filter(mentor_id=OuterRef("mentee_id"))
        return super().get_queryset(request).annotate(mentee_is_mentor=Exists(mentors))

    @admin.display(boolean=True, description="active", ordering="ended_on")
    def active(self, mentorship):
        return mentorship.is_active

    @admin.display(boolean=True, description="coaching", ordering="mentee_is_mentor")
    def coaching(self, mentorship):
        return mentorship.mentee_is_mentor


# Competencies are part of the career framework: growth/admin/framework.py.
