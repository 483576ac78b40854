"""PLACEHOLDERS, fw-team's clone only: the framework pages fw-pages builds
(``framework-track``, ``engineer-framework``, ``my-framework``), so the team
view, the reminder emails and the admin preview can link to them before the
merge. The lead deletes this module and its include in growth/urls.py."""

from __future__ import annotations

from django.http import Http404
from django.urls import path


def placeholder(request, **kwargs):
    raise Http404("Built by fw-pages.")


urlpatterns = [
    path("framework/<slug:track>/", placeholder, name="framework-track"),
    path("engineers/<int:pk>/framework/", placeholder, name="engineer-framework"),
    path("me/framework/", placeholder, name="my-framework"),
]
