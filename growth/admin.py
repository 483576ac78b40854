"""The admin, where staff run Cultivate: people, reporting lines, mentorships,
competencies, reminder schedules and data export.

An engineer's name is their user's, so naming a row often takes a join. Every
admin here joins its ``list_select_related`` in all its querysets (changelist,
autocomplete, exports, choices), so a page costs the same few queries however
many rows it shows.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote as urlquote

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
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
    unquote,
)
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    Field,
    ForeignKey,
    ManyToOneRel,
    Model,
    OuterRef,
    Q,
    TimeField,
)
from django.forms.models import BaseInlineFormSet
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import dateformat, formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from growth import privacy, reminders
from growth.exports import export_json
from growth.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    Competency,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    Mentorship,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
    Submission,
)
from growth.services.feedback import feedback_note_restore, feedback_requests_reopen
from growth.services.learning import learning_attendees_set
from growth.services.people import engineer_active_set
from growth.spreadsheets import csv_cell

# --- CSV export, on every changelist of the site ------------------------------

# Fields that never leave the database through an export, whatever the model.
NEVER_EXPORTED = frozenset({"password"})


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


class GrowthAdmin(LabelledFieldsMixin, JoinedMixin, admin.ModelAdmin):
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


class GrowthInline(JoinedMixin, admin.TabularInline):
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


ENGINEER_SEARCH = ("engineer__user__display_name", "engineer__user__email")


# --- people ----------------------------------------------------------------------


class MentorshipInline(GrowthInline):
    model = Mentorship
    show_change_link = True
    list_select_related = ("mentor__user", "mentee__user")


class MentorshipAsMentorInline(MentorshipInline):
    fk_name = "mentor"
    fields = ("mentee", "focus", "started_on", "ended_on", "cadence_days")
    autocomplete_fields = ("mentee",)
    verbose_name = "mentee"
    verbose_name_plural = "mentees (mentorships as mentor)"


class MentorshipAsMenteeInline(MentorshipInline):
    fk_name = "mentee"
    fields = ("mentor", "focus", "started_on", "ended_on", "cadence_days")
    autocomplete_fields = ("mentor",)
    verbose_name = "mentor"
    verbose_name_plural = "mentors (mentorships as mentee)"


@admin.register(Engineer)
class EngineerAdmin(GrowthAdmin):
    list_display = (
        "name",
        "email",
        "team",
        "manager",
        "level",
        "track",
        "title",
        "start_date",
        "is_active",
    )
    list_select_related = ("user", "team", "manager__user")
    list_filter = ("team", ("manager", EngineerFilter), "level", "track", "is_active")
    search_fields = ("user__display_name", "user__email", "title")
    search_help_text = "Search by name, email or title."
    autocomplete_fields = ("user", "team", "manager")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "start_date"
    ordering = ("user__display_name",)
    fieldsets = (
        (None, {"fields": ("user", "team", "manager", "title")}),
        ("Career", {"fields": ("level", "track", "start_date", "is_active")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ["collapse"]}),
    )
    inlines = (MentorshipAsMentorInline, MentorshipAsMenteeInline)
    # Adds "Subject-access export" and "Erase…" to the person's page.
    change_form_template = "admin/growth/engineer/change_form.html"
    actions = ("subject_access", "erase")

    @admin.display(description="name", ordering="user__display_name")
    def name(self, engineer):
        return engineer.user.display_name

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # The account follows: whoever is marked as gone is signed out
            # everywhere at once and cannot sign in again.
            engineer_active_set(engineer=obj, active=obj.is_active)

    # --- people's data: a subject-access export, and erasing who left ---------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/subject-access/",
                view(self.subject_access_view),
                name="growth_engineer_subject_access",
            ),
            path(
                "<path:object_id>/erase/",
                view(self.erase_view),
                name="growth_engineer_erase",
            ),
            *super().get_urls(),
        ]

    def _person(self, request, object_id) -> Engineer:
        """The person of the page, whom the staff member must be allowed to see."""
        engineer = self.get_object(request, unquote(object_id))
        if engineer is None:
            raise Http404("No such person.")
        if not self.has_view_or_change_permission(request, engineer):
            raise PermissionDenied
        return engineer

    def subject_access_view(self, request, object_id):
        """Everything about the person, as one JSON file: notes of every kind."""
        engineer = self._person(request, object_id)
        if not self.has_export_personal_data_permission(request):
            raise PermissionDenied
        now = timezone.now()
        data = privacy.subject_access_export(
            user=engineer.user, by=request.user, now=now
        )
        self.log_change(request, engineer, "Exported everything about them.")
        response = HttpResponse(
            export_json(data), content_type="application/json; charset=utf-8"
        )
        filename = f"subject-access-{engineer.pk}-{now:%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def erase_view(self, request, object_id):
        """What erasing the person removes and keeps; erase once their email
        address is typed in, to confirm."""
        engineer = self._person(request, object_id)
        if not self.has_erase_person_permission(request):
            raise PermissionDenied
        user = engineer.user
        refused = privacy.erasure_refused(user=user, by=request.user)
        error = ""
        if request.method == "POST" and not refused:
            if request.POST.get("confirm", "").strip().lower() != user.email.lower():
                error = f"Type {user.email} to confirm."
            else:
                try:
                    privacy.erase_person(user=user, by=request.user)
                except ValidationError as changed_meanwhile:
                    return self._erase_page(
                        request, engineer, refused=" ".join(changed_meanwhile.messages)
                    )
                user.refresh_from_db()  # nameless now: the log names nobody
                self.log_change(request, user, "Erased a person who left.")
                self.message_user(
                    request,
                    "Erased. Their account is closed and nameless; what they "
                    'wrote about others now reads "a former employee".',
                    messages.SUCCESS,
                )
                return redirect("admin:growth_engineer_changelist")
        return self._erase_page(request, engineer, refused=refused, error=error)

    def _erase_page(self, request, engineer, *, refused="", error=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Erase {engineer}?",
            "plan": privacy.erasure_plan(engineer.user),
            "refused": refused,
            "error": error,
            "typed": request.POST.get("confirm", ""),
        }
        return TemplateResponse(request, "admin/growth/engineer/erase.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_export": self.has_export_personal_data_permission(request),
            "may_erase": self.has_erase_person_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_export_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("growth.export_personal_data")

    def has_erase_person_permission(self, request) -> bool:
        return request.user.has_perm("growth.erase_person")

    def _redirect_for_one_person(self, request, queryset, url_name):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one person.", messages.WARNING)
            return None
        return redirect(reverse(url_name, args=[queryset.get().pk]))

    @admin.action(
        description="Export everything about the selected person (subject access)",
        permissions=["export_personal_data"],
    )
    def subject_access(self, request, queryset):
        return self._redirect_for_one_person(
            request, queryset, "admin:growth_engineer_subject_access"
        )

    @admin.action(
        description="Erase the selected person, who left…", permissions=["erase_person"]
    )
    def erase(self, request, queryset):
        return self._redirect_for_one_person(
            request, queryset, "admin:growth_engineer_erase"
        )

    @admin.display(description="email", ordering="user__email")
    def email(self, engineer):
        return engineer.user.email


@admin.register(Mentorship)
class MentorshipAdmin(HistoryAdmin):
    list_display = (
        "mentor",
        "mentee",
        "focus",
        "started_on",
        "ended_on",
        "cadence_days",
        "active",
        "coaching",
    )
    list_select_related = ("mentor__user", "mentee__user")
    list_filter = (
        ActiveMentorshipFilter,
        CoachingFilter,
        ("mentor", EngineerFilter),
        "mentee__team",
    )
    search_fields = (
        "mentor__user__display_name",
        "mentor__user__email",
        "mentee__user__display_name",
        "mentee__user__email",
        "focus",
    )
    search_help_text = "Search by mentor or mentee name or email, or the focus."
    autocomplete_fields = ("mentor", "mentee")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        # Coaching as MentorshipQuerySet.coaching() defines it, once per row.
        mentors = Mentorship.objects.active().filter(mentor_id=OuterRef("mentee_id"))
        return super().get_queryset(request).annotate(mentee_is_mentor=Exists(mentors))

    @admin.display(boolean=True, description="active", ordering="ended_on")
    def active(self, mentorship):
        return mentorship.is_active

    @admin.display(boolean=True, description="coaching", ordering="mentee_is_mentor")
    def coaching(self, mentorship):
        return mentorship.mentee_is_mentor


@admin.register(Competency)
class CompetencyAdmin(GrowthAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "description")
    ordering = ("kind", "name")


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


@admin.register(FeedbackNote)
class FeedbackNoteAdmin(HistoryAdmin):
    """Every note, deleted ones included: staff restore what an author deleted
    (the "deleted" filter finds them); deleting here removes a note for good."""

    # Metadata only: the note's text stays on its own page.
    list_display = (
        "created_at",
        "engineer",
        "author",
        "kind",
        "competency",
        "sentiment",
        "visibility",
        "acknowledged",
        "actionable",
        "deleted",
    )
    list_select_related = ("engineer__user", "author", "competency")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        "kind",
        "sentiment",
        "visibility",
        AcknowledgedFilter,
        "actionable",
        DeletedFilter,
        ("competency", NamedRelatedFilter),
        ("engineer__team", NamedRelatedFilter),
    )
    search_fields = (*ENGINEER_SEARCH, "author__display_name", "author__email")
    search_help_text = "Search by engineer or author name or email."
    # The request a note answers is set by answering it in the app: a request
    # has one answer, deleted notes included, which a form here cannot see.
    autocomplete_fields = ("author", "engineer", "competency", "goal")
    # A filtered list counts its matches once; the whole table's total is not
    # counted again on every page (a second full COUNT over all the notes), and
    # the unfiltered total is PostgreSQL's estimate. No date hierarchy: it reads
    # the distinct years of every note on each page; the date filter costs nothing.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Notes are found by searching and filtering, not by paging through them.
    list_per_page = 25
    # What a page of the list reads: the columns above and the checkboxes'
    # labels (str(note)), not the notes' text nor every column of three people.
    list_only = (
        "created_at",
        "kind",
        "sentiment",
        "visibility",
        "acknowledged_at",
        "actionable",
        "deleted_at",
        "engineer__user__display_name",
        "engineer__user__email",
        "author__display_name",
        "author__email",
        "competency__name",
    )
    # The answer is the engineer's own words and rating: nobody writes it for them.
    readonly_fields = (
        "created_at",
        "updated_at",
        "acknowledged_at",
        "reply",
        "replied_at",
        "actionable",
        "deleted_at",
        "deleted_by",
        "request",
    )
    actions = ("restore",)
    action_form = PlainActionForm
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "author",
                    "engineer",
                    "kind",
                    "competency",
                    "sentiment",
                    "visibility",
                )
            },
        ),
        ("Observation", {"fields": ("situation", "behaviour", "impact", "suggestion")}),
        ("Praise in one line", {"fields": ("message", "public")}),
        ("Related", {"fields": ("goal", "request")}),
        (
            "The engineer's answer",
            {"fields": ("acknowledged_at", "reply", "replied_at", "actionable")},
        ),
        (
            "Record",
            {
                "fields": ("created_at", "updated_at", "deleted_at", "deleted_by"),
                "classes": ["collapse"],
            },
        ),
    )

    def get_changelist(self, request, **kwargs):
        return FeedbackNoteChangeList

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        # The page's rows read ``list_only``; actions and exports start again
        # from get_queryset(), with every field.
        queryset = queryset.only(*self.list_only)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)

    def get_queryset(self, request):
        # The model's default manager leaves deleted notes out; here they are in.
        # (The list adds list_select_related itself.)
        queryset = FeedbackNote.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(boolean=True, description="acknowledged", ordering="acknowledged_at")
    def acknowledged(self, note):
        return note.is_acknowledged

    @admin.display(boolean=True, description="deleted", ordering="deleted_at")
    def deleted(self, note):
        return note.is_deleted

    def delete_model(self, request, obj):
        # Removed for good, as when its author deletes it: its request is open again.
        with transaction.atomic():
            feedback_requests_reopen(FeedbackNote.all_objects.filter(pk=obj.pk))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            feedback_requests_reopen(queryset)
            super().delete_queryset(request, queryset)

    @admin.action(description="Restore selected deleted notes", permissions=["change"])
    def restore(self, request, queryset):
        notes = list(queryset.deleted())
        now = timezone.now()
        for note in notes:
            feedback_note_restore(note=note, by=request.user, now=now, staff=True)
        self.message_user(
            request,
            f"Restored {len(notes)} note{'' if len(notes) == 1 else 's'}; "
            "each is back where it was, for everyone who could see it.",
            messages.SUCCESS,
        )


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(HistoryAdmin):
    """A note's conversation, comment by comment, each with its versions on
    its "History" page. Read-only: a comment is its author's own words."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 25
    list_display = ("created_at", "note", "author", "updated_at")
    list_select_related = ("note__engineer__user", "author")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = (
        "author__display_name",
        "author__email",
        "note__engineer__user__display_name",
        "note__engineer__user__email",
    )
    search_help_text = (
        "Search by the comment's author, or the engineer the note is about."
    )
    fields = ("note", "author", "body", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(GrowthAdmin):
    list_display = (
        "requester",
        "recipient",
        "competency",
        "status",
        "due_on",
        "created_at",
        "closed_at",
    )
    list_select_related = ("requester__user", "recipient__user", "competency")
    list_filter = ("status", "competency", "requester__team")
    search_fields = (
        "requester__user__display_name",
        "requester__user__email",
        "recipient__user__display_name",
        "recipient__user__email",
    )
    search_help_text = "Search by requester or recipient name or email."
    autocomplete_fields = ("requester", "recipient", "competency", "goal")
    readonly_fields = ("created_at",)
    date_hierarchy = "due_on"


# --- goals -----------------------------------------------------------------------


class GoalCheckInInline(GrowthInline):
    model = GoalCheckIn
    fields = ("progress", "note", "author", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("author",)
    list_select_related = ("goal",)


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = (
        "title",
        "engineer",
        "kind",
        "competency",
        "status",
        "progress",
        "target_date",
        "updated_at",
    )
    list_select_related = ("engineer__user", "competency")
    list_filter = ("status", "kind", "competency", "engineer__team")
    search_fields = ("title", *ENGINEER_SEARCH)
    search_help_text = "Search by title, or the engineer's name or email."
    autocomplete_fields = ("engineer", "competency", "created_by")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "target_date"
    inlines = (GoalCheckInInline,)


@admin.register(GoalCheckIn)
class GoalCheckInAdmin(GrowthAdmin):
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = ("goal", "engineer", "progress", "author", "created_at")
    list_select_related = ("goal__engineer__user", "author")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        "goal__status",
        "goal__engineer__team",
    )
    search_fields = (
        "goal__title",
        "goal__engineer__user__display_name",
        "goal__engineer__user__email",
    )
    search_help_text = "Search by goal title, or the engineer's name or email."
    autocomplete_fields = ("goal", "author")
    readonly_fields = ("created_at",)

    @admin.display(
        description="engineer", ordering="goal__engineer__user__display_name"
    )
    def engineer(self, check_in):
        return check_in.goal.engineer


# --- check-ins -------------------------------------------------------------------


class ActionItemInline(GrowthInline):
    model = ActionItem
    fields = ("description", "owner", "due_on", "done_at", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("owner",)
    list_select_related = ("owner",)


class DiscussedAgendaItemInline(GrowthInline):
    model = AgendaItem
    fk_name = "discussed_in"
    verbose_name = "talking point discussed"
    verbose_name_plural = "talking points discussed"
    fields = ("text", "added_by", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("added_by",)
    list_select_related = ("added_by",)

    def has_add_permission(self, request, obj=None):
        # A point is put on a pair's agenda first (Agenda items), then discussed.
        return False


@admin.register(CheckIn)
class CheckInAdmin(GrowthAdmin):
    list_display = ("held_on", "kind", "engineer", "author", "open_action_items")
    list_select_related = ("engineer__user", "author")
    list_filter = ("kind", "engineer__team")
    search_fields = (*ENGINEER_SEARCH, "author__display_name", "author__email")
    search_help_text = "Search by engineer or author name or email."
    autocomplete_fields = ("author", "engineer", "mentorship")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "held_on"
    inlines = (DiscussedAgendaItemInline, ActionItemInline)

    def get_queryset(self, request):
        open_items = Count(
            "action_items", filter=Q(action_items__done_at__isnull=True), distinct=True
        )
        return super().get_queryset(request).annotate(open_items=open_items)

    @admin.display(description="open action items", ordering="open_items")
    def open_action_items(self, check_in):
        return check_in.open_items


@admin.register(ActionItem)
class ActionItemAdmin(GrowthAdmin):
    list_display = ("description", "check_in", "owner", "due_on", "done", "created_at")
    list_select_related = ("check_in__engineer__user", "owner")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        DoneFilter,
        "check_in__kind",
        ("due_on", admin.DateFieldListFilter),
    )
    search_fields = (
        "description",
        "check_in__engineer__user__display_name",
        "check_in__engineer__user__email",
        "owner__display_name",
        "owner__email",
    )
    search_help_text = "Search by the item, or the engineer's or owner's name or email."
    autocomplete_fields = ("check_in", "owner")
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="done", ordering="done_at")
    def done(self, item):
        return item.is_done


class DiscussedFilter(_IsSetFilter):
    title = parameter_name = "discussed"
    field = "discussed_in"


@admin.register(AgendaItem)
class AgendaItemAdmin(GrowthAdmin):
    list_display = ("text", "engineer", "kind", "added_by", "created_at", "discussed")
    list_select_related = ("engineer__user", "added_by")
    list_filter = (
        ("created_at", admin.DateFieldListFilter),
        DiscussedFilter,
        "kind",
        "engineer__team",
    )
    search_fields = (
        "text",
        *ENGINEER_SEARCH,
        "added_by__display_name",
        "added_by__email",
    )
    search_help_text = (
        "Search by the point, or the engineer's or its adder's name or email."
    )
    autocomplete_fields = ("engineer", "mentorship", "added_by", "discussed_in")
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="discussed", ordering="discussed_in")
    def discussed(self, point):
        return point.discussed_in_id is not None


# --- learning --------------------------------------------------------------------


@admin.register(LearningActivity)
class LearningActivityAdmin(GrowthAdmin):
    list_display = ("title", "kind", "date", "hours", "led_by", "attendee_count")
    list_select_related = ("led_by__user",)
    list_filter = (("date", admin.DateFieldListFilter), "kind", "led_by__team")
    search_fields = (
        "title",
        "led_by__user__display_name",
        "attendees__user__display_name",
        "attendees__user__email",
    )
    search_help_text = "Search by title, or the name of who led or attended."
    autocomplete_fields = ("led_by", "attendees", "goal", "logged_by")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        attendees = Count("attendees", distinct=True)
        return super().get_queryset(request).annotate(attendees_total=attendees)

    @admin.display(description="attendees", ordering="attendees_total")
    def attendee_count(self, activity):
        return activity.attendees_total

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "attendees":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # The admin leaves out a relation with a through model of its own, as it
        # cannot fill the other columns; save_related() dates each attendance.
        db = kwargs.get("using")
        kwargs.setdefault(
            "widget", AutocompleteSelectMultiple(db_field, self.admin_site, using=db)
        )
        queryset = self.get_field_queryset(db, db_field, request)
        if queryset is not None:
            kwargs.setdefault("queryset", queryset)
        return db_field.formfield(**kwargs)

    def save_related(self, request, form, formsets, change):
        # The form would save the attendees with a set() that leaves the new
        # attendances undated, which the table refuses; the service dates them,
        # and moves the others to the activity's date if it changed.
        attendees = form.cleaned_data.pop("attendees")
        super().save_related(request, form, formsets, change)
        learning_attendees_set(activity=form.instance, attendees=attendees)


# --- reminders -------------------------------------------------------------------


@admin.register(ReminderRule)
class ReminderRuleAdmin(GrowthAdmin):
    list_display = (
        "kind",
        "enabled",
        "cadence_days",
        "send_hour",
        "digest_weekday",
        "description",
        "updated_at",
    )
    list_display_links = ("kind",)
    list_editable = ("enabled", "cadence_days", "send_hour", "digest_weekday")
    fields = (
        "kind",
        "description",
        "enabled",
        "cadence_days",
        "send_hour",
        "digest_weekday",
        "updated_at",
    )
    readonly_fields = ("updated_at",)
    actions = ("send_due_now",)

    def get_readonly_fields(self, request, obj=None):
        # A rule is its kind; the description says how the code reads the cadence.
        if obj is not None:
            return (*self.readonly_fields, "kind", "description")
        return self.readonly_fields

    def has_add_permission(self, request):
        # One row per kind, seeded by a migration: adding only fills a gap.
        present = set(ReminderRule.objects.values_list("kind", flat=True))
        missing = set(ReminderKind.values) - present
        return bool(missing) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Switch a rule off with "enabled" instead.
        return False

    @admin.action(
        description="Send the due reminders of the selected rules now",
        permissions=["change"],
    )
    def send_due_now(self, request, queryset):
        """Run the sweep for these rules now instead of at the next tick.

        The same sweep as beat's: only what is due (in each recipient's own
        morning) and not yet sent this period goes out, and delivery is queued
        for the workers.
        """
        kinds = list(queryset.filter(enabled=True).values_list("kind", flat=True))
        disabled = queryset.filter(enabled=False).count()
        if disabled:
            self.message_user(
                request,
                f"Skipped {disabled} disabled rule(s); enable them first.",
                messages.WARNING,
            )
        if not kinds:
            return
        result = reminders.sweep(now=timezone.now(), kinds=kinds)
        # Each count apart: another sweep may have recorded some of what was
        # planned, and what is published includes rows waiting from before.
        self.message_user(
            request,
            f"Planned {result.planned} reminder(s); recorded {result.recorded}, "
            f"{result.skipped} of them skipped (the recipient opted out); "
            f"published {result.published} for sending. If the workers are down "
            "they go out at the next sweep.",
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(GrowthAdmin):
    """The log of what was sent: read it, filter it, export it."""

    list_display = (
        "created_at",
        "recipient",
        "kind",
        "period_key",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "error",
    )
    list_select_related = ("recipient",)
    list_filter = (
        "kind",
        "status",
        ("recipient", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = (
        "recipient__display_name",
        "recipient__email",
        "subject",
        "period_key",
    )
    search_help_text = "Search by recipient, subject or period (e.g. 2026-W48)."
    actions = ("retry",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        # The log is read-only; retrying is what changing a reminder means.
        return request.user.has_perm("growth.change_reminder")

    @admin.display(description="last error")
    def error(self, reminder):
        return Truncator(reminder.last_error).chars(80)

    @admin.action(
        description="Retry the selected failed or ambiguous reminders",
        permissions=["retry"],
    )
    def retry(self, request, queryset):
        # An ambiguous reminder may have arrived: only a person sends it again.
        ids = queryset.filter(
            status__in=[ReminderStatus.FAILED, ReminderStatus.AMBIGUOUS]
        ).values_list("pk", flat=True)
        retried = reminders.retry_failed(ids)
        self.message_user(
            request,
            f"Queued {retried} failed or ambiguous reminder(s) again, with fresh "
            "attempts (an ambiguous one may arrive twice)."
            if retried
            else "None of the selected reminders had failed or was ambiguous.",
            messages.SUCCESS if retried else messages.WARNING,
        )


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(GrowthAdmin):
    list_display = ("user", "kind", "email_enabled", "updated_at")
    list_select_related = ("user",)
    list_filter = ("kind", "email_enabled")
    search_fields = ("user__display_name", "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("updated_at",)


@admin.register(Notification)
class NotificationAdmin(GrowthAdmin):
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_display = ("created_at", "recipient", "kind", "message", "read")
    list_select_related = ("recipient",)
    list_filter = (("created_at", admin.DateFieldListFilter), "kind", ReadFilter)
    search_fields = ("recipient__display_name", "recipient__email", "message")
    autocomplete_fields = ("recipient",)
    readonly_fields = ("created_at",)

    @admin.display(boolean=True, description="read", ordering="read_at")
    def read(self, notification):
        return notification.read_at is not None


@admin.register(Submission)
class SubmissionAdmin(GrowthAdmin):
    """The one-time keys that made creates idempotent: read-only, for tracing
    what a double click or a retried POST was answered with."""

    list_display = ("created_at", "user", "content_type", "object_ids")
    list_select_related = ("user", "content_type")
    list_filter = (("created_at", admin.DateFieldListFilter), "content_type")
    search_fields = ("user__email", "user__display_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
