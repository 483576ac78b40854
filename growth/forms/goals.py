"""Forms and the list filter for goals."""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from growth.forms import dates
from growth.forms.links import LinksField
from growth.forms.text import CountedCharField, CountedTextarea
from growth.forms.widgets import QuickSelect
from growth.links import MAX_LINKS
from growth.models import (
    Competency,
    Engineer,
    FeedbackNote,
    Goal,
    GoalKind,
    GoalStatus,
    limits,
)


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class GoalForm(forms.ModelForm):
    """A new goal: what, why, which kind and competency, by when."""

    competency = CompetencyChoiceField(
        queryset=Competency.objects.filter(is_active=True),
        required=False,
        empty_label="None in particular",
        help_text="For a technical or interpersonal goal, pick a competency of "
        "the same kind.",
    )

    class Meta:
        model = Goal
        fields = ["title", "description", "kind", "competency", "target_date"]
        labels = {"target_date": "Target date"}
        help_texts = {
            "title": "Something you can tell you have done, e.g. “Lead a design "
            "review”.",
            "description": "Why it matters and how you will know you got there.",
            "target_date": "Optional. When you want to get there by.",
        }
        widgets = {
            "description": CountedTextarea(attrs={"rows": 4}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        dates.bound(self.fields["target_date"], dates.goal_target_range(today))
        if self.instance.pk is None and not self.instance.title:
            # Left blank, the title is reported once, by the form, not again
            # by the model's own check.
            self.instance.title = None
        current = self.instance.competency_id if self.instance.pk else None
        if current:
            # A goal keeps the competency it has, even one retired since.
            self.fields["competency"].queryset = Competency.objects.filter(
                is_active=True
            ) | Competency.objects.filter(pk=current)

    def clean_target_date(self):
        return dates.check_within(
            self.cleaned_data["target_date"],
            dates.goal_target_range(self.today),
            today=self.today,
        )


class GoalEditForm(GoalForm):
    """An existing goal, including its status."""

    class Meta(GoalForm.Meta):
        fields = [*GoalForm.Meta.fields, "status"]
        help_texts = {
            **GoalForm.Meta.help_texts,
            "status": "Mark it achieved when you got there, or abandoned when it "
            "no longer matters.",
        }


class GoalFromNoteForm(GoalForm):
    """A goal from feedback: the same, but it asks when, so it is checked on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        target_date = self.fields["target_date"]
        target_date.required = True
        target_date.help_text = (
            "When you want to get there by: a date keeps the feedback from drifting."
        )
        target_date.error_messages["required"] = "Pick a date to get there by."


class GoalCheckInForm(forms.Form):
    progress = forms.IntegerField(
        label="Progress (%)",
        min_value=0,
        max_value=100,
        help_text="From 0 to 100 per cent.",
        widget=forms.NumberInput(attrs={"step": 1}),
    )
    note = CountedCharField(
        label="Note",
        required=False,
        max_length=limits.GOAL_CHECK_IN_NOTE,
        widget=CountedTextarea(attrs={"rows": 3}),
        help_text="Optional. What moved, what is in the way.",
    )
    links = LinksField(
        help_text=f"Optional, up to {MAX_LINKS}: the pull requests, issues or "
        "documents that show the progress, one web address a line. Whoever "
        "sees the goal sees them; nothing is fetched."
    )


# A title someone reads at a glance in a list: the suggestion's first sentence,
# cut at a word when longer.
FROM_NOTE_TITLE = 60

# Quote marks and list bullets someone typed at the start of a line.
_LEADING_MARKS = re.compile(r"^(?:\s*(?:>|[-*•]\s)\s*)+")


def _at_a_word(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut between words, ending "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _first_sentence(text: str) -> str:
    for line in text.splitlines():
        line = _LEADING_MARKS.sub("", line).strip()
        if line:
            sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
            return sentence.rstrip(".")
    return ""


def goal_initial_from_note(note: FeedbackNote) -> dict:
    """Prefill a goal from shared feedback: its competency, kind and suggestion.

    The title is short (the suggestion's first sentence, cut at a word); the
    suggestion itself goes into the description, shortened to fit the goal's
    limit: a prefill the engineer sees and edits before saving, never text
    saved cut.
    """
    suggestion = note.suggestion.strip()
    summary = _at_a_word(_first_sentence(suggestion), FROM_NOTE_TITLE)
    if summary:
        title = summary
    elif note.competency_id:
        title = f"Grow in {note.competency.name}"
    else:
        title = "Act on feedback"
    author = note.author or "a former employee"
    day = date_format(timezone.localtime(note.created_at).date(), "j M Y")
    heading = f"From feedback by {author} on {day}:\n"
    return {
        "title": Truncator(title).chars(limits.GOAL_TITLE),
        "kind": note.kind,
        "competency": note.competency_id,
        "description": heading
        + Truncator(suggestion).chars(limits.GOAL_DESCRIPTION - len(heading)),
    }


def _visible_engineers(request):
    if request is None:
        return Engineer.objects.none()
    # Their names are all the options show.
    return (
        Engineer.objects.visible_to(request.access)
        .select_related("user")
        .only("user__display_name", "user__email")
    )


class GoalFilter(django_filters.FilterSet):
    engineer = django_filters.ModelChoiceFilter(
        queryset=_visible_engineers,
        label="Engineer",
        empty_label="Everyone I follow",
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=GoalStatus.choices,
        label="Status",
        empty_label="Any status",
        widget=QuickSelect,
    )
    kind = django_filters.ChoiceFilter(
        choices=GoalKind.choices,
        label="Kind",
        empty_label="Any kind",
        widget=QuickSelect,
    )

    class Meta:
        model = Goal
        fields = ["engineer", "status", "kind"]
