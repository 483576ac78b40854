"""Pieces every admin of the site shares: the CSV export, the joined
querysets, the labelled widgets and the list filters."""

from __future__ import annotations

import csv
import itertools

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.paginator import Paginator
from django.db import connections
from django.forms.models import BaseInlineFormSet
from django.http import (
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from growth.models import (
    Engineer,
    Level,
)
from growth.spreadsheets import csv_cell

# --- CSV export, on every changelist of the site ------------------------------

# Fields that never leave the database through an export, whatever the model.
# Secrets: a password's hash, and a Teams webhook (its URL lets anyone post).
NEVER_EXPORTED = frozenset({"password", "teams_webhook_url"})


# A spreadsheet runs a cell that starts with one of these as a formula.
class _Echo:
    """A file that hands back what is written to it, so csv.writer can stream."""

    def write(self, value):
        return value


def _names(modeladmin, request, field, queryset) -> dict:
    """Map every id ``field`` holds in ``queryset`` to that object's name."""
    related = field.related_model
    try:
        targets = modeladmin.admin_site.get_model_admin(related).get_queryset(request)
    except NotRegistered:
        targets = related._default_manager.all()
    key = field.target_field.attname
    ids = queryset.values(field.attname)
    return {
        getattr(obj, key): str(obj) for obj in targets.filter(**{f"{key}__in": ids})
    }


@admin.action(
    description="Export selected %(verbose_name_plural)s as CSV",
    permissions=["view"],
)
def export_csv(modeladmin, request, queryset):
    """Stream the rows' own fields: a relation as its name and its id,
    a choice as its stored value."""
    opts = queryset.model._meta
    fields = [f for f in opts.concrete_fields if f.name not in NEVER_EXPORTED]
    header = []
    names = {}
    for field in fields:
        header.append(field.name)
        if field.is_relation:
            header.append(field.attname)
            # One query per relation, not one per row.
            names[field.attname] = _names(modeladmin, request, field, queryset)

    def cells(row):
        for field, value in zip(fields, row, strict=True):
            if field.is_relation:
                yield csv_cell(names[field.attname].get(value))
            yield csv_cell(value)

    rows = queryset.values_list(*(f.attname for f in fields)).iterator(chunk_size=2000)
    writer = csv.writer(_Echo())
    lines = itertools.chain(
        [writer.writerow(header)], (writer.writerow(cells(row)) for row in rows)
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"{opts.model_name}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


admin.site.add_action(export_csv)


# --- shared pieces ---------------------------------------------------------------


def _name_joins(site, model) -> tuple[str, ...]:
    """The joins ``model``'s admin declares to name its rows, if any."""
    try:
        joins = site.get_model_admin(model).list_select_related
    except NotRegistered:
        return ()
    return tuple(joins) if isinstance(joins, list | tuple) else ()


class JoinedMixin:
    """Join ``list_select_related`` in every queryset, not only the changelist's.

    Also join the choices of each relation field, so a select or autocomplete
    widget names its engineers without a query each.
    """

    list_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        joins = _name_joins(self.admin_site, db_field.related_model)
        if joins:
            if queryset is None:
                queryset = db_field.related_model._default_manager.using(db)
            queryset = queryset.select_related(*joins)
        return queryset


def widget_named(widget: forms.Widget, label: str) -> None:
    """Name ``widget`` by ``label`` for assistive technology (its aria-label);
    a split date and time names each of its boxes: "Done at: date"."""
    widget = getattr(widget, "widget", widget)  # under RelatedFieldWidgetWrapper
    if isinstance(widget, forms.SplitDateTimeWidget):
        for part, box in zip(("date", "time"), widget.widgets, strict=True):
            box.attrs.setdefault("aria-label", f"{label}: {part}")
    else:
        widget.attrs.setdefault("aria-label", label)


class LabelledRowsMixin:
    """A formset whose rows are a table's (an inline's, a list's editable
    columns): each field named by its own label.

    The table shows a field's label once, as its column's header, and not as
    a <label>: a screen reader on a cell's field heard no name. Each field
    says it itself (its aria-label), the "Delete" box too.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if field.label and not field.widget.is_hidden:
                widget_named(field.widget, capfirst(field.label))


class LabelledFieldsMixin:
    """Names for the fields the admin leaves unlabelled: a date and time
    field's two boxes (its label is for neither; only the words "Date:" and
    "Time:" stand beside them), and a list's editable columns."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(
            getattr(formfield.widget, "widget", formfield.widget),
            forms.SplitDateTimeWidget,
        ):
            widget_named(formfield.widget, capfirst(formfield.label))
        return formfield

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        return type(formset.__name__, (LabelledRowsMixin, formset), {})


class LevelsByTrack(forms.models.ModelChoiceIterator):
    """A level's choices under their track's name, an <optgroup> each: ten
    "Engineering: Senior"-like lines read as two short lists."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        levels = self.queryset.select_related("track").order_by(*Level._meta.ordering)
        for track, group in itertools.groupby(levels, key=lambda level: level.track):
            name = track.name if track.is_active else f"{track.name} (retired)"
            yield (name, [self.choice(level) for level in group])


class LevelChoiceField(forms.ModelChoiceField):
    iterator = LevelsByTrack

    def label_from_instance(self, obj):
        return obj.name  # the group names the track


class LevelsByTrackMixin:
    """Every select of a level in the admin groups the levels by track."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        chosen_otherwise = {*self.autocomplete_fields, *self.raw_id_fields}
        if db_field.related_model is Level and db_field.name not in chosen_otherwise:
            kwargs.setdefault("form_class", LevelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GrowthAdmin(
    LabelledFieldsMixin, LevelsByTrackMixin, JoinedMixin, admin.ModelAdmin
):
    pass


class EstimatedCountPaginator(Paginator):
    """Counts a filtered list exactly, but takes PostgreSQL's estimate for an
    unfiltered table of many rows: a COUNT(*) of every note is a scan of them
    all on each page, for a total nobody reads to the last row."""

    ESTIMATE_FROM = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        db = connections[queryset.db]
        if db.vendor == "postgresql" and not queryset.query.where:
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.ESTIMATE_FROM:
                return row[0]
        return super().count


class HistoryAdmin(SimpleHistoryAdmin, GrowthAdmin):
    """A model whose changes are kept: its "History" page lists each version,
    who made it and when, and what changed. Read-only: nobody rewrites history."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a version's form when it is posted, even
        # with reverting switched off; here a version can only be looked at.
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class LabelledInlineFormSet(LabelledRowsMixin, BaseInlineFormSet):
    pass


class GrowthInline(LevelsByTrackMixin, JoinedMixin, admin.TabularInline):
    extra = 0
    formset = LabelledInlineFormSet


class _YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return self.narrow(queryset, self.value() == "yes")
        return queryset

    def narrow(self, queryset, yes: bool):
        raise NotImplementedError


class _IsSetFilter(_YesNoFilter):
    field = ""

    def narrow(self, queryset, yes):
        return queryset.filter(**{f"{self.field}__isnull": not yes})


class AcknowledgedFilter(_IsSetFilter):
    title = parameter_name = "acknowledged"
    field = "acknowledged_at"


class DeletedFilter(_IsSetFilter):
    title = parameter_name = "deleted"
    field = "deleted_at"


class DoneFilter(_IsSetFilter):
    title = parameter_name = "done"
    field = "done_at"


class ReadFilter(_IsSetFilter):
    title = parameter_name = "read"
    field = "read_at"


class ActiveMentorshipFilter(_YesNoFilter):
    title = parameter_name = "active"

    def narrow(self, queryset, yes):
        return queryset.filter(ended_on__isnull=yes)


class CoachingFilter(_YesNoFilter):
    title = parameter_name = "coaching"

    def narrow(self, queryset, yes):
        return queryset.filter(mentee_is_mentor=yes)


class EngineerFilter(admin.RelatedOnlyFieldListFilter):
    """Only the engineers that appear in the list, named in one query."""

    def field_choices(self, field, request, model_admin):
        ids = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        engineers = (
            Engineer.objects.filter(pk__in=ids)
            .select_related("user")
            .order_by("user__display_name")
        )
        return [(engineer.pk, str(engineer)) for engineer in engineers]


class NamedRelatedFilter(admin.RelatedFieldListFilter):
    """A relation's choices named in one query: joined as the related model's
    admin joins them (a level names its track), not one query per choice."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        queryset = model._default_manager.complex_filter(
            field.get_limit_choices_to()
        ).select_related(*_name_joins(model_admin.admin_site, model))
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


ENGINEER_SEARCH = ("engineer__user__display_name", "engineer__user__email")
