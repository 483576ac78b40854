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
engineer they follow (``circle``), so a note about Alice rebuilds the pages of
Alice, her manager and her mentors, and nobody else's.

Every ``save()`` and ``delete()`` of the project's models changes the stamps
(``connect``, from ``GrowthConfig.ready``), a model it does not know changing
``everyone``, and a row moved to someone else changes the stamps of both; the
few writes that bypass signals (``QuerySet.update()``,
``bulk_create``) call ``touch`` themselves. A stamp changes at once, for what
the same transaction reads next, and again at commit, so that a page built
from the old rows in between is not reused. Cached content also expires after
``PAGE_CACHE_SECONDS`` (0 turns the cache off). When the cache is down the
pages are built every time.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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

logger = logging.getLogger(__name__)

EVERYONE = "everyone"
STAMP_SECONDS = 7 * 24 * 3600
PREFIX = "pc:"


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
    # another request built meanwhile from the old rows is not reused.
    _bump(names)
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


@dataclass(frozen=True)
class View:
    """What a viewer's pages depend on, read once per request."""

    user_id: int
    day: str
    tokens: str  # the stamps of everyone, the viewer and their circle, joined
    roles: object  # ``policy.Roles``, reused with them

    def key(self, *parts) -> str:
        raw = "|".join(map(str, (self.user_id, self.day, self.tokens, *parts)))
        return PREFIX + "page:" + hashlib.sha256(raw.encode()).hexdigest()


def view_of(request) -> View | None:
    """The request's ``View`` (computed once), or None with the cache off or down."""
    if not enabled() or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_page_view"):
        try:
            request._page_view = _view(request.user)
        except Exception:
            logger.warning("The page cache is unavailable", exc_info=True)
            request._page_view = None
    return request._page_view


def _view(user) -> View:
    from growth import policy

    day = timezone.localdate(timezone.now(), user.zone).isoformat()
    everyone, mine = _stamps([EVERYONE, user_stamp(user.pk)])
    # Roles and the circle change with the organisation (everyone); the unread
    # count with the viewer's notifications (their own stamp).
    roles_key = f"{PREFIX}roles:{user.pk}:{day}:{everyone}:{mine}"
    roles = cache.get(roles_key)
    if roles is None:
        roles = policy.roles_of(user)
        cache.set(roles_key, roles, timeout=settings.PAGE_CACHE_SECONDS)
    tokens = _stamps([engineer_stamp(pk) for pk in sorted(roles.circle)])
    return View(
        user_id=user.pk,
        day=day,
        tokens=".".join([everyone, mine, *tokens]),
        roles=roles,
    )


def _csrf_and_address(request) -> tuple | None:
    """What besides the viewer a page's content depends on: the address, and
    the CSRF secret its forms' tokens are made from. None without a secret yet:
    this response sets one, and content kept now would not match it."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    return secret, request.get_full_path(), bool(request.headers.get("HX-Request"))


def page_key(request, *parts) -> str | None:
    """The key of this page's content for this viewer now, or None (no cache)."""
    view = view_of(request)
    varies = _csrf_and_address(request)
    if view is None or varies is None:
        return None
    return view.key("page", *varies, *parts)


def remembered(key: str | None, build: Callable[[], object], *, seconds=None):
    """``build()``, or what it gave last time under ``key``."""
    if key is None:
        return build()
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=seconds or settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Could not keep a page in the cache", exc_info=True)
    return value


def roles(request):
    """``policy.roles_of`` the viewer: asked once a request, and reused from
    one request to the next while their stamps hold."""
    from growth import policy

    if not hasattr(request, "_page_roles"):
        view = view_of(request)
        request._page_roles = (
            policy.roles_of(request.user) if view is None else view.roles
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
    raw = "|".join(map(str, (request.user.pk, day, everyone, rows, *varies)))
    return PREFIX + "admin:" + hashlib.sha256(raw.encode()).hexdigest()


def response(key: str | None, build: Callable[[], HttpResponse]) -> HttpResponse:
    """``build()``'s response, or the content it had last time under ``key``
    (only a 200 is kept)."""
    if key is None:
        return build()
    try:
        content = cache.get(key)
    except Exception:
        logger.warning("The page cache is unavailable", exc_info=True)
        return build()
    if content is not None:
        return HttpResponse(content)
    built = build()
    if isinstance(built, SimpleTemplateResponse):
        built.render()
    if built.status_code == 200 and not built.streaming:
        try:
            cache.set(key, built.content, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Could not keep a page in the cache", exc_info=True)
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


def _moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a row changes whose it is (another engineer, author, goal…), the
    pages of those it was about are built anew too: they show it no more."""
    if raw or instance._state.adding or instance.pk is None:
        return
    owners = {f.name for f in sender._meta.concrete_fields if f.is_relation}
    if update_fields is not None and not (set(update_fields) & (owners | {"kind"})):
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    if before is not None:
        changed(before)


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata, after a flush that changed everyone's
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes no page
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


# Rows no cached page shows: their writes change no stamp.
IGNORED = {
    "growth.reminder",
    "growth.reminderpreference",
    "admin.logentry",
    "sessions.session",
    "contenttypes.contenttype",
}


def connect() -> None:
    """Change the stamps on every write of the models the pages show."""
    from growth import models as growth

    # Rows about someone: moved to someone else, both are told.
    owned = {
        growth.FeedbackNote,
        growth.Goal,
        growth.GoalCheckIn,
        growth.CheckIn,
        growth.ActionItem,
        growth.FeedbackRequest,
        growth.LearningActivity,
        growth.Notification,
    }
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
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        # Before the delete, while a learning activity still has its attendees.
        pre_delete.connect(_changed, sender=model, dispatch_uid=uid)
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
