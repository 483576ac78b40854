"""Sign-in protection: how django-axes names the person and the address, and
what a locked-out person sees. Settings point here (``AXES_*_CALLABLE``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """Return the email a sign-in attempt was for, as the login matches it.

    Emails match whatever their case, so ``Alice@`` and ``alice@`` must count
    as the same account, or changing the case would dodge the lockout.
    """
    source = credentials if credentials else request.POST
    return (source.get("username") or "").strip().lower()


def client_ip(request: HttpRequest) -> str | None:
    """Return the address a request came from, as far as we can trust it.

    Each proxy appends the address it saw to X-Forwarded-For, so with N
    proxies of ours in front, the client is the Nth entry from the right;
    anything further left was written by the client and may be forged.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 1:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        # Not through all our proxies: only the direct peer is known.
        return remote_addr
    return hops[-proxies]


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Render the lockout page: the same for every email, known or not."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=429,
    )
