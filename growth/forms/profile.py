"""A person's own settings: how they are named, their time zone, their emails."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from growth.forms.text import CountedCharField
from growth.forms.widgets import QuickSelect
from growth.models.reminders import EMAIL_KIND_CHOICES


def _email_choices() -> list[tuple[str, str]]:
    return [
        (kind, f"Email me about {label.lower()}") for kind, label in EMAIL_KIND_CHOICES
    ]


class ProfileForm(forms.ModelForm):
    """The user's own fields, plus one email switch per kind of reminder."""

    enabled_kinds = forms.MultipleChoiceField(
        label="Reminder emails",
        choices=_email_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Unticked kinds send no email; they still appear under Notifications.",
    )

    class Meta:
        model = get_user_model()
        fields = ["display_name", "time_zone"]
        labels = {"display_name": "Display name", "time_zone": "Time zone"}
        field_classes = {"display_name": CountedCharField}
        widgets = {"time_zone": QuickSelect}  # some six hundred zones
