"""The invitation link: choose a password (or sign in with single sign-on)
and be signed in; a link that no longer works says why and offers to ask
for a new one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.forms import InvitationPasswordForm
from accounts.invitations import (
    InvitationClosed,
    invitation_accept,
    invitation_for_token,
    invitation_renewal_request,
    sso_provider_name,
)
from accounts.models import InvitationState

# Who signs the person in after they chose a password: the password backend,
# named because the lockout backend comes first in AUTHENTICATION_BACKENDS.
PASSWORD_BACKEND = "accounts.backends.PasswordBackend"


def _closed(request, invitation, state, *, status=200):
    return render(
        request,
        "accounts/invitation_closed.html",
        {"invitation": invitation, "state": state},
        status=status,
    )


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept_view(request, token):
    """The page the invitation email links to."""
    now = timezone.now()
    invitation = invitation_for_token(token)
    if invitation is None:
        return _closed(request, None, None, status=404)
    state = invitation.state(now=now)
    if state == InvitationState.OPEN and not invitation.user.is_active:
        state = InvitationState.REVOKED  # the person left since
    if state != InvitationState.OPEN:
        return _closed(request, invitation, state)
    person = invitation.user
    if settings.OIDC_ENABLED:
        # The sign-in marks the invitation used (invitation_used_by_sign_in).
        sso_url = f"{reverse('oidc-start')}?next={reverse('my-growth')}"
        return render(
            request,
            "accounts/invitation_accept.html",
            {
                "person": person,
                "invitation": invitation,
                "sso_url": sso_url,
                "provider_name": sso_provider_name(),
            },
        )
    form = InvitationPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"],
                now=now,
            )
        except InvitationClosed:
            invitation.refresh_from_db()
            return _closed(request, invitation, invitation.state(now=now))
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(
            request,
            f"Welcome to Cultivate, {user.get_short_name()}: your password is set.",
        )
        return redirect("my-growth")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"person": person, "invitation": invitation, "form": form},
    )


@login_not_required
@require_POST
def invitation_renewal_view(request, token):
    """Ask staff for a new invitation. The answer is the same whether or not
    anything was sent (asked before, a newer link, an unknown token)."""
    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation_renewal_request(invitation=invitation, now=timezone.now())
    messages.success(
        request,
        "Asked: the people who run Cultivate will send you a new invitation.",
    )
    return redirect("invitation-accept", token=token)
