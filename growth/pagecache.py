"""Pages reused until what they show changes.

The busiest pages (the dashboards, the lists, the mentoring page, the admin's
feedback notes) cost far more to build than to send; most views of them repeat
what the same person saw a minute ago. Their content is kept in the cache under
a key made of who looks (and their CSRF secret: the content holds form tokens
made from it), the address, the day where they are, and *stamps*.

A stamp is a short random token that changes whenever something changes that a
page may show:

- ``e:<id>`` for everything about one engineer (notes, goals, check-ins,
  requests, learning they attended): every page that shows them includes it;
- ``u:<id>`` for what one person wrote, and their notifications;
- ``m:<model>`` for every row of a model, for the admin's lists;
- ``everyone`` for what shapes everybody's pages: people, teams, reporting
  lines, mentorships, accounts, competencies, public learning, reminder rules.

A viewer's pages include ``everyone``, their own ``u:`` and the ``e:`` of each
engineer in their circle (``policy._circle``: their reports three levels down,
their mentees, their coached mentors' mentees), so a note about Alice rebuilds
the pages of Alice, her managers and her mentors, and nobody else's.

Every ``save()`` and ``delete()`` of the project's models changes the stamps
(``connect``, from ``GrowthConfig.ready``), a model it does not know changing
``everyone``, and a row moved to someone else changes the stamps of both; the
few writes that bypass signals (``QuerySet.update()``, ``bulk_create``) say so
themselves (``changed``, ``touch``). A stamp changes at once, for what the same
transaction reads next, and again at commit, so that a page built from the old
rows in between is not reused. Cached content also expires after
``PAGE_CACHE_SECONDS`` (0 turns the cache off). When the cache is down the
pages are built every time.

Tests: ``tests/growth/test_pagecache.py``, and the stories of
``tests/pagecache_stories.py``, which hold every cached page to the same page
built afresh after each kind of write.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.http import HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

if TYPE_CHECKING:
    from growth.policy import Roles

logger = logging.getLogger(__name__)

EVERYONE = "everyone"
STAMP_SECONDS = 7 * 24 * 3600
# Change FORMAT when what is kept changes shape (``Roles``' fields, say): a
# deploy then reads nothing an older version kept. ``migrate``, which every
# deploy runs, changes ``everyone`` too, for new templates.
FORMAT = 1
PREFIX = f"pc{FORMAT}:"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


class FileCache(FileBasedCache):
    """Django's file cache, for the embedded installation: shared by its
    processes with no service to run. Django's lists the whole folder on every
    ``set()`` to see whether to cull, 20 ms at 20,000 pages; this one looks on
    one ``set()`` in ``CULL_EVERY``, so the folder may briefly hold that many
    more files than ``MAX_ENTRIES``."""

    CULL_EVERY = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sets = 0

    def _cull(self):
        self._sets += 1
        if self._sets % self.CULL_EVERY == 0:
            super()._cull()


# --- stamps ----------------------------------------------------------------------


def engineer_stamp(pk) -> str:
    return f"e:{pk}"


def user_stamp(pk) -> str:
    return f"u:{pk}"


def model_stamp(model) -> str:
    return f"m:{model._meta.label_lower}"


def _bump(names: frozenset[str]) -> None:
    try:
        cache.set_many(
            {PREFIX + name: secrets.token_hex(6) for name in names},
            timeout=STAMP_SECONDS,
        )
    except Exception:  # a cache that is down must not fail the write
        logger.warning("Could not change the page cache's stamps", exc_info=True)


def touch(
    *,
    engineers: Iterable = (),
    users: Iterable = (),
    models: Iterable = (),
    everyone: bool = False,
) -> None:
    """Say that what pages show about these engineers, users' writings or
    models has changed (or about everything, with ``everyone``)."""
    if not enabled():
        return
    names = frozenset(
        [engineer_stamp(pk) for pk in engineers if pk is not None]
        + [user_stamp(pk) for pk in users if pk is not None]
        + [model_stamp(model) for model in models]
        + ([EVERYONE] if everyone else [])
    )
    if not names:
        return
    # Now, for what this transaction reads next; at commit, so that a page
    # another request built meanwhile from the old rows is not reused. (If
    # that second change fails, such a page lives for PAGE_CACHE_SECONDS.)
    _bump(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(names))


def _stamps(names: list[str]) -> list[str]:
    """The current token of each stamp, starting any that the cache lost."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    missing = {key: secrets.token_hex(6) for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=STAMP_SECONDS)
        found.update(missing)
    return [found[key] for key in keys]


# --- who looks ------------------------------------------------------------------


def _get(key: str):
    """What the cache holds under ``key``; None when it holds nothing or is down."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return None


def _set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("Could not keep a page in the cache", exc_info=True)


def _hashed(kind: str, *parts) -> str:
    raw = "|".join(map(str, parts))
    return f"{PREFIX}{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


@dataclass
class Viewer:
    """Who looks, and what their pages depend on: read once per request."""

    user_id: int
    day: str  # in their time zone
    everyone: str
    mine: str  # their own stamp
    roles: Roles
    _circle_tokens: str | None = None

    def key(self, kind: str, *parts) -> str:
        """A key of this viewer's, which every change to what they follow
        changes: the circle's stamps are read on the first key asked."""
        if self._circle_tokens is None:
            circle = [engineer_stamp(pk) for pk in sorted(self.roles.circle)]
            self._circle_tokens = ".".join(_stamps(circle))
        return _hashed(
            kind, self.user_id, self.day, self.everyone, self.mine,
            self._circle_tokens, *parts,
        )  # fmt: skip


def viewer_of(request) -> Viewer | None:
    """The request's ``Viewer`` (read once), or None with the cache off or down."""
    if not enabled() or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_page_viewer"):
        try:
            request._page_viewer = _viewer(request.user)
        except Exception:
            logger.warning("The page cache is unavailable", exc_info=True)
            request._page_viewer = None
    return request._page_viewer


def _viewer(user) -> Viewer:
    from growth import policy

    day = timezone.localdate(timezone.now(), user.zone).isoformat()
    everyone, mine = _stamps([EVERYONE, user_stamp(user.pk)])
    # The roles and whom they follow change with the organisation (everyone),
    # the unread count with the viewer's notifications (their own stamp).
    key = f"{PREFIX}roles:{user.pk}:{day}:{everyone}:{mine}"
    roles = cache.get(key)
    if roles is None:
        roles = policy.roles_of(user)
        cache.set(key, roles, timeout=settings.PAGE_CACHE_SECONDS)
    return Viewer(user.pk, day, everyone, mine, roles)


def _csrf_and_address(request) -> tuple | None:
    """What besides the viewer a page's content depends on: the address, and
    the CSRF secret its forms' tokens are made from. None without a secret yet:
    this response sets one, and content kept now would not match it."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    return secret, request.get_full_path(), bool(request.headers.get("HX-Request"))


def page_key(request) -> str | None:
    """The key of this page's content for this viewer now, or None (no cache)."""
    viewer = viewer_of(request)
    varies = _csrf_and_address(request)
    if viewer is None or varies is None:
        return None
    try:
        return viewer.key("page", *varies)
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return None


def remembered(key: str | None, build: Callable[[], str]) -> str:
    """``build()``, or what it gave last time under ``key``."""
    value = None if key is None else _get(key)
    if value is None:
        value = build()
        if key is not None:
            _set(key, value)
    return value


def roles(request) -> Roles:
    """``policy.roles_of`` the viewer: asked once a request, and reused from
    one request to the next while their stamps hold."""
    from growth import policy

    if not hasattr(request, "_page_roles"):
        viewer = viewer_of(request)
        request._page_roles = (
            policy.roles_of(request.user) if viewer is None else viewer.roles
        )
    return request._page_roles


# --- the admin's lists -------------------------------------------------------------


def admin_list_key(request, model) -> str | None:
    """The key of an admin changelist of ``model`` for this person now, or None
    when it must be built: the cache is off, the request is not a GET, or a
    message waits to be shown on it."""
    varies = _csrf_and_address(request)
    if (
        not enabled()
        or varies is None
        or request.method != "GET"
        or len(messages.get_messages(request))
    ):
        return None
    try:
        everyone, rows = _stamps([EVERYONE, model_stamp(model)])
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return None
    # The day: the date filter's "Today" and "Past 7 days" links change at midnight.
    day = timezone.localdate(timezone.now(), request.user.zone).isoformat()
    return _hashed("admin", request.user.pk, day, everyone, rows, *varies)


def response(key: str | None, build: Callable[[], HttpResponse]) -> HttpResponse:
    """``build()``'s response, or the content it had last time under ``key``
    (only a 200 is kept)."""
    content = None if key is None else _get(key)
    if content is not None:
        return HttpResponse(content)
    built = build()
    if isinstance(built, SimpleTemplateResponse):
        built.render()
    if key is not None and built.status_code == 200 and not built.streaming:
        _set(key, built.content)
    return built


# --- what each write changes -------------------------------------------------------


def _engineers_of_goal(check_in) -> list:
    from growth.models import Goal

    goal = check_in._state.fields_cache.get("goal")
    if goal is not None:
        return [goal.engineer_id]
    goals = Goal.objects.filter(pk=check_in.goal_id)
    return list(goals.values_list("engineer_id", flat=True))


def changed(instance) -> None:
    """Say that ``instance`` was written without ``save()`` (``QuerySet.update()``)."""
    about = _about(instance)
    if about is not None:
        touch(models=[type(instance)], **about)


def requests_changed(requests) -> None:
    """Say that the feedback requests ``requests`` selects are about to change,
    or just did, without ``save()``."""
    from growth.models import FeedbackRequest

    if not enabled():
        return
    pairs = requests.values_list("requester_id", "recipient_id")
    touch(engineers={pk for pair in pairs for pk in pair}, models=[FeedbackRequest])


def _about(instance) -> dict | None:
    """The stamps a row of the project's models changes, as ``touch`` arguments;
    None for a model no page shows."""
    from growth import models as growth

    match instance:
        case growth.FeedbackNote():
            return {
                "engineers": [instance.engineer_id],
                "users": [instance.author_id, instance.deleted_by_id],
            }
        case growth.Goal():
            return {
                "engineers": [instance.engineer_id],
                "users": [instance.created_by_id],
            }
        case growth.GoalCheckIn():
            return {
                "engineers": _engineers_of_goal(instance),
                "users": [instance.author_id],
            }
        case growth.CheckIn():
            return {"engineers": [instance.engineer_id], "users": [instance.author_id]}
        case growth.ActionItem():
            check_in = growth.CheckIn.objects.filter(pk=instance.check_in_id)
            row = check_in.values("engineer_id", "author_id").first() or {}
            return {
                "engineers": [row.get("engineer_id")],
                "users": [row.get("author_id")],
            }
        case growth.FeedbackRequest():
            return {"engineers": [instance.requester_id, instance.recipient_id]}
        case growth.LearningActivity():
            if instance.kind in growth.PUBLIC_LEARNING_KINDS:
                return {"everyone": True}
            attendees = (
                list(instance.attendees.values_list("pk", flat=True))
                if instance.pk
                else []
            )
            return {
                "engineers": [instance.led_by_id, *attendees],
                "users": [instance.logged_by_id],
            }
        case growth.Notification():
            return {"users": [instance.recipient_id]}
    return {"everyone": True}


def _owned():
    """The models whose rows are about someone: moved to someone else, or
    deleted, they change those people's stamps, not everybody's."""
    from growth import models as growth

    return {
        growth.FeedbackNote,
        growth.Goal,
        growth.GoalCheckIn,
        growth.CheckIn,
        growth.ActionItem,
        growth.FeedbackRequest,
        growth.LearningActivity,
        growth.Notification,
    }


def _moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a row changes whose it is (another engineer, author, goal…), the
    pages of those it was about are built anew too: they show it no more."""
    if raw or instance._state.adding or instance.pk is None or not enabled():
        return
    relations = [f for f in sender._meta.concrete_fields if f.is_relation]
    whose = {"kind", *(f.name for f in relations), *(f.attname for f in relations)}
    if update_fields is not None and not (set(update_fields) & whose):
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    if before is not None:
        changed(before)


def _saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loaddata, after a flush that changed everyone's
        return
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes no page
    changed(instance)


def _deleting(sender, instance, origin=None, **kwargs) -> None:
    # Before the delete, while a learning activity still has its attendees.
    # Rows going with a person or a team go unsaid: that delete changes
    # everyone's stamp, and saying each would cost a query or two a row.
    source = getattr(origin, "model", type(origin))
    if origin is not None and source is not sender and source not in _owned():
        return
    changed(instance)


def _attendance_changed(sender, instance, action, pk_set, **kwargs) -> None:
    from growth.models import PUBLIC_LEARNING_KINDS, LearningActivity

    if not action.startswith("post_"):
        return
    if (
        not isinstance(instance, LearningActivity)  # changed from the engineer's side
        or instance.kind in PUBLIC_LEARNING_KINDS
        or action == "post_clear"  # the attendees who left are not known
    ):
        touch(everyone=True)
        return
    # Pages list an activity's attendees: those still there see the change too.
    engineers = {*(pk_set or ()), *instance.attendees.values_list("pk", flat=True)}
    touch(
        engineers=[*engineers, instance.led_by_id],
        users=[instance.logged_by_id],
        models=[LearningActivity],
    )


def _everything_changed(**kwargs) -> None:
    touch(everyone=True)


def _membership_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        touch(everyone=True)


# Rows of the project's apps that no cached page shows: no stamp changes.
IGNORED = {"growth.reminder", "growth.reminderpreference"}


def connect() -> None:
    """Change the stamps on every write of the models the pages show: a catch-all
    beside the services, so the admin's, the shell's and any new code's writes
    are seen too."""
    from growth import models as growth

    owned = _owned()
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    models = [
        model
        for label in ("growth", "accounts", "auth")
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in IGNORED
        and not model.__name__.startswith("Historical")
    ]
    for model in models:
        uid = f"pagecache-{model._meta.label_lower}"
        if model in owned:
            pre_save.connect(_moving, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        _attendance_changed,
        sender=growth.LearningActivity.attendees.through,
        dispatch_uid="pagecache-attendees",
    )
    # A migration or a flush (as before a restore) may change any row.
    post_migrate.connect(_everything_changed, dispatch_uid="pagecache-migrate")
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        apps.get_model("auth", "Group").permissions.through,
    ):
        m2m_changed.connect(
            _membership_changed, sender=through, dispatch_uid=f"pagecache-{through}"
        )
