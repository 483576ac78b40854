"""The team table sorted in Python: ties, related columns and pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from growth.policy import access_of
from growth.selectors import team
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def names(user, sort, direction, **options):
    table = team.team_table(
        access_of(user),
        zone=user.zone,
        now=NOW,
        sort=sort,
        direction=direction,
        **options,
    )
    return [row.engineer.name for row in table.rows]


def test_ties_keep_name_order_whichever_way_the_column_goes(cast):
    factories.make_engineer("Aaron Also", manager=cast.mia)

    expected = ["Aaron Also", "Alice Engineer", "Bob Peer"]
    assert names(cast.mia.user, "unacknowledged", "asc") == expected
    assert names(cast.mia.user, "unacknowledged", "desc") == expected
    assert names(cast.mia.user, "last_one_on_one", "desc") == expected


def test_the_team_column_sorts_by_team_name(cast):
    cast.bob.team = cast.data
    cast.bob.save()

    assert names(cast.mia.user, "team", "asc") == ["Bob Peer", "Alice Engineer"]
    assert names(cast.mia.user, "team", "desc") == ["Alice Engineer", "Bob Peer"]


def test_the_sort_runs_across_pages(client, cast):
    for n in range(30):
        report = factories.make_engineer(f"Report {n:02}", manager=cast.mia)
        for _ in range(n % 4):
            factories.make_note(cast.max.user, report, created_at=NOW)
    client.force_login(cast.mia.user)
    url = reverse("team-dashboard")

    pages = [
        client.get(url, {"sort": "technical", "dir": "desc", "page": page})
        for page in (1, 2)
    ]

    counts = [row.technical for page in pages for row in page.context["rows"]]
    assert len(counts) == 32
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 3 and counts[-1] == 0
