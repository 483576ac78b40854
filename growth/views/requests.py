"""Feedback requests: asking up to ten people at once, and answering,
declining or cancelling. Dealing with a request marks its notices read."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from growth import policy
from growth.forms.feedback import add_service_errors
from growth.forms.requests import FeedbackRequestsForm
from growth.models import Engineer, FeedbackRequest, RequestStatus
from growth.services.feedback import feedback_request_cancel, feedback_request_decline
from growth.services.notifications import notifications_settle
from growth.services.requests import feedback_requests_create, names_of
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import (
    in_viewer_zone,
    int_or_none,
    querystring_without_page,
    safe_next,
)

PAGE_SIZE = 25
DEFAULT_DUE_DAYS = 7
REQUEST_RELATED = ("requester__user", "recipient__user", "goal", "competency", "note")


def _visible_requests(user):
    """Requests ``user`` is part of: open ones first, by due date."""
    return (
        FeedbackRequest.objects.visible_to(user)
        .select_related(*REQUEST_RELATED)
        .annotate(
            is_closed=Case(
                When(status=RequestStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_closed", "-closed_at", "due_on", "pk")
    )


@require_GET
@in_viewer_zone
def request_list(request):
    """What others asked of me, and what I asked of others."""
    own = request.access.own_ids
    requests = _visible_requests(request.access)
    asked_page = Paginator(requests.filter(recipient__in=own), PAGE_SIZE).get_page(
        request.GET.get("asked_page")
    )
    mine_page = Paginator(requests.filter(requester__in=own), PAGE_SIZE).get_page(
        request.GET.get("mine_page")
    )
    return render(
        request,
        "growth/requests/list.html",
        {
            "asked_page": asked_page,
            "mine_page": mine_page,
            "asked_query": querystring_without_page(request, "asked_page"),
            "mine_query": querystring_without_page(request, "mine_page"),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def request_create(request):
    """Ask up to ten people for feedback; ``?recipient=`` ticks someone (the
    team page and the dashboards link here with it)."""
    requester = get_object_or_404(
        Engineer.objects.active().select_related("user"), user=request.user
    )
    today = timezone.localdate()
    initial = {
        "due_on": today + datetime.timedelta(days=DEFAULT_DUE_DAYS),
        "recipients": [
            pk
            for pk in map(int_or_none, request.GET.getlist("recipient"))
            if pk is not None
        ],
    }
    form = FeedbackRequestsForm(
        request.POST if request.method == "POST" else None,
        requester=requester,
        today=today,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: feedback_requests_create(
                    requester=requester, now=timezone.now(), **form.cleaned_data
                ),
            ).result
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            asked = names_of([feedback_request.recipient for feedback_request in made])
            if len(made) > 1:
                messages.success(
                    request, f"Requests sent to {asked}: each has been told."
                )
            elif made:
                messages.success(
                    request, f"Request sent to {asked}, who has been told."
                )
            return redirect("request-list")
    return render(request, "growth/requests/form.html", {"form": form})


@require_GET
@in_viewer_zone
def request_detail(request, pk: int):
    """One request, for the person who asked and the person asked."""
    feedback_request = get_object_or_404(_visible_requests(request.access), pk=pk)
    # Opening it is dealing with it: its notice is read, the badge says so.
    notifications_settle(
        user=request.user,
        url=reverse("request-detail", args=[pk]),
        now=timezone.now(),
    )
    return render(
        request,
        "growth/requests/detail.html",
        {
            "feedback_request": feedback_request,
            "is_recipient": feedback_request.recipient.user_id == request.user.pk,
            "is_requester": feedback_request.requester.user_id == request.user.pk,
            "today": timezone.localdate(),
        },
    )


def _close(request, pk: int, *, rule, service, done: str):
    feedback_request = get_object_or_404(
        rule(
            request.access,
            FeedbackRequest.objects.select_related(
                "requester__user", "recipient__user"
            ),
        ),
        pk=pk,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            service(feedback_request=feedback_request, user=request.user, now=now)
            # Closed, it asks nothing more of the person asked: their notices
            # of it are read, whoever closed it.
            notifications_settle(
                user=feedback_request.recipient.user,
                url=reverse("request-detail", args=[pk]),
                now=now,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(feedback_request=feedback_request))
    return redirect(safe_next(request) or reverse("request-detail", args=[pk]))


@require_POST
def request_decline(request, pk: int):
    """The person asked says no; the request closes."""
    return _close(
        request,
        pk,
        rule=policy.feedback_requests_declinable_by,
        service=feedback_request_decline,
        done="You declined {feedback_request.requester}'s request.",
    )


@require_POST
def request_cancel(request, pk: int):
    """The person who asked withdraws the request."""
    return _close(
        request,
        pk,
        rule=policy.feedback_requests_cancellable_by,
        service=feedback_request_cancel,
        done="Your request to {feedback_request.recipient} is cancelled.",
    )


urlpatterns = [
    path("requests/", request_list, name="request-list"),
    path("requests/new/", request_create, name="request-create"),
    path("requests/<int:pk>/", request_detail, name="request-detail"),
    path("requests/<int:pk>/decline/", request_decline, name="request-decline"),
    path("requests/<int:pk>/cancel/", request_cancel, name="request-cancel"),
]
