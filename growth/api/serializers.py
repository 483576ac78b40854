"""What the API reads and writes, field by field.

Output serializers read rows the views fetched with their relations joined
(``select_related``/``prefetch_related``), so a page of any size costs the same
queries. Input is checked by the pages' own forms (``FormInput``): a rule of
what one may write lives once, in the form and the service behind it, and an
error comes back on the field it concerns.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings

from growth.forms.feedback import FeedbackCommentForm, FeedbackNoteForm, PraiseForm
from growth.models import (
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    Sentiment,
    Visibility,
    WorkLink,
)

# --- the people things point at ------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """An engineer, by id and name (what a page names them by)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)


class AuthorField(serializers.CharField):
    """The name of whoever wrote it; empty once they left and were erased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.display_name if value is not None else ""


class CompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "name", "kind"]


class EngineerSerializer(serializers.ModelSerializer):
    """Someone whose growth the caller follows: themselves, a report or a
    mentee, with their place on the career framework (by key, as framework
    files name it)."""

    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    team = serializers.CharField(source="team.name", allow_null=True)
    track = serializers.CharField(
        source="level.track.key", allow_null=True, default=None
    )
    level = serializers.CharField(source="level.key", allow_null=True, default=None)
    relation = serializers.SerializerMethodField()

    class Meta:
        model = Engineer
        fields = [
            "id",
            "name",
            "email",
            "team",
            "manager",
            "track",
            "level",
            "level_since",
            "start_date",
            "relation",
        ]

    def get_relation(self, engineer) -> list[str]:
        """How the caller follows them: ``self``, ``report``, ``mentee``."""
        access = self.context["request"].access
        relation = []
        if engineer.pk in access.own_ids:
            relation.append("self")
        if engineer.pk in access.report_ids:
            relation.append("report")
        if engineer.pk in access.mentee_ids:
            relation.append("mentee")
        return relation


# --- feedback ------------------------------------------------------------------


class WorkLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkLink
        fields = ["url", "kind", "host", "label", "title"]
        read_only_fields = fields


class FeedbackNoteSerializer(serializers.ModelSerializer):
    engineer = PersonSerializer()
    links = WorkLinkSerializer(many=True, read_only=True)
    author = AuthorField()
    competency = CompetencySerializer(allow_null=True)
    comments_url = serializers.HyperlinkedIdentityField(
        view_name="api:note-comments", lookup_url_kwarg="pk"
    )

    class Meta:
        model = FeedbackNote
        fields = [
            "id",
            "engineer",
            "author",
            "kind",
            "competency",
            "sentiment",
            "situation",
            "behaviour",
            "impact",
            "suggestion",
            "message",
            "visibility",
            "public",
            "goal",
            "request",
            "created_at",
            "acknowledged_at",
            "replied_at",
            "actionable",
            "links",
            "comments_url",
        ]
        read_only_fields = fields


class FormInput(serializers.Serializer):
    """Input checked by a page's form: ``form_class(data, **form_kwargs())``.

    The serializer's own fields describe the input (for the schema, and to
    refuse a wrong JSON type at once); the form then applies every rule the
    page applies, and its errors come back on their fields. After
    ``is_valid()``, ``cleaned`` is the form's ``cleaned_data``. A field added
    to the form (a note's links, say) is added here once, beside it.
    """

    form_class: type[forms.BaseForm]

    def form_kwargs(self) -> dict:
        return {}

    def form_data(self, attrs: dict) -> dict:
        data = {}
        for name, value in attrs.items():
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = "on" if value else ""
            data[name] = value
        return data

    def validate(self, attrs):
        form = self.form_class(self.form_data(attrs), **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form.errors))
        self.cleaned = form.cleaned_data
        return attrs


def form_errors(errors: dict) -> dict:
    """A form's (or a service's) errors, keyed as the API's fields are."""
    return {
        api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: list(
            messages
        )
        for name, messages in errors.items()
    }


def service_errors(error: DjangoValidationError) -> dict | list:
    """A service's ``ValidationError`` as the API's 400 body."""
    if hasattr(error, "error_dict"):
        return form_errors(error.message_dict)
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class NoteText(serializers.CharField):
    """Text the form checks, blank or not, so its errors read as the page's."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, trim_whitespace=False, **kwargs)


class FeedbackNoteInput(FormInput):
    """A note in four parts: what the note form asks for."""

    engineer = serializers.IntegerField(help_text="The engineer's id.")
    kind = serializers.ChoiceField(choices=CompetencyKind.choices)
    competency = serializers.IntegerField(required=False, allow_null=True)
    sentiment = serializers.ChoiceField(choices=Sentiment.choices)
    situation = NoteText(help_text="When and where.")
    behaviour = NoteText(help_text="What they did or said.")
    impact = NoteText(help_text="What it changed.")
    suggestion = NoteText(help_text="One concrete next step.")
    goal = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of the engineer's goals."
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, default=Visibility.SHARED
    )
    links = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Up to five addresses of the work it is about (a pull request, "
        "an issue, an incident, a document); a few words after an address name "
        "it. Never fetched.",
    )

    form_class = FeedbackNoteForm

    def form_data(self, attrs: dict) -> dict:
        data = super().form_data(attrs)
        # The form's box takes one address a line.
        data["links"] = "\n".join(attrs.get("links") or [])
        return data

    def form_kwargs(self) -> dict:
        request = self.context["request"]
        return {"author": request.user, "access": request.access}


class PraiseInput(FormInput):
    """Praise in one line: what the praise form asks for."""

    engineer = serializers.IntegerField(help_text="The engineer's id.")
    message = NoteText(help_text="What they did, and why it mattered.")
    kind = serializers.ChoiceField(choices=CompetencyKind.choices)
    competency = serializers.IntegerField(required=False, allow_null=True)
    public = serializers.BooleanField(
        default=False, help_text="Show it on the Praise wall."
    )

    form_class = PraiseForm

    def form_kwargs(self) -> dict:
        return {"author": self.context["request"].user}


class FeedbackCommentSerializer(serializers.ModelSerializer):
    author = AuthorField()

    class Meta:
        model = FeedbackComment
        fields = ["id", "note", "author", "body", "created_at", "updated_at"]
        read_only_fields = ["id", "note", "author", "created_at", "updated_at"]


class FeedbackCommentInput(FormInput):
    body = NoteText()

    form_class = FeedbackCommentForm


class FeedbackRequestSerializer(serializers.ModelSerializer):
    requester = PersonSerializer()
    recipient = PersonSerializer()
    competency = CompetencySerializer(allow_null=True)

    class Meta:
        model = FeedbackRequest
        fields = [
            "id",
            "requester",
            "recipient",
            "message",
            "competency",
            "goal",
            "due_on",
            "status",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


# --- goals and learning --------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    engineer = PersonSerializer()
    competency = CompetencySerializer(allow_null=True)
    check_ins_url = serializers.HyperlinkedIdentityField(
        view_name="api:goal-check-ins", lookup_url_kwarg="pk"
    )

    class Meta:
        model = Goal
        fields = [
            "id",
            "engineer",
            "title",
            "description",
            "kind",
            "competency",
            "target_date",
            "status",
            "progress",
            "created_at",
            "updated_at",
            "check_ins_url",
        ]
        read_only_fields = fields


class GoalCheckInSerializer(serializers.ModelSerializer):
    author = AuthorField()

    class Meta:
        model = GoalCheckIn
        fields = ["id", "goal", "author", "progress", "note", "created_at"]
        read_only_fields = fields


class LearningActivitySerializer(serializers.ModelSerializer):
    led_by = PersonSerializer(allow_null=True)
    attendees = PersonSerializer(many=True)

    class Meta:
        model = LearningActivity
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "date",
            "hours",
            "led_by",
            "attendees",
            "goal",
            "created_at",
        ]
        read_only_fields = fields


class PraiseSerializer(serializers.ModelSerializer):
    """Praise on the wall: who, by whom, the line and its kind."""

    engineer = PersonSerializer()
    author = AuthorField()
    competency = CompetencySerializer(allow_null=True)

    class Meta:
        model = FeedbackNote
        fields = ["id", "engineer", "author", "kind", "competency", "message"]
        fields += ["created_at"]
        read_only_fields = fields
