"""In-app notifications: the signed-in person's own, unread first.

The badge in the navigation counts the same rows the list marks unread (both
read ``Notification.objects.visible_to`` and ``unread``), and opening one
marks it read, with any other notice that leads to the same page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST, require_safe

from growth.models import Notification
from growth.services.notifications import (
    notifications_mark_read,
    notifications_settle,
)

PAGE_SIZE = 25


@require_safe
def notification_list(request):
    notifications = (
        Notification.objects.visible_to(request.access)
        .annotate(
            is_read=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_read", "-created_at", "-pk")
    )
    page_obj = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    with timezone.override(request.user.zone):
        return render(request, "growth/notifications/list.html", {"page_obj": page_obj})


@require_GET
def notification_open(request, pk: int):
    """Mark one notification read and follow its link.

    A GET that writes, as links in the list and in emails lead here: it only
    records that the person has seen their own notification, and doing it twice
    changes nothing.
    """
    notification = get_object_or_404(
        Notification.objects.visible_to(request.access), pk=pk
    )
    now = timezone.now()
    notifications_mark_read(user=request.user, now=now, pk=notification.pk)
    if notification.url:
        # Another notice of the same thing (the reminder of a request, and the
        # request itself) is dealt with by the same visit.
        notifications_settle(user=request.user, url=notification.url, now=now)
    is_local = url_has_allowed_host_and_scheme(
        notification.url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    )
    if notification.url and is_local:
        return redirect(notification.url)
    return redirect("notification-list")


@require_POST
def notification_read_all(request):
    count = notifications_mark_read(user=request.user, now=timezone.now())
    if count:
        messages.success(
            request,
            f"Marked {count} notification{'s' if count != 1 else ''} as read.",
        )
    return redirect("notification-list")


urlpatterns = [
    path("notifications/", notification_list, name="notification-list"),
    path(
        "notifications/read-all/", notification_read_all, name="notification-read-all"
    ),
    path("notifications/<int:pk>/", notification_open, name="notification-open"),
]
