"""Praise in one line, and the Praise wall everyone signed in reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from growth.forms.feedback import PraiseForm, add_service_errors
from growth.models import Engineer, Sentiment, Visibility
from growth.selectors import feedback as selectors
from growth.services.feedback import feedback_note_create
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import after_saving, came_from, in_viewer_zone, int_or_none

PAGE_SIZE = 25


@require_GET
@in_viewer_zone
def praise_wall(request):
    """Public praise, newest first: who was praised, by whom, for what."""
    page_obj = Paginator(selectors.praise_wall(request.access), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "growth/praise/wall.html",
        {
            "page_obj": page_obj,
            "openable": selectors.openable_ids(request.access, page_obj.object_list),
        },
    )


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def praise_create(request):
    """Praise someone in one line; ``?engineer=`` picks who."""
    engineer = None
    if (engineer_id := int_or_none(request.GET.get("engineer"))) is not None:
        engineer = (
            Engineer.objects.active()
            .exclude(user=request.user)
            .select_related("user")
            .filter(pk=engineer_id)
            .first()
        )
    form = PraiseForm(
        request.POST if request.method == "POST" else None,
        author=request.user,
        engineer=engineer,
    )
    next_url = came_from(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: feedback_note_create(
                    author=request.user,
                    engineer=data["engineer"],
                    kind=data["kind"],
                    competency=data["competency"],
                    sentiment=Sentiment.PRAISE,
                    message=data["message"],
                    public=data["public"],
                    visibility=Visibility.SHARED,
                    now=timezone.now(),
                ),
            ).result
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            wall = " It is on the Praise wall." if note.public else ""
            messages.success(
                request,
                f"Your praise is saved, and {note.engineer} has been told.{wall}",
            )
            return after_saving(request, note, next_url)
    return render(
        request,
        "growth/praise/form.html",
        {"form": form, "note": None, "next_url": next_url},
    )


urlpatterns = [
    path("praise/", praise_wall, name="praise-wall"),
    path("praise/new/", praise_create, name="praise-create"),
]
