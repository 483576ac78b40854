"""Per-request set-up the pages rely on."""

from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from growth.policy import access_of


class AccessMiddleware:
    """Give every request its viewer's ``Access`` (``request.access``), built
    on first use and at most once: the policy's rules and the page guards read
    it, so a page asks who its viewer is in one query however many rules it
    applies. Nothing keeps it past the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: access_of(request.user))
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keep a signed-in person's pages theirs: ``Cache-Control: private,
    no-store`` on every response built for them that does not say otherwise,
    so that neither a shared proxy nor the browser's back button after
    signing out shows one to someone else. (Static files are served before
    this runs, and stay cacheable.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class UnstorableInputMiddleware:
    """Refuse a query string holding a NUL character with a 400: no database
    column can store one (PostgreSQL raises an error, and the admin's filters
    turned it into a 500), and no link holds one. Forms need no such guard:
    their fields refuse it with an error of their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET):
            return HttpResponseBadRequest("The address holds a NUL character.")
        return self.get_response(request)


def _holds_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in data.lists()
    )
