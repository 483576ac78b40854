"""QuickSelect writes the markup Django's Select writes, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html
from hypothesis import given
from hypothesis import strategies as st

from growth.forms.widgets import QuickSelect

CHOICES = [
    ("", "Anyone"),
    (1, 'Ada "the" <Lovelace> & co'),
    (2, "Grace O'Hopper"),
    ("rtl", "שלום"),
    ("Team", [(3, "Nested <b>"), (4, "Other")]),
]


@pytest.mark.parametrize("value", [None, "", "1", 1, "rtl", "3", "missing"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "id": "id_x", "required": True}]
)
def test_it_renders_what_djangos_select_renders(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("who", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("who", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)


@given(
    labels=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8),
    chosen=st.integers(min_value=0, max_value=8),
)
def test_any_label_is_escaped_as_django_escapes_it(labels, chosen):
    choices = list(enumerate(labels))
    ours = QuickSelect(choices=choices).render("who", str(chosen))
    django = forms.Select(choices=choices).render("who", str(chosen))
    assert parse_html(ours) == parse_html(django)


class MarksAnOption:
    """A create_option override, as a form uses to disable or tag one option."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value == 2:
            option["attrs"].update({"disabled": True, "data-x": 'left "team"'})
        return option


class MarkedSelect(MarksAnOption, forms.Select):
    pass


class MarkedQuickSelect(MarksAnOption, QuickSelect):
    pass


@pytest.mark.parametrize("value", [None, "1", "2"])
def test_it_keeps_the_attrs_create_option_gives_an_option(value):
    ours = MarkedQuickSelect(choices=CHOICES).render("who", value)
    django = MarkedSelect(choices=CHOICES).render("who", value)
    assert 'data-x="left &quot;team&quot;"' in ours
    assert parse_html(ours) == parse_html(django)
