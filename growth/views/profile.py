"""The signed-in person's own settings."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from growth.chat import slack_configured
from growth.forms.profile import ProfileForm
from growth.services.preferences import (
    profile_update,
    reminder_channels,
    reminder_email_kinds,
)


@require_http_methods(["GET", "POST"])
def profile(request):
    # With Slack configured, one choice of channel per kind; without it, the
    # email switches (Slack choices are kept, and unused, until it is back).
    slack = slack_configured()
    if slack:
        options = {"slack": True, "channels": reminder_channels(user=request.user)}
        initial = {}
    else:
        options = {}
        initial = {"enabled_kinds": sorted(reminder_email_kinds(user=request.user))}
    if request.method != "POST":
        form = ProfileForm(instance=request.user, initial=initial, **options)
        return render(request, "growth/profile/profile.html", {"form": form})
    # Validation writes the typed values onto the instance; a copy keeps
    # request.user (and the navigation's name) as saved when the input is bad.
    form = ProfileForm(
        request.POST, instance=copy.copy(request.user), initial=initial, **options
    )
    if not form.is_valid():
        return render(request, "growth/profile/profile.html", {"form": form})
    profile_update(user=request.user, now=timezone.now(), **form.cleaned_data)
    messages.success(request, "Your profile is saved.")
    return redirect("profile")


urlpatterns = [
    path("profile/", profile, name="profile"),
]
