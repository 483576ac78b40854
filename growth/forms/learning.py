"""Logging learning and filtering the list of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.db.models import Q

from growth.forms import dates
from growth.forms.feedback import competency_choices
from growth.forms.text import CountedTextarea
from growth.forms.widgets import QuickSelect
from growth.models import (
    Competency,
    Engineer,
    Goal,
    GoalStatus,
    LearningActivity,
    LearningKind,
)

MAX_HOURS = Decimal("200")


class LearningActivityForm(forms.ModelForm):
    """What was learnt, when, for how long and by whom.

    ``user`` is the person logging it: the attendees start as them and the goal
    can only be one of theirs. ``today`` is their local date (a year ahead is the
    furthest an activity can be planned).
    """

    class Meta:
        model = LearningActivity
        fields = [
            "kind",
            "title",
            "description",
            "date",
            "hours",
            "led_by",
            "attendees",
            "goal",
            "competency",
        ]
        labels = {
            "kind": "Kind",
            "title": "Title",
            "description": "What was it about?",
            "date": "Date",
            "hours": "Hours",
            "led_by": "Led by",
            "attendees": "Attendees",
            "goal": "Linked goal",
            "competency": "Competency",
        }
        help_texts = {
            "hours": "Hours each attendee spent, e.g. 7.5 for a full day.",
            "led_by": "Who ran it, if anyone.",
            "attendees": "Everyone who took part, you included if you did.",
            "goal": "One of your own active goals this counts towards.",
            "competency": "The skill it built: it counts as evidence on the career "
            "framework.",
        }
        widgets = {
            "date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "hours": forms.NumberInput(
                attrs={"min": "0.1", "max": "200", "step": "0.1"}
            ),
            "description": CountedTextarea(attrs={"rows": 4}),
            "attendees": forms.CheckboxSelectMultiple,
            "led_by": QuickSelect,  # every active engineer
            "goal": QuickSelect,
        }

    def __init__(self, *args, user, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        dates.bound(self.fields["date"], dates.learning_range(today))
        self.fields["kind"].choices = [("", "Choose a kind"), *LearningKind.choices]
        # The model's default date is a callable; its hidden copy is noise here.
        self.fields["date"].show_hidden_initial = False
        self._limit_choices(user)
        if not self.instance.pk:
            self.initial.setdefault("date", today)
            if "attendees" not in self.initial:
                me = Engineer.objects.filter(user=user).values_list("pk", flat=True)
                self.initial["attendees"] = list(me)
        self.helper = self._helper()

    def _limit_choices(self, user):
        """Offer active engineers and the person's own active goals, plus
        whatever an activity being edited already has."""
        current = self.instance
        engineers = Engineer.objects.select_related("user")
        self.fields["led_by"].queryset = engineers.filter(
            Q(is_active=True, user__is_active=True) | Q(pk=current.led_by_id)
        )
        self.fields["led_by"].empty_label = "Nobody in particular"
        # Someone who has since left still attended: keep them on an edit.
        kept = current.attendees.values("pk") if current.pk else Engineer.objects.none()
        self.fields["attendees"].queryset = engineers.filter(
            Q(is_active=True, user__is_active=True) | Q(pk__in=kept)
        )
        self.fields["goal"].queryset = Goal.objects.filter(
            Q(engineer__user=user, status=GoalStatus.ACTIVE) | Q(pk=current.goal_id)
        ).order_by("title")
        self.fields["goal"].empty_label = "None"
        competency = self.fields["competency"]
        competency.queryset = Competency.objects.filter(
            Q(is_active=True) | Q(pk=current.competency_id)
        ).order_by("kind", "name")
        competency.choices = competency_choices(competency.queryset)
        # Someone else's goal that this editor may not see (a session's leader
        # editing what an attendee linked) is neither shown nor changed.
        self.keeps_hidden_goal = bool(
            current.goal_id
            and not Goal.objects.visible_to(user).filter(pk=current.goal_id).exists()
        )
        if self.keeps_hidden_goal:
            del self.fields["goal"]

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's form carries the token
        helper.layout = Layout(
            "kind",
            "title",
            "description",
            Div(
                Div("date", css_class="col-sm-6"),
                Div("hours", css_class="col-sm-6"),
                css_class="row",
            ),
            "led_by",
            # A long list of people scrolls inside its box, not the whole page.
            Div(
                "attendees",
                css_class="border rounded px-3 pt-2 mb-3 overflow-auto attendee-list",
            ),
            *[name for name in ["goal"] if name in self.fields],
            "competency",
        )
        return helper

    def clean_date(self):
        # Planned learning may be logged up to a year ahead, not further.
        return dates.check_within(
            self.cleaned_data["date"],
            dates.learning_range(self.today),
            today=self.today,
        )

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours <= 0:
            raise forms.ValidationError("Hours must be more than 0.", code="min_value")
        if hours > MAX_HOURS:
            raise forms.ValidationError("Hours can be at most 200.", code="max_value")
        return hours

    def clean(self):
        cleaned_data = super().clean()
        if self.keeps_hidden_goal:
            cleaned_data["goal"] = self.instance.goal
        return cleaned_data


def _engineer_choices(request):
    return Engineer.objects.select_related("user")


class LearningFilter(django_filters.FilterSet):
    """Narrow the learning list by kind, date, who attended and who led it."""

    kind = django_filters.ChoiceFilter(
        choices=LearningKind.choices, label="Kind", empty_label="Any kind"
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    attendee = django_filters.ModelChoiceFilter(
        field_name="attendees",
        queryset=_engineer_choices,
        label="Attended by",
        empty_label="Anyone",
    )
    led_by = django_filters.ModelChoiceFilter(
        queryset=_engineer_choices, label="Led by", empty_label="Anyone"
    )

    class Meta:
        model = LearningActivity
        fields: list[str] = []
