"""Forms for logging and editing check-ins.

Action items are typed one per line in a textarea: quicker in a meeting than a
formset, and it needs no JavaScript to add a row.
"""

from __future__ import annotations

import datetime

from django import forms

from growth.forms import dates
from growth.forms.text import CountedCharField, CountedTextarea
from growth.models import ActionItem, CheckIn, limits
from growth.services.checkins import ACTION_ITEM_MAX_LENGTH


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CheckInForm(forms.ModelForm):
    action_items = CountedCharField(
        label="Action items",
        required=False,
        max_length=limits.ACTION_ITEMS_BOX,
        widget=CountedTextarea(attrs={"rows": 4}),
        help_text=f"One per line, up to {ACTION_ITEM_MAX_LENGTH} characters each.",
    )

    class Meta:
        model = CheckIn
        fields = ["held_on", "notes"]
        labels = {"held_on": "Date held", "notes": "Shared notes"}
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": CountedTextarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        dates.bound(self.fields["held_on"], dates.check_in_range(today))
        self.fields["notes"].help_text = (
            "The engineer reads these, as do their manager and, for mentoring, "
            "their mentors."
        )

    def clean_held_on(self):
        return dates.check_within(
            self.cleaned_data["held_on"],
            dates.check_in_range(self.today),
            today=self.today,
        )

    def clean_action_items(self) -> list[str]:
        items = _lines(self.cleaned_data["action_items"])
        long = [
            n for n, item in enumerate(items, 1) if len(item) > ACTION_ITEM_MAX_LENGTH
        ]
        if long:
            raise forms.ValidationError(
                f"Item {long[0]} is longer than {ACTION_ITEM_MAX_LENGTH} characters; "
                "shorten it or split it in two."
            )
        return items


class CheckInEditForm(CheckInForm):
    remove_action_items = forms.ModelMultipleChoiceField(
        label="Remove action items",
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick items added by mistake; mark finished ones done instead.",
    )

    field_order = ["held_on", "notes", "remove_action_items", "action_items"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_items"].label = "New action items"
        items = self.instance.action_items.all()
        self.fields["remove_action_items"].queryset = items
        if not items:
            del self.fields["remove_action_items"]
