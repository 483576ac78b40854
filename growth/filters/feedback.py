"""Filters for the feedback list."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import Team
from growth.forms.widgets import QuickDateInput, QuickSelect
from growth.models import Competency, CompetencyKind, Engineer, FeedbackNote, Sentiment

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_INPUT = QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FeedbackNoteFilter(django_filters.FilterSet):
    """Narrow a list of notes that already went through the policy.

    The people offered as engineer and author are the ones in ``queryset``, so
    the choices never name someone the viewer has no note about. Those lists
    can be long; they and the rest render with the quick widgets, written in
    Python rather than through Django's widget templates.
    """

    engineer = django_filters.ModelChoiceFilter(
        queryset=Engineer.objects.none(),
        label="About",
        empty_label="Anyone",
        widget=QuickSelect,
    )
    team = django_filters.ModelChoiceFilter(
        field_name="engineer__team",
        queryset=Team.objects.only("pk", "name"),
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
    competency = django_filters.ModelChoiceFilter(
        queryset=Competency.objects.order_by("kind", "name").only("pk", "name"),
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
    author = django_filters.ModelChoiceFilter(
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
        self._offer_people_in_queryset()

    def _offer_people_in_queryset(self) -> None:
        """Offer as engineers and authors the people of ``queryset``'s notes.

        One pass over the notes collects both, by id (the list's covering
        index, ``note_list_cover``, answers it without reading a note), and
        one query names them all, ordered by name. The options are written
        from those names; the fields keep their querysets, which check a
        submitted choice.
        """
        columns = [name for name in ("engineer", "author") if name in self.filters]
        if not columns:
            return
        rows = (
            self.queryset.order_by()
            .values_list(*(f"{name}_id" for name in columns))
            .distinct()
        )
        ids: dict[str, set[int]] = {name: set() for name in columns}
        for row in rows:
            for name, pk in zip(columns, row, strict=True):
                if pk is not None:  # the author of a note whose author left
                    ids[name].add(pk)
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
            .values_list("pk", "engineer__pk", "display_name", "email")
        )
        options: dict[str, list[tuple[int, str]]] = {name: [] for name in columns}
        for user_id, engineer_id, display_name, email in people:
            label = display_name or email  # as ``str(user)`` names them
            if engineer_id in engineer_ids:
                options["engineer"].append((engineer_id, label))
            if user_id in author_ids:
                options["author"].append((user_id, label))
        for name in columns:
            # The widget writes the options; the field's queryset stays unread.
            field = self.form.fields[name]
            field.widget.choices = [("", field.empty_label), *options[name]]

    def filter_acknowledged(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        if value == "no":
            # Only shared notes can be acknowledged; the others are not "waiting".
            return queryset.unacknowledged()
        return queryset
