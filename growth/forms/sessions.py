"""Proposing a session, confirming who came, saying how it went; hackathons."""

from __future__ import annotations

import datetime

from crispy_forms.layout import Div
from django import forms
from django.db.models import Q

from growth.forms.layout import inner_helper
from growth.forms.text import CountedTextarea
from growth.models import Competency, Engineer, Hackathon, HackathonTeam
from growth.models.sessions import (
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    SESSION_FEEDBACK_LINE,
    LearningSession,
    TopicKind,
)

# What a leader writes about their session: the form's fields, and what the
# views hand the services.
SESSION_FIELDS = (
    "title",
    "topic_kind",
    "competency",
    "description",
    "starts_at",
    "duration_minutes",
    "place",
    "capacity",
    "for_newcomers",
)


class SessionForm(forms.ModelForm):
    """What a session teaches, when and where, and for how many."""

    class Meta:
        model = LearningSession
        fields = list(SESSION_FIELDS)
        labels = {
            "topic_kind": "Topic",
            "competency": "Competency",
            "description": "What will people learn?",
            "starts_at": "Starts at",
            "duration_minutes": "Length in minutes",
            "place": "Place or link",
            "for_newcomers": "Suited to newcomers",
        }
        help_texts = {
            "competency": "The skill it teaches; leave empty for career management.",
            "starts_at": "In your own time zone.",
            "capacity": "How many people can take part.",
        }
        widgets = {
            "starts_at": forms.DateTimeInput(
                format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}
            ),
            "description": CountedTextarea(attrs={"rows": 4}),
            "duration_minutes": forms.NumberInput(
                attrs={"min": "15", "max": str(MAX_DURATION_MINUTES), "step": "5"}
            ),
            "capacity": forms.NumberInput(attrs={"min": "1", "max": str(MAX_CAPACITY)}),
        }

    def __init__(self, *args, now: datetime.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["competency"].queryset = Competency.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.competency_id)
        ).order_by("kind", "name")
        self.fields["competency"].required = False
        self.fields["competency"].empty_label = "None"
        self.helper = inner_helper(
            "title",
            Div(
                Div("topic_kind", css_class="col-sm-6"),
                Div("competency", css_class="col-sm-6"),
                css_class="row",
            ),
            "description",
            Div(
                Div("starts_at", css_class="col-sm-6"),
                Div("duration_minutes", css_class="col-sm-6"),
                css_class="row",
            ),
            Div(
                Div("place", css_class="col-sm-8"),
                Div("capacity", css_class="col-sm-4"),
                css_class="row",
            ),
            "for_newcomers",
        )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= self.now and not self.instance.pk:
            raise forms.ValidationError("Choose a time still to come.")
        return starts_at

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 15 <= minutes <= MAX_DURATION_MINUTES:
            raise forms.ValidationError("A session lasts 15 minutes to 8 hours.")
        return minutes

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= MAX_CAPACITY:
            raise forms.ValidationError(f"Capacity must be 1 to {MAX_CAPACITY}.")
        return capacity

    def clean(self):
        cleaned = super().clean()
        kind, competency = cleaned.get("topic_kind"), cleaned.get("competency")
        if kind == TopicKind.CAREER:
            cleaned["competency"] = None
        elif competency is not None and competency.kind != kind:
            self.add_error(
                "competency", "Choose a competency of the session's kind of skill."
            )
        return cleaned

    def _post_clean(self):
        # The service validates the whole session; the form checks its fields.
        pass


class AttendanceForm(forms.Form):
    """Who came: the people signed up, ticked, and anyone who came without."""

    attended = forms.ModelMultipleChoiceField(
        queryset=Engineer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Signed up and came",
    )
    also = forms.ModelMultipleChoiceField(
        queryset=Engineer.objects.none(),
        required=False,
        label="Also came, without signing up",
        help_text="Hold Ctrl (or ⌘) to choose more than one.",
    )

    def __init__(self, *args, session: LearningSession, signups, **kwargs):
        super().__init__(*args, **kwargs)
        signed = [s.engineer for s in signups]
        signed_ids = [e.pk for e in signed]
        self.fields["attended"].queryset = Engineer.objects.filter(
            pk__in=signed_ids
        ).select_related("user")
        self.fields["attended"].choices = [(e.pk, str(e)) for e in signed]
        self.fields["also"].queryset = (
            Engineer.objects.filter(is_active=True, user__is_active=True)
            .exclude(pk__in=[*signed_ids, session.leader_id])
            .select_related("user")
            .order_by("user__display_name")
        )
        if not self.is_bound:
            self.initial["attended"] = [
                s.engineer_id for s in signups if s.attended is not False
            ]
        self.helper = inner_helper(
            Div("attended", css_class="border rounded px-3 pt-2 mb-3 attendee-list"),
            "also",
        )

    def people(self) -> list[Engineer]:
        return [*self.cleaned_data["attended"], *self.cleaned_data["also"]]


class SessionFeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label="Was it useful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    line = forms.CharField(
        label="In one line",
        required=False,
        max_length=SESSION_FEEDBACK_LINE,
        help_text="For the leader only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_helper("useful", "line")


class HackathonForm(forms.ModelForm):
    class Meta:
        model = Hackathon
        fields = ["title", "theme", "starts_on", "ends_on"]
        labels = {"starts_on": "First day", "ends_on": "Last day"}
        widgets = {
            "starts_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "ends_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_helper(
            "title",
            "theme",
            Div(
                Div("starts_on", css_class="col-sm-6"),
                Div("ends_on", css_class="col-sm-6"),
                css_class="row",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", "The last day comes on or after the first.")
        return cleaned

    def _post_clean(self):
        pass


class HackathonTeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=100)


class DemoForm(forms.ModelForm):
    demo_link = forms.URLField(
        label="Link to the demo", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = HackathonTeam
        fields = ["demo_title", "demo_link", "demo_summary"]
        labels = {
            "demo_title": "What you demoed",
            "demo_link": "Link to the demo",
            "demo_summary": "In a few lines",
        }
        widgets = {"demo_summary": CountedTextarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_helper("demo_title", "demo_link", "demo_summary")
