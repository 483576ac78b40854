"""The team dashboard and its CSV export."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import Goal, Visibility
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TEAM = reverse("team-dashboard")
EXPORT = reverse("team-export")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def rows_of(response) -> list[str]:
    """The names in the table body, in order."""
    return [row.engineer.name for row in response.context["rows"]]


# --- who may see it -----------------------------------------------------------


@pytest.mark.parametrize("url", [TEAM, EXPORT])
def test_anonymous_people_are_sent_to_sign_in(client, cast, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["mia", "skip"])
@pytest.mark.parametrize("url", [TEAM, EXPORT])
def test_managers_get_their_dashboard(client, cast, person, url):
    client.force_login(getattr(cast, person).user)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("person", ["alice", "bob", "carol", "max", "cora", "olivia"])
@pytest.mark.parametrize("url", [TEAM, EXPORT])
def test_people_without_reports_get_a_404(client, cast, person, url):
    client.force_login(getattr(cast, person).user)

    assert client.get(url).status_code == 404


def test_staff_without_reports_get_a_404(client, cast):
    client.force_login(cast.staff)

    assert client.get(TEAM).status_code == 404


# --- the table ----------------------------------------------------------------


def test_it_shows_one_row_per_direct_report_with_links(client, cast):
    client.force_login(cast.mia.user)

    response = client.get(TEAM)

    assert rows_of(response) == ["Alice Engineer", "Bob Peer"]
    body = response.content.decode()
    assert reverse("engineer-dashboard", args=[cast.alice.pk]) in body
    assert f"{reverse('feedback-create')}?engineer={cast.alice.pk}" in body
    assert (
        f"{reverse('check-in-create')}?engineer={cast.bob.pk}&amp;kind=one_on_one"
        in body
    )


def test_it_shows_the_values_of_each_column(client, cast):
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(3))
    factories.make_note(cast.max.user, cast.alice, created_at=ago(1))
    factories.make_note(cast.mia.user, cast.alice, visibility=Visibility.SELF)
    factories.make_check_in(
        cast.mia.user, cast.alice, held_on=datetime.date(2026, 3, 9)
    )
    factories.make_goal(cast.alice, target_date=datetime.date(2026, 3, 1))
    client.force_login(cast.mia.user)

    alice = client.get(TEAM).context["rows"][0]

    assert alice.engineer == cast.alice
    assert (alice.days_since_mine, alice.days_since_any) == (3, 1)
    assert (alice.technical, alice.interpersonal) == (2, 0)
    assert alice.interpersonal_missing
    assert alice.goals_at_risk == 1
    assert alice.days_since_one_on_one == 7
    assert alice.unacknowledged == 2


def test_it_flags_missing_interpersonal_feedback_visibly(client, cast):
    factories.make_note(cast.max.user, cast.alice, created_at=ago(3))
    client.force_login(cast.mia.user)

    response = client.get(TEAM)

    assert response.content.decode().count("No interpersonal feedback") == 1


def test_it_never_shows_note_text(client, cast):
    factories.make_note(
        cast.mia.user,
        cast.alice,
        situation="MARKER-SITUATION-17",
        suggestion="MARKER-SUGGESTION-17",
    )
    client.force_login(cast.skip.user)

    response = client.get(TEAM, {"indirect": "1"})

    assert b"MARKER-" not in response.content


def test_indirect_reports_show_counts_without_links(client, cast):
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(2))
    client.force_login(cast.skip.user)

    response = client.get(TEAM, {"indirect": "1"})

    assert "Alice Engineer" in rows_of(response)
    alice = next(r for r in response.context["rows"] if r.engineer == cast.alice)
    assert alice.days_since_any == 2
    body = response.content.decode()
    assert reverse("engineer-dashboard", args=[cast.alice.pk]) not in body
    assert f"engineer={cast.alice.pk}&amp;kind=one_on_one" not in body
    assert "reports to Mia Manager" in body


def test_indirect_reports_are_off_by_default(client, cast):
    client.force_login(cast.skip.user)

    response = client.get(TEAM)

    assert "Alice Engineer" not in rows_of(response)


def test_it_sorts_by_a_column_and_marks_the_header(client, cast):
    factories.make_note(cast.max.user, cast.alice, created_at=ago(1))
    factories.make_note(cast.max.user, cast.bob, created_at=ago(20))
    client.force_login(cast.mia.user)

    ascending = client.get(TEAM, {"sort": "last_feedback", "dir": "asc"})
    descending = client.get(TEAM, {"sort": "last_feedback", "dir": "desc"})

    assert rows_of(ascending) == ["Alice Engineer", "Bob Peer"]
    assert rows_of(descending) == ["Bob Peer", "Alice Engineer"]
    assert 'aria-sort="descending"' in descending.content.decode()
    header = next(
        h for h in descending.context["headers"] if h["column"].key == "last_feedback"
    )
    assert "dir=asc" in header["url"]  # the link turns the order around


def test_every_column_has_a_sort_link(client, cast):
    client.force_login(cast.mia.user)

    response = client.get(TEAM)

    body = response.content.decode()
    for key in (
        "name",
        "team",
        "last_feedback_mine",
        "last_feedback",
        "technical",
        "interpersonal",
        "goals_at_risk",
        "last_one_on_one",
        "unacknowledged",
    ):
        assert f"sort={key}" in body
    assert body.count('aria-sort="descending"') == 1  # needs attention, by default


def test_an_unknown_sort_falls_back_to_attention(client, cast):
    client.force_login(cast.mia.user)

    response = client.get(TEAM, {"sort": "password", "dir": "sideways"})

    assert response.status_code == 200
    assert rows_of(response) == ["Alice Engineer", "Bob Peer"]


def test_it_filters_by_team(client, cast):
    cast.bob.team = cast.data
    cast.bob.save()
    client.force_login(cast.mia.user)

    response = client.get(TEAM, {"team": cast.data.pk})

    assert rows_of(response) == ["Bob Peer"]
    assert "Platform" in response.content.decode()  # still offered in the select


def test_a_team_not_on_the_dashboard_is_ignored(client, cast):
    other = factories.make_team("Elsewhere")
    client.force_login(cast.mia.user)

    response = client.get(TEAM, {"team": other.pk})

    assert rows_of(response) == ["Alice Engineer", "Bob Peer"]


def test_a_large_team_is_paged_and_the_export_is_whole(client, cast):
    for n in range(25):
        factories.make_engineer(f"Report {n:02}", manager=cast.mia)
    client.force_login(cast.mia.user)

    second = client.get(TEAM, {"sort": "name", "dir": "desc", "page": "2"})
    _header, *lines = read_csv(client.get(EXPORT, {"sort": "name", "dir": "desc"}))

    assert rows_of(second) == ["Bob Peer", "Alice Engineer"]
    assert "sort=name&amp;dir=desc&amp;page=1" in second.content.decode()
    assert len(lines) == 27


# --- CSV ----------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_is_the_same_table(client, cast):
    factories.make_note(cast.mia.user, cast.alice, created_at=ago(3))
    client.force_login(cast.mia.user)

    response = client.get(EXPORT, {"sort": "name", "dir": "desc"})

    header, *lines = read_csv(response)
    assert "attachment" in response["Content-Disposition"]
    assert header[0] == "Name"
    assert [line[0] for line in lines] == ["Bob Peer", "Alice Engineer"]
    alice = dict(zip(header, lines[1], strict=True))
    assert alice["Days since my feedback"] == "3"
    assert alice["Days since 1:1"] == ""
    assert alice["Technical feedback (90 days)"] == "1"
    assert alice["Interpersonal missing"] == "yes"


def test_the_export_neutralises_formulas(client, cast):
    cast.alice.user.display_name = '=HYPERLINK("http://evil")'
    cast.alice.user.save()
    cast.platform.name = "@Platform"
    cast.platform.save()
    client.force_login(cast.mia.user)

    lines = read_csv(client.get(EXPORT))

    assert lines[1][:2] == ['\'=HYPERLINK("http://evil")', "'@Platform"]


def test_the_export_follows_the_filter(client, cast):
    cast.bob.team = cast.data
    cast.bob.save()
    client.force_login(cast.mia.user)

    _header, *lines = read_csv(client.get(EXPORT, {"team": cast.data.pk}))

    assert [line[0] for line in lines] == ["Bob Peer"]


def test_the_page_links_to_the_export_with_its_query(client, cast):
    client.force_login(cast.mia.user)

    response = client.get(TEAM, {"indirect": "1", "sort": "team"})

    assert f"{EXPORT}?indirect=1&amp;sort=team" in response.content.decode()


# --- queries ------------------------------------------------------------------


def build_reports(manager, count: int) -> None:
    """``count`` reports, each with notes, goals, check-ins and a report of their own."""
    for n in range(count):
        report = factories.make_engineer(f"Report {n:02}", manager=manager)
        factories.make_engineer(f"Indirect {n:02}", manager=report)
        factories.make_note(manager.user, report, created_at=ago(n + 1))
        factories.make_note(
            manager.user, report, created_at=ago(n + 2), kind="interpersonal"
        )
        goal = factories.make_goal(report, target_date=datetime.date(2026, 3, 20))
        Goal.objects.filter(pk=goal.pk).update(updated_at=ago(30))
        factories.make_check_in(manager.user, report, held_on=datetime.date(2026, 3, 1))


def count_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "data", [{}, {"indirect": "1", "sort": "last_one_on_one", "dir": "desc"}]
)
@pytest.mark.parametrize("url", [TEAM, EXPORT])
def test_the_query_count_does_not_grow_with_the_team(client, url, data):
    small = factories.make_engineer("Small Manager")
    large = factories.make_engineer("Large Manager")
    build_reports(small, 2)
    build_reports(large, 12)

    client.force_login(small.user)
    few = count_queries(client, url, data)
    client.force_login(large.user)
    many = count_queries(client, url, data)

    assert few == many
    # The page also reads its senior reports' technical leadership.
    assert many <= (7 if url == TEAM else 6)
