"""The benchmark's URLconf: the project's URLs, plus two references that only the
benchmark mounts.

- the *floor*: a login-required view that renders a trivial template with the
  request, through the same middleware and context processors as every page;
- a plain ``ModelAdmin`` for feedback notes on an admin site of its own: what an
  unconfigured Django admin gives, to compare the project's admin with.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from growth.models import FeedbackNote
from growth.urls import urlpatterns as project_urlpatterns

FLOOR = engines["django"].from_string(
    "<!doctype html><title>Floor</title><p>Hello, {{ request.user }}.</p>"
)


def floor(request):
    return HttpResponse(FLOOR.render({}, request))


default_site = admin.AdminSite(name="bench_admin")
default_site.register(FeedbackNote)

urlpatterns = [
    *project_urlpatterns,
    path("bench/floor/", floor, name="bench-floor"),
    path("bench-admin/", default_site.urls),
]
