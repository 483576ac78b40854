"""The feedback list's choices of a person, team or competency: checked against
the options the page offers, without a query of their own.

Everything is about alice, from the cast in conftest.py: mia is her manager.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


@pytest.fixture
def page(client, cast):
    factories.make_note(cast.bob.user, cast.alice, suggestion="zq-on-alice")
    factories.make_note(
        cast.alice.user, cast.bob, kind="interpersonal", suggestion="zq-on-bob"
    )
    client.force_login(cast.mia.user)

    def get(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("feedback-list"), {"tab": "people", **params})
        assert response.status_code == 200
        return response, len(queries)

    return get


@pytest.mark.parametrize("name", ["engineer", "team", "competency", "author"])
@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.0", "1e0"])
def test_a_choice_not_offered_is_a_field_error_and_filters_nothing(page, name, value):
    response, _ = page(**{name: value})
    assert name in response.context["filter"].form.errors
    html = response.content.decode()
    assert "zq-on-alice" in html
    assert "zq-on-bob" in html


def test_each_choice_filters_the_list(page, cast):
    alice_only = {
        "engineer": cast.alice.pk,
        "author": cast.bob.user.pk,
        "competency": factories.competency("technical").pk,
    }
    for name, value in alice_only.items():
        html = page(**{name: value})[0].content.decode()
        assert "zq-on-alice" in html, name
        assert "zq-on-bob" not in html, name


def test_a_team_without_notes_is_offered_and_shows_none(page, cast):
    response, _ = page(team=cast.data.pk)
    assert not response.context["filter"].form.errors
    assert cast.data.pk in dict(response.context["filter"].form.fields["team"].choices)
    assert "zq-on" not in response.content.decode()


def test_a_chosen_team_or_person_costs_no_query(page, cast):
    _, unfiltered = page()
    for params in ({"team": cast.platform.pk}, {"engineer": cast.alice.pk}):
        assert page(**params)[1] == unfiltered


def test_the_chosen_option_is_selected(page, cast):
    html = page(team=cast.platform.pk)[0].content.decode()
    assert f'<option value="{cast.platform.pk}" selected>Platform</option>' in html


def test_the_team_choice_keeps_the_notes_about_its_engineers(client, cast):
    factories.make_note(cast.mia.user, cast.alice, suggestion="zq-platform")
    factories.make_note(cast.mia.user, cast.carol, suggestion="zq-data")
    client.force_login(cast.mia.user)
    url = reverse("feedback-list")
    for team, shown, hidden in [
        (cast.data, "zq-data", "zq-platform"),
        (cast.platform, "zq-platform", "zq-data"),
    ]:
        response = client.get(url, {"tab": "given", "team": team.pk})
        html = response.content.decode()
        assert shown in html
        assert hidden not in html
        assert response.context["page_obj"].paginator.count == 1
