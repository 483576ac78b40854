"""Technical leadership, made visible: the counts of a senior engineer, on
their dashboard and on their manager's team page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from growth.models import LearningKind
from growth.selectors import leadership
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
OLD = datetime.date(2024, 1, 1)
SESSION = LearningKind.LEARNING_SESSION


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team(db):
    """Sara (senior) reports to Mo; she led two sessions and mentors Ned, who
    mentors Pia (so Sara coaches); Jun is mid-level and leads one too."""
    t = factories.make_team("Core")
    e = factories.make_engineer
    mo = e("Mo Manager", team=t, level="staff", start_date=OLD)
    sara = e("Sara Senior", team=t, manager=mo, level="senior", start_date=OLD)
    jun = e("Jun Mid", team=t, manager=mo, level="mid", start_date=OLD)
    ned = e("Ned New", team=t, manager=mo, start_date=datetime.date(2026, 8, 1))
    pia = e("Pia Peer", team=t, manager=mo, start_date=OLD)
    old = e("Olga Old", team=t, manager=mo, start_date=OLD)
    s = factories.make_learning
    # Ned started 1 Aug: a newcomer at both of Sara's sessions.
    s(
        sara.user,
        kind=SESSION,
        led_by=sara,
        attendees=[ned, pia],
        date=datetime.date(2026, 9, 1),
    )
    s(
        sara.user,
        kind=SESSION,
        led_by=sara,
        attendees=[ned, old, sara],
        date=datetime.date(2026, 10, 1),
    )
    # Over a year ago, and not a session: neither counts.
    s(
        sara.user,
        kind=SESSION,
        led_by=sara,
        attendees=[jun],
        date=datetime.date(2025, 10, 1),
    )
    s(
        sara.user,
        kind=LearningKind.HACKATHON,
        led_by=sara,
        attendees=[jun],
        date=datetime.date(2026, 10, 2),
    )
    s(
        jun.user,
        kind=SESSION,
        led_by=jun,
        attendees=[ned],
        date=datetime.date(2026, 10, 3),
    )
    factories.make_mentorship(sara, ned)
    factories.make_mentorship(ned, pia)
    factories.make_mentorship(
        sara,
        old,
        started_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2026, 2, 1),
    )
    return {"mo": mo, "sara": sara, "jun": jun, "ned": ned, "pia": pia}  # fmt: skip


def test_it_counts_sessions_people_newcomers_mentees_and_coaching(team):
    (sara,) = leadership.leadership_of([team["sara"].pk], today=NOW.date())

    assert sara.sessions_led == 2
    assert sara.people_taught == 3  # Ned, Pia, Olga; not Sara at her own
    assert sara.newcomers_taught == 1  # Ned
    assert sara.mentees == 1  # the ended mentorship is not
    assert sara.coached == 1  # Ned mentors Pia


def test_only_senior_and_above_have_it(team):
    ids = [team["sara"].pk, team["jun"].pk, team["mo"].pk]

    names = [row.name for row in leadership.leadership_of(ids, today=NOW.date())]

    assert names == ["Mo Manager", "Sara Senior"]


def test_it_is_a_card_on_the_seniors_own_dashboard(team, client):
    client.force_login(team["sara"].user)

    response = client.get(reverse("my-growth"))

    assert "Technical leadership" in response.content.decode()
    card = response.context["dash"].leadership
    assert (card.sessions_led, card.people_taught, card.mentees) == (2, 3, 1)


def test_a_mid_level_engineer_has_no_card(team, client):
    client.force_login(team["jun"].user)

    # The card's heading (a competency of the same name may appear elsewhere).
    assert 'id="leadership-heading"' not in (
        client.get(reverse("my-growth")).content.decode()
    )


def test_the_manager_sees_it_for_senior_reports_on_the_team_page(team, client):
    client.force_login(team["mo"].user)

    response = client.get(reverse("team-dashboard"))

    assert [row.name for row in response.context["leaders"]] == ["Sara Senior"]
    assert "Technical leadership" in response.content.decode()


def test_the_dashboard_reads_it_without_a_query_of_its_own(team, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team["jun"].user)
    with CaptureQueriesContext(connection) as junior:
        client.get(reverse("my-growth"))
    client.force_login(team["sara"].user)
    with CaptureQueriesContext(connection) as senior:
        client.get(reverse("my-growth"))

    assert len(senior) == len(junior)


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-08-31", "2026-02-28"),
        ("2024-08-31", "2024-02-29"),
        ("2026-03-31", "2025-09-30"),
        ("2026-11-20", "2026-05-20"),
        ("2026-01-15", "2025-07-15"),
    ],
)
def test_months_before_keeps_the_day_in_the_month_in_python_and_sql(
    team, day, expected
):
    day = datetime.date.fromisoformat(day)

    # As the leadership counts write it, about a date column of a row.
    sql, uses = leadership.months_before_sql("%s", 6, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [day] * uses)
        (in_sql,) = cursor.fetchone()
    if isinstance(in_sql, str):  # SQLite answers with text
        in_sql = datetime.date.fromisoformat(in_sql)

    assert leadership.months_before(day, 6).isoformat() == expected
    assert in_sql == datetime.date.fromisoformat(expected)
