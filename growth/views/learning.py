"""Learning: what the organisation learns together, and logging one's own."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from growth.forms.learning import LearningActivityForm, LearningFilter
from growth.models import Goal, LearningActivity, LearningKind
from growth.selectors import learning as selectors
from growth.services.learning import learning_activity_create, learning_activity_update
from growth.services.submissions import create_once, submission_key

PAGE_SIZE = 25

# Each tab is one view of the same list: its label and the kind it is fixed to.
TABS = {
    "all": ("Everything", None),
    "days": ("Learning days", LearningKind.LEARNING_DAY),
    "hackathons": ("Hackathons", LearningKind.HACKATHON),
    "sessions": ("Learning sessions", LearningKind.LEARNING_SESSION),
    "mine": ("My learning", None),
}


def _today(user) -> datetime.date:
    return timezone.localdate(timezone.now(), user.zone)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def learning_list(request):
    tab = request.GET.get("tab", "all")
    if tab not in TABS:
        tab = "all"
    label, kind = TABS[tab]
    activities = selectors.learning_visible(request.access)
    if kind:
        activities = activities.filter(kind=kind)
    if tab == "mine":
        activities = activities.filter(attendees__in=request.access.own_ids)
    filterset = LearningFilter(request.GET, queryset=activities, request=request)
    if kind:
        # The tab already fixes the kind; offering another would empty the list.
        del filterset.filters["kind"]
    monthly = []
    if tab == "mine":
        monthly = selectors.monthly_totals(filterset.qs)
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/learning/list.html",
        {
            "tabs": [(key, tab_label) for key, (tab_label, _kind) in TABS.items()],
            "tab": tab,
            "tab_label": label,
            "filter": filterset,
            "page_obj": page_obj,
            "query": _query_without_page(request),
            "monthly": monthly,
        },
    )


@require_safe
def learning_detail(request, pk: int):
    activity = get_object_or_404(
        selectors.learning_visible(request.access).select_related("goal", "logged_by"),
        pk=pk,
    )
    may_edit = (
        LearningActivity.objects.editable_by(request.access).filter(pk=pk).exists()
    )
    # A goal is private to its engineer's circle; a public session must not leak it.
    goal = None
    if activity.goal_id:
        visible_goals = Goal.objects.visible_to(request.access)
        if visible_goals.filter(pk=activity.goal_id).exists():
            goal = activity.goal
    return render(
        request,
        "growth/learning/detail.html",
        {"activity": activity, "may_edit": may_edit, "goal": goal},
    )


@require_http_methods(["GET", "POST"])
def learning_create(request):
    data = request.POST if request.method == "POST" else None
    form = LearningActivityForm(data, user=request.user, today=_today(request.user))
    if form.is_valid():
        activity = create_once(
            user=request.user,
            key=submission_key(request.POST),
            create=lambda: learning_activity_create(
                logged_by=request.user, now=timezone.now(), **form.cleaned_data
            ),
        ).result
        messages.success(request, f"Logged “{activity.title}”.")
        return redirect("learning-detail", pk=activity.pk)
    return render(
        request, "growth/learning/form.html", {"form": form, "activity": None}
    )


@require_http_methods(["GET", "POST"])
def learning_edit(request, pk: int):
    activity = get_object_or_404(
        LearningActivity.objects.editable_by(request.access), pk=pk
    )
    # Read before validation, which writes the typed values onto the instance.
    title = activity.title
    data = request.POST if request.method == "POST" else None
    form = LearningActivityForm(
        data, instance=activity, user=request.user, today=_today(request.user)
    )
    if form.is_valid():
        learning_activity_update(activity=activity, **form.cleaned_data)
        messages.success(request, f"Saved “{activity.title}”.")
        return redirect("learning-detail", pk=activity.pk)
    return render(
        request,
        "growth/learning/form.html",
        {"form": form, "activity": activity, "title": title},
    )


urlpatterns = [
    path("learning/", learning_list, name="learning-list"),
    path("learning/new/", learning_create, name="learning-create"),
    path("learning/<int:pk>/", learning_detail, name="learning-detail"),
    path("learning/<int:pk>/edit/", learning_edit, name="learning-edit"),
]
