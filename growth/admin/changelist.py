"""The feedback changelist's own row and filter rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote as urlquote

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _boolean_icon,
    _coerce_field_name,
    admin_list_filter,
    result_headers,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
    ManyToOneRel,
    Model,
    TimeField,
)
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# --- feedback --------------------------------------------------------------------

# The admin's own row loop (``items_for_result``) decides, for every cell of
# every row, which field it is, how to show it, its classes and its link, and
# renders each row's checkbox through the form templates: about 40 ms for a
# page of 50 notes. Here each column is worked out once per page and a row is
# a join of small functions; the HTML is the same, cell for cell.

# Stands for a row's pk in the change link built once for the page.
_PK = "__pk__"

Cell = Callable[[Model], str]


def _icons() -> dict[bool | None, str]:
    return {value: _boolean_icon(value) for value in (True, False, None)}


def _blank(value: Any) -> Any:
    """A string of spaces shows as empty, as the admin's loop has it."""
    return "" if isinstance(value, str) and not value.strip() else value


def _checkbox() -> Cell:
    """What ``ModelAdmin.action_checkbox`` renders through a widget's templates."""
    label = gettext("Select this object for an action - {}")
    return lambda obj: (
        f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" '
        f'value="{escape(obj.pk)}" class="action-select" '
        f'aria-label="{format_html(label, str(obj))}">'
    )


def _field_text(
    field: Field, empty: str, linked: bool, icons: dict[bool | None, str]
) -> Callable[[Any], str]:
    """A field's value as escaped HTML, as ``display_for_field`` shows it."""
    if getattr(field, "flatchoices", None):
        labels = {k: conditional_escape(v) for k, v in field.flatchoices}
        return lambda value: labels.get(_blank(value), empty)
    if isinstance(field, BooleanField):
        return icons.__getitem__
    if isinstance(field.remote_field, ManyToOneRel):
        return lambda value: empty if value is None else conditional_escape(value)
    if isinstance(field, DateTimeField):
        # What formats.localize() does, without looking the format up per value.
        shown = formats.get_format("DATETIME_FORMAT")
        return lambda value: (
            empty
            if value in field.empty_values
            else escape(dateformat.format(timezone.template_localtime(value), shown))
        )
    return lambda value: conditional_escape(
        display_for_field(_blank(value), field, empty, avoid_link=linked)
    )


def _column(
    cl: ChangeList,
    name: Any,
    index: int,
    linked: bool,
    icons: dict[bool | None, str],
) -> tuple[Cell, list[str]] | None:
    """How column ``name`` of a row reads and its classes, or None for a kind
    of column only the admin's own loop renders."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    classes = [f"field-{_coerce_field_name(name, index)}"]
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is not None:
        if field.auto_created:
            return None
        if isinstance(field, DateField | TimeField | ForeignKey):
            classes.append("nowrap")
        text = _field_text(field, empty, linked, icons)
        attname = field.name
        return (lambda obj: text(getattr(obj, attname))), classes
    if name == "action_checkbox" and (
        type(model_admin).action_checkbox is admin.ModelAdmin.action_checkbox
    ):
        return _checkbox(), ["action-checkbox"]
    method = name if callable(name) else getattr(model_admin, name, None)
    if getattr(method, "boolean", False):
        return (lambda obj: icons[method(obj)]), classes
    return None


def _change_link(cl: ChangeList) -> tuple[str, str] | None:
    """A row's change link around its pk, with the list's filters kept, as
    escaped HTML; built once, where the admin resolves it anew for each row."""
    opts = cl.opts
    try:
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=(_PK,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    url = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": opts}, url
    )
    head, _, tail = url.partition(_PK)
    return escape(head), escape(tail)


def _row_cells(cl: ChangeList) -> list[Cell] | None:
    """One function per column that renders a row's cell, or None when the
    list needs what only the admin's loop does (list_editable, a popup)."""
    if getattr(cl, "formset", None) or cl.is_popup:
        return None
    links = cl.list_display_links
    href = _change_link(cl)
    icons = _icons()  # static() three times, once for the page
    cells = []
    first = True
    for index, name in enumerate(cl.list_display):
        linked = links is not None and ((first and not links) or name in links)
        column = _column(cl, name, index, linked, icons)
        if column is None:
            return None
        text, classes = column
        attrs = f' class="{" ".join(classes)}"'
        if not linked:
            cells.append(_cell(text, "td", attrs))
            continue
        cells.append(_linked_cell(text, "th" if first else "td", attrs, href))
        first = False
    return cells


def _cell(text: Cell, tag: str, attrs: str) -> Cell:
    return lambda obj: f"<{tag}{attrs}>{text(obj)}</{tag}>"


def _linked_cell(
    text: Cell, tag: str, attrs: str, href: tuple[str, str] | None
) -> Cell:
    if href is None:
        return _cell(text, tag, attrs)
    head, tail = href
    return lambda obj: (
        f'<{tag}{attrs}><a href="{head}{_pk_in_path(obj.pk)}{tail}">'
        f"{text(obj)}</a></{tag}>"
    )


def _pk_in_path(pk: Any) -> str:
    """The pk as ``reverse()`` puts it in the change link's path, escaped."""
    if isinstance(pk, int):
        return str(pk)
    return escape(urlquote(str(quote(pk)), safe=RFC3986_SUBDELIMS + "/~:@"))


# The filters' template, in Python: nine filters of some 70 choices (40 teams)
# rendered through ``admin/filter.html`` cost nearly as much as the rows.
_FILTER = "admin/filter.html"


def _filter_html(cl: ChangeList, spec: admin.ListFilter) -> str:
    """What ``{% admin_list_filter cl spec %}`` renders with ``admin/filter.html``."""
    if spec.template != _FILTER:
        return admin_list_filter(cl, spec)
    title = conditional_escape(spec.title)
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = "".join(_filter_choice(choice) for choice in spec.choices(cl))
    return (
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {summary}'
        f"\n  </summary>\n  <ul>\n  {items}\n  </ul>\n</details>\n"
    )


def _filter_choice(choice: dict[str, Any]) -> str:
    selected = ' class="selected"' if choice["selected"] else ""
    href = escape(iri_to_uri(choice["query_string"]))
    text = conditional_escape(formats.localize(choice["display"]))
    return f'\n    <li{selected}>\n    <a href="{href}">{text}</a></li>\n  '


def _attrs_html(attrs: dict[str, Any]) -> str:
    """What ``django/forms/widgets/attrs.html`` renders."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A select built here, the same HTML its templates give: they render
    three templates per option, most of the time of the list's actions bar."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{_attrs_html(option['attrs'])}>"
            f"{conditional_escape(option['label'])}</option>\n"
            for _, group, _ in widget["optgroups"]
            for option in group
        )
        return mark_safe(
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{_attrs_html(widget['attrs'])}>{options}\n</select>"
        )


class PlainActionForm(ActionForm):
    """The admin's action form, its select built by ``PlainSelect``."""

    action = forms.ChoiceField(
        label=ActionForm.base_fields["action"].label, widget=PlainSelect
    )


class NamedRelatedFilter(admin.RelatedFieldListFilter):
    """Choices named by their ``name`` column, read as pairs rather than as
    whole objects: a team's or a competency's name is what it shows as."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        queryset = field.related_model._default_manager.all()
        if ordering:
            queryset = queryset.order_by(*ordering)
        return list(queryset.values_list(field.target_field.attname, "name"))


class FeedbackNoteChangeList(ChangeList):
    @cached_property
    def filters_html(self) -> str:
        """Every filter of the list, as the ``filters`` block renders them."""
        return mark_safe(
            "".join(_filter_html(self, spec) for spec in self.filter_specs)
        )

    @cached_property
    def result_table(self) -> dict[str, Any] | None:
        """What the ``result_list`` tag hands its template, rows rendered by
        ``_row_cells``; None to let the tag render them."""
        cells = _row_cells(self)
        if cells is None:
            return None
        headers = list(result_headers(self))
        return {
            "result_headers": headers,
            "num_sorted_fields": sum(
                1 for h in headers if h["sortable"] and h["sorted"]
            ),
            "result_hidden_fields": [],
            # A row is one string, where the template would join 11 cells; the
            # list type says it has no form (a plain list makes the template
            # try three failing lookups of "form" on each row).
            "results": [
                ResultList(None, [mark_safe("".join(cell(obj) for cell in cells))])
                for obj in self.result_list
            ],
        }
