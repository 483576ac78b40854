"""Forms and the list filter for goals."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from growth.forms.text import CountedCharField, CountedTextarea
from growth.forms.widgets import QuickSelect
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class GoalEditForm(GoalForm):
    """An existing goal, including its status."""

    class Meta(GoalForm.Meta):
        fields = [*GoalForm.Meta.fields, "status"]
        help_texts = {
            **GoalForm.Meta.help_texts,
            "status": "Mark it achieved when you got there, or abandoned when it "
            "no longer matters.",
        }


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


def _shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending "…" when shortened."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def goal_initial_from_note(note: FeedbackNote) -> dict:
    """Prefill a goal from shared feedback: its competency, kind and suggestion.

    The title and the quote are shortened to fit the goal's limits: a prefill
    the engineer sees and edits before saving, never text saved cut.
    """
    suggestion = note.suggestion.strip()
    first_line = suggestion.splitlines()[0] if suggestion else ""
    summary = Truncator(first_line).chars(120)
    if note.competency_id:
        title = (
            f"{note.competency.name}: {summary}" if summary else note.competency.name
        )
    else:
        title = summary or "Act on feedback"
    quoted = "\n".join(f"> {line}" for line in suggestion.splitlines())
    author = note.author or "a former employee"
    day = date_format(timezone.localtime(note.created_at).date(), "j M Y")
    heading = f"From feedback by {author} on {day}:\n"
    return {
        "title": _shorten(title, limits.GOAL_TITLE),
        "kind": note.kind,
        "competency": note.competency_id,
        "description": heading
        + _shorten(quoted, limits.GOAL_DESCRIPTION - len(heading)),
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
