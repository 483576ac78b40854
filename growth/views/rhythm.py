"""The learning rhythm: a team's sprint cadence (its managers set it), and
each engineer's learning days: the plan before, what they did after."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from growth import rhythm
from growth.forms.rhythm import LearningDayForm, SprintCadenceForm
from growth.models import LearningDayPlan
from growth.selectors import rhythm as selectors
from growth.services.rhythm import learning_day_plan_save, sprint_cadence_set
from growth.services.submissions import create_once, submission_key


def _today(user) -> datetime.date:
    return timezone.localdate(timezone.now(), user.zone)


def _day_of(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None


def _says(day: datetime.date) -> str:
    return date_format(day, "l j F")


# --- learning days -----------------------------------------------------------------


def _render_days(request, engineer, *, is_self: bool):
    today = _today(request.user)
    days = selectors.learning_days(request.access, engineer, today=today)
    form = None
    upcoming = days.next
    if is_self and upcoming is not None:
        form = LearningDayForm(
            instance=upcoming.plan
            or LearningDayPlan(engineer=engineer, day=upcoming.day),
            engineer=engineer,
            day=upcoming.day,
            today=today,
        )
    return render(
        request,
        "growth/learning_days.html",
        {"days": days, "is_self": is_self, "form": form},
    )


@require_safe
def learning_days(request):
    """The signed-in engineer's learning days: the next one to plan, the past
    ones with what they did."""
    engineer_id = request.access.engineer_id
    if engineer_id is None:
        return render(request, "growth/learning_days.html", {"days": None})
    engineer = selectors.rhythm_engineer(request.access, engineer_id)
    return _render_days(request, engineer, is_self=True)


@require_safe
def engineer_learning_days(request, pk: int):
    """A report's or a mentee's learning days, to read."""
    if pk == request.access.engineer_id:
        return redirect("learning-days")
    engineer = selectors.rhythm_engineer(request.access, pk)
    return _render_days(request, engineer, is_self=False)


@require_http_methods(["GET", "POST"])
def learning_day_edit(request, day: str):
    """Plan one learning day, or log what was done on it."""
    if request.access.engineer_id is None:
        raise Http404("Only engineers have learning days.")
    the_day = _day_of(day)
    today = _today(request.user)
    engineer = selectors.rhythm_engineer(request.access, request.access.engineer_id)
    plan = selectors.editable_day(request.access, engineer, the_day, today=today)
    form = LearningDayForm(
        request.POST if request.method == "POST" else None,
        instance=plan or LearningDayPlan(engineer=engineer, day=the_day),
        engineer=engineer,
        day=the_day,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        create_once(
            user=request.user,
            key=submission_key(request.POST),
            create=lambda: learning_day_plan_save(
                engineer=engineer,
                day=the_day,
                plan=data["plan"],
                goal=data["goal"],
                competency=data["competency"],
                done=data.get("done", ""),
                hours=data.get("hours"),
                by=request.user,
                now=timezone.now(),
            ),
        )
        if form.logs:
            messages.success(
                request,
                f"Logged {data['hours']:g} hours of learning on {_says(the_day)}.",
            )
        else:
            messages.success(request, f"Saved your plan for {_says(the_day)}.")
        return redirect("learning-days")
    return render(
        request,
        "growth/learning_days_edit.html",
        {"form": form, "day": the_day, "plan": plan, "after": the_day <= today},
    )


# --- a team's sprint rhythm --------------------------------------------------------


@require_safe
def team_rhythm(request):
    """The sprint rhythm of each team the viewer manages someone in."""
    if not request.access.manager:
        raise Http404("Only managers set a team's sprint rhythm.")
    rows = selectors.team_rhythms(request.access, today=_today(request.user))
    return render(request, "growth/team_cadence.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def team_cadence_edit(request, pk: int):
    """Set one team's sprint length, a sprint's start and the learning weekday."""
    team = get_object_or_404(selectors.cadence_teams(request.access), pk=pk)
    today = _today(request.user)
    cadence = selectors.cadence_of(team)
    form = SprintCadenceForm(
        request.POST if request.method == "POST" else None,
        instance=cadence,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        cadence = sprint_cadence_set(
            team=team, by=request.user, now=timezone.now(), **form.cleaned_data
        )
        next_day = rhythm.next_learning_day(cadence, today)
        messages.success(
            request,
            f"Saved {team}’s sprint rhythm: the next learning day is "
            f"{_says(next_day)}.",
        )
        return redirect("team-rhythm")
    return render(
        request, "growth/team_cadence_form.html", {"form": form, "team": team}
    )


urlpatterns = [
    path("learning-days/", learning_days, name="learning-days"),
    path("learning-days/<str:day>/", learning_day_edit, name="learning-day-edit"),
    path(
        "engineers/<int:pk>/learning-days/",
        engineer_learning_days,
        name="engineer-learning-days",
    ),
    path("team/rhythm/", team_rhythm, name="team-rhythm"),
    path("team/rhythm/<int:pk>/", team_cadence_edit, name="team-cadence-edit"),
]
