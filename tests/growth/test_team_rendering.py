"""The team dashboard's markup written in Python: its rows and its filter."""

import datetime
import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

TEAM = reverse("team-dashboard")


def checkbox(body: str) -> str:
    """The indirect toggle's tag, attributes on one line."""
    tag = re.search(r'<input type="checkbox"[^>]*>', body).group()
    return " ".join(tag.split())


def test_it_escapes_names_in_direct_rows(client, cast):
    factories.make_engineer("<b>Eve</b> & co", manager=cast.mia)
    client.force_login(cast.mia.user)

    body = client.get(TEAM).content.decode()

    assert "<b>Eve</b>" not in body
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co</a>" in body
    assert "with &lt;b&gt;Eve&lt;/b&gt; &amp; co</span>" in body


def test_it_escapes_the_manager_of_an_indirect_row(client, cast):
    lead = factories.make_engineer("<i>Lead</i>", manager=cast.skip)
    factories.make_engineer("Ivy Indirect", manager=lead)
    client.force_login(cast.skip.user)

    body = client.get(TEAM, {"indirect": "1"}).content.decode()

    assert "reports to &lt;i&gt;Lead&lt;/i&gt;</div>" in body


def test_goals_at_risk_and_missing_interpersonal_are_said_in_words(client, cast):
    factories.make_note(cast.mia.user, cast.alice)
    factories.make_goal(cast.alice, target_date=datetime.date(2020, 1, 1))
    client.force_login(cast.mia.user)

    body = client.get(TEAM).content.decode()

    assert (
        '<span class="team-value">0</span> '
        '<span class="team-word">No interpersonal feedback in 60 days</span></td>'
    ) in body
    assert (
        '<span class="team-value">1</span> <span class="team-word">at risk</span></td>'
    ) in body


def test_the_filter_keeps_its_labels_and_state(client, cast):
    client.force_login(cast.mia.user)

    body = client.get(TEAM, {"indirect": "1", "sort": "team", "dir": "desc"})
    body = body.content.decode()

    assert '<label for="id_team" class="form-label">Team</label>' in body
    assert '<option value="" selected>All teams</option>' in body
    assert checkbox(body).endswith('id="id_indirect" checked>')
    assert '<label for="id_indirect" class="form-check-label">' in body
    assert 'value="team"' in body and 'value="desc"' in body


def test_the_filter_says_what_is_wrong_with_a_team(client, cast):
    client.force_login(cast.mia.user)

    body = client.get(TEAM, {"team": "999999"}).content.decode()

    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_team_error"' in body
    assert 'class="invalid-feedback"' in body
    assert "checked" not in checkbox(body)
