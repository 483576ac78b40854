"""The signed-in person's own settings, and their personal API tokens."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke
from growth.chat import slack_configured
from growth.forms.feedback import add_service_errors
from growth.forms.profile import ApiTokenForm, ProfileForm
from growth.services.preferences import (
    profile_update,
    reminder_channels,
    reminder_email_kinds,
)
from growth.services.submissions import create_once, submission_key
from growth.views.feedback import in_viewer_zone


def _render(request, form, *, token_form=None, **extra):
    context = {
        "form": form,
        "token_form": token_form or ApiTokenForm(),
        # Only the owner's tokens that still work: a revoked one is a record
        # for the admin, not something to act on here.
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
    }
    context.update(extra)
    return render(request, "growth/profile/profile.html", context)


def _profile_form(request, data=None):
    # With Slack configured, one choice of channel per kind; without it, the
    # email switches (Slack choices are kept, and unused, until it is back).
    if slack_configured():
        options = {"slack": True, "channels": reminder_channels(user=request.user)}
        initial = {}
    else:
        options = {}
        initial = {"enabled_kinds": sorted(reminder_email_kinds(user=request.user))}
    # Validation writes the typed values onto the instance; a copy keeps
    # request.user (and the navigation's name) as saved when the input is bad.
    instance = copy.copy(request.user) if data is not None else request.user
    return ProfileForm(data, instance=instance, initial=initial, **options)


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def profile(request):
    if request.method != "POST":
        return _render(request, _profile_form(request))
    form = _profile_form(request, request.POST)
    if not form.is_valid():
        return _render(request, form)
    profile_update(user=request.user, now=timezone.now(), **form.cleaned_data)
    messages.success(request, "Your profile is saved.")
    return redirect("profile")


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def api_token_new(request):
    """Make a token and show its secret, once, in this answer: it is kept
    nowhere, so the page is not redirected to (and nothing can show it again).
    A second POST of the form makes nothing and says where the secret went.
    A GET (the address bar after a token was made, a sign-in's ``next``) is
    sent to the tokens on the profile."""
    if request.method != "POST":
        return redirect(reverse("profile") + "#api-tokens")
    token_form = ApiTokenForm(request.POST)
    made: dict[str, str] = {}
    if token_form.is_valid():

        def create():
            token, made["secret"] = api_token_create(
                user=request.user,
                name=token_form.cleaned_data["name"],
                now=timezone.now(),
            )
            return token

        try:
            outcome = create_once(
                user=request.user, key=submission_key(request.POST), create=create
            )
        except ValidationError as error:
            add_service_errors(token_form, error)
        else:
            return _render(
                request,
                _profile_form(request),
                new_token=outcome.result,
                new_secret=made.get("secret"),
                submission_done=True,  # the next token from this page is new
            )
    return _render(request, _profile_form(request), token_form=token_form)


@require_http_methods(["GET", "POST"])
@in_viewer_zone
def api_token_revoke_view(request, pk: int):
    """Ask, then revoke one of the viewer's tokens: whatever uses it stops
    working at once. Asked again once it is revoked (a second click, the
    Back button), say so; anyone else's token is a 404."""
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if token.revoked_at is not None:
        messages.info(request, f"The token “{token.name}” was already revoked.")
        return redirect(reverse("profile") + "#api-tokens")
    if request.method != "POST":
        return render(request, "growth/profile/api_token_revoke.html", {"token": token})
    api_token_revoke(token=token, now=timezone.now())
    messages.success(
        request, f"The token “{token.name}” is revoked: it no longer works."
    )
    return redirect(reverse("profile") + "#api-tokens")


urlpatterns = [
    path("profile/", profile, name="profile"),
    path("profile/tokens/", api_token_new, name="api-token-create"),
    path(
        "profile/tokens/<int:pk>/revoke/",
        api_token_revoke_view,
        name="api-token-revoke",
    ),
]
