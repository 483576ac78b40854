"""Adding a person in the admin: one form for the account and the engineer.

Before, a person took two forms (a user, then an engineer) and a password
someone typed for them. Here the engineer admin's *add* page asks for the
account's fields (email, name, time zone) beside the engineer's, saves both
in the add view's one transaction with an unusable password, and sends an
invitation once it commits (``accounts.invitations``). Changing a person is
the engineer admin's usual form.

Wiring, in ``EngineerAdmin``: inherit ``PersonAddAdminMixin`` first.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User, time_zone_choices
from growth.models import Engineer
from growth.services.people import person_create

ACCOUNT_FIELDS = ("email", "display_name", "time_zone")


class PersonAddForm(forms.ModelForm):
    """A new person: their account and their engineer profile."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their sign-in, and where the invitation goes.",
    )
    display_name = forms.CharField(
        label="Display name", max_length=150, help_text="How colleagues see the name."
    )
    time_zone = forms.TypedChoiceField(
        choices=time_zone_choices,
        initial="UTC",
        help_text="Reminders arrive in the morning of this time zone.",
    )
    send_invitation = forms.BooleanField(
        label="Send an invitation",
        required=False,
        initial=True,
        help_text="An email with a link to choose their password (or sign in "
        "with single sign-on), valid for a week.",
    )

    fieldsets = (
        ("Account", {"fields": ACCOUNT_FIELDS}),
        ("Where they sit", {"fields": ("team", "manager", "title")}),
        ("Career", {"fields": ("level", "level_since", "start_date")}),
        ("Invitation", {"fields": ("send_invitation",)}),
    )

    class Meta:
        model = Engineer
        fields = ("team", "manager", "level", "level_since", "title", "start_date")

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in ACCOUNT_FIELDS):
            account = User(**{name: cleaned[name] for name in ACCOUNT_FIELDS})
            try:
                # The account's own rules: a free display name, a known zone.
                account.full_clean(exclude=["password", "email"])
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
            self.account = account
        # The email is looked up last: when a double click's twin commits
        # while this one is checked, a display name found taken above means
        # the email is found here too, and the form says what happened.
        email = cleaned.get("email")
        if email and User.objects.filter(email__iexact=email).exists():
            self.add_error(
                "email",
                ValidationError(
                    "A person with this email address already exists; find "
                    "them in the list of engineers or users.",
                    code="unique",
                ),
            )
        return cleaned


class PersonAddAdminMixin:
    """The engineer admin's add page as one form: ``PersonAddForm``."""

    add_form = PersonAddForm

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_form.fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_inline_instances(self, request, obj=None):
        # Mentorships are added once the person exists.
        return super().get_inline_instances(request, obj) if obj else []

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except IntegrityError:
            # A double click raced past the email check and lost at the
            # unique index: answered again, the form now finds the person
            # the first click made and says so on the email field.
            return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        person_create(
            account=form.account,
            engineer=obj,
            invited_by=request.user,
            invite=form.cleaned_data["send_invitation"],
        )
        if form.cleaned_data["send_invitation"]:
            self.message_user(
                request,
                f"An invitation is on its way to {obj.user.email}.",
                messages.SUCCESS,
            )
        return None
