"""Callers of the API: a personal token per person, sent as a script would."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from growth.settings import throttle_cache


def token_for(user, name: str = "script") -> str:
    """A new token's secret for ``user``."""
    return api_token_create(user=user, name=name, now=timezone.now())[1]


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """Each test counts its own requests: ids come round again after a rollback.

    In this process's memory even when ``REDIS_URL`` is set: the test processes
    would share the counts there, and clearing them would empty the database.
    """
    settings.CACHES = settings.CACHES | {"throttle": throttle_cache("")}
    # This one, not whichever the test may have put in its place.
    throttle = caches["throttle"]
    throttle.clear()
    yield
    throttle.clear()


@pytest.fixture
def api():
    """``api(user)``: a client that sends ``user``'s token; ``api(None)`` none."""

    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client

    return client_for
