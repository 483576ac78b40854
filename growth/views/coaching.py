"""Coaching: how the mentors I coach are doing as mentors, in counts only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from growth.selectors import framework_team, team


def coaching(request):
    """Show a coach how each mentor they coach keeps up with their mentees."""
    if not request.access.coach:
        raise Http404("Only mentor coaches have a coaching page.")
    now = timezone.now()
    return render(
        request,
        "growth/coaching/coaching.html",
        {
            "mentors": team.coached_mentors(
                request.access, zone=request.user.zone, now=now
            ),
            "window_days": team.FEEDBACK_WINDOW.days,
            # The career framework: a count, never a rating (fw-team).
            "assessments": framework_team.coached_assessments(request.access, now=now),
            "assessment_days": framework_team.RECENT_ASSESSMENT.days,
        },
    )


urlpatterns = [
    path("coaching/", coaching, name="coaching"),
]
