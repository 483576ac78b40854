"""People and teams in the admin.

The CSV export action is registered site-wide by ``growth.admin``, so it shows
here too without this app importing ``growth``.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import Team, User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    """Create a user from an email address, a name and (optionally) a password."""

    class Meta:
        model = User
        fields = ("email", "display_name", "time_zone")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


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
