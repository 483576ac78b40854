"""The manager's view of the career framework: reports × competencies."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from growth.selectors import framework_team


def team_framework(request):
    """Show a manager where each direct report stands against their level:
    the latest shared manager assessment per competency, missing evidence,
    the last assessments' dates and who is ready to move."""
    if not request.access.manager:
        raise Http404("Only managers have a team framework view.")
    now = timezone.now()
    return render(
        request,
        "growth/framework_team.html",
        {
            "team": framework_team.team_framework(request.access, now=now),
            "evidence_days": framework_team.EVIDENCE_WINDOW.days,
            "recent_days": framework_team.RECENT_ASSESSMENT.days,
        },
    )


urlpatterns = [
    path("team/framework/", team_framework, name="team-framework"),
]
