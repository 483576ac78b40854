"""Per-request set-up the pages rely on."""

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
