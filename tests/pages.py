"""Signing in as the pages expect, reading them, and counting their queries."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def fresh_queries(client, url: str, params: dict | None = None) -> int:
    """How many queries ``url`` runs."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def signed_in(user, **options) -> Client:
    """A client signed in as ``user``, with the CSRF cookie that signing in
    through the form would have set."""
    client = Client(**options)
    client.force_login(user)
    client.get(reverse("profile"))
    assert "csrftoken" in client.cookies
    return client


TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def read(client: Client, url: str) -> tuple[int, str]:
    """The status and text of ``url``, CSRF tokens blanked: each render masks
    the same token anew, so two reads of one page would otherwise differ."""
    response = client.get(url)
    return response.status_code, TOKEN.sub(r"\1…", response.content.decode())
