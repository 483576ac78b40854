"""Counting a page's queries as a first visit makes them."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def fresh_queries(client, url: str, params: dict | None = None) -> int:
    """How many queries ``url`` runs when it is built afresh: with nothing in
    the page cache, which would save the navigation's query the second time."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)
