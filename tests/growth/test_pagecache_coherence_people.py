"""The rest of the coherence stories (``test_pagecache_coherence.py``): goals and
check-ins, and the organisation itself changing."""

import pytest
import time_machine

from tests.pagecache_stories import NOW, watch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    # Charts place points by the time of day: a page read a moment later differs.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("story", ["goals and check-ins", "organisation"])
def test_every_cached_page_shows_each_change(cast, settings, story):
    watch(cast, settings, story)
