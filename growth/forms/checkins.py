"""Forms for logging and editing check-ins, their action items, and the
talking points of the next one.

Action items are typed one per line in a textarea, one box for each of the
two people: quicker in a meeting than a formset, and it needs no JavaScript to
add a row. A due date for a single item is set on the item afterwards.
"""

from __future__ import annotations

import datetime

from django import forms

from growth.forms import dates
from growth.forms.text import CountedCharField, CountedTextarea
from growth.models import ActionItem, AgendaItem, CheckIn, limits
from growth.services.checkins import ACTION_ITEM_MAX_LENGTH

# An action item is due within a year; further is a typo, not a plan. From
# 2000, not from today: an old item keeps the date it had when edited.
ACTION_ITEM_YEARS_AHEAD = 1


def action_item_due_range(today: datetime.date) -> dates.Range:
    return dates.EARLIEST, dates.years_after(today, ACTION_ITEM_YEARS_AHEAD)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _items_help(whose: str) -> str:
    return f"{whose}: one per line, up to {ACTION_ITEM_MAX_LENGTH} characters each."


def _items_field(label: str, whose: str) -> CountedCharField:
    return CountedCharField(
        label=label,
        required=False,
        max_length=limits.ACTION_ITEMS_BOX,
        widget=CountedTextarea(attrs={"rows": 3}),
        help_text=_items_help(whose),
    )


def _due_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class TalkingPointsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.text} (added by {obj.added_by or 'a former employee'})"


class CheckInForm(forms.ModelForm):
    discussed = TalkingPointsField(
        label="Talking points discussed",
        queryset=AgendaItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the two of you put on the agenda. Untick what you did not "
        "get to: it stays for the next one.",
    )
    # Labelled apart ("Action items", "Yours to do"): one never finds the other.
    action_items = _items_field("Action items", "For the engineer to do")
    author_action_items = _items_field("Yours to do", "Action items you take on")
    due_on = _due_field(
        label="New items due by",
        help_text="Optional, for every new item; change one item's date on it later.",
    )

    class Meta:
        model = CheckIn
        fields = ["held_on", "notes", "private_notes"]
        labels = {
            "held_on": "Date held",
            "notes": "Shared notes",
            "private_notes": "Private notes",
        }
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": CountedTextarea(attrs={"rows": 8}),
            "private_notes": CountedTextarea(attrs={"rows": 4}),
        }

    field_order = [
        "held_on",
        "discussed",
        "notes",
        "private_notes",
        "action_items",
        "author_action_items",
        "due_on",
    ]

    def __init__(self, *args, today: datetime.date, agenda=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        dates.bound(self.fields["held_on"], dates.check_in_range(today))
        dates.bound(self.fields["due_on"], action_item_due_range(today))
        self.fields["notes"].help_text = (
            "The engineer reads these, as do their manager and, for mentoring, "
            "their mentors."
        )
        self.fields["private_notes"].help_text = (
            "Only you read these: not the engineer, not their manager, and no "
            "export or email of theirs."
        )
        engineer = self.instance.engineer
        self.fields["action_items"].help_text = _items_help(f"For {engineer.name}")
        if agenda is None:
            del self.fields["discussed"]
        else:
            self.fields["discussed"].queryset = agenda
            self.fields["discussed"].initial = [point.pk for point in agenda]
            if not self.fields["discussed"].queryset:
                del self.fields["discussed"]

    def clean_held_on(self):
        return dates.check_within(
            self.cleaned_data["held_on"],
            dates.check_in_range(self.today),
            today=self.today,
        )

    def clean_due_on(self):
        return dates.check_within(
            self.cleaned_data["due_on"],
            action_item_due_range(self.today),
            today=self.today,
        )

    def _clean_lines(self, name: str) -> list[str]:
        items = _lines(self.cleaned_data[name])
        long = [
            n for n, item in enumerate(items, 1) if len(item) > ACTION_ITEM_MAX_LENGTH
        ]
        if long:
            raise forms.ValidationError(
                f"Item {long[0]} is longer than {ACTION_ITEM_MAX_LENGTH} characters; "
                "shorten it or split it in two."
            )
        return items

    def clean_action_items(self) -> list[str]:
        return self._clean_lines("action_items")

    def clean_author_action_items(self) -> list[str]:
        return self._clean_lines("author_action_items")


class CheckInEditForm(CheckInForm):
    remove_action_items = forms.ModelMultipleChoiceField(
        label="Remove action items",
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick items added by mistake; mark finished ones done instead.",
    )

    field_order = [
        "held_on",
        "notes",
        "private_notes",
        "remove_action_items",
        "action_items",
        "author_action_items",
        "due_on",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_items"].label = "New action items"
        self.fields["author_action_items"].label = "New ones yours to do"
        items = self.instance.action_items.all()
        self.fields["remove_action_items"].queryset = items
        if not items:
            del self.fields["remove_action_items"]


class ActionItemForm(forms.ModelForm):
    """One item: what, whose, by when."""

    owner = forms.TypedChoiceField(label="Whose", coerce=int)
    due_on = _due_field(label="Due", help_text="Optional.")

    class Meta:
        model = ActionItem
        fields = ["description", "due_on"]
        labels = {"description": "Action item"}

    field_order = ["description", "owner", "due_on"]

    def __init__(self, *args, owners: list[tuple[int, str]], today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["owner"].choices = owners
        self.fields["owner"].initial = self.instance.owner_id
        dates.bound(self.fields["due_on"], action_item_due_range(today))

    def clean_due_on(self):
        return dates.check_within(
            self.cleaned_data["due_on"],
            action_item_due_range(self.today),
            today=self.today,
        )


class AgendaItemForm(forms.ModelForm):
    """A talking point for the next check-in."""

    class Meta:
        model = AgendaItem
        fields = ["text"]
        labels = {"text": "Add a talking point"}
        help_texts = {
            "text": "What you want to talk about next time, and why. The other "
            "person sees it before you meet.",
        }
