"""The career framework in the subject-access export, the engineer's own
export, and erasure: assessments (both roles, ratings, comments, evidence
ids), readiness and level history go with the person; what they wrote about
others stays, unsigned."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from growth import privacy
from growth.exports import export_build, export_csv, export_json
from growth.models import (
    Assessment,
    AssessmentRole,
    Engineer,
    Readiness,
    ReadinessStatus,
    Visibility,
)
from tests import factories
from tests.framework_support import make_assessment, make_readiness

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def zed(cast):
    """Zed reports to mia, was promoted once and manages rory."""
    zed = factories.make_engineer(
        "Zed Leaver", team=cast.platform, manager=cast.mia, level="mid"
    )
    zed.level = factories.level("senior")
    zed.level_since = datetime.date(2026, 6, 1)
    zed.save(update_fields=["level", "level_since"])
    rory = factories.make_engineer("Rory Report", team=cast.platform, manager=zed)
    note = factories.make_note(cast.mia.user, zed)
    own = make_assessment(
        zed,
        role=AssessmentRole.SELF,
        shared_at=NOW - DAY,
        ratings={"code-quality": ("meets", "zed-self-comment")},
    )
    own.ratings.get().evidence_notes.add(note)
    make_assessment(zed, ratings={"system-design": ("below", "mia-draft-about-zed")})
    make_readiness(zed, status=ReadinessStatus.GETTING_THERE, summary="zed-readiness")
    written = make_assessment(
        rory,
        shared_at=NOW,
        ratings={"code-quality": ("exceeds", "zed-about-rory")},
    )
    make_readiness(rory, summary="zed-readiness-about-rory")
    return {"zed": zed, "rory": rory, "note": note, "own": own, "written": written}


def test_the_subject_access_export_holds_every_assessment_about_them(cast, zed):
    data = privacy.subject_access_export(user=zed["zed"].user, by=cast.staff, now=NOW)
    about = {a["role"]: a for a in data["assessments_about_them"]}
    assert set(about) == {"self", "manager"}  # the manager's draft too
    rating = about["self"]["ratings"][0]
    assert rating["comment"] == "zed-self-comment"
    assert rating["evidence_note_ids"] == [zed["note"].pk]
    assert about["manager"]["ratings"][0]["comment"] == "mia-draft-about-zed"
    assert [r["summary"] for r in data["readiness_about_them"]] == ["zed-readiness"]
    assert [a["id"] for a in data["assessments_they_wrote"]] == [zed["written"].pk]
    assert [r["summary"] for r in data["readiness_they_wrote"]] == [
        "zed-readiness-about-rory"
    ]
    levels = [(row["level"], row["since"]) for row in data["level_history"]]
    senior, mid = factories.level("senior"), factories.level("mid")
    assert levels[-1] == (str(senior), datetime.date(2026, 6, 1))
    assert levels[0][0] == str(mid)
    assert json.dumps(data, default=str)


def test_the_subject_access_export_costs_the_same_queries_however_many(cast, zed):
    def count():
        with CaptureQueriesContext(connection) as queries:
            privacy.subject_access_export(user=zed["zed"].user, by=cast.staff, now=NOW)
        return len(queries)

    count()
    small = count()
    for _ in range(5):
        assessment = make_assessment(
            zed["zed"],
            role=AssessmentRole.SELF,
            shared_at=NOW,
            ratings={"testing-validation": "meets", "code-quality": "below"},
        )
        assessment.ratings.first().evidence_notes.add(zed["note"])
    assert count() == small


def test_their_own_export_holds_what_they_read_of_it(cast, zed):
    zed_ = zed["zed"]
    data = export_build(user=zed_.user, engineer=zed_, now=NOW)
    # Their own self-assessment; the manager's draft is mia's until shared.
    assert [a["role"] for a in data["assessments"]] == ["self"]
    assert data["readiness"] == []  # not shared yet
    Readiness.objects.filter(engineer=zed_).update(shared_at=NOW)
    data = export_build(user=zed_.user, engineer=zed_, now=NOW)
    assert [r["summary"] for r in data["readiness"]] == ["zed-readiness"]
    assert data["level_history"][-1]["since"] == datetime.date(2026, 6, 1)
    csv_text = export_csv(data)
    assert "assessment_rating" in csv_text and "zed-self-comment" in csv_text
    assert "mia-draft-about-zed" not in export_json(data) + csv_text


def test_their_own_export_names_only_the_evidence_they_may_read(cast, zed):
    zed_ = zed["zed"]
    hidden = factories.make_note(cast.mia.user, zed_, visibility=Visibility.MANAGER)
    goal = factories.make_goal(zed_)
    theirs = factories.make_learning(zed_.user, attendees=[zed_])
    elsewhere = factories.make_learning(cast.mia.user, attendees=[cast.bob])
    shared = make_assessment(zed_, shared_at=NOW, ratings={"code-quality": "meets"})
    rating = shared.ratings.get()
    rating.evidence_notes.set([zed["note"], hidden])
    rating.evidence_goals.set([goal])
    rating.evidence_learning.set([theirs, elsewhere])
    data = export_build(user=zed_.user, engineer=zed_, now=NOW)
    (cited,) = next(a for a in data["assessments"] if a["id"] == shared.pk)["ratings"]
    assert cited["evidence_note_ids"] == [zed["note"].pk]
    assert cited["evidence_goal_ids"] == [goal.pk]
    assert cited["evidence_learning_ids"] == [theirs.pk]
    # Staff's subject-access export holds all of it: it is about them.
    data = privacy.subject_access_export(user=zed_.user, by=cast.staff, now=NOW)
    (cited,) = next(a for a in data["assessments_about_them"] if a["id"] == shared.pk)[
        "ratings"
    ]
    assert cited["evidence_note_ids"] == sorted([zed["note"].pk, hidden.pk])
    assert cited["evidence_learning_ids"] == sorted([theirs.pk, elsewhere.pk])


def test_erasure_removes_what_is_about_them_and_keeps_what_they_wrote(cast, zed):
    zed_ = zed["zed"]
    Engineer.objects.filter(pk=zed_.pk).update(is_active=False)
    zed_.refresh_from_db()
    user = zed_.user
    privacy.erase_person(user=user, by=cast.staff)
    assert not Assessment.objects.filter(engineer_id=zed_.pk).exists()
    assert not Readiness.objects.filter(engineer_id=zed_.pk).exists()
    assert not Readiness.history.filter(engineer_id=zed_.pk).exists()
    assert not Engineer.history.filter(id=zed_.pk).exists()  # level history
    written = Assessment.objects.get(pk=zed["written"].pk)
    assert written.author is None
    assert written.ratings.get().comment == "zed-about-rory"
    kept = Readiness.objects.get(engineer=zed["rory"])
    assert kept.author is None
    assert not Readiness.history.filter(author_id=user.pk).exists()
    assert not Readiness.history.filter(history_user_id=user.pk).exists()


def test_the_erasure_page_counts_the_assessments_and_readiness(client, cast, zed):
    """Zed's own self-assessment, mia's draft about him and his readiness go;
    the assessment and readiness he wrote about rory stay, unsigned."""
    plan = privacy.erasure_plan(zed["zed"].user)
    assert (plan.assessments_about, plan.readiness_about) == (2, 1)
    assert (plan.assessments_written, plan.readiness_written) == (1, 1)
    client.force_login(cast.staff)
    url = reverse("admin:growth_engineer_erase", args=[zed["zed"].pk])
    page = " ".join(client.get(url).content.decode().split())
    removed, kept = page.split("<h2>Kept</h2>")
    assert (
        "2 assessments of them, self and manager, drafts included, with their "
        "ratings, and 1 readiness summary about them"
    ) in removed
    assert (
        "1 assessment and 1 readiness summary they wrote about others, "
        "with no author named"
    ) in kept
    assert Assessment.objects.count() == 3 and Readiness.objects.count() == 2


def test_what_a_manager_wrote_about_reports_counts_as_kept(cast, zed):
    """Mia wrote the draft and the readiness about zed; nothing is about her."""
    plan = privacy.erasure_plan(cast.mia.user)
    assert (plan.assessments_about, plan.readiness_about) == (0, 0)
    assert (plan.assessments_written, plan.readiness_written) == (1, 1)
