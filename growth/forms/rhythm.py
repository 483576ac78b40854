"""A team's sprint rhythm, and an engineer's plan for a learning day."""

from __future__ import annotations

import datetime

from crispy_forms.layout import Div
from django import forms
from django.db.models import Q

from growth.forms import dates
from growth.forms.layout import inner_helper
from growth.forms.text import CountedTextarea
from growth.forms.widgets import QuickSelect
from growth.models import Competency, Goal, GoalStatus, LearningDayPlan, SprintCadence
from growth.models.rhythm import MAX_LEARNING_DAY_HOURS


class SprintCadenceForm(forms.ModelForm):
    """Sprint length, when a sprint started, and the learning day's weekday."""

    class Meta:
        model = SprintCadence
        fields = ["sprint_weeks", "first_sprint_start", "learning_weekday"]
        labels = {
            "sprint_weeks": "Sprint length in weeks",
            "first_sprint_start": "A sprint started on",
            "learning_weekday": "Learning day",
        }
        help_texts = {
            "sprint_weeks": "From 1 to 6 weeks.",
            "first_sprint_start": "The first day of any sprint, past or coming; "
            "the others follow on from it.",
            "learning_weekday": "The learning day is the first such weekday after "
            "each sprint ends.",
        }
        widgets = {
            "sprint_weeks": forms.NumberInput(attrs={"min": "1", "max": "6"}),
            "first_sprint_start": forms.DateInput(
                format="%Y-%m-%d", attrs={"type": "date"}
            ),
        }

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        dates.bound(self.fields["first_sprint_start"], self._range())
        self.helper = inner_helper(
            Div(
                Div("sprint_weeks", css_class="col-sm-4"),
                Div("first_sprint_start", css_class="col-sm-4"),
                Div("learning_weekday", css_class="col-sm-4"),
                css_class="row",
            )
        )

    def _range(self) -> dates.Range:
        return dates.EARLIEST, dates.years_after(self.today, 1)

    def clean_first_sprint_start(self):
        return dates.check_within(
            self.cleaned_data["first_sprint_start"], self._range(), today=self.today
        )


class LearningDayForm(forms.ModelForm):
    """What the engineer plans to learn on one learning day and, from the day
    itself on, what they did and for how long."""

    class Meta:
        model = LearningDayPlan
        fields = ["plan", "goal", "competency", "done", "hours"]
        labels = {
            "plan": "What I plan to learn",
            "goal": "Towards my goal",
            "competency": "Competency",
            "done": "What I did",
            "hours": "Hours",
        }
        help_texts = {
            "plan": "A line is enough: the people who follow your growth read it.",
            "done": "Saved with the hours, it logs your learning day.",
            "hours": "How long you spent, e.g. 7.5 for a full day.",
        }
        widgets = {
            "goal": QuickSelect,
            "competency": QuickSelect,
            "done": CountedTextarea(attrs={"rows": 3}),
            "hours": forms.NumberInput(
                attrs={"min": "0.5", "max": "24", "step": "0.5"}
            ),
        }

    def __init__(
        self, *args, engineer, day: datetime.date, today: datetime.date, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.day = day
        self.after = day <= today
        current = self.instance
        self.fields["goal"].queryset = Goal.objects.filter(
            Q(engineer=engineer, status=GoalStatus.ACTIVE) | Q(pk=current.goal_id)
        ).order_by("title")
        self.fields["goal"].empty_label = "None"
        self.fields["competency"].queryset = Competency.objects.filter(
            Q(is_active=True) | Q(pk=current.competency_id)
        ).order_by("kind", "name")
        self.fields["competency"].empty_label = "None"
        if self.after:
            self.fields["done"].required = False
            self.fields["hours"].required = False
        else:
            # Before the day there is nothing to log yet.
            del self.fields["done"]
            del self.fields["hours"]
            self.fields["plan"].required = True
        names = [
            "plan",
            Div(
                Div("goal", css_class="col-sm-6"),
                Div("competency", css_class="col-sm-6"),
                css_class="row",
            ),
        ]
        if self.after:
            names += ["done", "hours"]
        self.helper = inner_helper(*names)

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is None:
            return None
        if hours <= 0:
            raise forms.ValidationError("Hours must be more than 0.", code="min_value")
        if hours > MAX_LEARNING_DAY_HOURS:
            raise forms.ValidationError("Hours can be at most 24.", code="max_value")
        return hours

    def clean(self):
        cleaned = super().clean()
        if not self.after:
            return cleaned
        done, hours = cleaned.get("done"), cleaned.get("hours")
        if done and hours is None and "hours" not in self.errors:
            self.add_error("hours", "Say how many hours, to log the day.")
        if hours is not None and not done:
            self.add_error("done", "Say what you did, to log the day.")
        if not (cleaned.get("plan") or done or self.errors):
            self.add_error("plan", "Say what you plan to learn, or what you did.")
        return cleaned

    @property
    def logs(self) -> bool:
        return bool(self.after and self.cleaned_data.get("done"))
