"""The team page triages: each value against its rule, and who needs
attention most first."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import Goal, ReminderKind, ReminderRule, Visibility
from growth.policy import access_of
from growth.selectors import team
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
TEAM = reverse("team-dashboard")
EXPORT = reverse("team-export")


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def started(engineer, days_ago: int = 400):
    """``engineer`` here since ``days_ago`` days: long enough for every rule."""
    engineer.start_date = day(-days_ago)
    engineer.save()
    return engineer


@pytest.fixture
def old_hands(cast):
    """Everyone in the cast here for over a year, so no newcomer's grace."""
    for person in (cast.alice, cast.bob, cast.mia, cast.max, cast.cora, cast.olivia):
        started(person)
    return cast


def table(user, **options) -> team.TeamTable:
    return team.team_table(access_of(user), zone=user.zone, now=NOW, **options)


def rows(user, **options) -> dict[str, team.TeamRow]:
    return {row.engineer.name: row for row in table(user, **options).rows}


def alice(cast, **options) -> team.TeamRow:
    return rows(cast.mia.user, **options)["Alice Engineer"]


# --- feedback from the manager, against the feedback-due rule --------------------


def test_feedback_within_the_rule_is_plain(old_hands):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(13))

    feedback = alice(old_hands).feedback

    assert feedback.state == team.OK
    assert feedback.value == "13"
    assert feedback.score == 0
    assert "every 14 days" in feedback.title
    assert "due in 1 day" in feedback.title


def test_feedback_is_due_on_the_rules_day(old_hands):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(14))

    feedback = alice(old_hands).feedback

    assert feedback.state == team.DUE
    assert (feedback.value, feedback.word) == ("14 days · rule 14", "due today")
    assert feedback.score == 1.0


def test_feedback_is_overdue_a_day_after_the_rule(old_hands):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(15))

    feedback = alice(old_hands).feedback

    assert feedback.state == team.OVERDUE
    assert (feedback.value, feedback.word) == ("15 days · rule 14", "overdue")
    assert "1 day overdue" in feedback.title


def test_thirty_one_days_against_fourteen_reads_as_such(old_hands):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(31))

    feedback = alice(old_hands).feedback

    assert feedback.value == "31 days · rule 14"
    assert feedback.summary == "Feedback from you 31 days · rule 14 · overdue"
    assert feedback.title == (
        "Feedback from you: the last 31 days ago; "
        "the feedback rule is every 14 days: 17 days overdue."
    )
    assert feedback.score == pytest.approx(31 / 14)


def test_feedback_never_given_counts_from_the_start(cast):
    started(cast.alice, 20)

    feedback = alice(cast).feedback

    assert feedback.state == team.OVERDUE
    assert feedback.value == "never · rule 14"
    assert "none yet, and they started 20 days ago" in feedback.title


def test_a_newcomer_without_feedback_is_not_overdue_yet(cast):
    started(cast.alice, 13)

    feedback = alice(cast).feedback

    assert feedback.state == team.OK
    assert feedback.value == "never"


def test_only_the_managers_own_feedback_counts_for_the_rule(old_hands):
    factories.make_note(old_hands.max.user, old_hands.alice, created_at=ago(1))
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(20))
    factories.make_note(
        old_hands.mia.user,
        old_hands.alice,
        created_at=ago(2),
        visibility=Visibility.SELF,
    )

    assert alice(old_hands).feedback.state == team.OVERDUE


def test_the_rule_is_the_one_admins_tuned(old_hands):
    ReminderRule.objects.filter(kind=ReminderKind.FEEDBACK_DUE).update(cadence_days=7)
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(8))

    result = table(old_hands.mia.user)
    feedback = next(r for r in result.rows if r.engineer == old_hands.alice).feedback

    assert result.rules.feedback_days == 7
    assert (feedback.state, feedback.value) == (team.OVERDUE, "8 days · rule 7")


def test_a_deleted_rule_counts_with_its_default(old_hands):
    ReminderRule.objects.filter(kind=ReminderKind.FEEDBACK_DUE).delete()
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(14))

    assert alice(old_hands).feedback.state == team.DUE


def test_indirect_reports_are_not_held_to_the_feedback_rule(old_hands):
    row = rows(old_hands.skip.user, indirect=True)["Alice Engineer"]

    assert row.feedback is None
    assert row.mentoring is None
    assert row.one_on_one.state == team.OVERDUE  # with their own manager


# --- the interpersonal gap rule ---------------------------------------------------


def test_technical_feedback_without_interpersonal_is_a_gap(old_hands):
    factories.make_note(old_hands.max.user, old_hands.alice, created_at=ago(59))

    gap = alice(old_hands).gap

    assert gap.state == team.GAP
    assert gap.word == "No interpersonal feedback in 60 days"
    assert gap.summary == "Interpersonal gap · rule 60"
    assert "the interpersonal gap rule is 60 days" in gap.title
    assert gap.score == 1.0


def test_interpersonal_feedback_on_the_rules_day_no_longer_covers_it(old_hands):
    factories.make_note(old_hands.max.user, old_hands.alice, created_at=ago(1))
    factories.make_note(
        old_hands.max.user, old_hands.alice, created_at=ago(60), kind="interpersonal"
    )

    assert alice(old_hands).gap.state == team.GAP


def test_interpersonal_feedback_a_day_inside_the_rule_covers_it(old_hands):
    factories.make_note(old_hands.max.user, old_hands.alice, created_at=ago(1))
    factories.make_note(
        old_hands.max.user, old_hands.alice, created_at=ago(59), kind="interpersonal"
    )

    assert alice(old_hands).gap.state == team.OK


def test_technical_feedback_older_than_the_rule_makes_no_gap(old_hands):
    factories.make_note(old_hands.max.user, old_hands.alice, created_at=ago(60))

    row = alice(old_hands)

    assert row.gap.state == team.OK
    assert not row.interpersonal_missing


# --- 1:1s, mentoring and goals ----------------------------------------------------


def test_a_one_on_one_on_the_rules_day_is_due_and_after_it_overdue(old_hands):
    factories.make_check_in(old_hands.mia.user, old_hands.alice, held_on=day(-14))
    factories.make_check_in(old_hands.mia.user, old_hands.bob, held_on=day(-15))

    table_ = rows(old_hands.mia.user)

    assert table_["Alice Engineer"].one_on_one.state == team.DUE
    assert table_["Bob Peer"].one_on_one.state == team.OVERDUE
    assert table_["Bob Peer"].one_on_one.value == "15 days · rule 14"


def test_mentoring_keeps_the_mentorships_own_cadence(old_hands):
    old_hands.max_mentors_alice.cadence_days = 30
    old_hands.max_mentors_alice.save()
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-30),
    )

    row = alice(old_hands)

    assert row.days_since_mentoring == 30
    assert row.mentoring.state == team.DUE
    assert row.mentoring.value == "30 days · every 30"
    assert "the mentorship's cadence is every 30 days" in row.mentoring.title


def test_mentoring_a_day_past_its_cadence_is_overdue(old_hands):
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-15),
    )

    assert alice(old_hands).mentoring.state == team.OVERDUE


def test_mentoring_without_a_check_in_counts_from_the_start(old_hands):
    old_hands.max_mentors_alice.started_on = day(-10)
    old_hands.max_mentors_alice.save()

    mentoring = alice(old_hands).mentoring

    assert (mentoring.state, mentoring.value) == (team.OK, "never")
    assert "the mentorship started 10 days ago" in mentoring.title


def test_of_several_mentorships_the_one_furthest_behind_counts(old_hands):
    second = factories.make_mentorship(
        old_hands.cora, old_hands.alice, started_on=day(-100), cadence_days=7
    )
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-2),
    )
    factories.make_check_in(
        old_hands.cora.user, old_hands.alice, mentorship=second, held_on=day(-9)
    )

    row = alice(old_hands)

    assert row.mentoring.value == "9 days · every 7"
    assert row.days_since_mentoring == 9
    assert [r.engineer.name for r in table(old_hands.mia.user).rows].count(
        "Alice Engineer"
    ) == 1


def test_no_active_mentorship_is_no_mentoring_rule(old_hands):
    # Olivia's mentorship of alice ended long ago; bob has none at all.
    no_mentoring(old_hands)

    table_ = rows(old_hands.mia.user)

    assert table_["Alice Engineer"].mentoring is None
    assert table_["Bob Peer"].mentoring is None
    assert table_["Bob Peer"].days_since_mentoring is None


def test_each_goal_at_risk_counts(old_hands):
    factories.make_goal(old_hands.alice, target_date=day(-1))
    factories.make_goal(old_hands.alice, target_date=day(-3))

    goals = alice(old_hands).goals

    assert (goals.state, goals.value, goals.word) == (team.AT_RISK, "2", "at risk")
    assert goals.summary == "2 goals at risk"
    assert goals.score == 2.0


# --- the attention score and the order --------------------------------------------


def no_mentoring(cast):
    """End the cast's one active mentorship of a direct report (max → alice)."""
    cast.max_mentors_alice.ended_on = day(-1)
    cast.max_mentors_alice.save()


def fine(cast, engineer):
    """Everything about ``engineer`` within its rule."""
    factories.make_note(cast.mia.user, engineer, created_at=ago(1))
    factories.make_note(
        cast.mia.user, engineer, created_at=ago(1), kind="interpersonal"
    )
    factories.make_check_in(cast.mia.user, engineer, held_on=day(-1))


def test_the_score_adds_up_the_rules_reached(old_hands):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(28))
    factories.make_check_in(old_hands.mia.user, old_hands.alice, held_on=day(-21))
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-1),
    )
    factories.make_goal(old_hands.alice, target_date=day(-1))

    row = alice(old_hands)

    # feedback 28/14 + the gap 1 + 1:1 21/14 + a goal 1; mentoring is kept.
    assert row.attention == pytest.approx(2 + 1 + 1.5 + 1)
    assert row.most_urgent is row.feedback
    assert [cell.summary for cell in row.reached] == [
        "Feedback from you 28 days · rule 14 · overdue",
        "1:1 21 days · rule 14 · overdue",
        "Interpersonal gap · rule 60",
        "1 goal at risk",
    ]


def test_someone_within_every_rule_scores_nothing(old_hands):
    fine(old_hands, old_hands.alice)
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-1),
    )

    row = alice(old_hands)

    assert row.attention == 0
    assert row.most_urgent is None


def test_a_rule_adds_at_most_three_spans(old_hands):
    fine(old_hands, old_hands.bob)
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(300))

    row = alice(old_hands)

    assert row.feedback.score == team.MOST_SPANS == 3.0
    assert "286 days overdue" in row.feedback.title


def test_who_needs_attention_most_comes_first(old_hands):
    carla = started(factories.make_engineer("Carla Calm", manager=old_hands.mia))
    fine(old_hands, carla)
    fine(old_hands, old_hands.bob)
    factories.make_goal(old_hands.bob, target_date=day(-1))  # 1
    fine(old_hands, old_hands.alice)
    factories.make_goal(old_hands.alice, target_date=day(-1))
    factories.make_goal(old_hands.alice, target_date=day(-2))  # 2
    no_mentoring(old_hands)

    names = [row.engineer.name for row in table(old_hands.mia.user).rows]
    ascending = table(old_hands.mia.user, sort="attention", direction="asc")

    assert names == ["Alice Engineer", "Bob Peer", "Carla Calm"]
    assert [row.engineer.name for row in ascending.rows] == names[::-1]


def test_equal_scores_go_by_name(old_hands):
    started(factories.make_engineer("Aaron Also", manager=old_hands.mia), 1)
    no_mentoring(old_hands)

    names = [row.engineer.name for row in table(old_hands.mia.user).rows]

    # Alice and Bob break the same rules by as much; Aaron breaks none.
    assert names == ["Alice Engineer", "Bob Peer", "Aaron Also"]


def test_the_mentoring_column_sorts_by_how_far_behind_and_none_last(old_hands):
    carla = started(factories.make_engineer("Carla Calm", manager=old_hands.mia))
    factories.make_mentorship(
        old_hands.max, carla, started_on=day(-20), cadence_days=10
    )
    factories.make_check_in(
        old_hands.max.user,
        old_hands.alice,
        mentorship=old_hands.max_mentors_alice,
        held_on=day(-7),
    )

    def names(direction):
        result = table(old_hands.mia.user, sort="mentoring", direction=direction)
        return [row.engineer.name for row in result.rows]

    # Carla: 20 days of 10 (2.0); Alice 7 of 14 (0.5); Bob has no mentorship.
    assert names("asc") == ["Alice Engineer", "Carla Calm", "Bob Peer"]
    assert names("desc") == ["Carla Calm", "Alice Engineer", "Bob Peer"]


# --- the page ------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_page_sorts_by_attention_by_default(client, old_hands, frozen):
    fine(old_hands, old_hands.alice)
    client.force_login(old_hands.mia.user)

    response = client.get(TEAM)

    assert [row.engineer.name for row in response.context["rows"]] == [
        "Bob Peer",
        "Alice Engineer",
    ]
    header = next(
        h for h in response.context["headers"] if h["column"].key == "attention"
    )
    assert header["aria_sort"] == "descending"
    assert "sort=attention&dir=asc" in header["url"]
    assert "who needs attention most first" in response.content.decode()


def test_a_column_picked_sorts_in_its_first_direction(client, old_hands, frozen):
    client.force_login(old_hands.mia.user)

    response = client.get(TEAM, {"sort": "name"})

    assert [row.engineer.name for row in response.context["rows"]] == [
        "Alice Engineer",
        "Bob Peer",
    ]
    attention = next(
        h for h in response.context["headers"] if h["column"].key == "attention"
    )
    assert "dir=desc" in attention["url"]  # most attention first, on first click


def test_a_cell_says_its_rule_and_state_in_text_and_title(client, old_hands, frozen):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(31))
    client.force_login(old_hands.mia.user)

    body = client.get(TEAM).content.decode()

    assert (
        'table-danger team-judged" title="Feedback from you: the last 31 days ago; '
        'the feedback rule is every 14 days: 17 days overdue.">'
        '<span class="team-value">31 days · rule 14</span> '
        '<span class="team-word">overdue</span></td>'
    ) in body
    assert '<span class="team-rule">rule 14 days</span>' in body


def test_a_cell_due_today_is_amber_and_says_so(client, old_hands, frozen):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(14))
    client.force_login(old_hands.mia.user)

    body = client.get(TEAM).content.decode()

    assert (
        'table-warning team-judged" title="Feedback from you: the last 14 days ago; '
        'the feedback rule is every 14 days: due today.">'
        '<span class="team-value">14 days · rule 14</span> '
        '<span class="team-word">due today</span></td>'
    ) in body


def test_the_summary_names_the_most_urgent_rule_first(client, old_hands, frozen):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(15))
    factories.make_check_in(old_hands.mia.user, old_hands.alice, held_on=day(-20))
    no_mentoring(old_hands)
    client.force_login(old_hands.mia.user)

    body = client.get(TEAM).content.decode()

    assert (
        '<span class="team-value">1:1 20 days · rule 14 · overdue</span>'
        '<span class="team-also">Also: Feedback from you 15 days · rule 14 · overdue; '
        "Interpersonal gap · rule 60</span>"
    ) in body


def test_someone_within_every_rule_says_so(client, old_hands, frozen):
    fine(old_hands, old_hands.bob)
    client.force_login(old_hands.mia.user)

    body = client.get(TEAM).content.decode()

    assert 'title="Attention score 0">Within every rule</td>' in body


def test_names_of_direct_reports_are_links_and_others_not(client, old_hands, frozen):
    client.force_login(old_hands.skip.user)

    body = client.get(TEAM, {"indirect": "1"}).content.decode()

    mia = reverse("engineer-dashboard", args=[old_hands.mia.pk])
    assert f'<th scope="row"><a href="{mia}">Mia Manager</a></th>' in body
    assert '<th scope="row">Alice Engineer<div class="small' in body


def test_the_filters_own_request_gets_the_results_alone(client, old_hands, frozen):
    old_hands.bob.team = old_hands.data
    old_hands.bob.save()
    client.force_login(old_hands.mia.user)

    response = client.get(
        TEAM, {"team": old_hands.data.pk}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="team-results"')
    assert "<html" not in body
    assert "Bob Peer" in body and "Alice Engineer" not in body
    assert '<div id="team-status" hx-swap-oob="innerHTML">' in body
    assert "Showing 1 person." in body
    assert "HX-Request" in response["Vary"]


def test_with_scripts_the_filter_applies_on_change(client, old_hands, frozen):
    client.force_login(old_hands.mia.user)

    body = client.get(TEAM).content.decode()

    assert 'hx-trigger="change"' in body
    assert 'hx-target="#team-results"' in body
    assert "data-team-show>Show</button>" in body  # without scripts, still there
    assert 'hx-history="false"' in body  # no copy of the page in localStorage
    assert "/static/team-filters.js" in body
    assert "/static/team.css" in body


def test_a_history_restore_gets_the_whole_page(client, old_hands, frozen):
    client.force_login(old_hands.mia.user)

    response = client.get(
        TEAM,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_the_export_carries_the_score_and_the_most_urgent(client, old_hands, frozen):
    factories.make_note(old_hands.mia.user, old_hands.alice, created_at=ago(21))
    fine(old_hands, old_hands.bob)
    no_mentoring(old_hands)
    client.force_login(old_hands.mia.user)

    response = client.get(EXPORT, {"sort": "name"})

    header, *lines = csv.reader(io.StringIO(response.content.decode()))
    by_name = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    alice_line = by_name["Alice Engineer"]
    assert alice_line["Most urgent"] == "1:1 never · rule 14 · overdue"
    assert alice_line["Attention score"] == "5.5"  # 1:1 3 + feedback 1.5 + gap 1
    assert by_name["Bob Peer"]["Attention score"] == "0.0"
    assert by_name["Bob Peer"]["Most urgent"] == ""


# --- queries ------------------------------------------------------------------


def build_reports(manager, count: int) -> None:
    """``count`` reports with notes, goals, 1:1s, two mentorships each with
    check-ins, and a report of their own."""
    mentors = [factories.make_engineer(f"Mentor {n}") for n in range(2)]
    for n in range(count):
        report = factories.make_engineer(f"Report {n:02}", manager=manager)
        started(report)
        factories.make_engineer(f"Indirect {n:02}", manager=report)
        factories.make_note(manager.user, report, created_at=ago(n + 1))
        factories.make_note(
            manager.user, report, created_at=ago(n + 2), kind="interpersonal"
        )
        goal = factories.make_goal(report, target_date=day(4))
        Goal.objects.filter(pk=goal.pk).update(updated_at=ago(30))
        factories.make_check_in(manager.user, report, held_on=day(-n))
        for mentor in mentors:
            mentorship = factories.make_mentorship(mentor, report, cadence_days=7)
            factories.make_check_in(
                mentor.user, report, mentorship=mentorship, held_on=day(-n)
            )


def count_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"indirect": "1", "sort": "mentoring", "dir": "desc"},
        {"sort": "attention", "dir": "asc"},
    ],
)
@pytest.mark.parametrize("url", [TEAM, EXPORT])
def test_judging_adds_no_query_however_large_the_team(client, frozen, url, data):
    small = factories.make_engineer("Small Manager")
    large = factories.make_engineer("Large Manager")
    build_reports(small, 2)
    build_reports(large, 12)

    client.force_login(small.user)
    few = count_queries(client, url, data)
    client.force_login(large.user)
    many = count_queries(client, url, data)

    assert few == many
    # session, user, access, team choices, the people, their notes, and the
    # leadership of the senior reports.
    assert many <= 7
