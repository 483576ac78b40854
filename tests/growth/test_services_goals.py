"""Goal services: what they write, and what they refuse (by field, writing nothing)."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from growth.models import (
    Competency,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalStatus,
)
from growth.services import goals as services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def competency(name: str) -> Competency:
    return Competency.objects.get(name=name)


def create(cast, **overrides) -> Goal:
    arguments = {
        "engineer": cast.alice,
        "created_by": cast.alice.user,
        "title": "Lead a design review",
        "kind": GoalKind.TECHNICAL,
        "now": NOW,
    }
    arguments.update(overrides)
    return services.goal_create(**arguments)


def refusal(action) -> dict:
    with pytest.raises(ValidationError) as error:
        action()
    return error.value.message_dict


# --- goal_create --------------------------------------------------------------------


def test_goal_create_sets_an_active_goal_at_zero(cast):
    goal = create(
        cast,
        description="Run next month's review",
        competency=competency("System design"),
        target_date=TODAY + datetime.timedelta(days=30),
    )
    goal.refresh_from_db()
    assert goal.engineer == cast.alice
    assert goal.created_by == cast.alice.user
    assert goal.status == GoalStatus.ACTIVE
    assert goal.progress == 0
    assert goal.created_at == NOW
    assert goal.updated_at == NOW
    assert goal.competency.name == "System design"


def test_goal_create_is_kept_in_the_history_as_made_by_its_creator(cast):
    goal = create(cast, created_by=cast.mia.user)
    [created] = goal.history.all()
    assert (created.history_type, created.history_user) == ("+", cast.mia.user)


def test_goal_create_trims_the_title(cast):
    assert create(cast, title="  Lead a review  ").title == "Lead a review"


def test_goal_create_refuses_a_blank_title(cast):
    errors = refusal(lambda: create(cast, title="   "))
    assert "title" in errors
    assert not Goal.objects.exists()


def test_goal_create_refuses_a_target_date_long_gone(cast):
    errors = refusal(lambda: create(cast, target_date=datetime.date(2026, 1, 1)))
    assert errors["target_date"] == [
        "A new goal needs a target date from last week onwards, not 01 Jan 2026."
    ]
    assert not Goal.objects.exists()


def test_goal_create_accepts_a_target_date_of_last_week(cast):
    goal = create(cast, target_date=TODAY - datetime.timedelta(days=7))
    assert goal.pk


def test_goal_create_refuses_a_competency_of_the_other_kind(cast):
    errors = refusal(
        lambda: create(
            cast, kind=GoalKind.TECHNICAL, competency=competency("Ownership")
        )
    )
    assert errors["competency"] == ["Ownership is not a technical competency."]
    assert not Goal.objects.exists()


def test_a_career_goal_may_name_any_competency(cast):
    goal = create(cast, kind=GoalKind.CAREER, competency=competency("Ownership"))
    assert goal.pk


def test_goal_create_refuses_a_retired_competency(cast):
    retired = Competency.objects.create(
        name="Punch cards", kind="technical", is_active=False
    )
    errors = refusal(lambda: create(cast, competency=retired))
    assert errors["competency"] == ["Punch cards is retired; pick a current one."]


def test_goal_create_reports_every_field_at_once(cast):
    errors = refusal(
        lambda: create(cast, title="", kind="", target_date=datetime.date(2025, 1, 1))
    )
    assert {"title", "kind", "target_date"} <= set(errors)


# --- goal_update --------------------------------------------------------------------


def update(goal, **overrides) -> Goal:
    arguments = {
        "goal": goal,
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "competency": goal.competency,
        "target_date": goal.target_date,
        "status": goal.status,
        "by": goal.engineer.user,
        "now": NOW,
    }
    arguments.update(overrides)
    return services.goal_update(**arguments)


def test_goal_update_changes_the_wording_and_status(cast):
    goal = factories.make_goal(cast.alice, progress=80)
    update(goal, title="Lead two design reviews", status=GoalStatus.ACHIEVED)
    goal.refresh_from_db()
    assert goal.title == "Lead two design reviews"
    assert goal.status == GoalStatus.ACHIEVED
    assert goal.progress == 80  # progress moves only through check-ins
    assert goal.updated_at == NOW


def test_goal_update_is_kept_in_the_history_as_made_by_them(cast):
    goal = factories.make_goal(cast.alice)
    update(goal, title="Renamed", by=cast.mia.user)
    latest = goal.history.order_by("history_id").last()
    assert (latest.title, latest.history_user, latest.history_date) == (
        "Renamed",
        cast.mia.user,
        NOW,
    )


def test_goal_update_keeps_an_old_target_date(cast):
    # Only a new goal is held to a recent target date.
    goal = factories.make_goal(cast.alice, target_date=datetime.date(2026, 1, 1))
    update(goal, title="Renamed")
    goal.refresh_from_db()
    assert goal.title == "Renamed"


def test_goal_update_keeps_a_competency_retired_since(cast):
    retired = Competency.objects.create(
        name="Punch cards", kind="technical", is_active=False
    )
    goal = factories.make_goal(cast.alice, competency=retired)
    update(goal, title="Renamed")
    goal.refresh_from_db()
    assert goal.competency == retired


def test_goal_update_refuses_a_competency_of_the_other_kind_and_saves_nothing(cast):
    goal = factories.make_goal(cast.alice, title="Before")
    errors = refusal(
        lambda: update(goal, title="After", competency=competency("Ownership"))
    )
    assert "competency" in errors
    goal.refresh_from_db()
    assert goal.title == "Before"


def test_goal_update_refuses_an_unknown_status(cast):
    goal = factories.make_goal(cast.alice)
    assert "status" in refusal(lambda: update(goal, status="paused"))


# --- goal_check_in_create -----------------------------------------------------------


def test_a_check_in_is_recorded_and_moves_the_goal(cast):
    goal = factories.make_goal(cast.alice, progress=10)
    check_in = services.goal_check_in_create(
        goal=goal, author=cast.max.user, progress=45, note=" Paired twice ", now=NOW
    )
    goal.refresh_from_db()
    assert (check_in.goal, check_in.author, check_in.progress) == (
        goal,
        cast.max.user,
        45,
    )
    assert check_in.note == "Paired twice"
    assert check_in.created_at == NOW
    assert goal.progress == 45
    assert goal.updated_at == NOW


def test_a_check_in_is_kept_in_the_goals_history_as_its_authors(cast):
    # Called directly, as a command or task would: nobody is signed in.
    goal = create(cast)
    services.goal_check_in_create(goal=goal, author=cast.max.user, progress=45, now=NOW)
    created, checked_in = goal.history.order_by("history_id")
    assert created.history_user == cast.alice.user
    assert (checked_in.progress, checked_in.history_user) == (45, cast.max.user)


def test_reaching_100_does_not_mark_the_goal_achieved(cast):
    goal = factories.make_goal(cast.alice)
    services.goal_check_in_create(
        goal=goal, author=cast.alice.user, progress=100, now=NOW
    )
    goal.refresh_from_db()
    assert goal.progress == 100
    assert goal.status == GoalStatus.ACTIVE


@pytest.mark.parametrize("progress", [-1, 101, 250])
def test_a_check_in_outside_0_to_100_is_refused(cast, progress):
    goal = factories.make_goal(cast.alice, progress=10)
    errors = refusal(
        lambda: services.goal_check_in_create(
            goal=goal, author=cast.alice.user, progress=progress, now=NOW
        )
    )
    assert errors == {"progress": ["Progress must be a whole number from 0 to 100."]}
    goal.refresh_from_db()
    assert goal.progress == 10
    assert not GoalCheckIn.objects.exists()


def test_a_closed_goal_takes_no_check_ins(cast):
    goal = factories.make_goal(cast.alice, status=GoalStatus.ACHIEVED)
    errors = refusal(
        lambda: services.goal_check_in_create(
            goal=goal, author=cast.alice.user, progress=50, now=NOW
        )
    )
    assert errors[NON_FIELD_ERRORS] == [
        "This goal is achieved; reopen it to record progress."
    ]
    assert not GoalCheckIn.objects.exists()


# --- goal_create_from_note ----------------------------------------------------------


def test_a_goal_from_a_note_is_the_engineers_and_the_note_links_to_it(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    edited = note.updated_at
    goal = services.goal_create_from_note(
        note=note,
        created_by=cast.alice.user,
        title="Write ADRs",
        kind=note.kind,
        competency=note.competency,
        now=NOW,
    )
    note.refresh_from_db()
    assert goal.engineer == cast.alice
    assert note.goal == goal
    assert note.updated_at == edited  # linking is not an edit of the author's note


def test_a_refused_goal_from_a_note_links_nothing(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    refusal(
        lambda: services.goal_create_from_note(
            note=note, created_by=cast.alice.user, title="", kind=note.kind, now=NOW
        )
    )
    note.refresh_from_db()
    assert note.goal is None
    assert not Goal.objects.exists()
    assert FeedbackNote.objects.filter(goal__isnull=False).count() == 0
