"""People and teams in the admin.

The CSV export action is registered site-wide by ``growth.admin``, so it shows
here too without this app importing ``growth``.

Only superusers grant power: a staff member who may change users cannot make
anyone (themselves included) staff or superuser, nor give groups or
permissions, nor change groups; the admin shows those fields read-only to
them, so a posted value is not read at all. The accounts that hold power
(staff and superusers) are changed, given a password or deleted by
superusers only, or their password could be set and their power borrowed.

Nobody types anyone's password: a person added here gets an unusable one and
an invitation (``accounts.invitations``) to choose their own. Invitations
have a list of their own, read-only, with "Resend" and "Revoke"; the hash of
a link's token is never shown nor exported.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.invitations import invitation_revoke, invitations_send
from accounts.models import (
    ApiToken,
    Invitation,
    InvitationState,
    NameChange,
    Team,
    User,
)
from accounts.names import name_change_record
from accounts.sessions import user_sessions_end
from accounts.tokens import api_token_revoke, api_tokens_revoke

# What grants power: only a superuser sees these as fields.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _holds_power(user: User) -> bool:
    return user.is_staff or user.is_superuser


class UserCreationForm(forms.ModelForm):
    """Create a user from an email address and a name; they choose their
    password from the invitation (or sign in with single sign-on)."""

    send_invitation = forms.BooleanField(
        required=False,
        initial=True,
        label="Send an invitation",
        help_text="An email with a link to choose their password, valid for "
        "a week. Leave it unticked to invite them later (Send invitation).",
    )

    class Meta:
        model = User
        fields = ("email", "display_name", "time_zone")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


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
                "fields": ("email", "display_name", "time_zone", "send_invitation"),
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
    actions = ("send_invitation",)

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
            if form.cleaned_data.get("send_invitation"):
                # Emailed once the add commits (accounts.invitations).
                invitations_send(users=[obj], invited_by=request.user)
                self.message_user(
                    request, f"An invitation is on its way to {obj.email}."
                )
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
            api_tokens_revoke(user=obj, now=timezone.now())

    def has_send_invitation_permission(self, request) -> bool:
        return request.user.has_perm("accounts.add_invitation")

    @admin.action(
        description="Send invitation to the selected people",
        permissions=["send_invitation"],
    )
    def send_invitation(self, request, queryset):
        invite_people(self, request, queryset)


def invite_people(model_admin, request, users) -> None:
    """Invite each of ``users`` whom the staff member may manage and who is
    active, and say how it went."""
    wanted = list(users)
    people = [user for user in wanted if user.is_active and _may_invite(request, user)]
    left_out = len(wanted) - len(people)
    made = invitations_send(users=people, invited_by=request.user)
    if made:
        model_admin.message_user(
            request,
            f"Invited {_people(len(made))}: each gets an email with a new link, "
            "and any earlier link stops working.",
            messages.SUCCESS,
        )
    if left_out:
        model_admin.message_user(
            request,
            f"Left out {_people(left_out)}: inactive, or staff whom only a "
            "superuser may invite.",
            messages.WARNING,
        )
    failed = Invitation.objects.filter(
        pk__in=[invitation.pk for invitation in made]
    ).exclude(send_error="")
    for invitation in failed.select_related("user"):
        model_admin.message_user(
            request,
            f"The invitation to {invitation.user.email} could not be sent "
            f"({invitation.send_error}); resend it once the mail server works.",
            messages.ERROR,
        )


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _may_invite(request, user: User) -> bool:
    """The User admin's rule: only a superuser acts on accounts with power."""
    return request.user.is_superuser or not _holds_power(user)


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
    list_display = ("name", "engineer_count", "has_teams_webhook", "created_at")
    fields = ("name", "description", "teams_webhook_url", "created_at")
    search_fields = ("name", "description")
    ordering = ("name",)
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        # "engineers" is the reverse name of growth.Engineer.team: a join, not an import.
        return (
            super().get_queryset(request).annotate(engineers_total=Count("engineers"))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "teams_webhook_url":
            kwargs["assume_scheme"] = "https"  # Django 6's default, and ours
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Teams webhook", boolean=True)
    def has_teams_webhook(self, team):
        # Only whether there is one: the URL is a secret that lets anyone post.
        return bool(team.teams_webhook_url)

    @admin.display(description="engineers", ordering="engineers_total")
    def engineer_count(self, team):
        url = reverse("admin:growth_engineer_changelist")
        return format_html(
            '<a href="{}?team__id__exact={}">{}</a>', url, team.pk, team.engineers_total
        )


class InvitationStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            *InvitationState.choices,
            ("unsent", "Not sent (mail error)"),
            ("asked", "New one asked for"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        closed = Q(used_at__isnull=False) | Q(revoked_at__isnull=False)
        match self.value():
            case InvitationState.OPEN:
                return queryset.open(now=now)
            case InvitationState.USED:
                return queryset.filter(used_at__isnull=False)
            case InvitationState.REVOKED:
                return queryset.filter(used_at__isnull=True, revoked_at__isnull=False)
            case InvitationState.EXPIRED:
                return queryset.exclude(closed).filter(expires_at__lte=now)
            case "unsent":
                return queryset.filter(sent_at__isnull=True).exclude(send_error="")
            case "asked":
                return queryset.filter(renewal_requested_at__isnull=False)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Every invitation, read-only: who, by whom, when, and how it stands."""

    list_display = (
        "user",
        "invited_by",
        "created_at",
        "expires_at",
        "state",
        "sent",
        "renewal_requested_at",
    )
    list_select_related = ("user", "invited_by")
    list_filter = (InvitationStateFilter, "created_at")
    search_fields = ("user__email", "user__display_name")
    search_help_text = "Search by the invited person's name or email."
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    # The token's hash is no field here: it is shown nowhere.
    fields = (
        "user",
        "invited_by",
        "created_at",
        "expires_at",
        "sent_at",
        "send_error",
        "used_at",
        "revoked_at",
        "renewal_requested_at",
    )
    readonly_fields = fields
    actions = ("resend", "revoke")

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The site-wide CSV export writes every column, the token's hash too.
        actions.pop("export_csv", None)
        return actions

    def has_add_permission(self, request):
        return False  # invited from a person: the user list or the engineer form

    def has_change_permission(self, request, obj=None):
        return False  # a record: its actions are Resend and Revoke

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("accounts.add_invitation")

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_invitation")

    @admin.display(description="state")
    def state(self, invitation):
        return invitation.state(now=timezone.now()).label

    @admin.display(description="email", ordering="sent_at")
    def sent(self, invitation):
        if invitation.sent_at:
            return f"sent {timezone.localtime(invitation.sent_at):%d/%m/%Y %H:%M}"
        if invitation.send_error:
            return f"not sent: {invitation.send_error}"
        return "sending"

    @admin.action(
        description="Resend invitation (a new link; the old one stops working)",
        permissions=["resend"],
    )
    def resend(self, request, queryset):
        users = User.objects.filter(pk__in=queryset.values("user_id")).order_by("pk")
        invite_people(self, request, users)

    @admin.action(description="Revoke invitation", permissions=["revoke"])
    def revoke(self, request, queryset):
        now = timezone.now()
        revoked = sum(
            invitation_revoke(invitation=invitation, now=now)
            for invitation in queryset.filter(
                used_at__isnull=True, revoked_at__isnull=True
            )
        )
        skipped = queryset.count() - revoked
        self.message_user(
            request,
            f"Revoked {revoked} invitation{'s' if revoked != 1 else ''}: "
            "their links no longer work.",
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} as they were: used or revoked already.",
                messages.WARNING,
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every personal API token, read-only: whose, named what, used when.
    Staff revoke one; nobody sees a secret (only its hash is kept, and that
    is shown nowhere)."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "state")
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__email", "user__display_name")
    search_help_text = "Search by the token's name or start, or its owner."
    ordering = ("-created_at", "-pk")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The site-wide CSV export writes every column, the secret's hash too.
        actions.pop("export_csv", None)
        return actions

    def has_add_permission(self, request):
        return False  # made by their owner, who alone ever sees the secret

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.display(description="state")
    def state(self, token):
        if token.revoked_at:
            return "revoked"
        # Not revoked, but its person left: it opens nothing (``live()``).
        return "works" if token.user.is_active else "owner inactive"

    @admin.action(description="Revoke token (it stops working)", permissions=["revoke"])
    def revoke(self, request, queryset):
        now = timezone.now()
        revoked = sum(
            api_token_revoke(token=token, now=now)
            for token in queryset.filter(revoked_at__isnull=True)
        )
        self.message_user(
            request,
            f"Revoked {revoked} token{'s' if revoked != 1 else ''}.",
            messages.SUCCESS,
        )
