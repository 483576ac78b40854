"""The team dashboard's query string."""

from __future__ import annotations

from django import forms

from growth.forms.widgets import QuickSelect
from growth.selectors.team import COLUMNS


class TeamTableForm(forms.Form):
    """The team dashboard's query string: filter, toggle and sort."""

    team = forms.TypedChoiceField(
        label="Team",
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
    )
    indirect = forms.BooleanField(
        label="Include indirect reports (their reports, up to three levels)",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    sort = forms.ChoiceField(
        choices=[(c.key, c.label) for c in COLUMNS],
        required=False,
        widget=forms.HiddenInput,
    )
    dir = forms.ChoiceField(
        choices=[("asc", "ascending"), ("desc", "descending")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, teams: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams"), *teams]

    def options(self) -> dict:
        """The valid parts of the query, with defaults for the rest."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "team": data.get("team"),
            "indirect": bool(data.get("indirect")),
            "sort": data.get("sort") or "name",
            "direction": data.get("dir") or "asc",
        }
