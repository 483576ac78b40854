"""Forms for writing feedback, answering it and asking for it.

The note form coaches the writer towards feedback someone can act on: one
situation, what was seen, its impact and one concrete suggestion. The services
check every rule again; these forms only offer what the person may choose.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy

from growth import policy
from growth.forms.links import LinksField, links_text
from growth.forms.text import CountedCharField, CountedTextarea
from growth.forms.widgets import QuickSelect
from growth.models import (
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    Sentiment,
    Visibility,
    limits,
)
from growth.models.feedback import (
    CONVERSATION_FIXES_READERS,
    LOCKED_ONCE_ANSWERED,
    NOTE_PARTS,
)

TEXTAREA_ROWS = 3


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form's fields where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if target is None and field != NON_FIELD_ERRORS:
            errors = [message for item in errors for message in item.messages]
        form.add_error(target, errors)


def competency_choices(competencies, kind: str | None = None) -> list:
    """Choices for a competency select: one kind, or grouped by kind."""
    blank = [("", "— none —")]
    if kind:
        return blank + [(c.pk, c.name) for c in competencies if c.kind == kind]
    groups = []
    for value, label in CompetencyKind.choices:
        options = [(c.pk, c.name) for c in competencies if c.kind == value]
        if options:
            groups.append((label, options))
    return blank + groups


def offer_competencies(form: forms.ModelForm) -> None:
    """Offer the active competencies of the kind ``form`` has chosen (all of
    them, by kind, before it has one), and the note's own; choosing a kind
    swaps them (``feedback-competency-options``)."""
    if form.is_bound:
        kind = form.data.get(form.add_prefix("kind"))
    else:
        kind = form.initial.get("kind") or form.instance.kind
    field = form.fields["competency"]
    competencies = Competency.objects.filter(is_active=True)
    if form.instance.competency_id:
        competencies = competencies | Competency.objects.filter(
            pk=form.instance.competency_id
        )
    field.queryset = competencies.order_by("kind", "name")
    field.choices = competency_choices(
        field.queryset, kind if kind in CompetencyKind.values else None
    )
    form.fields["kind"].choices = CompetencyKind.choices
    form.fields["kind"].widget.attrs.update(
        {
            "hx-get": reverse_lazy("feedback-competency-options"),
            "hx-target": f"#{form.auto_id % form.add_prefix('competency')}",
            "hx-trigger": "change",
        }
    )


class EngineerChoiceField(forms.ModelChoiceField):
    widget = QuickSelect  # everyone in the organisation: thousands of options

    def label_from_instance(self, obj):
        return f"{obj.user} — {obj.team}"


class GoalChoiceField(forms.ModelChoiceField):
    """Goals, named with their engineer unless the form knows who it is for."""

    show_engineer = True
    widget = QuickSelect

    def label_from_instance(self, obj):
        if self.show_engineer:
            return f"{obj.engineer}: {obj.title}"
        return obj.title


class FeedbackNoteForm(forms.ModelForm):
    """Write or edit a note; ``author`` writes it, about ``engineer`` if known."""

    engineer = EngineerChoiceField(
        queryset=Engineer.objects.none(),
        label="Who is this feedback for?",
        empty_label="Choose someone",
        help_text="Anyone here: your team, another team, your manager or mentor.",
    )
    goal = GoalChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label="Related goal (optional)",
        empty_label="— none —",
        help_text="One of their goals this feedback speaks to, if you can see it.",
    )
    links = LinksField()

    class Meta:
        model = FeedbackNote
        fields = [
            "engineer",
            "kind",
            "competency",
            "sentiment",
            "situation",
            "behaviour",
            "impact",
            "suggestion",
            "goal",
            "visibility",
        ]
        labels = {
            "kind": "Kind of feedback",
            "competency": "Competency",
            "sentiment": "Is this praise or constructive?",
            "situation": "Situation",
            "behaviour": "Behaviour",
            "impact": "Impact",
            "suggestion": "Suggestion",
            "visibility": "Who sees it?",
        }
        help_texts = {
            "kind": "Technical: code, design, testing, operations. "
            "Interpersonal: how they work with people.",
            "competency": "Which skill does this speak to? Pick one of the same kind.",
            "sentiment": "Both help: praise says what to keep doing, constructive "
            "feedback what to try instead. Either way, describe, don't judge.",
            "situation": "When and where? One specific moment, not a pattern.",
            "behaviour": "What did they do or say, as you saw it? "
            "Describe the action, not the person.",
            "impact": "What did it change for the team, the users, the code or you?",
            "suggestion": "One concrete next step they can take.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "sentiment": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "situation": CountedTextarea(
                attrs={
                    "rows": TEXTAREA_ROWS,
                    "placeholder": "In Tuesday's incident review…",
                }
            ),
            "behaviour": CountedTextarea(
                attrs={
                    "rows": TEXTAREA_ROWS,
                    "placeholder": "…you walked us through the timeline and named "
                    "your own mistake first…",
                }
            ),
            "impact": CountedTextarea(
                attrs={
                    "rows": TEXTAREA_ROWS,
                    "placeholder": "…so others owned theirs too, and we found the "
                    "root cause in twenty minutes.",
                }
            ),
            "suggestion": CountedTextarea(
                attrs={
                    "rows": TEXTAREA_ROWS,
                    "placeholder": "Keep doing it — and add your timeline format to "
                    "the post-mortem template so others can copy it.",
                }
            ),
        }

    def __init__(
        self,
        *args,
        author,
        access: policy.Access | None = None,
        engineer: Engineer | None = None,
        feedback_request: FeedbackRequest | None = None,
        **kwargs,
    ):
        instance = kwargs.get("instance")
        if instance is None:
            # Parts the form refuses stay None, so the model's own "cannot be
            # blank" check does not report them a second time.
            kwargs["instance"] = FeedbackNote(
                author=author, **dict.fromkeys(NOTE_PARTS)
            )
        elif instance.pk:
            engineer = instance.engineer
        if feedback_request is not None:
            engineer = feedback_request.requester
        initial = kwargs.setdefault("initial", {})
        if engineer is not None:
            initial.setdefault("engineer", engineer.pk)
        if instance is not None and instance.pk:
            initial.setdefault("links", links_text(instance.links.all()))
        if feedback_request is not None:
            if feedback_request.competency_id:
                initial.setdefault("kind", feedback_request.competency.kind)
                initial.setdefault("competency", feedback_request.competency_id)
            initial.setdefault("goal", feedback_request.goal_id)
        super().__init__(*args, **kwargs)
        self.author = author
        # What the author may do, asked once: the request's, when it has one.
        self.access = policy.access_of(access or author)
        self.known_engineer = engineer
        self.feedback_request = feedback_request
        note = self.instance
        # Radio buttons need no blank choice: one of them must be picked.
        self.fields["sentiment"].choices = Sentiment.choices
        # The model leaves them blank for praise in one line; not this form.
        for part in NOTE_PARTS:
            self.fields[part].required = True

        engineers = Engineer.objects.active()
        if note.pk:
            engineers = engineers | Engineer.objects.filter(pk=note.engineer_id)
        self.fields["engineer"].queryset = engineers.select_related(
            "user", "team"
        ).order_by("user__display_name")
        if note.pk or feedback_request is not None:
            # The note is about this person; writing about someone else is a new note.
            self.fields["engineer"].disabled = True
            self.fields["engineer"].help_text = ""

        self._set_competencies()
        self._set_goals()
        self._set_visibility()

        if note.pk and self.is_answered:
            for name in LOCKED_ONCE_ANSWERED:
                self.fields[name].disabled = True
            self.fields["kind"].help_text = (
                f"{note.engineer} has already answered this note, so only its "
                "wording (situation, behaviour, impact, suggestion) can change."
            )
        if note.pk and note.comments.exists():
            self.fields["visibility"].disabled = True
            self.fields["visibility"].help_text = CONVERSATION_FIXES_READERS

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Who and what", "engineer", "kind", "competency", "sentiment", "links"
            ),
            Fieldset("What you saw", "situation", "behaviour", "impact"),
            Fieldset("What next", "suggestion", "goal"),
            "visibility",
        )

    @property
    def is_answered(self) -> bool:
        return self.instance.is_answered

    def _set_competencies(self) -> None:
        offer_competencies(self)

    def _set_goals(self) -> None:
        field = self.fields["goal"]
        goals = Goal.objects.visible_to(self.access)
        if self.known_engineer is not None:
            goals = goals.filter(engineer=self.known_engineer)
            field.show_engineer = False
        extra = [
            pk
            for pk in (
                self.instance.goal_id,
                self.feedback_request.goal_id if self.feedback_request else None,
            )
            if pk
        ]
        if extra:
            goals = goals | Goal.objects.filter(pk__in=extra)
        field.queryset = goals.select_related("engineer__user").order_by(
            "engineer__user__display_name", "title"
        )
        if self.known_engineer is not None:
            field.help_text = f"One of {self.known_engineer}'s goals that you can see."

    def _may_write_manager_note(self) -> bool:
        if self.known_engineer is not None:
            return policy.may_write_manager_note(self.access, self.known_engineer)
        # Not yet known who it is for: offer it to people who manage or mentor
        # someone; clean() then checks it against the engineer they pick.
        return self.access.manager or self.access.mentor

    def _set_visibility(self) -> None:
        field = self.fields["visibility"]
        if self.feedback_request is not None:
            allowed = [Visibility.SHARED]
            field.help_text = "Feedback someone asked for is shared with them."
        else:
            allowed = [Visibility.SHARED, Visibility.SELF]
            keeps_manager_only = (
                self.instance.pk and self.instance.visibility == Visibility.MANAGER
            )
            if keeps_manager_only or self._may_write_manager_note():
                allowed.insert(1, Visibility.MANAGER)
            if self.instance.request_id:
                allowed = [Visibility.SHARED]
                field.help_text = "This note answers a request, so it stays shared."
        field.choices = [(v.value, v.label) for v in allowed]
        if not field.help_text:
            field.help_text = (
                "Shared: they, their manager and their mentors read it. "
                + (
                    "Manager only: you and their manager. "
                    if Visibility.MANAGER in allowed
                    else ""
                )
                + "Note to self: only you."
            )
        self.offers_manager_only = Visibility.MANAGER in allowed

    def clean(self):
        cleaned = super().clean()
        engineer = cleaned.get("engineer")
        visibility = cleaned.get("visibility")
        goal = cleaned.get("goal")
        if engineer is None:
            return cleaned
        if (
            visibility == Visibility.MANAGER
            and self.instance.visibility != Visibility.MANAGER
            and not policy.may_write_manager_note(self.access, engineer)
        ):
            self.add_error(
                "visibility",
                f"Only {engineer}'s manager and mentors can keep a manager-only "
                "note; share it with them or keep it as a note to self.",
            )
        if goal is not None and goal.engineer_id != engineer.pk:
            self.add_error("goal", f"Pick one of {engineer}'s goals, or none.")
        return cleaned


class PraiseForm(forms.ModelForm):
    """Praise in one line: who, the message, its kind and maybe a competency,
    and whether it goes on the Praise wall. ``author`` writes it."""

    engineer = EngineerChoiceField(
        queryset=Engineer.objects.none(),
        label="Who are you praising?",
        empty_label="Choose someone",
        help_text="Anyone here: your team, another team, your manager or mentor.",
    )

    class Meta:
        model = FeedbackNote
        fields = ["engineer", "message", "kind", "competency", "public"]
        labels = {
            "message": "Your praise",
            "kind": "For their",
            "competency": "Competency (optional)",
            "public": "Show it on the Praise wall",
        }
        help_texts = {
            "message": "What they did, and why it mattered to you.",
            "kind": "Technical: code, design, testing, operations. "
            "Interpersonal: how they work with people.",
            "competency": "",
            "public": "Everyone here can read it there. Unticked, it is between "
            "you, them, their manager and their mentors.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "message": CountedTextarea(
                attrs={
                    "rows": 2,
                    "placeholder": "Thanks for the careful review of the queue "
                    "change: your questions caught the retry bug before release.",
                }
            ),
        }

    def __init__(self, *args, author, engineer: Engineer | None = None, **kwargs):
        instance = kwargs.get("instance")
        if instance is None:
            # The four parts stay None: not this form's, the model checks
            # nothing of them (as FeedbackNoteForm's refused parts).
            kwargs["instance"] = FeedbackNote(
                author=author,
                sentiment=Sentiment.PRAISE,
                visibility=Visibility.SHARED,
                **dict.fromkeys(NOTE_PARTS),
            )
        else:
            engineer = instance.engineer
        initial = kwargs.setdefault("initial", {})
        if engineer is not None:
            initial.setdefault("engineer", engineer.pk)
        super().__init__(*args, **kwargs)
        self.author = author
        note = self.instance
        self.fields["message"].required = True
        self.fields["message"].error_messages["required"] = (
            "Write what you want to thank them for."
        )
        # Praise is for someone else: yourself is not offered.
        engineers = Engineer.objects.active().exclude(user=author)
        if note.pk:
            engineers = engineers | Engineer.objects.filter(pk=note.engineer_id)
            self.fields["engineer"].disabled = True
            self.fields["engineer"].help_text = ""
        self.fields["engineer"].queryset = engineers.select_related(
            "user", "team"
        ).order_by("user__display_name")
        offer_competencies(self)
        if note.pk and note.is_answered:
            for name in ("kind", "competency"):
                self.fields[name].disabled = True
            self.fields["kind"].help_text = (
                f"{note.engineer} has already read it, so only its wording and "
                "whether it is on the Praise wall can change."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class FeedbackCommentForm(forms.ModelForm):
    """A comment in a note's conversation, new or changed."""

    class Meta:
        model = FeedbackComment
        fields = ["body"]
        labels = {"body": "Your comment"}
        widgets = {"body": CountedTextarea(attrs={"rows": TEXTAREA_ROWS})}
        error_messages = {"body": {"required": "Write a comment first."}}


class FeedbackReplyForm(forms.Form):
    reply = CountedCharField(
        label="Your reply",
        max_length=limits.REPLY,
        widget=CountedTextarea(attrs={"rows": TEXTAREA_ROWS}),
        error_messages={
            "required": "Write a reply, or acknowledge the note without one."
        },
    )


class FeedbackRatingForm(forms.Form):
    actionable = forms.TypedChoiceField(
        label="Was this actionable?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Answer yes or no."},
    )
