"""A cached page never shows what has changed since: after each kind of write
the app makes, every cached page of the cast reads exactly as the same page
built afresh (``tests/pagecache_stories.py``). The stories are split over two
files, so that the test processes share them."""

import pytest
import time_machine

from tests.pagecache_stories import NOW, watch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    # Charts place points by the time of day: a page read a moment later differs.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("story", ["notes", "requests and learning"])
def test_every_cached_page_shows_each_change(cast, settings, story):
    watch(cast, settings, story)
