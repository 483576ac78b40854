"""The growth dashboard leads to 1:1s: one's own, with what waits in them, or
the viewer's pair with the engineer. It costs no query of its own."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import ActionItem, AgendaItem, CheckInKind
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
MINE = reverse("one-on-ones")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def point(engineer, by, *, mentorship=None, **fields):
    return AgendaItem.objects.create(
        engineer=engineer,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        added_by=by,
        text="A point",
        **fields,
    )


def waiting(cast):
    """For alice: two items of hers open, one done, one of mia's, one with no
    owner; three points waiting, one discussed, one in an ended mentorship."""
    alice, mia = cast.alice, cast.mia
    one_on_one = factories.make_check_in(mia.user, alice)
    for owner, done_at in (
        (alice.user, None),
        (alice.user, None),
        (alice.user, NOW),
        (mia.user, None),
        (None, None),
    ):
        ActionItem.objects.create(
            check_in=one_on_one, description="x", owner=owner, done_at=done_at
        )
    point(alice, alice.user)
    point(alice, mia.user)
    point(alice, cast.max.user, mentorship=cast.max_mentors_alice)
    point(alice, alice.user, discussed_in=one_on_one)
    point(alice, alice.user, mentorship=cast.olivia_mentored_alice)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_my_dashboard_counts_my_open_items_and_the_points_waiting(client, cast):
    waiting(cast)

    card = get(client, cast.alice.user, "/me/").context["dash"].one_on_ones

    assert card.is_self and card.url == MINE
    # Her two, and the one whose owner is gone, which falls to her.
    assert card.open_action_items == 3
    assert card.agenda_points == 3


def test_the_card_links_to_my_one_on_ones(client, cast):
    waiting(cast)

    body = " ".join(get(client, cast.alice.user, "/me/").text.split())

    assert "My 1:1s" in body
    assert f'<a href="{MINE}">3 open action items</a> for you' in body
    assert "3 talking points for your next check-ins" in body


def test_nothing_waiting_reads_as_none(client, cast):
    card = get(client, cast.bob.user, "/me/").context["dash"].one_on_ones

    assert (card.open_action_items, card.agenda_points) == (0, 0)


def test_a_manager_is_led_to_her_one_on_ones_with_the_report(client, cast):
    response = get(client, cast.mia.user, f"/engineers/{cast.alice.pk}/")

    card = response.context["dash"].one_on_ones
    assert card.url == reverse("one-on-one-pair", args=[cast.alice.pk])
    assert not card.is_self
    assert card.url in response.text


def test_a_mentor_is_led_to_his_mentoring(client, cast):
    response = get(client, cast.max.user, f"/engineers/{cast.alice.pk}/")

    card = response.context["dash"].one_on_ones
    assert card.url == reverse("mentoring-pair", args=[cast.max_mentors_alice.pk])
    assert card.kind_noun == "mentoring check-in"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url"), [("alice", "/me/"), ("mia", "alice"), ("max", "alice")]
)
def test_the_card_costs_no_query(client, cast, who, url):
    url = f"/engineers/{cast.alice.pk}/" if url == "alice" else url
    client.force_login(getattr(cast, who).user)
    before = count_queries(client, url)

    waiting(cast)

    assert count_queries(client, url) == before
