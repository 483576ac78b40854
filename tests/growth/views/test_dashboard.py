"""The growth dashboard: who may open it, what each viewer sees, and its cost."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from growth.models import Competency, Goal, GoalStatus, LearningKind, Visibility
from tests import factories

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- helpers --------------------------------------------------------------------


def at(days_ago: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_ago)


def dashboard_of(engineer) -> str:
    return f"/engineers/{engineer.pk}/"


def competency(name: str) -> Competency:
    return Competency.objects.get(name=name)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who may open it ------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client, cast):
    for url in ("/me/", dashboard_of(cast.alice)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_it_shows_the_signed_in_engineer_their_own_growth(client, cast):
    response = get(client, cast.alice.user, "/me/")
    assert response.status_code == 200
    assert response.context["dash"].engineer == cast.alice
    assert response.context["dash"].is_self
    assert "<h1" in response.content.decode() and "My growth" in response.text


def test_it_tells_a_person_without_a_profile_they_have_none(client, cast):
    response = get(client, cast.staff, "/me/")
    assert response.status_code == 200
    assert "no engineer profile" in response.text
    assert "dash" not in response.context


@pytest.mark.parametrize("who", ["alice", "mia", "max"])
def test_the_engineer_their_manager_and_active_mentor_open_the_dashboard(
    client, cast, who
):
    viewer = getattr(cast, who).user
    response = get(client, viewer, dashboard_of(cast.alice))
    assert response.status_code == 200
    assert response.context["dash"].engineer == cast.alice


@pytest.mark.parametrize("who", ["bob", "carol", "olivia", "skip", "cora"])
def test_everyone_else_gets_a_404(client, cast, who):
    viewer = getattr(cast, who).user
    assert get(client, viewer, dashboard_of(cast.alice)).status_code == 404


def test_staff_without_a_profile_get_a_404_on_someone_elses_dashboard(client, cast):
    assert get(client, cast.staff, dashboard_of(cast.alice)).status_code == 404


def test_an_unknown_engineer_is_a_404(client, cast):
    assert get(client, cast.mia.user, "/engineers/999999/").status_code == 404


# --- what each viewer sees ------------------------------------------------------


@pytest.fixture
def notes(cast):
    """One note of each visibility about alice, each with a marker in every text."""
    made = {}
    for key, author, visibility in (
        ("shared", cast.mia.user, Visibility.SHARED),
        ("manager", cast.mia.user, Visibility.MANAGER),
        ("mia-self", cast.mia.user, Visibility.SELF),
        ("max-self", cast.max.user, Visibility.SELF),
        ("alice-self", cast.alice.user, Visibility.SELF),
    ):
        marker = f"MARKER-{key.upper()}"
        made[key] = factories.make_note(
            author,
            cast.alice,
            visibility=visibility,
            situation=marker,
            behaviour=marker,
            impact=marker,
            suggestion=marker,
            created_at=at(3),
        )
    return made


def test_the_engineer_sees_unacknowledged_shared_feedback_on_top(client, cast, notes):
    response = get(client, cast.alice.user, "/me/")
    assert response.context["dash"].unacknowledged == [notes["shared"]]
    assert "New feedback for you" in response.text


def test_acknowledged_feedback_is_not_on_top(client, cast, notes):
    notes["shared"].acknowledged_at = at(1)
    notes["shared"].save(update_fields=["acknowledged_at"])
    response = get(client, cast.alice.user, "/me/")
    assert response.context["dash"].unacknowledged == []
    assert "New feedback for you" not in response.text


def test_only_the_newest_three_answer_cards_are_on_top(client, cast):
    made = [
        factories.make_note(cast.mia.user, cast.alice, created_at=at(days))
        for days in (5, 4, 3, 2, 1)
    ]
    response = get(client, cast.alice.user, "/me/")
    dash = response.context["dash"]
    assert dash.unacknowledged == made[:-4:-1]
    assert dash.unacknowledged_count == 5
    assert "See all 5 notes waiting for you" in response.text


def test_a_manager_does_not_get_the_engineers_answer_cards(client, cast, notes):
    response = get(client, cast.mia.user, dashboard_of(cast.alice))
    assert response.context["dash"].unacknowledged == []
    assert "New feedback for you" not in response.text


def test_the_engineer_never_sees_manager_only_notes_or_notes_to_self(
    client, cast, notes
):
    response = get(client, cast.alice.user, "/me/")
    for key in ("manager", "mia-self", "max-self", "alice-self"):
        assert f"MARKER-{key.upper()}" not in response.text
    # Only the shared note is counted: not the manager-only one, no note to self.
    assert response.context["dash"].feedback_total == 1


def test_a_manager_counts_shared_and_manager_only_notes_but_no_notes_to_self(
    client, cast, notes
):
    response = get(client, cast.mia.user, dashboard_of(cast.alice))
    assert response.context["dash"].feedback_total == 2
    for key in ("max-self", "alice-self"):
        assert f"MARKER-{key.upper()}" not in response.text


def test_a_mentor_counts_only_the_shared_notes(client, cast, notes):
    response = get(client, cast.max.user, dashboard_of(cast.alice))
    assert response.context["dash"].feedback_total == 1
    assert "MARKER-MANAGER" not in response.text


def test_feedback_per_month_is_drawn_as_stacked_bars_with_a_table(client, cast):
    mia = cast.mia.user
    for days in (1, 2, 40):
        factories.make_note(mia, cast.alice, kind="technical", created_at=at(days))
    factories.make_note(mia, cast.alice, kind="interpersonal", created_at=at(2))
    factories.make_note(mia, cast.alice, created_at=at(400))  # too old to draw
    response = get(client, cast.alice.user, "/me/")
    html = response.text
    chart = section(html, "feedback-by-month")
    # November: technical 2 + interpersonal 1 (two segments); October: technical 1.
    assert chart.count('class="bar"') == 3
    assert "Nov 2026: 2 technical notes" in chart
    assert "Nov 2026: 1 interpersonal note" in chart
    assert "Oct 2026: 1 technical note" in chart
    rows = table_rows(html, "feedback-by-month-table")
    assert rows[-1] == ["Nov 2026", "2", "1", "3"]
    assert rows[-2] == ["Oct 2026", "1", "0", "1"]
    assert rows[0] == ["Jun 2026", "0", "0", "0"]
    assert len(rows) == 6


def test_it_says_which_competencies_had_feedback_lately_and_which_did_not(client, cast):
    quality = competency("Code quality")
    ownership = competency("Ownership")
    mia = cast.mia.user
    factories.make_note(mia, cast.alice, competency=quality, created_at=at(10))
    factories.make_note(mia, cast.alice, competency=quality, created_at=at(80))
    # Feedback on ownership, but longer ago than 90 days.
    factories.make_note(
        mia, cast.alice, kind="interpersonal", competency=ownership, created_at=at(95)
    )
    dash = get(client, cast.alice.user, "/me/").context["dash"]
    assert [(c.competency.name, c.count) for c in dash.covered] == [("Code quality", 2)]
    assert ownership in dash.uncovered and quality not in dash.uncovered
    response = get(client, cast.alice.user, "/me/")
    assert "No interpersonal feedback on Ownership in 90 days" in response.text
    assert "Code quality (technical):\n" in response.text or "2 notes" in response.text


def test_coverage_counts_only_this_engineers_notes_the_viewer_may_read(client, cast):
    quality = competency("Code quality")
    retired = Competency.objects.create(
        name="Punch cards", kind="technical", is_active=False
    )
    mia, max_ = cast.mia.user, cast.max.user
    factories.make_note(mia, cast.alice, competency=quality, created_at=at(5))
    factories.make_note(max_, cast.alice, competency=retired, created_at=at(5))
    # Not counted: about bob, a manager-only note max may not read, and a
    # note to self, which is no feedback given.
    factories.make_note(mia, cast.bob, competency=quality, created_at=at(5))
    factories.make_note(
        mia, cast.alice, competency=quality, created_at=at(5), visibility="manager"
    )
    factories.make_note(
        max_, cast.alice, competency=quality, created_at=at(5), visibility="self"
    )
    dash = get(client, max_, dashboard_of(cast.alice)).context["dash"]
    assert [(c.competency.name, c.count) for c in dash.covered] == [
        ("Code quality", 1),
        ("Punch cards", 1),
    ]


def test_retired_competencies_without_feedback_are_not_called_gaps(client, cast):
    retired = Competency.objects.create(
        name="Punch cards", kind="technical", is_active=False
    )
    dash = get(client, cast.alice.user, "/me/").context["dash"]
    assert retired not in dash.uncovered


def test_learning_hours_per_month_count_what_the_engineer_attended(client, cast):
    alice, bob = cast.alice, cast.bob
    factories.make_learning(
        alice.user,
        attendees=[alice],
        hours=Decimal("3"),
        date=datetime.date(2026, 11, 3),
    )
    factories.make_learning(
        alice.user,
        attendees=[alice, bob],
        kind=LearningKind.LEARNING_DAY,
        hours=Decimal("4.5"),
        date=datetime.date(2026, 9, 20),
    )
    # Not attended by alice, and one planned for next month: neither counts.
    factories.make_learning(bob.user, attendees=[bob], date=datetime.date(2026, 11, 2))
    factories.make_learning(
        alice.user, attendees=[alice], date=datetime.date(2026, 12, 2)
    )
    response = get(client, cast.mia.user, dashboard_of(alice))
    assert response.context["dash"].learning_hours == Decimal("7.5")
    rows = table_rows(response.text, "learning-by-month-table")
    assert ["Nov 2026", "3"] in rows
    assert ["Sep 2026", "4.5"] in rows
    assert section(response.text, "learning-by-month").count('class="bar"') == 2


def test_goals_come_active_first_with_a_progress_bar(client, cast):
    done = factories.make_goal(cast.alice, title="Ship the cache", status="achieved")
    active = factories.make_goal(cast.alice, title="Lead a design review", progress=40)
    response = get(client, cast.alice.user, "/me/")
    dash = response.context["dash"]
    assert dash.active_goals == [active]
    assert dash.closed_goals == [done]
    assert 'aria-valuenow="40"' in response.text
    assert response.text.index("Lead a design review") < response.text.index(
        "Ship the cache"
    )


def test_recently_closed_goals_are_the_latest_closed_whatever_their_target(
    client, cast
):
    closed = []
    for n in range(7):
        goal = factories.make_goal(
            cast.alice,
            title=f"Closed {n}",
            status="achieved",
            target_date=datetime.date(2026, 1, 7) - datetime.timedelta(days=n),
        )
        # The latest closed has the latest target: target order would show
        # the two oldest instead.
        Goal.objects.filter(pk=goal.pk).update(updated_at=at(n))
        closed.append(goal)

    dash = get(client, cast.alice.user, "/me/").context["dash"]

    assert dash.closed_goals == closed[:5]


def test_the_progress_chart_draws_a_line_per_active_goal(client, cast):
    one = factories.make_goal(cast.alice, title="Lead a design review")
    two = factories.make_goal(cast.alice, title="Pair with the data team")
    closed = factories.make_goal(cast.alice, title="Old goal", status="abandoned")
    author = cast.alice.user
    for days, progress in ((60, 10), (30, 30), (5, 55)):
        factories.make_goal_check_in(one, author, progress, created_at=at(days))
    for days, progress in ((20, 20), (2, 25)):
        factories.make_goal_check_in(two, author, progress, created_at=at(days))
    factories.make_goal_check_in(closed, author, 90, created_at=at(3))
    response = get(client, cast.max.user, dashboard_of(cast.alice))
    chart = section(response.text, "goal-progress")
    assert chart.count("<polyline") == 2
    assert chart.count('class="point"') == 5
    rows = table_rows(response.text, "goal-progress-table")
    assert ["Lead a design review", "20 Nov 2026", "55%"] in rows
    assert ["Pair with the data team", "23 Nov 2026", "25%"] in rows
    assert not any(row[0] == "Old goal" for row in rows)


def test_it_names_the_manager_and_active_mentors_linking_only_when_allowed(
    client, cast
):
    own = get(client, cast.alice.user, "/me/")
    dash = own.context["dash"]
    assert dash.manager.engineer == cast.mia and not dash.manager.visible
    assert [p.engineer for p in dash.mentors] == [cast.max]  # not olivia: ended
    assert not dash.mentors[0].visible
    assert f'href="/engineers/{cast.mia.pk}/"' not in own.text
    assert "Mia Manager" in own.text and "Max Mentor" in own.text
    # Mia may open her own dashboard, so the manager's name is a link for her.
    as_mia = get(client, cast.mia.user, dashboard_of(cast.alice))
    assert f'href="/engineers/{cast.mia.pk}/"' in as_mia.text
    assert f'href="/engineers/{cast.max.pk}/"' not in as_mia.text


def test_open_requests_show_to_the_engineer_and_to_their_recipient_only(client, cast):
    to_mia = factories.make_request(cast.alice, cast.mia)
    to_bob = factories.make_request(cast.alice, cast.bob)
    factories.make_request(
        cast.alice, cast.max, status="cancelled", closed_at=at(1)
    )  # closed: never shown
    factories.make_request(cast.bob, cast.alice)  # asked of alice, not by her
    assert get(client, cast.alice.user, "/me/").context["dash"].open_requests == [
        to_mia,
        to_bob,
    ]
    as_mia = get(client, cast.mia.user, dashboard_of(cast.alice))
    assert as_mia.context["dash"].open_requests == [to_mia]
    assert f"?request={to_mia.pk}" in as_mia.text
    as_max = get(client, cast.max.user, dashboard_of(cast.alice))
    assert as_max.context["dash"].open_requests == []


def test_the_engineer_is_offered_to_ask_for_feedback_and_set_a_goal(client, cast):
    html = get(client, cast.alice.user, "/me/").text
    assert 'href="/requests/new/"' in html
    assert 'href="/goals/new/"' in html
    assert "/me/export.json" in html and "/me/export.csv" in html
    assert "Log feedback" not in html


def test_a_manager_is_offered_to_log_feedback_and_set_a_goal_for_the_report(
    client, cast
):
    html = get(client, cast.mia.user, dashboard_of(cast.alice)).text
    assert f"?engineer={cast.alice.pk}" in html
    assert "Log feedback" in html
    assert f'href="/goals/new/?engineer={cast.alice.pk}"' in html


def test_a_mentor_may_log_feedback_but_not_set_goals(client, cast):
    html = get(client, cast.max.user, dashboard_of(cast.alice)).text
    assert "Log feedback" in html
    assert "/goals/new/" not in html


def test_dates_are_months_of_the_viewers_time_zone(client, cast):
    # 30 Nov 2025 23:30 UTC is already 1 December in Auckland.
    cast.mia.user.time_zone = "Pacific/Auckland"
    cast.mia.user.save(update_fields=["time_zone"])
    factories.make_note(
        cast.mia.user,
        cast.alice,
        created_at=datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.UTC),
    )
    response = get(client, cast.mia.user, dashboard_of(cast.alice))
    rows = table_rows(response.text, "feedback-by-month-table")
    assert ["Nov 2026", "1", "0", "1"] in rows


# --- a fixed number of queries --------------------------------------------------


def grow(cast, *, notes: int, goals: int, check_ins: int) -> None:
    """Give alice a history of this size, of every kind the dashboard draws."""
    mia, alice = cast.mia.user, cast.alice
    for i in range(notes):
        factories.make_note(
            mia if i % 3 else cast.max.user,
            alice,
            kind="interpersonal" if i % 2 else "technical",
            visibility=Visibility.MANAGER if i % 5 == 4 else Visibility.SHARED,
            created_at=at(i * 3),
        )
    for g in range(goals):
        goal = factories.make_goal(
            alice,
            title=f"Goal {g}",
            status=GoalStatus.ACHIEVED if g % 4 == 3 else GoalStatus.ACTIVE,
        )
        for c in range(check_ins):
            factories.make_goal_check_in(goal, alice.user, c * 10, created_at=at(c))
    for i in range(max(1, notes // 5)):
        factories.make_learning(
            alice.user, attendees=[alice], date=(at(i * 7)).date(), hours=2
        )
        factories.make_request(alice, cast.mia if i % 2 else cast.bob)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [("alice", "/me/"), ("mia", "alice"), ("max", "alice"), ("alice", "alice")],
)
def test_the_dashboard_costs_the_same_queries_at_any_history_size(
    client, cast, who, url
):
    url = dashboard_of(cast.alice) if url == "alice" else url
    client.force_login(getattr(cast, who).user)
    grow(cast, notes=3, goals=1, check_ins=1)
    small = count_queries(client, url)
    grow(cast, notes=60, goals=8, check_ins=6)
    large = count_queries(client, url)
    assert small == large
    assert large <= 12  # session, user, the navigation and 9 of its own


# --- reading the page -------------------------------------------------------------


def section(html: str, chart_id: str) -> str:
    """The SVG of the chart ``chart_id``."""
    start = html.index(f'id="{chart_id}-title"')
    return html[html.rindex("<svg", 0, start) : html.index("</svg>", start)]


def table_rows(html: str, table_id: str) -> list[list[str]]:
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
