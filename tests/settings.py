"""Settings for the test suite, built on the package settings."""

from growth.settings import *  # noqa: F403

# Fast hashing: the tests sign people in many times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests never need a running worker unless they start one themselves.
CELERY_TASK_ALWAYS_EAGER = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The live server's threads must not keep connections open past a test, or
# PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The fake Teams server (tests/chat_servers.py) listens on plain http://127.0.0.1.
TEAMS_WEBHOOK_ALLOW_LOOPBACK = True

# The API's request counts in each process's memory, even where REDIS_URL is
# set: a test clears them, and clearing a Redis cache empties its database,
# which the workers' queues share.
CACHES = {**CACHES, "throttle": throttle_cache("")}  # noqa: F405
