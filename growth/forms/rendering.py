"""Filter form fields written in Python, with the markup crispy-forms writes.

crispy's ``as_crispy_field`` renders each field through a tree of some ten
templates; on the list pages the filter forms' fields were most of the time
spent building them. ``filter_field`` writes the same Bootstrap 5 markup
(``tests/growth/test_filters_rendering.py`` holds it to crispy's): the
wrapper, the label tied to the control, the control with crispy's classes,
Django's ``aria-invalid`` and ``aria-describedby``, the errors and the help
text. Widgets it does not know (checkboxes, radios, files, multi-widgets) go
to crispy as before.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# The widgets crispy lays out differently from a label over one control.
_CRISPY_ONLY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _control_class(field: BoundField) -> str:
    """The control's classes as crispy sets them: the widget's own, its class
    name in lower case, then Bootstrap's, and ``is-invalid`` on an error."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    name = type(widget).__name__.lower()
    if name not in classes:
        classes.append(name)
    classes.append(
        "form-select" if isinstance(widget, forms.Select) else "form-control"
    )
    if field.errors:
        classes.append("is-invalid")
    return " ".join(classes)


def _label(field: BoundField) -> SafeString:
    if not field.label:
        return mark_safe("")
    required = field.field.required
    return format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )


def _errors(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    messages = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
    )
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        messages,
    )


def _help_text(field: BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    # Help text is the developer's, and crispy marks it safe too.
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>',
        field.auto_id,
        mark_safe(field.help_text),
    )


def filter_field(field: BoundField) -> SafeString:
    """Render ``field`` as crispy's bootstrap5 ``as_crispy_field`` does."""
    widget = field.field.widget
    if isinstance(widget, _CRISPY_ONLY) or not field.auto_id:
        return as_crispy_field(field)
    if widget.is_hidden:
        return field.as_widget()
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        _label(field),
        field.as_widget(attrs={"class": _control_class(field)}),
        _errors(field),
        _help_text(field),
    )
