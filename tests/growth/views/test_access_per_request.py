"""Access is decided afresh on every request: a change to someone's reporting
line or mentorship shows on the very next page, with nothing kept in between."""

import pytest
from django.urls import reverse

from growth.models import Engineer, Mentorship, Visibility
from tests import factories

pytestmark = pytest.mark.django_db


def pages_about(cast) -> dict[str, str]:
    """The pages of alice's that mia opens as her manager."""
    alice = cast.alice
    goal = factories.make_goal(alice, created_by=alice.user)
    # Written by her mentor: mia reads it only as alice's manager.
    private = factories.make_note(cast.max.user, alice, visibility=Visibility.MANAGER)
    return {
        "dashboard": reverse("engineer-dashboard", args=[alice.pk]),
        "goal": reverse("goal-detail", args=[goal.pk]),
        "manager-only note": reverse("feedback-detail", args=[private.pk]),
        "new 1:1": f"{reverse('check-in-create')}?engineer={alice.pk}&kind=one_on_one",
    }


def test_a_manager_whose_report_moves_away_gets_404_on_the_next_request(client, cast):
    pages = pages_about(cast)
    client.force_login(cast.mia.user)
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
    assert cast.alice.name in client.get(reverse("team-dashboard")).content.decode()

    # Alice now reports to skip; mia is still signed in, on the same session.
    Engineer.objects.filter(pk=cast.alice.pk).update(manager=cast.skip)

    for name, url in pages.items():
        assert client.get(url).status_code == 404, name
    assert cast.alice.name not in client.get(reverse("team-dashboard")).content.decode()


def test_her_new_manager_sees_her_on_the_next_request(client, cast):
    pages = pages_about(cast)
    client.force_login(cast.bob.user)
    assert client.get(pages["dashboard"]).status_code == 404
    Engineer.objects.filter(pk=cast.alice.pk).update(manager=cast.bob)
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name


def test_an_ended_mentorship_closes_the_mentees_pages_at_once(client, cast):
    dashboard = reverse("engineer-dashboard", args=[cast.alice.pk])
    client.force_login(cast.max.user)
    assert client.get(dashboard).status_code == 200
    assert "Mentoring" in client.get(reverse("my-growth")).content.decode()

    Mentorship.objects.filter(pk=cast.max_mentors_alice.pk).update(
        ended_on=cast.max_mentors_alice.started_on
    )

    assert client.get(dashboard).status_code == 404
    assert client.get(reverse("mentoring")).status_code == 404
