"""The box for a note's or check-in's links to the work: one address a line."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from growth.forms.text import normalise_newlines
from growth.links import MAX_LINKS, MAX_URL, read_links

LINKS_HELP = (
    f"Optional, up to {MAX_LINKS}: the pull request, issue, incident or design doc "
    "this is about, one web address a line. Add a few words after an address "
    "to name it. Whoever reads this reads the links; nothing is fetched."
)


def links_text(links) -> str:
    """The box's text for saved ``links``: each address, and its name if any."""
    return "\n".join(f"{link.url} {link.title}".strip() for link in links)


class LinksField(forms.CharField):
    """Lines of links, cleaned to a list of strings the services take
    (``links=[...]``); each is checked here too, so a bad one is an error on
    this field before anything is saved."""

    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Links to the work")
        kwargs.setdefault("help_text", LINKS_HELP)
        # Room for the links and their names; the service checks each.
        kwargs.setdefault("max_length", (MAX_URL + 200) * MAX_LINKS)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "rows": 2,
                "autocapitalize": "off",
                "spellcheck": "false",
                "placeholder": "https://github.com/acme/app/pull/42",
            }
        )

    def widget_attrs(self, widget):
        # No ``maxlength``: a browser would cut a pasted address without a word.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        text = normalise_newlines(super().to_python(value) or "")
        return [line.strip() for line in text.split("\n") if line.strip()]

    def validate(self, value):
        super().validate("\n".join(value))

    def run_validators(self, value):
        super().run_validators("\n".join(value))
        try:
            read_links(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
