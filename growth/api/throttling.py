"""How often a token's owner may call the API."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per person, all their tokens together;
    a request over it is a 429 with ``Retry-After``. The signed-in person
    trying the documentation page is not counted: a browser is not a script.

    The counts live in the ``throttle`` cache (in each process's memory):
    timestamps and a user id, nothing anyone wrote.
    """

    scope = "token"
    cache = caches["throttle"]

    def get_rate(self):
        # Read on each request, not at import, so a test can lower it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
