"""The growth dashboard (one's own and the people one follows) and the export."""

from __future__ import annotations

import functools

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from growth import exports
from growth.models import Engineer
from growth.selectors import dashboard


@functools.cache
def _links() -> dict[str, str]:
    """The page's links that are the same for everyone: reversed once per
    process rather than on every page, as the navigation's are (the page's
    other links come from the navigation's ``nav``)."""
    return {
        "request_create": reverse("request-create"),
        "feedback_create": reverse("feedback-create"),
        "goal_create": reverse("goal-create"),
        "my_framework": reverse("my-framework"),
        "export_json": reverse("my-export", args=["json"]),
        "export_csv": reverse("my-export", args=["csv"]),
    }


def _render_dashboard(request, engineer: Engineer):
    dash = dashboard.dashboard_build(
        viewer=request.user,
        access=request.access,
        engineer=engineer,
        now=timezone.now(),
    )
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/dashboard/dashboard.html",
            {"dash": dash, "links": _links()},
        )


@require_GET
def my_growth(request):
    """The signed-in person's own growth, or a word on why there is none."""
    engineer_id = request.access.engineer_id
    if engineer_id is None:
        return render(request, "growth/dashboard/no_profile.html")
    return _render_dashboard(
        request, dashboard.dashboard_engineer(request.access, engineer_id)
    )


@require_GET
def engineer_dashboard(request, pk: int):
    """The growth of someone the viewer follows: a report or an active mentee."""
    if not request.access.follows(pk):
        raise Http404("No such engineer among the people you follow.")
    return _render_dashboard(request, dashboard.dashboard_engineer(request.access, pk))


EXPORT_TYPES = {
    "json": ("application/json", exports.export_json),
    "csv": ("text/csv; charset=utf-8", exports.export_csv),
}


@require_GET
def my_export(request, fmt: str):
    """Download one's own data as JSON or as one CSV file."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Export as json or csv.")
    engineer = get_object_or_404(
        Engineer.objects.visible_to(request.access).select_related(
            "user", "team", "manager__user", "level__track"
        ),
        user=request.user,
    )
    now = timezone.now()
    content_type, write = EXPORT_TYPES[fmt]
    data = exports.export_build(
        user=request.user, access=request.access, engineer=engineer, now=now
    )
    response = HttpResponse(write(data), content_type=content_type)
    filename = exports.export_filename(engineer=engineer, now=now, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("me/", my_growth, name="my-growth"),
    path("engineers/<int:pk>/", engineer_dashboard, name="engineer-dashboard"),
    path("me/export.<str:fmt>", my_export, name="my-export"),
]
