"""Filters for the feedback list."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.choices import BaseChoiceIterator

from accounts.models import Team
from growth.forms.widgets import QuickDateInput, QuickSelect
from growth.models import Competency, CompetencyKind, Engineer, FeedbackNote, Sentiment

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_INPUT = QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferedChoiceField(forms.ModelChoiceField):
    """A choice of a row among the ``(id, label)`` options the filter set.

    Its queryset says which rows may be chosen, and is never read: the filter
    writes the options from a query it runs anyway, and a submitted id is
    checked against them, not looked up again. It cleans to the id.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            pk = int(value)  # what a lookup by primary key would take
        except (TypeError, ValueError):
            pk = None
        if pk is None or pk not in {key for key, _label in self.choices}:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return pk


class OfferedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = OfferedChoiceField


class Options(BaseChoiceIterator):
    """``(id, label)`` pairs as a field's choices, taken as they are: a list
    would be normalised pair by pair by the field, then by its widget, and
    again by each copy of the form."""

    def __init__(self, options: list[tuple[object, str]]):
        self.options = options

    def __iter__(self):
        return iter(self.options)


class FeedbackNoteFilter(django_filters.FilterSet):
    """Narrow a list of notes that already went through the policy.

    The people offered as engineer and author are the ones in ``queryset``, so
    the choices never name someone the viewer has no note about. Those lists
    can be long; they and the rest render with the quick widgets, written in
    Python rather than through Django's widget templates.
    """

    engineer = OfferedChoiceFilter(
        queryset=Engineer.objects.none(),
        label="About",
        empty_label="Anyone",
        widget=QuickSelect,
    )
    team = OfferedChoiceFilter(
        field_name="engineer__team",
        queryset=Team.objects.all(),
        label="Team",
        empty_label="Any team",
        widget=QuickSelect,
    )
    kind = django_filters.ChoiceFilter(
        choices=CompetencyKind.choices,
        label="Kind",
        empty_label="Any kind",
        widget=QuickSelect,
    )
    competency = OfferedChoiceFilter(
        queryset=Competency.objects.all(),
        label="Competency",
        empty_label="Any competency",
        widget=QuickSelect,
    )
    sentiment = django_filters.ChoiceFilter(
        choices=Sentiment.choices,
        label="Sentiment",
        empty_label="Any",
        widget=QuickSelect,
    )
    author = OfferedChoiceFilter(
        queryset=get_user_model().objects.none(),
        label="Written by",
        empty_label="Anyone",
        widget=QuickSelect,
    )
    created_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="Written on or after",
        widget=DATE_INPUT,
    )
    created_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="Written on or before",
        widget=DATE_INPUT,
    )
    acknowledged = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_acknowledged",
        label="Read (acknowledged)",
        empty_label="Either",
        widget=QuickSelect,
    )

    class Meta:
        model = FeedbackNote
        fields: list[str] = []

    def __init__(
        self, data=None, queryset: QuerySet | None = None, *, omit=(), **kwargs
    ):
        super().__init__(data, queryset, **kwargs)
        for name in omit:
            del self.filters[name]
        self._team_of: dict[int, int] = {}
        self._email_of: dict[int, str] = {}
        self.names: dict[str, dict[int, str]] = {}
        self._offer_choices()

    def _offer_choices(self) -> None:
        """Write the options of the filters that choose a row, and so what a
        submitted choice is checked against: no query looks one up."""
        options = self._people_in_queryset()
        fields = self.form.fields
        # Teams and competencies in one query would save a query, but its
        # UNION cost more to compile than the second query costs.
        if "team" in fields:
            teams = Team.objects.order_by("name")
            options["team"] = list(teams.values_list("pk", "name"))
        if "competency" in fields:
            competencies = Competency.objects.order_by("kind", "name")
            options["competency"] = list(competencies.values_list("pk", "name"))
        for name, choices in options.items():
            field = fields[name]
            field.choices = Options([("", field.empty_label), *choices])
        # The same names serve the list's rows (``selectors.feedback.name_rows``),
        # a team by the id of an engineer in it.
        self.names = {name: dict(choices) for name, choices in options.items()}
        if "team" in self.names:
            teams = self.names["team"]
            self.names["team"] = {
                engineer_id: teams[team_id]
                for engineer_id, team_id in self._team_of.items()
            }
        if "author" in self.names:
            # An author's email under their name: a name alone could be another's.
            self.names["author_email"] = self._email_of

    def _people_in_queryset(self) -> dict[str, list[tuple[int, str]]]:
        """The engineers and authors of ``queryset``'s notes, as options.

        One pass over the notes collects both, by id (the list's covering
        index, ``note_list_cover``, answers it without reading a note), and
        one query names them all, ordered by name. The fields' querysets say
        the same, unread.
        """
        columns = [name for name in ("engineer", "author") if name in self.filters]
        if not columns:
            return {}
        rows = list(
            self.queryset.order_by()
            .values_list(*(f"{name}_id" for name in columns))
            .distinct()
        )
        # None is the author of a note whose author left.
        ids = {
            name: {row[n] for row in rows} - {None} for n, name in enumerate(columns)
        }
        engineer_ids, author_ids = ids.get("engineer", set()), ids.get("author", set())
        if "engineer" in ids:
            self.filters["engineer"].queryset = (
                Engineer.objects.filter(pk__in=engineer_ids)
                .select_related("user")
                .order_by("user__display_name")
            )
        if "author" in ids:
            self.filters["author"].queryset = (
                get_user_model()
                .objects.filter(pk__in=author_ids)
                .order_by("display_name")
            )
        # Both as user ids, so each side is read by its primary key.
        engineer_user_ids = Engineer.objects.filter(pk__in=engineer_ids).values(
            "user_id"
        )
        people = (
            get_user_model()
            .objects.filter(Q(pk__in=author_ids) | Q(pk__in=engineer_user_ids))
            .order_by("display_name", "pk")
            .values_list(
                "pk", "engineer__pk", "engineer__team", "display_name", "email"
            )
        )
        options: dict[str, list[tuple[int, str]]] = {name: [] for name in columns}
        for user_id, engineer_id, team_id, display_name, email in people:
            label = display_name or email  # as ``str(user)`` names them
            if engineer_id in engineer_ids:
                options["engineer"].append((engineer_id, label))
                self._team_of[engineer_id] = team_id
            if user_id in author_ids:
                options["author"].append((user_id, label))
                self._email_of[user_id] = email
        return options

    def filter_acknowledged(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        if value == "no":
            # Only shared notes can be acknowledged; the others are not "waiting".
            return queryset.unacknowledged()
        return queryset
