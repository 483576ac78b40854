"""How often a token's owner may call the API."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per person, all their tokens together;
    a request over it is a 429 with ``Retry-After``. The signed-in person
    trying the documentation page is not counted: a browser is not a script.

    The counts live in the ``throttle`` cache (Redis, shared by every web
    worker, when ``REDIS_URL`` is set; else each process's memory):
    timestamps and a user id, nothing anyone wrote.
    """

    scope = "token"

    @property
    def cache(self):
        # Looked up on each request: the cache settings may change (in tests),
        # and each thread has its own connection.
        return caches["throttle"]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError:
            # Redis down is no reason to refuse every call: unthrottled for now.
            logger.warning("The API throttle cannot reach Redis", exc_info=True)
            return True

    def get_rate(self):
        # Read on each request, not at import, so a test can lower it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
