"""The signed one-click opt-out that every reminder email links to.

Public: the token in the address is the proof, so the person need not sign in.
A GET only shows what the button will do (mail scanners follow links); the POST
turns the emails off. Mail clients that offer "unsubscribe" (RFC 8058) POST
``List-Unsubscribe=One-Click`` to the same address without a CSRF token, so
the POST is exempt from CSRF: it can only ever switch off one kind of email for
the person the token names.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from growth.emails import KIND_LABELS
from growth.reminders.optout import reminder_email_turn_off, unsubscribe_read


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    read = unsubscribe_read(token)
    if read is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, kind = read
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    context = {"person": user, "kind": kind, "kind_label": KIND_LABELS[kind]}
    if request.method != "POST":
        return render(request, "growth/reminders/unsubscribe.html", context)
    reminder_email_turn_off(user=user, kind=kind)
    return render(request, "growth/reminders/unsubscribed.html", context)


urlpatterns = [
    path(
        "reminders/unsubscribe/<str:token>/",
        unsubscribe,
        name="reminder-unsubscribe",
    ),
]
