"""The list pages' filter forms, written by ``filter_field`` as crispy wrote them.

``filter_field`` replaced ``as_crispy_field`` on the feedback and goal lists for
speed; these hold it to crispy's markup (labels, ids, classes, errors, help
text), and the people options it now writes from one query to the querysets
that check a submitted choice.
"""

from __future__ import annotations

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test import RequestFactory
from django.test.html import parse_html

from growth.filters.feedback import FeedbackNoteFilter
from growth.forms.goals import GoalCheckInForm, GoalFilter
from growth.forms.rendering import filter_field
from growth.forms.widgets import QuickDateInput
from growth.models import FeedbackNote, Goal, Visibility
from growth.policy import access_of
from growth.selectors import feedback as selectors
from tests import factories

FEEDBACK_DATA = [
    {},
    {"kind": "technical", "sentiment": "praise", "acknowledged": "no"},
    {"kind": "nonsense", "created_from": "not a date", "team": "999999"},
    {"engineer": "999999", "author": "x", "competency": "0"},
]


def _feedback_filter(cast, data: dict, *, viewer="mia") -> FeedbackNoteFilter:
    access = access_of(getattr(cast, viewer).user)
    return FeedbackNoteFilter(
        data,
        queryset=selectors.feedback_tab(access, "people"),
        omit=selectors.TAB_OMITS["people"],
    )


def _same_as_crispy(make_form) -> None:
    """Each field of a fresh form renders as crispy renders it on another."""
    ours_form, crispy_form = make_form(), make_form()
    ours_form.is_valid(), crispy_form.is_valid()
    for name in ours_form.fields:
        ours = filter_field(ours_form[name])
        theirs = as_crispy_field(crispy_form[name])
        assert parse_html(ours) == parse_html(theirs), name


@pytest.mark.parametrize("data", FEEDBACK_DATA)
def test_it_writes_the_feedback_filter_as_crispy_does(cast, data):
    factories.make_note(cast.bob.user, cast.alice)
    factories.make_note(cast.alice.user, cast.bob)
    _same_as_crispy(lambda: _feedback_filter(cast, data).form)


@pytest.mark.parametrize(
    "data",
    [{}, {"status": "active", "kind": "career"}, {"engineer": "x", "status": "no"}],
)
def test_it_writes_the_goal_filter_as_crispy_does(cast, data):
    request = RequestFactory().get("/goals/")
    request.access = access_of(cast.mia.user)
    _same_as_crispy(
        lambda: GoalFilter(data, queryset=Goal.objects.all(), request=request).form
    )


@pytest.mark.parametrize("data", [{}, {"progress": "101"}, {"progress": "40"}])
def test_it_writes_help_text_and_required_fields_as_crispy_does(data):
    _same_as_crispy(lambda: GoalCheckInForm(data))


def test_every_control_has_its_label():
    form = GoalCheckInForm({"progress": "x"})
    html = filter_field(form["progress"])
    assert '<label for="id_progress" class="form-label requiredField">' in html
    assert 'id="id_progress"' in html
    assert 'aria-describedby="id_progress_helptext id_progress_error"' in html


def test_it_leaves_checkboxes_to_crispy():
    class Form(forms.Form):
        agree = forms.BooleanField(label="I agree")

    form = Form({})
    assert filter_field(form["agree"]) == as_crispy_field(Form({})["agree"])


def test_the_people_offered_are_those_the_querysets_accept(cast):
    factories.make_note(cast.mia.user, cast.alice)
    factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    factories.make_note(None, cast.bob)  # its author left and was erased
    factories.make_note(cast.skip.user, cast.mia)  # not one of mia's people
    form = _feedback_filter(cast, {"engineer": str(cast.bob.pk)}).form
    for name in ("engineer", "author"):
        field = form.fields[name]
        offered = [(value, label) for value, label in field.widget.choices]
        expected = [("", field.empty_label)] + [
            (choice.pk, str(choice)) for choice in field.queryset
        ]
        assert offered == expected, name
    html = str(form["engineer"])
    assert f'<option value="{cast.bob.pk}" selected>Bob Peer</option>' in html
    assert "Skip" not in str(form["author"])


def test_a_person_with_no_notes_is_offered_nobody(cast):
    FeedbackNote.all_objects.all().delete()
    form = _feedback_filter(cast, {}).form
    assert form.fields["engineer"].widget.choices == [("", "Anyone")]
    assert form.fields["author"].widget.choices == [("", "Anyone")]


@pytest.mark.parametrize("value", [None, "", "2026-02-29", "not a date", '"><b>'])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-control", "required": True, "disabled": False}]
)
def test_the_quick_date_input_writes_what_djangos_writes(value, attrs):
    options = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
    ours = QuickDateInput(**options).render("day", value, attrs=attrs)
    django = forms.DateInput(**options).render("day", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)
