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
    if type(text) is str:  # most labels: no lazy text, nothing marked safe
        return html.escape(text)
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
        if self._writes_plain_options():
            options = self._options(self.format_value(value))
            widget_attrs = self.build_attrs(self.attrs, attrs)
            widget_name = name
        else:
            widget = self.get_context(name, value, attrs)["widget"]
            options = self._options_of(widget["optgroups"])
            widget_attrs, widget_name = widget["attrs"], widget["name"]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget_name,
            flatatt(widget_attrs),
            mark_safe(options),
        )

    def _writes_plain_options(self) -> bool:
        """Whether every option is Django's plain one, so that the options can
        be written from ``choices`` without a dictionary each (``optgroups``
        and ``create_option`` were most of the time for a few hundred)."""
        return (
            type(self).create_option is forms.Select.create_option
            and type(self).optgroups is forms.Select.optgroups
            and not self.allow_multiple_selected
            and not self.option_inherits_attrs
        )

    def _options(self, value: list[str]) -> str:
        """The options of ``choices`` as ``optgroups`` lays them out: the first
        one whose value is in ``value`` is selected."""
        selected = False
        parts = []
        for group_value, group_label in self.choices:
            if group_value is None:
                group_value = ""
            if isinstance(group_label, (list, tuple)):
                group, choices = group_value, group_label
            else:
                group, choices = None, [(group_value, group_label)]
            rendered = []
            for option_value, label in choices:
                option_value = f"{option_value}"  # a plain str, as Django writes
                mark = ""
                if not selected and option_value in value:
                    selected, mark = True, " selected"
                rendered.append(
                    f'<option value="{_escape(option_value)}"{mark}>'
                    f"{_escape(label)}</option>"
                )
            parts.append(self._group(group, "".join(rendered)))
        return "".join(parts)

    def _options_of(self, optgroups) -> str:
        parts = []
        for group_name, options, _index in optgroups:
            # Its attrs hold "selected", and whatever a create_option override
            # adds (disabled, data-*); most options have none.
            rendered = "".join(
                f'<option value="{_escape(option["value"])}"'
                f"{flatatt(option['attrs']) if option['attrs'] else ''}"
                f">{_escape(option['label'])}</option>"
                for option in options
            )
            parts.append(self._group(group_name, rendered))
        return "".join(parts)

    @staticmethod
    def _group(name, options: str) -> str:
        if not name:
            return options
        return f'<optgroup label="{_escape(name)}">{options}</optgroup>'


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
