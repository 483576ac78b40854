"""The admin site: Cultivate's names, no app list built where none shows, and
lists that read only the query they offer.

Its own module, not ``growth.admin``: the admin modules register their models
on this site while they load, and it must exist before them.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache

from accounts.oidc import sign_in_choices


class CultivateAdminSite(admin.AdminSite):
    site_header = "Cultivate admin"
    site_title = "Cultivate admin"
    index_title = "Run Cultivate"
    # No app list beside every page: rendering every model of the site on
    # each page cost about as much as a list's rows. The index and the
    # breadcrumbs lead everywhere it did.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list of the site guards its query, the other apps' too (users,
        # groups, sign-in attempts), so their admins are mixed with the guard
        # here; Django subclasses an admin registered with options the same way.
        admin_class = _guarded_admin(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        # Staff who sign in with the identity provider find it here too,
        # brought back to the admin page they asked for.
        context = {**sign_in_choices(request), **(extra_context or {})}
        return super().login(request, extra_context=context)

    def get_app_list(self, request, app_label=None):
        # Every page's context carries the app list for the sidebar; with the
        # sidebar off only the index and an app's index read it, so it is
        # built when they do (about 2 ms of every other page).
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class QueryGuard:
    """A list (a ``ChangeList``) that answers a query it cannot read with the
    admin's "?e=1" page or a 400 before any of it reaches the database.

    Django's list passes on any lookup of a model's own columns and lets the
    database cast the value, which fails as a 500, some only once a row is
    read: ``?title__regex=(``, ``?ip_address__lte=x`` on PostgreSQL,
    ``?id__range=1``, ``?created_at__year=10000``. Here a list reads what its
    filters, date drill-down, search, ordering and paging offer, and a lookup
    none of them offers is refused, as Django refuses one across a relation.
    """

    def get_filters(self, request):
        params = self.get_filters_params()
        drilldown = _drilldown(params, self.date_hierarchy)
        specs, has_filters, remaining, duplicates, active = super().get_filters(request)
        refused = set(remaining) - drilldown - _popup_lookups(self.model, params)
        if refused:
            raise DisallowedModelAdminLookup(
                f"Filtering by {', '.join(sorted(refused))} not allowed"
            )
        for spec in specs:
            _dates_in_zone(spec)
        return specs, has_filters, remaining, duplicates, active


PARTS = ("year", "month", "day")


def _drilldown(params: dict[str, list[str]], field: str | None) -> set[str]:
    """The lookups the date drill-down of ``field`` puts in the list's query,
    once its period is known to fit the calendar.

    Django checks where the period starts but not where it ends: year 9999
    (ending in 10000), December 9999 or a year past a C long were 500s.
    """
    if not field or f"{field}__year" not in params:
        return set()
    year, month, day = (params.get(f"{field}__{part}") for part in PARTS)
    try:
        start = datetime.date(
            int(year[-1]), int(month[-1]) if month else 1, int(day[-1]) if day else 1
        )
        # Where Django ends the period (the next day, month or year), which
        # raises past the calendar.
        if day:
            start + datetime.timedelta(days=1)
        elif month:
            start + datetime.timedelta(days=32)
        else:
            start.replace(year=start.year + 1)
    except (OverflowError, ValueError) as error:
        raise IncorrectLookupParameters(error) from error
    return {f"{field}__gte", f"{field}__lt"}


def _popup_lookups(model, params: dict[str, list[str]]) -> set[str]:
    """The lookups of a raw-id popup that ``limit_choices_to`` narrows, which
    Django lets through when they are exactly its values."""
    allowed = set()
    for lookups in model._meta.related_fkey_lookups:
        for name, value in url_params_from_lookup_dict(
            lookups() if callable(lookups) else lookups
        ).items():
            if params.get(name) == [value]:
                allowed.add(name)
    return allowed


def _dates_in_zone(spec) -> None:
    """Read a date or time typed without a zone into a date filter of a
    moment (``?created_at__gte=2026-05-01``) in the current zone, as the
    filter's own links are: Django reads it in the default zone and warns."""
    if not (
        isinstance(spec, admin.DateFieldListFilter)
        and isinstance(spec.field, DateTimeField)
    ):
        return
    for name in (spec.lookup_kwarg_since, spec.lookup_kwarg_until):
        if name in spec.used_parameters:
            spec.used_parameters[name] = [
                _in_zone(spec.field, value) for value in spec.used_parameters[name]
            ]


def _in_zone(field: DateTimeField, value):
    try:
        moment = field.to_python(value)
    except ValidationError:
        return value  # the filter refuses it: the "?e=1" page
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


class GuardedAdmin:
    """Mixed into every admin of the site: its list is a ``QueryGuard``, and
    only a column can be named by ``?_to_field=``."""

    def get_changelist(self, request, **kwargs):
        return _guarded(super().get_changelist(request, **kwargs), QueryGuard)

    def to_field_allowed(self, request, to_field):
        # "+" also names a hidden reverse relation (each history model's
        # foreign keys are hidden so), which Django's check takes for a
        # column and fails on: a 500 on every page of the model.
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return field.concrete and super().to_field_allowed(request, to_field)


def _guarded_admin(admin_class):
    return _guarded(admin_class, GuardedAdmin)


@functools.cache
def _guarded(cls, guard):
    """``cls`` with ``guard`` mixed in first, under the same name."""
    if issubclass(cls, guard):
        return cls
    return type(
        cls.__name__,
        (guard, cls),
        {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
    )
