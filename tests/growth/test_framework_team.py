"""The manager's view of the career framework: direct reports against the
competencies of their level; indirect reports and coached mentors as counts.

The cast (tests/conftest.py): skip manages mia, max, cora and olivia; mia
manages alice and bob; max mentors alice; cora coaches max.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    AssessmentRole,
    Competency,
    Engineer,
    Expectation,
    Level,
    ReadinessStatus,
    Track,
    Visibility,
)
from growth.policy import access_of
from growth.selectors.framework_team import NOT_ASSESSED, team_framework
from tests import factories
from tests.framework_support import make_assessment, make_readiness
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db

URL = "/team/framework/"
DAY = datetime.timedelta(days=1)


def competency(key: str) -> Competency:
    return Competency.objects.get(key=key)


def row_of(table, engineer):
    return next(row for row in table.rows if row.engineer == engineer)


def words(response) -> str:
    return " ".join(response.content.decode().split())


def cells(row) -> dict[str, str]:
    return {cell.competency.key: cell.rating for cell in row.cells}


def test_the_url_is_the_agreed_one():
    assert reverse("team-framework") == URL


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_someone_who_manages_no_one_gets_a_404(client, cast, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(URL).status_code == 404


def test_the_team_page_links_to_it(client, cast):
    client.force_login(cast.mia.user)
    assert URL in client.get(reverse("team-dashboard")).content.decode()


def test_a_cell_is_the_latest_shared_manager_rating(cast):
    now = timezone.now()
    make_assessment(
        cast.alice,
        shared_at=now - 30 * DAY,
        ratings={"code-quality": "below", "system-design": "meets"},
    )
    make_assessment(cast.alice, shared_at=now - DAY, ratings={"code-quality": "meets"})
    # Mia's draft and alice's own view do not fill the manager's cells.
    make_assessment(cast.alice, ratings={"code-quality": "exceeds"})
    make_assessment(
        cast.alice,
        role=AssessmentRole.SELF,
        shared_at=now,
        ratings={"system-design": "exceeds"},
    )
    row = row_of(team_framework(access_of(cast.mia.user), now=now), cast.alice)
    assert cells(row)["code-quality"] == "meets"
    assert cells(row)["system-design"] == NOT_ASSESSED
    assert row.last_manager_at == now - DAY
    assert row.last_self_at == now


def test_after_a_promotion_only_an_assessment_against_the_new_level_fills_cells(
    cast,
):
    now = timezone.now()
    make_assessment(
        cast.alice, shared_at=now - 30 * DAY, ratings={"code-quality": "exceeds"}
    )
    Engineer.objects.filter(pk=cast.alice.pk).update(level=factories.level("senior"))
    alice = Engineer.objects.get(pk=cast.alice.pk)
    row = row_of(team_framework(access_of(cast.mia.user), now=now), alice)
    assert "code-quality" in cells(row)
    assert set(cells(row).values()) == {NOT_ASSESSED}
    assert row.last_manager_at == now - 30 * DAY  # when, against whatever level
    make_assessment(alice, shared_at=now - DAY, ratings={"code-quality": "meets"})
    row = row_of(team_framework(access_of(cast.mia.user), now=now), alice)
    assert cells(row)["code-quality"] == "meets"
    assert row.last_manager_at == now - DAY


def test_an_unshared_assessment_leaves_the_report_not_assessed(cast):
    make_assessment(cast.alice, ratings={"code-quality": "meets"})
    now = timezone.now()
    row = row_of(team_framework(access_of(cast.mia.user), now=now), cast.alice)
    assert set(cells(row).values()) == {NOT_ASSESSED}
    assert row.last_manager_at is None


def test_evidence_is_shared_feedback_on_the_competency_within_six_months(cast):
    now = timezone.now()
    quality, design, testing = (
        competency("code-quality"),
        competency("system-design"),
        competency("testing-validation"),
    )
    factories.make_note(
        cast.max.user, cast.alice, competency=quality, created_at=now - 100 * DAY
    )
    factories.make_note(
        cast.mia.user, cast.alice, competency=design, created_at=now - 200 * DAY
    )
    factories.make_note(
        cast.mia.user,
        cast.alice,
        competency=testing,
        visibility=Visibility.MANAGER,
        created_at=now - DAY,
    )
    row = row_of(team_framework(access_of(cast.mia.user), now=now), cast.alice)
    missing = {cell.competency.key for cell in row.cells if cell.evidence_missing}
    assert quality.key not in missing
    assert {design.key, testing.key} <= missing


def test_a_level_with_expectations_shows_only_its_competencies(cast):
    quality = competency("code-quality")
    Expectation.objects.filter(level=cast.alice.level).delete()
    Expectation.objects.create(
        competency=quality, level=cast.alice.level, statement="Ships tested code."
    )
    now = timezone.now()
    table = team_framework(access_of(cast.mia.user), now=now)
    assert list(cells(row_of(table, cast.alice))) == ["code-quality"]
    # Bob is at the same level.
    assert list(cells(row_of(table, cast.bob))) == ["code-quality"]


def test_a_level_without_expectations_shows_none_as_the_engineers_page_does(
    client, cast
):
    track = Track.objects.create(key="ml", name="ML engineering")
    level = Level.objects.create(track=track, key="ml-1", name="ML I", rank=1)
    Engineer.objects.filter(pk=cast.alice.pk).update(level=level)
    table = team_framework(access_of(cast.mia.user), now=timezone.now())
    assert cells(row_of(table, cast.alice)) == {}
    client.force_login(cast.mia.user)
    assert "no expectations are written for ML I yet" in words(client.get(URL))
    client.force_login(cast.alice.user)
    page = words(client.get(reverse("my-framework")))
    assert "No expectations are written for ML I yet" in page


def test_a_retired_competency_is_not_shown(cast):
    Competency.objects.filter(key="code-quality").update(is_active=False)
    row = row_of(
        team_framework(access_of(cast.mia.user), now=timezone.now()), cast.alice
    )
    assert "code-quality" not in cells(row)


def test_readiness_is_the_managers_own_for_the_next_level(client, cast):
    make_readiness(cast.alice, status=ReadinessStatus.READY)
    make_readiness(cast.bob, status=ReadinessStatus.GETTING_THERE, shared_at=None)
    table = team_framework(access_of(cast.mia.user), now=timezone.now())
    assert [row.engineer for row in table.ready] == [cast.alice]
    assert row_of(table, cast.bob).readiness.status == ReadinessStatus.GETTING_THERE
    client.force_login(cast.mia.user)
    page = client.get(URL).content.decode()
    assert f"ready for {cast.alice.level.next_level().name}" in " ".join(page.split())
    assert "(your draft, not shared yet)" in page


def test_the_page_links_each_report_to_their_framework_page(client, cast):
    client.force_login(cast.mia.user)
    page = client.get(URL).content.decode()
    assert reverse("engineer-framework", args=[cast.alice.pk]) in page
    assert f'#competency-{competency("code-quality").key}"' in page


def test_a_competency_link_lands_on_its_card_of_the_engineers_page(client, cast):
    client.force_login(cast.mia.user)
    page = client.get(URL).content.decode()
    target = reverse("engineer-framework", args=[cast.alice.pk])
    anchor = re.search(rf'href="{target}#([\w-]+)"', page).group(1)
    card = client.get(target).content.decode()
    assert f'id="{anchor}"' in card


def test_it_never_shows_a_comment_or_a_readiness_summary(client, cast):
    make_assessment(
        cast.alice,
        shared_at=timezone.now(),
        ratings={"code-quality": ("meets", "comment-that-stays-on-her-page")},
    )
    make_readiness(cast.alice, summary="summary-that-stays-on-her-page")
    client.force_login(cast.mia.user)
    page = client.get(URL).content.decode()
    assert "Meets" in page
    assert "comment-that-stays" not in page
    assert "summary-that-stays" not in page


def test_indirect_reports_are_counts_only(client, cast):
    now = timezone.now()
    make_assessment(cast.alice, shared_at=now - DAY, ratings={"code-quality": "meets"})
    make_assessment(cast.bob, role=AssessmentRole.SELF, shared_at=now - 200 * DAY)
    table = team_framework(access_of(cast.skip.user), now=now)
    assert {row.engineer for row in table.rows} == {
        cast.mia,
        cast.max,
        cast.cora,
        cast.olivia,
    }
    assert (
        table.indirect.people,
        table.indirect.manager_assessed,
        table.indirect.self_assessed,
    ) == (2, 1, 0)
    client.force_login(cast.skip.user)
    page = words(client.get(URL))
    assert "2 people report to your reports" in page
    assert "Alice Engineer" not in page


def test_a_manager_of_no_managers_sees_no_indirect_section(cast):
    assert team_framework(access_of(cast.mia.user), now=timezone.now()).indirect is None


def test_the_coach_sees_how_many_coached_mentors_have_a_recent_assessment(client, cast):
    now = timezone.now()
    client.force_login(cast.cora.user)
    page = words(client.get(reverse("coaching")))
    assert "0 of the 1 mentor you coach have a career-framework assessment" in page
    make_assessment(
        cast.max,
        role=AssessmentRole.SELF,
        shared_at=now - DAY,
        ratings={"code-quality": ("exceeds", "max-comment-for-skip")},
    )
    page = words(client.get(reverse("coaching")))
    assert "1 of the 1 mentor you coach has a career-framework assessment" in page
    assert "max-comment-for-skip" not in page
    assert "Exceeds" not in page


def test_the_query_count_is_constant_as_reports_and_assessments_grow(client, cast):
    client.force_login(cast.mia.user)
    now = timezone.now()
    make_assessment(cast.alice, shared_at=now, ratings={"code-quality": "meets"})
    few = fresh_queries(client, URL)
    keys = list(Competency.objects.filter(is_active=True).values_list("key", flat=True))
    for n in range(6):
        report = factories.make_engineer(
            f"Report {n}", team=cast.platform, manager=cast.mia, level="senior"
        )
        make_assessment(
            report, shared_at=now - n * DAY, ratings=dict.fromkeys(keys, "meets")
        )
        make_assessment(report, role=AssessmentRole.SELF, shared_at=now)
        make_readiness(report, status=ReadinessStatus.READY)
        for key in keys[:3]:
            factories.make_note(cast.mia.user, report, competency=competency(key))
    assert fresh_queries(client, URL) == few
