"""The organisation insight page: every figure against a hand-built
organisation, the group-size rule, who sees which teams, the CSV, the cost.

    Hana (head) ── manages ──> Mona ── manages ──> a1 … a5     team Alpha (6)
                └─ manages ──> Nils ── manages ──> b1 … b4     team Beta  (5)
                                    └─ manages ──> g1 … g3     team Gamma (3)
    Otto sits in Alpha outside Hana's organisation; staff see him, Hana does not.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from growth.models import LearningKind, SprintCadence, Visibility
from growth.selectors import insight
from growth.services.insight import insight_counts_refresh
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)
OLD = datetime.date(2024, 1, 1)
FRI_23 = datetime.date(2026, 10, 23)
FRI_6, FRI_20 = datetime.date(2026, 11, 6), datetime.date(2026, 11, 20)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


class Org:
    pass


@pytest.fixture
def org(db) -> Org:
    o = Org()
    o.alpha = factories.make_team("Alpha")
    o.beta = factories.make_team("Beta")
    o.gamma = factories.make_team("Gamma")
    lead = factories.make_team("Leadership")
    e = factories.make_engineer
    o.head = e("Hana Head", team=lead, level="principal", start_date=OLD)
    o.mona = e(
        "Mona Manager", team=o.alpha, manager=o.head, level="senior", start_date=OLD
    )
    o.nils = e("Nils Manager", team=o.beta, manager=o.head, start_date=OLD)
    o.a = [
        e(f"Alpha {i}", team=o.alpha, manager=o.mona, start_date=OLD)
        for i in range(1, 5)
    ]
    # A newcomer: started within six months of the sessions below.
    o.a.append(
        e("Alpha 5", team=o.alpha, manager=o.mona, start_date=datetime.date(2026, 9, 1))
    )
    o.b = [
        e(f"Beta {i}", team=o.beta, manager=o.nils, start_date=OLD) for i in range(1, 5)
    ]
    o.b[0].level = factories.level("senior")
    o.b[0].save()
    o.g = [
        e(f"Gamma {i}", team=o.gamma, manager=o.nils, start_date=OLD)
        for i in range(1, 4)
    ]
    o.otto = e("Otto Outside", team=o.alpha, start_date=OLD)
    a1, a2, a3, a4, a5 = o.a
    note = factories.make_note
    mona, b1 = o.mona.user, o.b[0].user
    # Alpha in November: three technical, one interpersonal, all shared.
    note(
        mona,
        a1,
        created_at=at("2026-11-05"),
        acknowledged_at=at("2026-11-05", 20),
        actionable=True,
    )
    note(
        mona,
        a2,
        kind="interpersonal",
        created_at=at("2026-11-06"),
        acknowledged_at=at("2026-11-08", 9),
        actionable=False,
    )
    note(b1, a3, created_at=at("2026-11-10"))  # by someone of Beta: cross-team
    note(
        mona,
        a4,
        created_at=at("2026-11-12"),
        acknowledged_at=at("2026-11-20", 9),
        actionable=True,
    )
    # Never counted: manager-only, to self, deleted.
    note(mona, a1, visibility=Visibility.MANAGER, created_at=at("2026-11-07"))
    note(mona, a1, visibility=Visibility.SELF, created_at=at("2026-11-07"))
    note(mona, a2, created_at=at("2026-11-07"), deleted_at=NOW)
    # October: a5 only.
    note(mona, a5, created_at=at("2026-10-15"))
    # Beta in November: one interpersonal note, neither read nor rated.
    note(o.nils.user, o.b[1], kind="interpersonal", created_at=at("2026-11-03"))
    # Gamma (too few) and Otto (outside Hana's organisation).
    note(o.nils.user, o.g[0], created_at=at("2026-11-03"))
    note(mona, o.otto, created_at=at("2026-11-04"))
    # Mentoring: b1 mentors a1 (kept), Mona mentors a2 (past due).
    kept = factories.make_mentorship(o.b[0], a1, started_on=datetime.date(2026, 9, 1))
    factories.make_check_in(
        b1, a1, mentorship=kept, held_on=datetime.date(2026, 11, 10)
    )
    late = factories.make_mentorship(o.mona, a2, started_on=datetime.date(2026, 6, 1))
    factories.make_check_in(
        mona, a2, mentorship=late, held_on=datetime.date(2026, 10, 1)
    )
    # Learning: 4 + 2 hours of courses, and sessions.
    factories.make_learning(
        a1.user, attendees=[a1], hours=4, date=datetime.date(2026, 11, 3)
    )
    factories.make_learning(
        a2.user, attendees=[a2], hours=2, date=datetime.date(2026, 11, 4)
    )
    session = LearningKind.LEARNING_SESSION
    factories.make_learning(
        mona,
        kind=session,
        led_by=o.mona,
        attendees=[a1, a5],
        hours=1.5,
        date=datetime.date(2026, 11, 14),
    )
    factories.make_learning(
        b1,
        kind=session,
        led_by=o.b[0],
        attendees=[o.b[1]],
        hours=1.5,
        date=datetime.date(2026, 11, 15),
    )
    # Led by a mid-level engineer: not a senior's session.
    factories.make_learning(
        a3.user,
        kind=session,
        led_by=a3,
        attendees=[a4],
        hours=1,
        date=datetime.date(2026, 11, 16),
    )
    return o  # fmt: skip


def count() -> int:
    """Count the insight afresh, as beat does every INSIGHT_REFRESH_SECONDS."""
    return insight_counts_refresh(now=NOW)


def build(head_id) -> insight.Insight:
    count()
    return insight.insight_build(head_id, today=NOW.date(), scope="organisation")


def head_scope(org) -> int:
    from growth.policy import org_insight_scope

    scope, head_id = org_insight_scope(org.head.user, org.head.user)
    assert scope == "organisation"
    return head_id


def row_of(data, name):
    return next(row for row in data.teams if row.name == name)


def test_it_computes_every_figure_of_a_team_by_hand(org):
    data = build(head_scope(org))

    november = row_of(data, "Alpha").months[-1]
    assert november.engineers == 6  # Mona and a1…a5, not Otto
    assert november.coverage == 67  # a1, a2, a3, a4 of six
    assert (november.technical, november.interpersonal) == (3, 1)
    assert november.interpersonal_share == 25
    assert (november.actionable, november.rated) == (67, 3)
    # Acknowledged after 10 hours, 47 hours and 8 days: the middle one.
    assert november.median_ack_days == 2
    assert november.cross_team == 25
    assert (november.on_cadence, november.mentorships) == (50, 2)
    # 4 + 2 hours of courses, 1.5 each for a1 and a5 at Mona's session and 1
    # for a4 at a3's: 10 / 6.
    assert november.hours_per_person == Decimal("1.7")
    assert (november.senior_sessions, november.newcomer_sessions) == (1, 1)


def test_it_computes_the_other_team_and_the_earlier_month(org):
    data = build(head_scope(org))

    beta = row_of(data, "Beta").months[-1]
    assert (beta.engineers, beta.coverage) == (5, 20)
    assert (beta.technical, beta.interpersonal, beta.interpersonal_share) == (0, 1, 100)
    assert beta.actionable is None and beta.median_ack_days is None
    assert beta.cross_team == 0 and beta.on_cadence is None
    assert beta.hours_per_person == Decimal("0.3")
    assert (beta.senior_sessions, beta.newcomer_sessions) == (1, 0)
    october = row_of(data, "Alpha").months[-2]
    assert october.coverage == 17  # a5 of six
    assert (october.technical, october.on_cadence, october.mentorships) == (1, 0, 2)
    # In June a5 had not started: five engineers.
    assert row_of(data, "Alpha").months[0].engineers == 5


def test_it_counts_the_learning_days_after_sprints_and_those_held(org):
    # Alpha: two-week sprints from Monday 5 October, the learning day on the
    # first Friday after each ends: 23 October, 6 November, 20 November
    # (today). Someone of Alpha logged 23 October and 6 November; a course on
    # 20 November is not a learning day.
    SprintCadence.objects.create(
        team=org.alpha,
        sprint_weeks=2,
        first_sprint_start=datetime.date(2026, 10, 5),
        learning_weekday=4,
    )
    day = LearningKind.LEARNING_DAY
    a1, a2 = org.a[0], org.a[1]
    factories.make_learning(a1.user, kind=day, attendees=[a1], hours=6, date=FRI_23)
    factories.make_learning(a2.user, kind=day, attendees=[a2], hours=6, date=FRI_23)
    factories.make_learning(a1.user, kind=day, attendees=[a1], hours=5, date=FRI_6)
    factories.make_learning(a1.user, attendees=[a1], hours=2, date=FRI_20)
    # Otto is in Alpha but outside Hana's organisation: his day is not hers.
    factories.make_learning(
        org.otto.user, kind=day, attendees=[org.otto], hours=6, date=FRI_20
    )

    alpha = row_of(build(head_scope(org)), "Alpha")

    november, october = alpha.months[-1], alpha.months[-2]
    assert (november.learning_days, november.learning_days_held) == (2, 1)
    assert (october.learning_days, october.learning_days_held) == (1, 1)
    assert alpha.months[0].learning_days == 0  # June: no sprints yet
    beta = row_of(build(head_scope(org)), "Beta").months[-1]
    assert beta.learning_days == 0  # no sprint rhythm
    assert insight.cells(november)[-1] == "1 of 2"
    assert insight.cells(beta)[-1] == "none scheduled"


def test_a_team_of_fewer_than_five_is_too_few_to_show_and_left_out_of_totals(org):
    data = build(head_scope(org))

    assert all(month is None for month in row_of(data, "Gamma").months)
    total = data.totals[-1]
    assert total.engineers == 11  # Alpha and Beta; Gamma's three never
    assert (total.technical, total.interpersonal) == (3, 2)
    assert total.coverage == 45  # (4 + 1) of 11: Gamma's covered g1 is not in it


def test_a_manager_of_managers_sees_their_organisation_only(org, client):
    # Another head, with an organisation of their own in team Alpha.
    zed = factories.make_engineer("Zed Head", team=org.gamma)
    yan = factories.make_engineer("Yan Manager", team=org.alpha, manager=zed)
    factories.make_engineer("Xia Report", team=org.alpha, manager=yan)
    count()
    client.force_login(org.head.user)

    page = client.get(reverse("org-insight")).content.decode()

    assert "Alpha" in page and "Beta" in page and "Gamma" in page
    assert "Leadership" not in page  # Hana herself is not in her organisation
    data = build(head_scope(org))
    assert {row.name for row in data.teams} == {"Alpha", "Beta", "Gamma"}
    assert row_of(data, "Alpha").months[-1].engineers == 6  # no Otto, Yan or Xia


def test_staff_with_the_permission_see_every_team(org, client):
    staff = factories.make_user("Stef Staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_org_insight"))
    count()
    client.force_login(staff)

    response = client.get(reverse("org-insight"))

    assert response.status_code == 200
    data = response.context["insight"]
    assert data.scope == "all"
    assert row_of(data, "Alpha").months[-1].engineers == 7  # Otto too
    assert row_of(data, "Leadership").months[-1] is None  # Hana alone
    assert b'href="/insight/"' in response.content  # in the navigation


@pytest.mark.parametrize("who", ["mona", "a1", "staff_without", "mentor"])
def test_anyone_else_gets_a_404_and_no_link(org, client, who):
    if who == "staff_without":
        user = factories.make_user("Stan Staff", is_staff=True)
    elif who == "mentor":
        user = org.b[0].user  # b1 mentors a1
    else:
        user = org.mona.user if who == "mona" else org.a[0].user
    count()
    client.force_login(user)

    assert client.get(reverse("org-insight")).status_code == 404
    assert client.get(reverse("org-insight-export")).status_code == 404
    assert b'href="/insight/"' not in client.get(reverse("my-growth")).content


def test_the_head_finds_it_in_the_navigation_and_on_the_team_page(org, client):
    count()
    client.force_login(org.head.user)

    for url in (reverse("my-growth"), reverse("team-dashboard")):
        assert b'href="/insight/"' in client.get(url).content, url


def _table_cells(page: str) -> dict[str, list[str]]:
    table = page[page.index("insight-table") : page.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table):
        head = re.search(r'<th scope="row">(.*?)</th>', row)
        if head:
            rows[head.group(1)] = re.findall(r"<td[^>]*>(.*?)</td>", row)
    return rows


def test_the_csv_holds_the_same_cells_as_the_table(org, client):
    count()
    client.force_login(org.head.user)
    page = client.get(reverse("org-insight"), {"month": "2026-11"}).content.decode()
    response = client.get(reverse("org-insight-export"))

    lines = list(csv.reader(io.StringIO(response.content.decode())))
    november = {line[1]: line[2:] for line in lines[1:] if line[0] == "2026-11"}
    table = _table_cells(page)
    assert november["Alpha"] == table["Alpha"]
    assert november["Beta"] == table["Beta"]
    assert november["All shown teams"] == table["All shown teams"]
    assert november["Gamma"] == ["too few to show"] * len(insight.COLUMNS)
    assert table["Gamma"] == ["Too few to show (fewer than 5 engineers)"]
    assert lines[0][:3] == ["Month", "Team", "Engineers"]
    assert {line[0] for line in lines[1:]} == {
        m.key for m in insight.months_to(NOW.date())
    }


def test_the_month_chooser_shows_another_month(org, client):
    count()
    client.force_login(org.head.user)

    response = client.get(reverse("org-insight"), {"month": "2026-10"})

    assert response.context["month"].key == "2026-10"
    assert "Teams in Oct 2026" in response.content.decode()
    assert (
        client.get(reverse("org-insight"), {"month": "1999-01"}).context["month"].key
        == "2026-11"
    )


def _grow(org, n: int) -> None:
    """Another team of ``n`` under Nils, with notes, mentoring and learning."""
    team = factories.make_team(f"Grown {n}")
    people = [
        factories.make_engineer(f"Grown {n}-{i}", team=team, manager=org.nils)
        for i in range(n)
    ]
    for person in people:
        factories.make_note(org.nils.user, person, created_at=timezone.now())
    mentorship = factories.make_mentorship(org.b[0], people[0])
    factories.make_check_in(org.b[0].user, people[0], mentorship=mentorship)
    factories.make_learning(
        org.b[0].user,
        kind=LearningKind.LEARNING_SESSION,
        led_by=org.b[0],
        attendees=people,
        date=NOW.date(),
    )


@pytest.mark.parametrize("who", ["head", "staff"])
def test_its_queries_stay_the_same_as_the_organisation_grows(
    org, client, django_assert_num_queries, who
):
    if who == "head":
        user = org.head.user
        # Session, user, access; the counts beat made for Hana's organisation.
        expected = csv_expected = 4
    else:
        user = factories.make_user("Stef Staff", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_org_insight"))
        expected = 6  # and the two reads of the staff member's permissions
        csv_expected = 5  # with no navigation, their Access is never read
    count()
    client.force_login(user)
    url = reverse("org-insight")
    with django_assert_num_queries(expected):
        client.get(url)
    _grow(org, 6)
    _grow(org, 12)
    count()
    user.refresh_from_db()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(csv_expected):
        assert client.get(reverse("org-insight-export")).status_code == 200


def test_a_loop_in_the_reporting_lines_ends_the_walk(org):
    from growth.models import Engineer

    # Hana reports to a1, who is in her own organisation.
    Engineer.objects.filter(pk=org.head.pk).update(manager=org.a[0])

    data = build(head_scope(org))

    assert row_of(data, "Alpha").months[-1].engineers == 6
    assert "Leadership" not in {row.name for row in data.teams}  # not Hana herself


def test_no_chart_or_table_is_without_its_numbers(org, client):
    count()
    client.force_login(org.head.user)

    page = client.get(reverse("org-insight")).content.decode()

    for chart in (
        "insight-feedback",
        "insight-shares",
        "insight-learning",
        "insight-sessions",
    ):
        assert f'id="{chart}-table"' in page


def test_the_page_shows_what_was_counted_and_says_when(org, client):
    client.force_login(org.head.user)
    assert "Not counted yet" in client.get(reverse("org-insight")).content.decode()

    count()
    factories.make_note(org.mona.user, org.a[4], created_at=NOW)  # after counting
    response = client.get(reverse("org-insight"))

    assert "Counted 0" in response.content.decode()
    assert row_of(response.context["insight"], "Alpha").months[-1].technical == 3
    count()
    response = client.get(reverse("org-insight"))
    assert row_of(response.context["insight"], "Alpha").months[-1].technical == 4


def test_counting_keeps_a_row_per_organisation_team_and_month(org):
    from growth.models import InsightCount

    kept = count()

    assert kept == InsightCount.objects.count()
    # Everyone (for staff) and Hana's organisation; Mona and Nils manage no
    # managers, so no organisation of theirs is counted.
    assert set(InsightCount.objects.values_list("head", flat=True)) == {
        None,
        org.head.pk,
    }
    hers = InsightCount.objects.filter(head=org.head, team=org.alpha)
    assert hers.count() == 6  # a row for each month: Alpha had people in all
    november = hers.get(month=datetime.date(2026, 11, 1))
    assert (november.engineers, november.technical, november.cross_team) == (6, 3, 1)
    everyone = InsightCount.objects.get(
        head=None, team=org.alpha, month=datetime.date(2026, 11, 1)
    )
    assert (everyone.engineers, everyone.technical) == (7, 4)  # and Otto
    assert count() == kept  # counted afresh, not added
