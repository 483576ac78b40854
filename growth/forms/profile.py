"""A person's own settings: how they are named, their time zone, and where
each kind of reminder reaches them."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from growth.forms.text import CountedCharField
from growth.forms.widgets import QuickSelect
from growth.models.reminders import EMAIL_KIND_CHOICES, ChannelChoice, switches_of

CHANNEL_PREFIX = "channel_"


def _email_choices() -> list[tuple[str, str]]:
    return [
        (kind, f"Email me about {label.lower()}") for kind, label in EMAIL_KIND_CHOICES
    ]


class ProfileForm(forms.ModelForm):
    """The user's own fields, plus where each kind of reminder goes: one email
    switch per kind, or, while Slack is configured (``slack``), one choice of
    email, Slack, both or neither per kind."""

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

    def __init__(self, *args, slack: bool = False, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.slack = slack
        if not slack:
            return
        del self.fields["enabled_kinds"]
        channels = channels or {}
        # Labelled by kind alone: the template groups them under a legend
        # that says what they choose, and says once what holds for all.
        for kind, label in EMAIL_KIND_CHOICES:
            self.fields[CHANNEL_PREFIX + kind] = forms.ChoiceField(
                label=label,
                choices=ChannelChoice.choices,
                initial=channels.get(kind, ChannelChoice.EMAIL),
            )

    def own_fields(self) -> list[forms.BoundField]:
        """The person's own fields: everything but the channel choices."""
        return [f for f in self if not f.name.startswith(CHANNEL_PREFIX)]

    def channel_fields(self) -> list[forms.BoundField]:
        """One channel choice per kind (none while Slack is not configured)."""
        return [f for f in self if f.name.startswith(CHANNEL_PREFIX)]

    def clean(self):
        """Turn the per-kind channel choices into the two lists the service takes."""
        cleaned = super().clean()
        if not self.slack:
            return cleaned
        email, slack = [], []
        for kind, _label in EMAIL_KIND_CHOICES:
            choice = cleaned.pop(CHANNEL_PREFIX + kind, None)
            if choice is None:
                continue  # its own error is shown beside it
            by_email, by_slack = switches_of(choice)
            if by_email:
                email.append(kind)
            if by_slack:
                slack.append(kind)
        cleaned["enabled_kinds"] = email
        cleaned["slack_kinds"] = slack
        return cleaned


class ApiTokenForm(forms.Form):
    """Name a new personal API token."""

    name = CountedCharField(
        label="Token name",
        max_length=100,
        help_text="What will use it: a script, a bot, a laptop.",
        error_messages={"required": "Name the token: what will use it?"},
    )
