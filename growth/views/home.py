from django.shortcuts import render

from growth import policy
from growth.models import Engineer


def home(request):
    """Say who the person is here: their engineer profile and their roles."""
    engineer = (
        Engineer.objects.select_related("team", "manager__user")
        .filter(user=request.user)
        .first()
    )
    roles = {
        "manager": policy.is_manager(request.user),
        "mentor": policy.is_mentor(request.user),
        "coach": policy.is_coach(request.user),
    }
    return render(request, "home.html", {"engineer": engineer, "roles": roles})
