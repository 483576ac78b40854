"""An engineer's own export: everything they may see about themselves, nothing more."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from growth.models import (
    ActionItem,
    CheckInKind,
    FeedbackComment,
    LearningKind,
    Visibility,
)
from tests import factories
from tests.framework_support import make_assessment

# The frozen clock.
from tests.growth.views.test_dashboard import NOW, frozen  # noqa: F401


@pytest.fixture
def history(cast):
    """A bit of everything about alice, and things that are not hers to take."""
    alice, bob, mia, max_ = cast.alice, cast.bob, cast.mia, cast.max
    made = {
        "shared": factories.make_note(mia.user, alice, suggestion="SHARED-MARKER"),
        "manager-only": factories.make_note(
            mia.user,
            alice,
            visibility=Visibility.MANAGER,
            situation="MANAGER-ONLY-MARKER",
            suggestion="MANAGER-ONLY-MARKER",
        ),
        "mia-self": factories.make_note(
            mia.user, alice, visibility=Visibility.SELF, suggestion="MIA-SELF-MARKER"
        ),
        "given": factories.make_note(
            alice.user, bob, visibility=Visibility.SHARED, suggestion="GIVEN-MARKER"
        ),
        "alice-self": factories.make_note(
            alice.user, bob, visibility=Visibility.SELF, suggestion="ALICE-SELF-MARKER"
        ),
        "bob-only": factories.make_note(mia.user, bob, suggestion="BOB-NOTE-MARKER"),
        "goal": factories.make_goal(alice, title="ALICE-GOAL"),
        "bob-goal": factories.make_goal(bob, title="BOB-GOAL-MARKER"),
        "one-on-one": factories.make_check_in(mia.user, alice, notes="ONE-ON-ONE"),
        "mentoring": factories.make_check_in(
            max_.user,
            alice,
            mentorship=cast.max_mentors_alice,
            kind=CheckInKind.MENTORING,
            notes="MENTORING",
        ),
        "bob-one-on-one": factories.make_check_in(
            mia.user, bob, notes="BOB-CHECK-IN-MARKER"
        ),
        "learning": factories.make_learning(
            alice.user,
            attendees=[alice],
            title="ALICE-COURSE",
            hours=Decimal("7.5"),
        ),
        "bob-learning": factories.make_learning(
            bob.user,
            attendees=[bob],
            title="BOB-LEARNING-MARKER",
            kind=LearningKind.READING,
        ),
        "asked": factories.make_request(alice, mia, message="ASKED-MIA"),
        "was-asked": factories.make_request(bob, alice, message="ASKED-BY-BOB"),
        "bob-asks-mia": factories.make_request(bob, mia, message="BOB-REQUEST-MARKER"),
    }
    factories.make_goal_check_in(made["goal"], max_.user, 30, note="CHECKED-IN")
    ActionItem.objects.create(check_in=made["one-on-one"], description="WRITE-ADR")
    return made


OTHERS_MARKERS = (
    "MANAGER-ONLY-MARKER",
    "MIA-SELF-MARKER",
    "BOB-NOTE-MARKER",
    "BOB-GOAL-MARKER",
    "BOB-CHECK-IN-MARKER",
    "BOB-LEARNING-MARKER",
    "BOB-REQUEST-MARKER",
)


def export(client, cast, fmt, who="alice"):
    user = cast.staff if who == "staff" else getattr(cast, who).user
    client.force_login(user)
    return client.get(f"/me/export.{fmt}")


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- who and how ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    response = client.get("/me/export.json")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_someone_without_a_profile_has_nothing_to_export(client, cast):
    assert export(client, cast, "json", who="staff").status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "xlsx", "JSON", "json.zip"])
def test_only_json_and_csv_are_offered(client, cast, fmt):
    assert export(client, cast, fmt).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("json", "application/json"), ("csv", "text/csv; charset=utf-8")],
)
def test_it_is_a_download_with_a_dated_name(client, cast, fmt, content_type):
    response = export(client, cast, fmt)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="cultivate-alice-engineer-2026-11-25.{fmt}"'
    )
    assert "no-store" in response["Cache-Control"]


def test_the_date_in_the_name_is_the_engineers_own(client, cast):
    cast.alice.user.time_zone = "Pacific/Kiritimati"  # UTC+14: already the 26th
    cast.alice.user.save(update_fields=["time_zone"])
    response = export(client, cast, "json")
    assert "2026-11-26.json" in response["Content-Disposition"]


# --- what is in it -------------------------------------------------------------------


def test_the_json_has_a_key_per_kind(client, cast, history):
    data = export(client, cast, "json").json()
    assert set(data) == {
        "exported_at",
        "profile",
        "feedback_received",
        "feedback_given",
        "goals",
        "check_ins",
        "talking_points",
        "learning",
        "feedback_requests_made",
        "feedback_requests_received",
        "assessments",
        "readiness",
        "level_history",
    }
    assert data["profile"]["name"] == "Alice Engineer"
    assert data["profile"]["manager"] == "Mia Manager"
    assert data["profile"]["team"] == "Platform"


def test_it_holds_feedback_shared_with_the_engineer_and_all_they_gave(
    client, cast, history
):
    data = export(client, cast, "json").json()
    assert [n["id"] for n in data["feedback_received"]] == [history["shared"].pk]
    assert data["feedback_received"][0]["suggestion"] == "SHARED-MARKER"
    assert {n["id"] for n in data["feedback_given"]} == {
        history["given"].pk,
        history["alice-self"].pk,
    }


def test_it_holds_each_notes_conversation(client, cast, history):
    FeedbackComment.objects.create(
        note=history["shared"], author=cast.alice.user, body="COMMENT-MARKER"
    )
    data = export(client, cast, "json").json()
    [comment] = data["feedback_received"][0]["comments"]
    assert (comment["author"], comment["body"]) == ("Alice Engineer", "COMMENT-MARKER")
    rows = list(csv.reader(io.StringIO(export(client, cast, "csv").content.decode())))
    assert any("COMMENT-MARKER" in row for row in rows)


def test_it_never_holds_manager_only_notes_or_anyone_elses_data(client, cast, history):
    for fmt in ("json", "csv"):
        text = export(client, cast, fmt).content.decode()
        for marker in OTHERS_MARKERS:
            assert marker not in text, (fmt, marker)


def test_it_holds_goals_with_their_check_ins(client, cast, history):
    (goal,) = export(client, cast, "json").json()["goals"]
    assert goal["title"] == "ALICE-GOAL"
    assert [(c["author"], c["progress"], c["note"]) for c in goal["check_ins"]] == [
        ("Max Mentor", 30, "CHECKED-IN")
    ]


def test_it_holds_the_check_ins_the_engineer_was_in_with_action_items(
    client, cast, history
):
    check_ins = export(client, cast, "json").json()["check_ins"]
    assert {c["notes"] for c in check_ins} == {"ONE-ON-ONE", "MENTORING"}
    one_on_one = next(c for c in check_ins if c["notes"] == "ONE-ON-ONE")
    assert [i["description"] for i in one_on_one["action_items"]] == ["WRITE-ADR"]


def test_it_holds_learning_attended_and_requests_both_ways(client, cast, history):
    data = export(client, cast, "json").json()
    assert [(a["title"], a["hours"]) for a in data["learning"]] == [
        ("ALICE-COURSE", "7.5")
    ]
    assert [r["message"] for r in data["feedback_requests_made"]] == ["ASKED-MIA"]
    assert [r["message"] for r in data["feedback_requests_received"]] == [
        "ASKED-BY-BOB"
    ]


def test_times_are_in_the_engineers_zone_with_their_offset(client, cast, history):
    cast.alice.user.time_zone = "Europe/Paris"
    cast.alice.user.save(update_fields=["time_zone"])
    data = export(client, cast, "json").json()
    assert data["exported_at"] == "2026-11-25T11:00:00+01:00"


def test_the_csv_has_a_record_type_first_and_a_row_per_record(client, cast, history):
    response = export(client, cast, "csv")
    header = response.content.decode().splitlines()[0].split(",")
    assert header[0] == "record_type"
    kinds = [row["record_type"] for row in rows_of(response)]
    assert kinds.count("profile") == 1
    assert kinds.count("feedback_received") == 1
    assert kinds.count("feedback_given") == 2
    assert kinds.count("goal") == 1
    assert kinds.count("goal_check_in") == 1
    assert kinds.count("check_in") == 2
    assert kinds.count("action_item") == 1
    assert kinds.count("learning") == 1
    assert kinds.count("feedback_request_made") == 1
    assert kinds.count("feedback_request_received") == 1
    check_in = next(r for r in rows_of(response) if r["record_type"] == "goal_check_in")
    assert check_in["goal_id"] == str(history["goal"].pk)
    assert check_in["note"] == "CHECKED-IN"


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"]
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(client, cast, dangerous):
    factories.make_note(cast.mia.user, cast.alice, suggestion=dangerous)
    response = export(client, cast, "csv")
    (row,) = [r for r in rows_of(response) if r["record_type"] == "feedback_received"]
    assert row["suggestion"] == "'" + dangerous
    # The JSON keeps the text as it was written.
    data = export(client, cast, "json").json()
    assert data["feedback_received"][0]["suggestion"] == dangerous


# --- a fixed number of queries -------------------------------------------------------


def grow(cast, n: int) -> None:
    alice, mia = cast.alice, cast.mia
    for i in range(n):
        factories.make_note(mia.user, alice)
        factories.make_note(alice.user, cast.bob, visibility=Visibility.SELF)
        goal = factories.make_goal(alice, title=f"Goal {i}")
        factories.make_goal_check_in(goal, alice.user, i)
        check_in = factories.make_check_in(
            mia.user, alice, held_on=datetime.date(2026, 1, 1) + datetime.timedelta(i)
        )
        ActionItem.objects.create(check_in=check_in, description=f"Item {i}")
        factories.make_learning(alice.user, attendees=[alice])
        factories.make_request(alice, mia)
        factories.make_request(cast.bob, alice)
        make_assessment(
            alice,
            shared_at=timezone.now(),
            ratings={"code-quality": ("meets", f"Rating {i}")},
        )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_export_costs_the_same_queries_for_a_short_or_long_history(
    client, cast, fmt
):
    client.force_login(cast.alice.user)
    grow(cast, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/me/export.{fmt}").status_code == 200
    grow(cast, 15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/me/export.{fmt}").status_code == 200
    assert len(small) == len(large)
    # Session, user, profile, and one per section (the goals' and check-ins'
    # nested rows prefetched, and each feedback section's comments and links):
    # ten sections, two comment reads, two note link reads and the goal
    # check-ins' links; the assessments, their ratings and the three kinds of
    # evidence they cite, readiness and the level's history.
    assert len(large) <= 26
