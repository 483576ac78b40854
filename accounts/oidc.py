"""Single sign-on with OpenID Connect (mozilla-django-oidc), set up from the issuer.

The provider's endpoints come from its discovery document, fetched the first
time someone starts a sign-in and kept in this process's memory for an hour:
a provider that is down delays nothing at startup, the sign-in page never asks
it anything, and password sign-in goes on working. A failed fetch is not kept,
so the next attempt asks again.

The backend (``accounts.backends.SingleSignOnBackend``) says why it refused a
sign-in on ``request.oidc_refusal``; the callback turns that into a page.
"""

from __future__ import annotations

import threading
import time

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.invitations import invitation_used_by_sign_in

DISCOVERY_TTL_SECONDS = 60 * 60
_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or answered nonsense."""


def provider_metadata(*, now: float | None = None) -> dict:
    """Return the issuer's discovery document, from memory when fresh.

    Raise ``ProviderUnavailable`` when it cannot be had, or when it names
    another issuer than ours (its tokens would never pass our checks).
    """
    issuer = settings.OIDC_ISSUER
    now = time.monotonic() if now is None else now
    cached = _discovered.get(issuer)
    if cached and now - cached[0] < DISCOVERY_TTL_SECONDS:
        return cached[1]
    with _discovery_lock:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration",
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            metadata = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(str(error)) from None
        required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(metadata, dict) or not all(
            isinstance(metadata.get(key), str) for key in required
        ):
            raise ProviderUnavailable("the discovery document lacks endpoints")
        if metadata["issuer"].rstrip("/") != issuer:
            raise ProviderUnavailable(
                f"the provider calls itself {metadata['issuer']!r}, not {issuer!r}"
            )
        _discovered[issuer] = (now, metadata)
        return metadata


def forget_provider_metadata() -> None:
    """Drop what discovery found, so the next sign-in asks the provider again."""
    _discovered.clear()


def is_sign_on_attempt(credentials: dict | None) -> bool:
    """Whether ``authenticate()`` was called by the single sign-on callback."""
    return bool(credentials) and "nonce" in credentials


def axes_exempt(request: HttpRequest, credentials: dict | None = None) -> bool:
    """Keep single sign-on out of the password lockout (``AXES_WHITELIST_CALLABLE``).

    The provider checks the password and throttles guessing there; what we
    refuse afterwards (no account, closed account) is no guess. Counted, it
    would lock out everyone behind one office address under the empty email.
    """
    return is_sign_on_attempt(credentials)


# What each refusal says, and with which status.
REFUSALS = {
    "unknown": ("accounts/oidc_refused.html", 403),
    "inactive": ("accounts/oidc_refused.html", 403),
    "unverified": ("accounts/oidc_refused.html", 403),
    "unavailable": ("accounts/oidc_unavailable.html", 503),
    "failed": ("accounts/oidc_refused.html", 400),
}


def refusal_response(request: HttpRequest, reason: str) -> HttpResponse:
    template, status = REFUSALS.get(reason, REFUSALS["failed"])
    return render(
        request,
        template,
        {"reason": reason, "provider_name": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up here.")


class SignInView(LoginView):
    """Django's sign-in, offering single sign-on when it is set up.

    With ``PASSWORD_LOGIN=0`` the password form is shown only at
    ``?password=1``, the superusers' way in (``PasswordBackend`` refuses
    everyone else's password wherever it is posted).
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sign_in_choices(self.request))
        return context


def sign_in_choices(request) -> dict:
    """What a sign-in page offers: single sign-on when it is set up, and the
    password form unless ``PASSWORD_LOGIN=0`` (then only at ``?password=1``,
    or when a password was just posted and is answered)."""
    return {
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "password_login": (
            settings.PASSWORD_LOGIN
            or "password" in request.GET
            or request.method == "POST"
        ),
    }


class StartView(OIDCAuthenticationRequestView):
    """Send the browser to the provider, with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs):
        # The library reads the endpoint from settings here; ours comes from
        # discovery, asked only once someone actually starts a sign-in.
        View.__init__(self, **kwargs)

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except ProviderUnavailable:
            return refusal_response(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: check state, then let the backend decide."""

    def get(self, request):
        _require_enabled()
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this browser never started, or one already used: a
            # replayed or forged callback.
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        # Signed in with the provider: the invitation's link is needed no more.
        invitation_used_by_sign_in(user=self.user)
        return response

    def login_failure(self):
        reason = getattr(self.request, "oidc_refusal", "failed")
        return refusal_response(self.request, reason)


start = login_not_required(StartView.as_view())
callback = login_not_required(CallbackView.as_view())
