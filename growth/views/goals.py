"""Goals: the list, setting one (also from feedback), changing it, checking in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from growth.forms.goals import (
    GoalCheckInForm,
    GoalEditForm,
    GoalFilter,
    GoalForm,
    GoalFromNoteForm,
    goal_initial_from_note,
)
from growth.models import FeedbackNote, Goal
from growth.selectors import dashboard
from growth.selectors import goals as selectors
from growth.services import goals as services
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import int_or_none

PAGE_SIZE = 25


def _querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET"])
def goal_list(request):
    """Goals the viewer may see, filtered by engineer, status and kind."""

    goals = GoalFilter(
        request.GET, queryset=selectors.goal_list(request.access), request=request
    )
    page_obj = Paginator(goals.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/goals/list.html",
            {
                "filter": goals,
                "page_obj": page_obj,
                "query": _querystring_without_page(request),
                "today": timezone.localdate(timezone=request.user.zone),
            },
        )


def _save_failed(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, by field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
def goal_create(request):
    """Set a goal for oneself or, for a manager, for a direct report."""
    engineers = dashboard.goal_engineers(request.access)
    wanted = request.GET.get("engineer")
    if wanted:
        # Not isdigit(): "²" is a digit, and 5,000 of them a number, that
        # int() cannot read.
        if (engineer_id := int_or_none(wanted)) is None:
            raise Http404("No such engineer.")
        engineer = get_object_or_404(engineers, pk=engineer_id)
    else:
        engineer = get_object_or_404(engineers, user=request.user)
    form = GoalForm(
        request.POST or None,
        instance=Goal(engineer=engineer),
        today=timezone.localdate(timezone=request.user.zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.goal_create(
                    engineer=engineer,
                    created_by=request.user,
                    **form.cleaned_data,
                    now=timezone.now(),
                ),
            ).result
        except ValidationError as error:
            _save_failed(form, error)
        else:
            messages.success(request, "Goal set.")
            return redirect("goal-detail", pk=goal.pk)
    return render(
        request,
        "growth/goals/form.html",
        {
            "form": form,
            "engineer": engineer,
            "is_self": engineer.user_id == request.user.pk,
            "action": "create",
        },
    )


@require_http_methods(["GET"])
def goal_detail(request, pk: int):
    """A goal, its check-ins and their chart, and what is linked to it."""
    goal = get_object_or_404(selectors.goal_detail_queryset(request.access), pk=pk)
    page = selectors.goal_page_build(
        viewer=request.user, access=request.access, goal=goal, now=timezone.now()
    )
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/goals/detail.html",
            {
                "page": page,
                "goal": goal,
                "form": GoalCheckInForm(initial={"progress": goal.progress}),
                "today": timezone.localdate(timezone=request.user.zone),
            },
        )


@require_http_methods(["GET", "POST"])
def goal_edit(request, pk: int):
    """Change a goal, including its status; the engineer and manager only."""
    goal = get_object_or_404(
        Goal.objects.editable_by(request.access).select_related("engineer__user"), pk=pk
    )
    form = GoalEditForm(
        request.POST or None,
        instance=goal,
        today=timezone.localdate(timezone=request.user.zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                goal=goal, **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except ValidationError as error:
            _save_failed(form, error)
        else:
            messages.success(request, "Goal saved.")
            return redirect("goal-detail", pk=goal.pk)
    return render(
        request,
        "growth/goals/form.html",
        {
            "form": form,
            "goal": goal,
            "engineer": goal.engineer,
            "is_self": goal.engineer.user_id == request.user.pk,
            "action": "edit",
        },
    )


@require_http_methods(["GET", "POST"])
def goal_check_in(request, pk: int):
    """Record progress: the engineer, their manager and active mentors."""
    goal = get_object_or_404(
        Goal.objects.checkinable_by(request.access).select_related("engineer__user"),
        pk=pk,
    )
    form = GoalCheckInForm(request.POST or None, initial={"progress": goal.progress})
    if request.method == "POST" and form.is_valid():
        try:
            check_in = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.goal_check_in_create(
                    goal=goal,
                    author=request.user,
                    progress=form.cleaned_data["progress"],
                    note=form.cleaned_data["note"],
                    links=form.cleaned_data["links"],
                    now=timezone.now(),
                ),
            ).result
        except ValidationError as error:
            _save_failed(form, error)
        else:
            messages.success(request, f"Progress recorded: {check_in.progress}%.")
            return redirect("goal-detail", pk=goal.pk)
    return render(request, "growth/goals/check_in.html", {"form": form, "goal": goal})


@require_http_methods(["GET", "POST"])
def goal_from_note(request, pk: int):
    """Turn feedback shared with the viewer into a goal, linked to the note."""
    note = get_object_or_404(
        FeedbackNote.objects.answerable_by(request.access).select_related(
            "author", "competency", "engineer__user", "goal"
        ),
        pk=pk,
    )
    form = GoalFromNoteForm(
        request.POST or None,
        instance=Goal(engineer=note.engineer),
        initial=None if request.method == "POST" else goal_initial_from_note(note),
        today=timezone.localdate(timezone=request.user.zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = create_once(
                user=request.user,
                key=submission_key(request.POST),
                create=lambda: services.goal_create_from_note(
                    note=note,
                    created_by=request.user,
                    **form.cleaned_data,
                    now=timezone.now(),
                ),
            ).result
        except ValidationError as error:
            _save_failed(form, error)
        else:
            messages.success(request, "Goal set from the feedback, and linked to it.")
            return redirect("goal-detail", pk=goal.pk)
    with timezone.override(request.user.zone):
        return render(
            request,
            "growth/goals/form.html",
            {
                "form": form,
                "note": note,
                "engineer": note.engineer,
                "is_self": True,
                "action": "from-note",
            },
        )


urlpatterns = [
    path("goals/", goal_list, name="goal-list"),
    path("goals/new/", goal_create, name="goal-create"),
    path("goals/<int:pk>/", goal_detail, name="goal-detail"),
    path("goals/<int:pk>/edit/", goal_edit, name="goal-edit"),
    path("goals/<int:pk>/check-in/", goal_check_in, name="goal-check-in"),
    path("feedback/<int:pk>/goal/", goal_from_note, name="goal-from-note"),
]
