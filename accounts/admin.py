"""People and teams in the admin.

The CSV export action is registered site-wide by ``growth.admin``, so it shows
here too without this app importing ``growth``.

Only superusers grant power: a staff member who may change users cannot make
anyone (themselves included) staff or superuser, nor give groups or
permissions, nor change groups; the admin shows those fields read-only to
them, so a posted value is not read at all. The accounts that hold power
(staff and superusers) are changed, given a password or deleted by
superusers only, or their password could be set and their power borrowed.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import NameChange, Team, User
from accounts.names import name_change_record
from accounts.sessions import user_sessions_end

# What grants power: only a superuser sees these as fields.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _holds_power(user: User) -> bool:
    return user.is_staff or user.is_superuser


class UserCreationForm(auth_forms.AdminUserCreationForm):
    """Create a user from an email address, a name and (optionally) a password."""

    class Meta:
        model = User
        fields = ("email", "display_name", "time_zone")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class NameChangeInline(admin.TabularInline):
    """The person's earlier names, newest first: kept, never edited here."""

    model = NameChange
    fk_name = "user"
    fields = ("changed_at", "old_name", "new_name", "changed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "earlier name"
    verbose_name_plural = "name history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Part of the person's page: whoever may see the person sees it.
        return self.admin_site.get_model_admin(User).has_view_permission(request, obj)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "time_zone")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "time_zone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "email",
        "display_name",
        "time_zone",
        "is_active",
        "is_staff",
        "last_login",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "display_name")
    ordering = ("display_name", "email")
    readonly_fields = ("last_login", "date_joined")
    date_hierarchy = "date_joined"
    inlines = (NameChangeInline,)

    def get_inline_instances(self, request, obj=None):
        # A person being added has no earlier name.
        return super().get_inline_instances(request, obj) if obj else []

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *PRIVILEGE_FIELDS)

    def has_change_permission(self, request, obj=None):
        # Also guards the password page (Django's ``user_change_password``
        # asks this), so it answers 403 as Django's admin does: the person is
        # on the list the staff member sees, so that hides nothing.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._may_manage(request, obj)

    def _may_manage(self, request, user: User) -> bool:
        """Whether the staff member may change or delete ``user``: a
        superuser anyone; others the people without power, and themselves
        (their power stays read-only)."""
        if request.user.is_superuser:
            return True
        return not _holds_power(user) or user.pk == request.user.pk

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            return
        if "display_name" in form.changed_data:
            name_change_record(
                user=obj,
                old_name=form.initial["display_name"],
                by=request.user,
                now=timezone.now(),
            )
        if "is_active" in form.changed_data and not obj.is_active:
            user_sessions_end(user=obj)


# Django's own group admin, but only superusers add, change or delete a
# group: giving a group a permission gives it to everyone in the group, the
# staff member who changed it included.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(auth_admin.GroupAdmin):
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "engineer_count", "created_at")
    search_fields = ("name", "description")
    ordering = ("name",)
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        # "engineers" is the reverse name of growth.Engineer.team: a join, not an import.
        return (
            super().get_queryset(request).annotate(engineers_total=Count("engineers"))
        )

    @admin.display(description="engineers", ordering="engineers_total")
    def engineer_count(self, team):
        url = reverse("admin:growth_engineer_changelist")
        return format_html(
            '<a href="{}?team__id__exact={}">{}</a>', url, team.pk, team.engineers_total
        )
