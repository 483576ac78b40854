"""What the API reads and writes, field by field.

Output serializers read rows the views fetched with their relations joined
(``select_related``/``prefetch_related``), so a page of any size costs the same
queries. Input is checked by the pages' own forms (``FormInput``): a rule of
what one may write lives once, in the form and the service behind it, and an
error comes back on the field it concerns.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings

from growth import policy
from growth.forms.feedback import FeedbackCommentForm, FeedbackNoteForm, PraiseForm
from growth.forms.goals import GoalCheckInForm, GoalEditForm, GoalForm
from growth.forms.learning import LearningActivityForm
from growth.forms.requests import FeedbackRequestsForm
from growth.links import MAX_LINKS
from growth.models import (
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalStatus,
    LearningActivity,
    LearningKind,
    Sentiment,
    Visibility,
    WorkLink,
)
from growth.selectors.dashboard import goal_engineers
from growth.services.requests import MAX_RECIPIENTS
from growth.views.requests import DEFAULT_DUE_DAYS

# A request the caller does not owe, whether it is closed, someone else's or
# not there at all: one answer, so it tells nothing about requests one may
# not see.
REQUEST_NOT_OWED = "This request is not one you owe, or it is already closed."
# The same for a goal's owner: anyone else is refused alike.
NOT_A_GOAL_OWNER = "Set goals for yourself or one of your direct reports."


def _today(request) -> datetime.date:
    """The caller's date, where they are (the pages' forms take it so)."""
    return timezone.localdate(timezone=request.user.zone)


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


class LinksInput(serializers.ListField):
    """Links to the work, a list here where the form's box takes one a line."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            f"Up to {MAX_LINKS} addresses of the work it is about (a pull "
            "request, an issue, an incident, a document); a few words after an "
            "address name it. Never fetched.",
        )
        super().__init__(child=serializers.CharField(), required=False, **kwargs)


def links_data(data: dict, attrs: dict) -> dict:
    """``data`` for a form whose ``links`` box takes one address a line."""
    data["links"] = "\n".join(attrs.get("links") or [])
    return data


class FeedbackNoteInput(FormInput):
    """A note in four parts: what the note form asks for."""

    engineer = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The engineer's id; needed unless the note answers a request.",
    )
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
    links = LinksInput()
    request = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Answer a feedback request you were asked: its id. The note "
        "then goes to whoever asked (``engineer`` may be left out), is shared, "
        "and closes the request.",
    )

    form_class = FeedbackNoteForm
    feedback_request: FeedbackRequest | None = None

    def form_data(self, attrs: dict) -> dict:
        return links_data(super().form_data(attrs), attrs)

    def form_kwargs(self) -> dict:
        request = self.context["request"]
        return {
            "author": request.user,
            "access": request.access,
            "feedback_request": self.feedback_request,
        }

    def validate(self, attrs):
        # As the page's ``?request=``: only a request the caller owes, open.
        if attrs.get("request") is not None:
            access = self.context["request"].access
            self.feedback_request = (
                policy.feedback_requests_fulfillable_by(access)
                .select_related("requester__user", "competency", "goal")
                .filter(pk=attrs["request"])
                .first()
            )
            if self.feedback_request is None:
                raise serializers.ValidationError({"request": [REQUEST_NOT_OWED]})
            requester = self.feedback_request.requester
            if attrs.get("engineer") not in (None, requester.pk):
                # The page never asks; here someone could name another person.
                raise serializers.ValidationError(
                    {
                        "engineer": [
                            f"This request is from {requester}; the note goes to them."
                        ]
                    }
                )
        return super().validate(attrs)


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


class FeedbackRequestInput(FormInput):
    """Ask people for feedback: what the request form asks for."""

    recipients = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=f"Engineers' ids, up to {MAX_RECIPIENTS}: each gets a request "
        "of their own.",
    )
    message = NoteText(required=False, help_text="What you would like feedback on.")
    goal = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of your own goals."
    )
    competency = serializers.IntegerField(required=False, allow_null=True)
    due_on = serializers.DateField(
        required=False, help_text="Feedback wanted by; a week from today if left out."
    )

    form_class = FeedbackRequestsForm

    def form_data(self, attrs: dict) -> dict:
        if "due_on" not in attrs:
            # What the page's form starts with.
            attrs["due_on"] = _today(self.context["request"]) + datetime.timedelta(
                days=DEFAULT_DUE_DAYS
            )
        return super().form_data(attrs)

    def form_kwargs(self) -> dict:
        return {
            "requester": self.context["requester"],
            "today": _today(self.context["request"]),
        }


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
    links = WorkLinkSerializer(many=True, read_only=True)

    class Meta:
        model = GoalCheckIn
        fields = ["id", "goal", "author", "progress", "note", "links", "created_at"]
        read_only_fields = fields


class GoalInput(FormInput):
    """A new goal: what the goal form asks for, and whose it is."""

    engineer = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Whose goal: yours (left out) or a direct report's id.",
    )
    title = NoteText(help_text="Something you can tell you have done.")
    description = NoteText(
        required=False, help_text="Why it matters and how you will know."
    )
    kind = serializers.ChoiceField(choices=GoalKind.choices)
    competency = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For a technical or interpersonal goal, one of the same kind.",
    )
    target_date = serializers.DateField(required=False, allow_null=True)

    form_class = GoalForm
    engineer_chosen: Engineer

    def validate(self, attrs):
        # As the page: oneself, or a direct report (``goal_owners_for``).
        access = self.context["request"].access
        owners = goal_engineers(access)
        wanted = attrs.get("engineer")
        owner = owners.filter(
            pk=wanted if wanted is not None else access.engineer_id
        ).first()
        if owner is None:
            raise serializers.ValidationError({"engineer": [NOT_A_GOAL_OWNER]})
        self.engineer_chosen = owner
        return super().validate(attrs)

    def form_kwargs(self) -> dict:
        return {
            "instance": Goal(engineer=self.engineer_chosen),
            "today": _today(self.context["request"]),
        }


class GoalUpdateInput(FormInput):
    """A change to a goal: what its edit form asks for, each field optional
    (left out, it keeps its value)."""

    title = NoteText(required=False)
    description = NoteText(required=False)
    kind = serializers.ChoiceField(choices=GoalKind.choices, required=False)
    competency = serializers.IntegerField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=GoalStatus.choices,
        required=False,
        help_text="Achieved when you got there, abandoned when it no longer "
        "matters; active to reopen it.",
    )

    form_class = GoalEditForm

    def form_data(self, attrs: dict) -> dict:
        goal = self.context["goal"]
        kept = {name: getattr(goal, name) for name in GoalEditForm.Meta.fields}
        kept["competency"] = goal.competency_id
        return super().form_data(kept | attrs)

    def form_kwargs(self) -> dict:
        return {
            "instance": self.context["goal"],
            "today": _today(self.context["request"]),
        }


class GoalCheckInInput(FormInput):
    """Progress on a goal: what the check-in form asks for."""

    progress = serializers.IntegerField(help_text="From 0 to 100 per cent.")
    note = NoteText(required=False, help_text="What moved, what is in the way.")
    links = LinksInput()

    form_class = GoalCheckInForm

    def form_data(self, attrs: dict) -> dict:
        return links_data(super().form_data(attrs), attrs)


class LearningActivitySerializer(serializers.ModelSerializer):
    led_by = PersonSerializer(allow_null=True)
    attendees = PersonSerializer(many=True)
    goal = serializers.SerializerMethodField(
        help_text="The goal it counts towards, when you may see that goal."
    )
    competency = CompetencySerializer(allow_null=True)

    def get_goal(self, activity) -> int | None:
        # A session is public; the goal it counts towards is its engineer's
        # circle's, as the learning page keeps it.
        if activity.goal_id is None:
            return None
        owner = getattr(activity, "goal_engineer_id", None)
        if owner is None:
            owner = activity.goal.engineer_id
        access = self.context["request"].access
        visible = policy.goal_of_engineer_visible(access, owner)
        return activity.goal_id if visible else None

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
            "competency",
            "created_at",
        ]
        read_only_fields = fields


class LearningActivityInput(FormInput):
    """Learning to log: what the learning form asks for."""

    kind = serializers.ChoiceField(choices=LearningKind.choices)
    title = NoteText()
    description = NoteText(required=False)
    date = serializers.DateField(
        required=False, help_text="When it was; today (where you are) if left out."
    )
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        help_text="Hours each attendee spent, e.g. 7.5 for a full day.",
    )
    led_by = serializers.IntegerField(
        required=False, allow_null=True, help_text="Who ran it: an engineer's id."
    )
    attendees = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Engineers' ids: everyone who took part. Left out, just you.",
    )
    goal = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="One of your own active goals this counts towards.",
    )
    competency = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The skill it built: evidence on the career framework.",
    )

    form_class = LearningActivityForm

    def form_data(self, attrs: dict) -> dict:
        # Left out, they are what the page's form starts with.
        request = self.context["request"]
        attrs.setdefault("date", _today(request))
        if "attendees" not in attrs:
            attrs["attendees"] = list(request.access.own_ids)
        return super().form_data(attrs)

    def form_kwargs(self) -> dict:
        request = self.context["request"]
        return {"user": request.user, "today": _today(request)}


class LearningActivityUpdateInput(LearningActivityInput):
    """A change to logged learning: the same fields, each optional (left out,
    it keeps its value; ``attendees``, when given, replaces them all)."""

    kind = serializers.ChoiceField(choices=LearningKind.choices, required=False)
    title = NoteText(required=False)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False)

    def form_data(self, attrs: dict) -> dict:
        activity = self.context["activity"]
        kept = {
            "kind": activity.kind,
            "title": activity.title,
            "description": activity.description,
            "date": activity.date,
            "hours": activity.hours,
            "led_by": activity.led_by_id,
            "attendees": [person.pk for person in activity.attendees.all()],
            "goal": activity.goal_id,
            "competency": activity.competency_id,
        }
        return FormInput.form_data(self, kept | attrs)

    def form_kwargs(self) -> dict:
        return super().form_kwargs() | {"instance": self.context["activity"]}


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
