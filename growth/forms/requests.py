"""The form for asking up to ten people for feedback at once.

The people are a list of checkboxes, one row each, with a search box that
``static/request-picker.js`` adds: usable by thumb on a phone and by keyboard,
and without JavaScript a plain list. The service checks every person again
and names the ones it refuses; this form only offers who may be asked.
"""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from growth.forms import dates
from growth.forms.feedback import GoalChoiceField, competency_choices
from growth.forms.text import CountedTextarea
from growth.models import Competency, Engineer, FeedbackRequest, Goal
from growth.services.requests import MAX_RECIPIENTS


class PeoplePicker(forms.Widget):
    """One checkbox a person, written in Python: an organisation has hundreds.

    ``people`` are the engineers offered (with ``user`` and ``team``); the
    ones already chosen come first, so they stay in sight. The picker's
    ``<fieldset>``, legend, search box and count are the template's
    (``growth/requests/_picker.html``). Attributes that Django sets on a
    field's control (``aria-invalid`` after an error) go on the first box,
    where ``static/a11y.js`` then puts the focus.
    """

    use_fieldset = True
    people = ()
    # Whom the requester already asked and who has not answered yet: marked,
    # so that nobody is picked only to be refused.
    asked = frozenset()

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked posts nothing, and means "nobody"

    def use_required_attribute(self, initial):
        return False  # "one of them", which a checkbox's `required` cannot say

    def format_value(self, value):
        if value is None or value == "":
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(v) for v in value]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base = attrs.pop("id", f"id_{name}")
        chosen = set(self.format_value(value))
        people = sorted(self.people, key=lambda person: str(person.pk) not in chosen)
        rows = (
            self._row(
                name,
                f"{base}_{person.pk}",
                person,
                {**(attrs if n == 0 else {}), "checked": str(person.pk) in chosen},
                asked=person.pk in self.asked,
            )
            for n, person in enumerate(people)
        )
        return format_html(
            '<div class="list-group picker-list" id="{}_list" data-picker-list>'
            "{}</div>",
            base,
            mark_safe("".join(rows)),
        )

    @staticmethod
    def _row(
        name: str, box_id: str, person: Engineer, attrs: dict, *, asked: bool
    ) -> str:
        # What the search box matches: name, team and email, in lower case.
        words = " ".join(f"{person.user} {person.team} {person.user.email}".split())
        return format_html(
            '<label class="list-group-item" data-search="{}">'
            '<input class="form-check-input float-start me-2 mt-1" type="checkbox" '
            'id="{}" name="{}" value="{}"{}>'
            '<span class="d-block ms-4">{}'
            '<span class="d-block small text-body-secondary">{} · {}{}</span>'
            "</span></label>",
            words.casefold(),
            box_id,
            name,
            person.pk,
            flatatt(attrs),
            person.user,
            person.team,
            person.user.email,
            " · asked already, not answered yet" if asked else "",
        )


class RecipientsField(forms.ModelMultipleChoiceField):
    """Engineers by id, in the order posted and with any repeats kept, so the
    service can name someone chosen twice. Anyone who exists is found, the
    inactive too, so that the service's refusal can say who they are."""

    widget = PeoplePicker

    def clean(self, value):
        value = self.prepare_value(value) or []
        if not isinstance(value, list | tuple):
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            )
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        ids = []
        for raw in value:
            try:
                ids.append(int(str(raw)))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": raw},
                ) from None
        found = self.queryset.in_bulk(set(ids))
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": missing[0]},
            )
        return [found[pk] for pk in ids]


class FeedbackRequestsForm(forms.Form):
    """Ask up to ``MAX_RECIPIENTS`` people; ``requester`` asks on their ``today``."""

    recipients = RecipientsField(
        queryset=Engineer.objects.select_related("user"),
        label="Who would you like feedback from?",
        help_text=(
            f"Up to {MAX_RECIPIENTS} people: peers, people on other teams, your "
            "manager. Each gets a request of their own and answers it alone."
        ),
        error_messages={
            "required": "Choose at least one person to ask.",
            "invalid_choice": "Someone you chose is not here any more; choose again.",
            "invalid_pk_value": "Someone you chose is not here; choose again.",
        },
    )
    message = FeedbackRequest._meta.get_field("message").formfield(
        required=False,
        label="What would you like feedback on? (optional)",
        help_text="Name the moment or the work, and what you want to learn. "
        "Everyone you ask reads the same question.",
        widget=CountedTextarea(
            attrs={
                "rows": 4,
                "placeholder": "I ran Tuesday's incident review for the first "
                "time. What should I keep, and what should I do differently?",
            }
        ),
    )
    goal = GoalChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label="About one of your goals (optional)",
        empty_label="— none —",
        help_text="They will see the goal's title.",
    )
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.none(),
        required=False,
        label="About a competency (optional)",
    )
    due_on = forms.DateField(
        label="Feedback wanted by",
        help_text="A date while it is still fresh in their minds.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, requester: Engineer, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.requester = requester
        self.today = today
        picker = self.fields["recipients"].widget
        picker.people = (
            Engineer.objects.active()
            .exclude(pk=requester.pk)
            .select_related("user", "team")
            .order_by("user__display_name", "pk")
        )
        picker.asked = frozenset(
            FeedbackRequest.objects.open()
            .filter(requester=requester)
            .values_list("recipient_id", flat=True)
        )
        goal_field = self.fields["goal"]
        goal_field.queryset = Goal.objects.visible_to(requester.user).filter(
            engineer=requester
        )
        goal_field.show_engineer = False
        competency = self.fields["competency"]
        competency.queryset = Competency.objects.filter(is_active=True).order_by(
            "kind", "name"
        )
        competency.choices = competency_choices(competency.queryset)
        dates.bound(self.fields["due_on"], dates.request_due_range(today))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The picker is laid out by its own template; crispy writes the rest.
        self.helper.layout = Layout(
            *(name for name in self.fields if name != "recipients")
        )

    @property
    def max_recipients(self) -> int:
        return MAX_RECIPIENTS

    def chosen_count(self) -> int:
        """How many of the people offered are ticked, for the picker's count."""
        widget = self.fields["recipients"].widget
        ticked = set(widget.format_value(self["recipients"].value()))
        return sum(str(person.pk) in ticked for person in widget.people)

    def clean_due_on(self):
        return dates.check_within(
            self.cleaned_data["due_on"],
            dates.request_due_range(self.today),
            today=self.today,
        )
