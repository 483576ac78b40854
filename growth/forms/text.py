"""Text fields with a limit, and the counter that shows it: "123 / 5,000".

The control carries ``data-maxlength``, not ``maxlength``: at ``maxlength`` a
browser stops typing and cuts pasted text without a word, and Cultivate never
cuts what a person wrote. Text over the limit is refused with a field error
instead. The counter after the control is written here, so it shows without
JavaScript too (after a refused post it says by how much); ``static/counter.js``
keeps it current while one types.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

from growth.models.limits import with_limit


def normalise_newlines(text: str) -> str:
    """Line breaks as one character each, as the counter counts them: a
    browser sends a textarea's as ``\\r\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def counter_text(count: int, limit: int) -> str:
    text = f"{count:,} / {limit:,}"
    if count > limit:
        text += f" · {count - limit:,} too many"
    return text


def counter(field_id: str, value: str, limit: int):
    """The counter of the control ``field_id`` holding ``value``; the control's
    ``aria-describedby`` names it (``<field_id>_counter``)."""
    count = len(normalise_newlines(value or ""))
    return format_html(
        '<div id="{}_counter" class="form-text char-counter{}" data-counter>'
        '<span data-counter-text>{}</span><span class="visually-hidden"> '
        "characters</span></div>",
        field_id,
        " is-over" if count > limit else "",
        counter_text(count, limit),
    )


class CounterMixin:
    """Write the counter after the control, and point the control at it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        if attrs.get("data-maxlength") and attrs.get("id"):
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {attrs['id']}_counter".strip()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        html = self._render(self.template_name, context, renderer)
        attrs = context["widget"]["attrs"]
        if not (attrs.get("data-maxlength") and attrs.get("id")):
            return html
        return html + counter(
            attrs["id"], context["widget"]["value"], int(attrs["data-maxlength"])
        )


class CountedTextarea(CounterMixin, forms.Textarea):
    pass


class CountedTextInput(CounterMixin, forms.TextInput):
    pass


class CountedCharField(forms.CharField):
    """A ``CharField`` whose ``max_length`` is counted, never enforced by cutting."""

    widget = CountedTextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            with_limit(self.validators, self.max_length)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_newlines(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs
