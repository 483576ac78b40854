"""Where the API's request counts live: Redis when ``REDIS_URL`` is set, so
every web worker counts together; each process's memory without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.test import override_settings
from django.urls import reverse

from growth.settings import throttle_cache

ROOT = Path(__file__).resolve().parents[2]
NOTES = reverse("api:note-list")
PROBE = """
import json
from django.conf import settings
print(json.dumps(settings.CACHES))
"""


def caches_with(tmp_path, **env) -> dict:
    """``CACHES`` as growth.settings reads them from exactly this environment,
    in a process of its own."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("REDIS_URL", "CELERY_", "DJANGO_", "CULTIVATE_"))
    }
    clean |= {
        "CULTIVATE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "growth.settings",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_throttle_counts_in_memory_without_redis(tmp_path):
    caches = caches_with(tmp_path)
    assert caches["throttle"]["BACKEND"].endswith("locmem.LocMemCache")
    assert caches["throttle"] == throttle_cache("")


def test_the_throttle_counts_in_redis_when_there_is_one(tmp_path):
    caches = caches_with(tmp_path, REDIS_URL="redis://cache.internal:6379/2")
    throttle = caches["throttle"]
    assert throttle["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert throttle["LOCATION"] == "redis://cache.internal:6379/2"
    assert throttle["KEY_PREFIX"]  # beside Celery's keys, not among them
    # The rest of the cache stays in each process: it holds nothing to share.
    assert caches["default"]["BACKEND"].endswith("locmem.LocMemCache")


@pytest.mark.django_db
@override_settings(API_THROTTLE_RATE="2/minute")
def test_the_throttle_lets_calls_through_when_redis_is_down(api, cast, settings):
    # Nothing listens on port 1: every call to this Redis fails at once.
    settings.CACHES = settings.CACHES | {
        "throttle": throttle_cache("redis://127.0.0.1:1/0")
    }
    client = api(cast.alice.user)
    assert [client.get(NOTES).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.service("redis")
@pytest.mark.django_db
@override_settings(API_THROTTLE_RATE="2/minute")
def test_the_counts_are_kept_in_redis_for_every_process(api, cast, settings):
    url = os.environ["REDIS_URL"]
    prefix = f"cultivate-throttle-test-{uuid.uuid4().hex}"
    settings.CACHES = settings.CACHES | {
        "throttle": throttle_cache(url) | {"KEY_PREFIX": prefix}
    }
    server = redis.Redis.from_url(url)
    try:
        client = api(cast.alice.user)
        assert [client.get(NOTES).status_code for _ in range(3)] == [200, 200, 429]
        # Another web process reads the count from there, so it refuses too.
        assert len(list(server.scan_iter(f"{prefix}:*"))) == 1
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
