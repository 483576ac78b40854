"""Goal pages: the list, setting, changing and checking in, and goals from feedback."""

import datetime

import pytest

from growth.models import (
    Competency,
    FeedbackNote,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalStatus,
    Visibility,
)
from tests import factories

# The frozen clock.
from tests.growth.views.test_dashboard import NOW, frozen  # noqa: F401
from tests.pages import fresh_queries

TODAY = NOW.date()
FOLLOWERS = ["alice", "mia", "max"]  # the engineer, her manager, her mentor
OTHERS = ["bob", "carol", "olivia", "skip", "cora"]


def user_of(cast, who):
    return cast.staff if who == "staff" else getattr(cast, who).user


def signed_in(client, cast, who):
    client.force_login(user_of(cast, who))
    return client


@pytest.fixture
def goal(cast):
    return factories.make_goal(
        cast.alice,
        title="Lead a design review",
        description="DESCRIPTION-MARKER",
        progress=20,
        target_date=TODAY + datetime.timedelta(days=30),
    )


def valid_goal(**overrides) -> dict:
    data = {
        "title": "Pair with the data team",
        "description": "Twice a month",
        "kind": GoalKind.TECHNICAL,
        "competency": Competency.objects.get(name="System design").pk,
        "target_date": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


count_queries = fresh_queries


# --- anonymous ----------------------------------------------------------------------


def test_every_goal_page_sends_anonymous_visitors_to_sign_in(client, cast, goal):
    note = factories.make_note(cast.mia.user, cast.alice)
    for url in (
        "/goals/",
        "/goals/new/",
        f"/goals/{goal.pk}/",
        f"/goals/{goal.pk}/edit/",
        f"/goals/{goal.pk}/check-in/",
        f"/feedback/{note.pk}/goal/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")


# --- the list -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("alice", {"alice"}),
        ("mia", {"alice", "bob"}),
        ("max", {"alice"}),
        ("bob", {"bob"}),
        ("olivia", set()),
        ("skip", set()),
        ("staff", set()),
    ],
)
def test_the_list_holds_the_goals_each_person_may_see(client, cast, who, sees):
    for name in ("alice", "bob", "carol"):
        factories.make_goal(getattr(cast, name), title=f"Goal of {name}")
    response = signed_in(client, cast, who).get("/goals/")
    assert response.status_code == 200
    shown = {goal.title for goal in response.context["page_obj"].object_list}
    assert shown == {f"Goal of {name}" for name in sees}


def test_the_list_filters_by_engineer_status_and_kind(client, cast):
    wanted = factories.make_goal(cast.bob, title="Wanted", kind=GoalKind.CAREER)
    factories.make_goal(cast.bob, title="Other kind", kind=GoalKind.TECHNICAL)
    factories.make_goal(
        cast.bob, title="Closed", kind=GoalKind.CAREER, status=GoalStatus.ABANDONED
    )
    factories.make_goal(cast.alice, title="Alice's", kind=GoalKind.CAREER)
    response = signed_in(client, cast, "mia").get(
        "/goals/", {"engineer": cast.bob.pk, "status": "active", "kind": "career"}
    )
    assert list(response.context["page_obj"].object_list) == [wanted]


def test_the_engineer_filter_offers_only_people_one_follows(client, cast):
    response = signed_in(client, cast, "mia").get("/goals/")
    offered = {
        e.pk for e in response.context["filter"].form.fields["engineer"].queryset
    }
    assert offered == {cast.mia.pk, cast.alice.pk, cast.bob.pk}
    html = response.text
    assert "Carol Outsider" not in html
    assert 'aria-label="Filter goals"' in html


def test_filtering_by_someone_one_does_not_follow_shows_none_of_theirs(client, cast):
    factories.make_goal(cast.carol, title="Carol's goal")
    response = signed_in(client, cast, "mia").get(
        "/goals/", {"engineer": cast.carol.pk}
    )
    assert response.status_code == 200
    assert (
        "Carol&#x27;s goal" not in response.text and "Carol's goal" not in response.text
    )


def test_the_list_shows_active_goals_first_and_pages_by_25(client, cast):
    factories.make_goal(cast.alice, title="Done one", status=GoalStatus.ACHIEVED)
    for i in range(25):
        factories.make_goal(cast.alice, title=f"Active {i:02}")
    client = signed_in(client, cast, "alice")
    first = client.get("/goals/", {"status": ""})
    assert len(first.context["page_obj"].object_list) == 25
    assert all(g.status == "active" for g in first.context["page_obj"].object_list)
    assert "status=" in first.text and "page=2" in first.text
    second = client.get("/goals/", {"status": "", "page": 2})
    assert [g.title for g in second.context["page_obj"].object_list] == ["Done one"]


def test_the_list_costs_the_same_queries_for_2_or_30_goals(client, cast):
    client = signed_in(client, cast, "mia")
    for _ in range(2):
        factories.make_goal(cast.alice, competency=Competency.objects.first())
    small = count_queries(client, "/goals/")
    for i in range(28):
        factories.make_goal(
            cast.bob if i % 2 else cast.alice, competency=Competency.objects.last()
        )
    assert count_queries(client, "/goals/") == small
    assert small <= 6


# --- setting a goal -----------------------------------------------------------------


def test_an_engineer_sets_a_goal_for_themselves(client, cast):
    client = signed_in(client, cast, "alice")
    assert client.get("/goals/new/").status_code == 200
    response = client.post("/goals/new/", valid_goal())
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response.url == f"/goals/{goal.pk}/"
    assert (goal.engineer, goal.created_by) == (cast.alice, cast.alice.user)
    assert goal.title == "Pair with the data team"
    assert goal.status == GoalStatus.ACTIVE


def test_a_manager_sets_a_goal_for_a_direct_report(client, cast):
    client = signed_in(client, cast, "mia")
    url = f"/goals/new/?engineer={cast.alice.pk}"
    page = client.get(url)
    assert "New goal for Alice Engineer" in page.text
    response = client.post(url, valid_goal())
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert (goal.engineer, goal.created_by) == (cast.alice, cast.mia.user)


@pytest.mark.parametrize("who", ["max", "bob", "skip", "carol", "staff"])
def test_nobody_else_sets_goals_for_an_engineer(client, cast, who):
    client = signed_in(client, cast, who)
    url = f"/goals/new/?engineer={cast.alice.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, valid_goal()).status_code == 404
    assert not Goal.objects.exists()


def test_someone_without_a_profile_cannot_set_a_goal(client, cast):
    assert signed_in(client, cast, "staff").get("/goals/new/").status_code == 404


def test_a_malformed_engineer_is_a_404(client, cast):
    client = signed_in(client, cast, "mia")
    assert client.get("/goals/new/?engineer=abc").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        (
            {"competency": "ownership"},  # a technical goal, an interpersonal skill
            "competency",
            "Ownership is not a technical competency.",
        ),
        (
            {"target_date": "2026-01-01"},
            "target_date",
            "A new goal needs a target date from last week onwards",
        ),
        ({"kind": "hobby"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_goal_shows_field_errors_keeps_the_input_and_saves_nothing(
    client, cast, overrides, field, message
):
    if overrides.get("competency") == "ownership":
        overrides = {"competency": Competency.objects.get(name="Ownership").pk}
    data = valid_goal(description="KEPT-INPUT", **overrides)
    response = signed_in(client, cast, "alice").post("/goals/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    assert "KEPT-INPUT" in response.text
    assert "is-invalid" in response.text
    assert not Goal.objects.exists()


def test_a_missing_title_is_reported_once(client, cast):
    response = signed_in(client, cast, "alice").post(
        "/goals/new/", valid_goal(title="")
    )
    assert response.context["form"].errors["title"] == ["This field is required."]


# --- the goal page ------------------------------------------------------------------


@pytest.mark.parametrize("who", FOLLOWERS)
def test_the_engineer_manager_and_mentor_open_a_goal(client, cast, goal, who):
    response = signed_in(client, cast, who).get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    assert "DESCRIPTION-MARKER" in response.text


@pytest.mark.parametrize("who", [*OTHERS, "staff"])
def test_nobody_else_opens_a_goal(client, cast, goal, who):
    assert signed_in(client, cast, who).get(f"/goals/{goal.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "may_edit"), [("alice", True), ("mia", True), ("max", False)]
)
def test_only_the_engineer_and_manager_are_offered_the_edit(
    client, cast, goal, who, may_edit
):
    html = signed_in(client, cast, who).get(f"/goals/{goal.pk}/").text
    assert (f'href="/goals/{goal.pk}/edit/"' in html) is may_edit
    assert f'action="/goals/{goal.pk}/check-in/"' in html  # all three check in


def test_the_goal_page_draws_its_check_ins(client, cast, goal):
    for days, progress in ((20, 10), (10, 30), (1, 45)):
        factories.make_goal_check_in(
            goal,
            cast.max.user,
            progress,
            note=f"NOTE-{progress}",
            created_at=NOW - datetime.timedelta(days=days),
        )
    html = signed_in(client, cast, "alice").get(f"/goals/{goal.pk}/").text
    assert html.count('class="point"') == 3
    assert "<title" in html and "<desc" in html
    assert "NOTE-10" in html and "NOTE-45" in html
    assert html.index("NOTE-45") < html.index("NOTE-10")  # newest first in the list


def test_the_goal_page_lists_linked_feedback_the_viewer_may_see(client, cast, goal):
    shared = factories.make_note(cast.mia.user, cast.alice, goal=goal)
    private = factories.make_note(
        cast.mia.user, cast.alice, goal=goal, visibility=Visibility.MANAGER
    )
    as_alice = signed_in(client, cast, "alice").get(f"/goals/{goal.pk}/")
    assert as_alice.context["page"].notes == [shared]
    as_mia = signed_in(client, cast, "mia").get(f"/goals/{goal.pk}/")
    assert set(as_mia.context["page"].notes) == {shared, private}


def test_the_goal_page_costs_the_same_queries_for_1_or_40_check_ins(client, cast, goal):
    client = signed_in(client, cast, "mia")
    factories.make_goal_check_in(goal, cast.alice.user, 10)
    factories.make_note(cast.mia.user, cast.alice, goal=goal)
    factories.make_learning(cast.alice.user, attendees=[cast.alice], goal=goal)
    small = count_queries(client, f"/goals/{goal.pk}/")
    for i in range(39):
        factories.make_goal_check_in(
            goal, (cast.max if i % 2 else cast.alice).user, i, note="x"
        )
        factories.make_note(cast.max.user, cast.alice, goal=goal)
        factories.make_learning(cast.alice.user, attendees=[cast.alice], goal=goal)
    assert count_queries(client, f"/goals/{goal.pk}/") == small
    assert small <= 8  # one of them the check-ins' links to the work


# --- editing ------------------------------------------------------------------------


def edit_data(goal, **overrides) -> dict:
    data = {
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "competency": goal.competency_id or "",
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
        "status": goal.status,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["alice", "mia"])
def test_the_engineer_and_manager_mark_a_goal_achieved(client, cast, goal, who):
    client = signed_in(client, cast, who)
    assert client.get(f"/goals/{goal.pk}/edit/").status_code == 200
    response = client.post(
        f"/goals/{goal.pk}/edit/", edit_data(goal, status="achieved")
    )
    assert response.status_code == 302
    assert response.url == f"/goals/{goal.pk}/"
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED


@pytest.mark.parametrize("who", ["max", *OTHERS, "staff"])
def test_nobody_else_edits_a_goal(client, cast, goal, who):
    client = signed_in(client, cast, who)
    assert client.get(f"/goals/{goal.pk}/edit/").status_code == 404
    response = client.post(f"/goals/{goal.pk}/edit/", edit_data(goal, title="Hacked"))
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.title == "Lead a design review"


def test_a_bad_edit_shows_the_error_and_saves_nothing(client, cast, goal):
    response = signed_in(client, cast, "alice").post(
        f"/goals/{goal.pk}/edit/",
        edit_data(
            goal,
            title="TYPED-TITLE",
            competency=Competency.objects.get(name="Ownership").pk,
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["competency"] == [
        "Ownership is not a technical competency."
    ]
    assert "TYPED-TITLE" in response.text
    goal.refresh_from_db()
    assert goal.title == "Lead a design review"


# --- checking in --------------------------------------------------------------------


@pytest.mark.parametrize("who", FOLLOWERS)
def test_the_engineer_manager_and_mentor_check_in(client, cast, goal, who):
    client = signed_in(client, cast, who)
    assert client.get(f"/goals/{goal.pk}/check-in/").status_code == 200
    response = client.post(
        f"/goals/{goal.pk}/check-in/", {"progress": "55", "note": "Halfway"}
    )
    assert response.status_code == 302
    assert response.url == f"/goals/{goal.pk}/"
    check_in = GoalCheckIn.objects.get()
    assert (check_in.author, check_in.progress, check_in.note) == (
        user_of(cast, who),
        55,
        "Halfway",
    )
    goal.refresh_from_db()
    assert goal.progress == 55
    assert goal.updated_at == NOW


@pytest.mark.parametrize("who", [*OTHERS, "staff"])
def test_nobody_else_checks_in(client, cast, goal, who):
    client = signed_in(client, cast, who)
    assert client.get(f"/goals/{goal.pk}/check-in/").status_code == 404
    assert (
        client.post(f"/goals/{goal.pk}/check-in/", {"progress": "90"}).status_code
        == 404
    )
    assert not GoalCheckIn.objects.exists()


@pytest.mark.parametrize("progress", ["150", "-5", "half", ""])
def test_a_bad_check_in_shows_the_error_and_saves_nothing(client, cast, goal, progress):
    response = signed_in(client, cast, "max").post(
        f"/goals/{goal.pk}/check-in/", {"progress": progress, "note": "KEPT-NOTE"}
    )
    assert response.status_code == 200
    assert "progress" in response.context["form"].errors
    assert "KEPT-NOTE" in response.text
    assert not GoalCheckIn.objects.exists()
    goal.refresh_from_db()
    assert goal.progress == 20


def test_a_closed_goal_offers_no_check_in_and_refuses_one(client, cast, goal):
    goal.status = GoalStatus.ACHIEVED
    goal.save(update_fields=["status"])
    client = signed_in(client, cast, "alice")
    page = client.get(f"/goals/{goal.pk}/")
    assert f'action="/goals/{goal.pk}/check-in/"' not in page.text
    assert "takes no more check-ins" in page.text
    response = client.post(f"/goals/{goal.pk}/check-in/", {"progress": "50"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This goal is achieved; reopen it to record progress."
    ]
    assert not GoalCheckIn.objects.exists()


def test_the_check_in_form_starts_at_the_current_progress(client, cast, goal):
    response = signed_in(client, cast, "alice").get(f"/goals/{goal.pk}/check-in/")
    assert response.context["form"].initial["progress"] == 20
    assert 'value="20"' in response.text


# --- a goal from feedback -----------------------------------------------------------


@pytest.fixture
def note(cast):
    return factories.make_note(
        cast.mia.user,
        cast.alice,
        kind="interpersonal",
        competency=Competency.objects.get(name="Ownership"),
        suggestion="Say what you will own by Friday.\nThen follow up.",
    )


def test_the_goal_form_is_prefilled_from_the_note(client, cast, note):
    response = signed_in(client, cast, "alice").get(f"/feedback/{note.pk}/goal/")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["title"] == "Say what you will own by Friday"
    assert initial["kind"] == "interpersonal"
    assert initial["competency"] == note.competency_id
    assert initial["description"] == (
        "From feedback by Mia Manager on 25 Nov 2026:\n"
        "Say what you will own by Friday.\nThen follow up."
    )


def test_a_goal_from_a_long_quoted_suggestion_gets_a_short_title(client, cast):
    note = factories.make_note(
        cast.mia.user,
        cast.alice,
        suggestion="> - Next time you lead an incident review, write the timeline "
        "down before the meeting starts and share it with everyone. It saves time.",
    )
    response = signed_in(client, cast, "alice").get(f"/feedback/{note.pk}/goal/")
    title = response.context["form"].initial["title"]
    assert title == "Next time you lead an incident review, write the timeline…"
    assert len(title) <= 60


def test_a_goal_from_a_note_asks_for_a_target_date(client, cast, note):
    client = signed_in(client, cast, "alice")
    page = client.get(f"/feedback/{note.pk}/goal/").text
    assert 'name="target_date"' in page
    assert "When you want to get there by" in page
    response = client.post(
        f"/feedback/{note.pk}/goal/", valid_goal(kind="interpersonal", target_date="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_date"] == [
        "Pick a date to get there by."
    ]
    assert not Goal.objects.exists()


def test_saving_it_sets_the_goal_and_links_the_note(client, cast, note):
    response = signed_in(client, cast, "alice").post(
        f"/feedback/{note.pk}/goal/",
        valid_goal(title="Own it", kind="interpersonal", competency=note.competency_id),
    )
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response.url == f"/goals/{goal.pk}/"
    assert (goal.engineer, goal.title) == (cast.alice, "Own it")
    note.refresh_from_db()
    assert note.goal == goal


def test_a_bad_goal_from_a_note_links_nothing(client, cast, note):
    response = signed_in(client, cast, "alice").post(
        f"/feedback/{note.pk}/goal/", valid_goal(title="", kind="interpersonal")
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    note.refresh_from_db()
    assert note.goal is None
    assert not Goal.objects.exists()


def test_a_note_already_linked_warns_that_it_will_be_relinked(client, cast, note):
    old = factories.make_goal(cast.alice, title="OLD-GOAL")
    FeedbackNote.objects.filter(pk=note.pk).update(goal=old)
    html = signed_in(client, cast, "alice").get(f"/feedback/{note.pk}/goal/").text
    assert "OLD-GOAL" in html and "links it to the new goal instead" in html


@pytest.mark.parametrize("who", ["mia", "max", "bob", "skip", "staff"])
def test_only_the_engineer_turns_a_note_into_a_goal(client, cast, note, who):
    client = signed_in(client, cast, who)
    url = f"/feedback/{note.pk}/goal/"
    assert client.get(url).status_code == 404
    assert client.post(url, valid_goal(kind="interpersonal")).status_code == 404
    assert not Goal.objects.exists()


@pytest.mark.parametrize("visibility", [Visibility.MANAGER, Visibility.SELF])
def test_a_note_not_shared_with_the_engineer_is_a_404(client, cast, visibility):
    hidden = factories.make_note(cast.mia.user, cast.alice, visibility=visibility)
    response = signed_in(client, cast, "alice").get(f"/feedback/{hidden.pk}/goal/")
    assert response.status_code == 404
