"""Widgets that render faster than Django's own where a page needs it."""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _escape(text) -> str:
    """``conditional_escape`` without its lazy wrapper, for hundreds of labels:
    safe strings as they are, anything else escaped as Django escapes it."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not one template each.

    Django renders every option through its own template include; the feedback
    filter offers a couple of hundred people, which made rendering the list
    page's filter most of its time. Same markup, same escaping.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            # Its attrs hold "selected", and whatever a create_option override
            # adds (disabled, data-*); most options have none.
            rendered = "".join(
                f'<option value="{_escape(option["value"])}"'
                f"{flatatt(option['attrs']) if option['attrs'] else ''}"
                f">{_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                rendered = (
                    f'<optgroup label="{_escape(group_name)}">{rendered}</optgroup>'
                )
            parts.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


def _attrs(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: ``True`` bare,
    ``False`` and ``None`` left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class QuickDateInput(forms.DateInput):
    """A date ``<input>`` written in Python rather than through two templates.

    Same markup as ``forms.DateInput``, for the list pages' filter forms.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        attrs = {"type": widget["type"], "name": widget["name"]}
        if widget["value"] is not None:
            attrs["value"] = widget["value"]
        return mark_safe(f"<input{_attrs({**attrs, **widget['attrs']})}>")
