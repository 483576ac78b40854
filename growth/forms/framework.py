"""Forms of the career framework: an assessment (a row per competency) and a
readiness summary."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format

from growth.forms.text import CountedTextarea
from growth.models import Rating, ReadinessStatus, limits
from growth.services.framework import RatingInput

RATING_CHOICES = [
    (Rating.BELOW, "Below"),
    (Rating.MEETS, "Meets"),
    (Rating.EXCEEDS, "Exceeds"),
]


def _note_label(note) -> str:
    author = note.author or "a former employee"
    when = date_format(note.created_at, "j M Y")
    return f"{note.get_sentiment_display()} from {author}, {when}"


def _learning_label(activity) -> str:
    role = "led" if getattr(activity, "led", False) else "attended"
    return f"{activity.title} ({role}, {date_format(activity.date, 'j M Y')})"


class AssessmentForm(forms.Form):
    """One row per competency: a rating, a sentence, and evidence to tick.
    A row left blank is not rated (yet)."""

    def __init__(self, *args, competencies, choices, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for competency in competencies:
            pk = competency.pk
            current = ratings.get(pk)
            picks = choices.get(pk, {})
            self.fields[f"rating-{pk}"] = forms.ChoiceField(
                label="Rating",
                choices=RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=current.rating if current else None,
            )
            self.fields[f"comment-{pk}"] = forms.CharField(
                label="Why, in a sentence",
                required=False,
                max_length=limits.ASSESSMENT_COMMENT,
                widget=CountedTextarea(attrs={"rows": 2, "class": "form-control"}),
                initial=current.comment if current else "",
            )
            evidence = (
                ("notes", "Feedback", picks.get("notes", []), _note_label),
                ("goals", "Goals", picks.get("goals", []), lambda g: g.title),
                ("learning", "Learning", picks.get("learning", []), _learning_label),
            )
            names = []
            for kind, label, objects, describe in evidence:
                if not objects:
                    continue
                chosen = (
                    [obj.pk for obj in getattr(current, f"evidence_{kind}").all()]
                    if current
                    else []
                )
                self.fields[f"{kind}-{pk}"] = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=[(obj.pk, describe(obj)) for obj in objects],
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple(
                        attrs={"class": "form-check-input"}
                    ),
                    initial=chosen,
                )
                names.append(f"{kind}-{pk}")
            self.rows.append(
                {
                    "competency": competency,
                    "rating": self[f"rating-{pk}"],
                    "comment": self[f"comment-{pk}"],
                    "evidence": [self[name] for name in names],
                }
            )

    def ratings(self) -> dict[int, RatingInput]:
        """The rows as the service takes them."""
        data = self.cleaned_data
        result = {}
        for row in self.rows:
            pk = row["competency"].pk
            result[pk] = RatingInput(
                rating=data.get(f"rating-{pk}") or "",
                comment=data.get(f"comment-{pk}") or "",
                notes=frozenset(data.get(f"notes-{pk}") or ()),
                goals=frozenset(data.get(f"goals-{pk}") or ()),
                learning=frozenset(data.get(f"learning-{pk}") or ()),
            )
        return result


class ReadinessForm(forms.Form):
    status = forms.ChoiceField(
        label="How ready are they?",
        choices=ReadinessStatus.choices,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="Summary",
        max_length=limits.READINESS_SUMMARY,
        widget=CountedTextarea(attrs={"rows": 6}),
        help_text="What they already show at the next level, and what is "
        "still to come. They read it once you share it.",
    )


class SharingForm(forms.Form):
    shares = forms.BooleanField(required=False)
