"""Settings of the bench's HTTP run: production's (``DJANGO_DEBUG=0``), with the
bench's URLconf, served over plain HTTP on the loopback.

``growth.bench.http`` starts gunicorn with these and the environment production
needs (a secret key, the allowed host, the bench database's URL).
"""

from growth.settings import *  # noqa: F403

# The floor and the default admin are the references the pages are read against.
ROOT_URLCONF = "growth.bench.urls"

# No TLS proxy in front: a secure cookie would never come back over plain HTTP.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Production's manifest storage needs a collectstatic first; the run fetches
# pages, not their static files, and a plain URL costs the page the same.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
