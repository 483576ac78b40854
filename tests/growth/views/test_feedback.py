"""The feedback pages: who gets what, the note form, and the engineer's answers.

Everything is about alice, from the cast in conftest.py: bob is her peer, mia her
manager, max her mentor, olivia her former mentor and carol an outsider.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import (
    Competency,
    EventKind,
    FeedbackNote,
    Notification,
    RequestStatus,
    Visibility,
)
from tests import factories

# --- the cast and the notes about alice ---------------------------------------

PEOPLE = ("alice", "bob", "mia", "max", "olivia", "carol")
EVERYONE = ("anonymous", *PEOPLE)

MARKERS = {
    "shared": "zq-shared-7c1",
    "manager": "zq-manager-3f9",
    "self": "zq-self-9d2",
}


def sign_in(client, cast, who: str) -> None:
    if who != "anonymous":
        client.force_login(getattr(cast, who).user)


@pytest.fixture
def notes(cast):
    """One note about alice of each visibility, each with a marker in every field."""

    def marked(visibility):
        marker = MARKERS[visibility]
        return {
            field: f"{field} {marker}"
            for field in ("situation", "behaviour", "impact", "suggestion")
        }

    return {
        "shared": factories.make_note(cast.bob.user, cast.alice, **marked("shared")),
        "manager": factories.make_note(
            cast.max.user,
            cast.alice,
            visibility=Visibility.MANAGER,
            **marked("manager"),
        ),
        "self": factories.make_note(
            cast.bob.user, cast.alice, visibility=Visibility.SELF, **marked("self")
        ),
    }


def note_data(engineer, **fields) -> dict:
    competency = factories.competency(fields.get("kind", "technical"))
    data = {
        "engineer": engineer.pk,
        "kind": "technical",
        "competency": competency.pk,
        "sentiment": "praise",
        "situation": "In Tuesday's incident review",
        "behaviour": "You walked us through the timeline first",
        "impact": "We found the root cause in twenty minutes",
        "suggestion": "Add the timeline format to the post-mortem template",
        "goal": "",
        "visibility": "shared",
    }
    data.update(fields)
    return data


def assert_redirects_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- who gets which page -------------------------------------------------------

LIST_TABS = {
    # tab: who may open it (everyone else signed in gets a 404)
    "received": set(PEOPLE),
    "given": set(PEOPLE),
    "people": {"mia", "max"},
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("tab", LIST_TABS)
def test_feedback_list_by_tab_and_person(client, cast, notes, tab, who):
    sign_in(client, cast, who)
    response = client.get(reverse("feedback-list"), {"tab": tab})
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who in LIST_TABS[tab]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


# Which note markers each person finds anywhere in their feedback lists.
SEEN_IN_LISTS = {
    "alice": {"shared"},
    "bob": {"shared", "self"},
    "mia": {"shared", "manager"},
    "max": {"shared", "manager"},
    "olivia": set(),
    "carol": set(),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_lists_show_only_the_notes_each_person_may_see(client, cast, notes, who):
    sign_in(client, cast, who)
    pages = ""
    for tab, allowed in LIST_TABS.items():
        if who in allowed:
            response = client.get(reverse("feedback-list"), {"tab": tab})
            assert response.status_code == 200
            pages += response.content.decode()
    for visibility, marker in MARKERS.items():
        assert (marker in pages) == (visibility in SEEN_IN_LISTS[who]), visibility


def test_received_holds_only_shared_notes_about_me(client, cast, notes):
    factories.make_note(cast.alice.user, cast.bob, suggestion="about bob zq-given")
    client.force_login(cast.alice.user)
    page = client.get(reverse("feedback-list")).content.decode()
    assert MARKERS["shared"] in page
    assert "zq-given" not in page


def test_given_holds_every_note_i_wrote(client, cast, notes):
    factories.make_note(cast.mia.user, cast.bob, suggestion="mia on bob zq-other")
    client.force_login(cast.bob.user)
    page = client.get(reverse("feedback-list"), {"tab": "given"}).content.decode()
    assert MARKERS["shared"] in page
    assert MARKERS["self"] in page
    assert "zq-other" not in page


def test_about_my_people_leaves_out_notes_about_me(client, cast, notes):
    factories.make_note(cast.skip.user, cast.mia, suggestion="skip on mia zq-me")
    client.force_login(cast.mia.user)
    page = client.get(reverse("feedback-list"), {"tab": "people"}).content.decode()
    assert MARKERS["shared"] in page
    assert "zq-me" not in page


def test_the_people_tab_is_offered_only_to_managers_and_mentors(client, cast):
    client.force_login(cast.mia.user)
    assert "tab=people" in client.get(reverse("feedback-list")).content.decode()
    client.force_login(cast.bob.user)
    assert "tab=people" not in client.get(reverse("feedback-list")).content.decode()


# Who may open each note's detail page; the others get a 404.
DETAIL_READERS = {
    "shared": {"alice", "bob", "mia", "max"},
    "manager": {"mia", "max"},
    "self": {"bob"},
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("visibility", DETAIL_READERS)
def test_feedback_detail_by_visibility_and_person(client, cast, notes, visibility, who):
    sign_in(client, cast, who)
    response = client.get(reverse("feedback-detail", args=[notes[visibility].pk]))
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who in DETAIL_READERS[visibility]:
        assert response.status_code == 200
        assert MARKERS[visibility] in response.content.decode()
    else:
        assert response.status_code == 404
        assert MARKERS[visibility] not in response.content.decode()


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("visibility", DETAIL_READERS)
def test_only_the_author_opens_the_edit_page(client, cast, notes, visibility, who):
    author = {"shared": "bob", "manager": "max", "self": "bob"}[visibility]
    sign_in(client, cast, who)
    response = client.get(reverse("feedback-edit", args=[notes[visibility].pk]))
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who == author:
        assert response.status_code == 200
        assert MARKERS[visibility] in response.content.decode()
    else:
        assert response.status_code == 404


ANSWERS = {
    "feedback-acknowledge": {},
    "feedback-reply": {"reply": "Thanks, will do"},
    "feedback-rate": {"actionable": "yes"},
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("url_name", ANSWERS)
def test_only_the_engineer_answers_a_shared_note(client, cast, notes, url_name, who):
    note = notes["shared"]
    sign_in(client, cast, who)
    response = client.post(reverse(url_name, args=[note.pk]), ANSWERS[url_name])
    note.refresh_from_db()
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who == "alice":
        assert response.status_code == 302
        assert note.acknowledged_at is not None
    else:
        assert response.status_code == 404
    if who != "alice":
        assert note.acknowledged_at is None


@pytest.mark.parametrize("visibility", ["manager", "self"])
@pytest.mark.parametrize("url_name", ANSWERS)
def test_notes_not_shared_cannot_be_answered(client, cast, notes, url_name, visibility):
    client.force_login(cast.alice.user)
    note = notes[visibility]
    response = client.post(reverse(url_name, args=[note.pk]), ANSWERS[url_name])
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.acknowledged_at is None


@pytest.mark.parametrize("url_name", ANSWERS)
def test_answers_refuse_get(client, cast, notes, url_name):
    client.force_login(cast.alice.user)
    response = client.get(reverse(url_name, args=[notes["shared"].pk]))
    assert response.status_code == 405
    notes["shared"].refresh_from_db()
    assert notes["shared"].acknowledged_at is None


@pytest.mark.parametrize("who", EVERYONE)
def test_feedback_create_page_by_person(client, cast, who):
    sign_in(client, cast, who)
    response = client.get(reverse("feedback-create"))
    if who == "anonymous":
        assert_redirects_to_login(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_person_asked_may_answer_a_request(client, cast, who):
    asked = factories.make_request(cast.alice, cast.bob)
    sign_in(client, cast, who)
    response = client.get(reverse("feedback-create"), {"request": asked.pk})
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who == "bob":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


# --- the detail page -----------------------------------------------------------


def test_the_engineer_sees_the_answer_controls_and_turn_into_a_goal(
    client, cast, notes
):
    client.force_login(cast.alice.user)
    page = client.get(reverse("feedback-detail", args=[notes["shared"].pk]))
    html = page.content.decode()
    assert reverse("feedback-acknowledge", args=[notes["shared"].pk]) in html
    # On the note's page a reply goes into the conversation's own box.
    assert reverse("feedback-comment", args=[notes["shared"].pk]) in html
    assert reverse("feedback-rate", args=[notes["shared"].pk]) in html
    assert reverse("goal-from-note", args=[notes["shared"].pk]) in html
    assert reverse("feedback-edit", args=[notes["shared"].pk]) not in html


def test_the_author_sees_edit_but_no_answer_controls(client, cast, notes):
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("feedback-detail", args=[notes["shared"].pk])
    ).content.decode()
    assert reverse("feedback-edit", args=[notes["shared"].pk]) in html
    assert reverse("feedback-acknowledge", args=[notes["shared"].pk]) not in html


def test_the_manager_reads_the_engineers_reply(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-reply", args=[note.pk]), {"reply": "zq-reply-1"})
    client.force_login(cast.mia.user)
    html = client.get(reverse("feedback-detail", args=[note.pk])).content.decode()
    assert "zq-reply-1" in html
    assert reverse("feedback-edit", args=[note.pk]) not in html
    assert reverse("feedback-reply", args=[note.pk]) not in html


def test_note_text_is_escaped(client, cast):
    note = factories.make_note(
        cast.bob.user, cast.alice, situation="<script>alert(1)</script>"
    )
    client.force_login(cast.alice.user)
    html = client.get(reverse("feedback-detail", args=[note.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- writing a note ------------------------------------------------------------


def test_a_peer_is_not_offered_manager_only(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("feedback-create"), {"engineer": cast.alice.pk}
    ).content.decode()
    assert 'value="shared"' in html
    assert 'value="self"' in html
    assert 'value="manager"' not in html


@pytest.mark.parametrize("who", ["mia", "max"])
def test_the_manager_and_mentor_are_offered_manager_only(client, cast, who):
    client.force_login(getattr(cast, who).user)
    html = client.get(
        reverse("feedback-create"), {"engineer": cast.alice.pk}
    ).content.decode()
    assert 'value="manager"' in html


def test_a_former_mentor_is_not_offered_manager_only(client, cast):
    client.force_login(cast.olivia.user)
    html = client.get(
        reverse("feedback-create"), {"engineer": cast.alice.pk}
    ).content.decode()
    assert 'value="manager"' not in html


def test_a_manager_is_not_offered_manager_only_for_someone_elses_report(client, cast):
    client.force_login(cast.mia.user)
    html = client.get(
        reverse("feedback-create"), {"engineer": cast.carol.pk}
    ).content.decode()
    assert 'value="manager"' not in html


def test_engineer_in_the_query_string_is_preselected(client, cast):
    client.force_login(cast.bob.user)
    response = client.get(reverse("feedback-create"), {"engineer": cast.alice.pk})
    assert response.context["form"]["engineer"].value() == cast.alice.pk


def test_the_form_coaches_the_writer(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(reverse("feedback-create")).content.decode()
    assert "In Tuesday&#x27;s incident review…" in html
    assert "Describe the action, not the person." in html
    for field in ("situation", "behaviour", "impact", "suggestion"):
        assert f'for="id_{field}"' in html


def test_logging_shared_feedback_saves_it_and_tells_the_engineer(client, cast):
    client.force_login(cast.bob.user)
    response = client.post(reverse("feedback-create"), note_data(cast.alice))
    note = FeedbackNote.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("feedback-detail", args=[note.pk])
    assert note.author == cast.bob.user
    assert note.engineer == cast.alice
    assert note.visibility == Visibility.SHARED
    notification = Notification.objects.get()
    assert notification.recipient == cast.alice.user
    assert notification.kind == EventKind.FEEDBACK_RECEIVED
    assert "Bob Peer" in notification.message
    assert "technical" in notification.message
    assert notification.url == reverse("feedback-detail", args=[note.pk])


def test_the_notification_never_carries_the_note_text(client, cast):
    client.force_login(cast.bob.user)
    client.post(
        reverse("feedback-create"),
        note_data(
            cast.alice,
            situation="zq-sit",
            behaviour="zq-beh",
            impact="zq-imp",
            suggestion="zq-sug",
        ),
    )
    message = Notification.objects.get().message
    assert "zq-" not in message


def test_feedback_goes_across_teams_and_up_to_the_manager(client, cast):
    client.force_login(cast.alice.user)
    for engineer in (cast.carol, cast.mia, cast.max):
        response = client.post(reverse("feedback-create"), note_data(engineer))
        assert response.status_code == 302
    assert FeedbackNote.objects.filter(author=cast.alice.user).count() == 3


@pytest.mark.parametrize("visibility", ["manager", "self"])
def test_notes_not_shared_tell_nobody(client, cast, visibility):
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, visibility=visibility)
    )
    assert response.status_code == 302
    assert FeedbackNote.objects.get().visibility == visibility
    assert not Notification.objects.exists()


def test_a_peer_posting_manager_only_gets_a_field_error_and_nothing_is_saved(
    client, cast
):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-create"),
        note_data(cast.alice, visibility="manager", situation="zq-kept-input"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["visibility"]
    assert "zq-kept-input" in response.content.decode()
    assert not FeedbackNote.objects.exists()
    assert not Notification.objects.exists()


def test_a_manager_posting_manager_only_about_a_stranger_gets_a_field_error(
    client, cast
):
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.carol, visibility="manager")
    )
    assert response.status_code == 200
    assert "visibility" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


def test_a_competency_of_the_other_kind_is_a_field_error(client, cast):
    interpersonal = factories.competency("interpersonal")
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-create"),
        note_data(cast.alice, kind="technical", competency=interpersonal.pk),
    )
    assert response.status_code == 200
    assert "competency" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


def test_the_competency_choices_follow_the_kind(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("feedback-competency-options"), {"kind": "interpersonal"}
    ).content.decode()
    assert "Communication" in html
    assert "Code quality" not in html


def test_the_kind_select_asks_for_matching_competencies(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(reverse("feedback-create")).content.decode()
    assert f'hx-get="{reverse("feedback-competency-options")}"' in html


@pytest.mark.parametrize("field", ["situation", "behaviour", "impact", "suggestion"])
def test_every_part_of_the_observation_is_required(client, cast, field):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, **{field: "   "})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


def test_feedback_for_yourself_must_be_a_note_to_self(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("feedback-create"), note_data(cast.alice))
    assert response.status_code == 200
    assert "engineer" in response.context["form"].errors
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, visibility="self")
    )
    assert response.status_code == 302


def test_an_inactive_engineer_cannot_be_picked(client, cast):
    cast.carol.is_active = False
    cast.carol.save()
    client.force_login(cast.bob.user)
    response = client.post(reverse("feedback-create"), note_data(cast.carol))
    assert response.status_code == 200
    assert "engineer" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


def test_the_manager_links_one_of_the_engineers_goals(client, cast):
    goal = factories.make_goal(cast.alice)
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, goal=goal.pk)
    )
    assert response.status_code == 302
    assert FeedbackNote.objects.get().goal == goal


def test_a_goal_of_someone_else_is_a_field_error(client, cast):
    bobs_goal = factories.make_goal(cast.bob)
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, goal=bobs_goal.pk)
    )
    assert response.status_code == 200
    assert "goal" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


def test_a_peer_is_offered_no_goals_they_cannot_see(client, cast):
    factories.make_goal(cast.alice, title="zq-private-goal")
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("feedback-create"), {"engineer": cast.alice.pk}
    ).content.decode()
    assert "zq-private-goal" not in html


# --- answering a request with a note -------------------------------------------


def test_answering_a_request_links_the_note_and_fulfils_the_request(client, cast):
    asked = factories.make_request(cast.alice, cast.bob, message="zq-how-did-i-do")
    client.force_login(cast.bob.user)
    page = client.get(reverse("feedback-create"), {"request": asked.pk})
    assert "zq-how-did-i-do" in page.content.decode()
    assert page.context["form"]["engineer"].value() == cast.alice.pk
    url = reverse("feedback-create") + f"?request={asked.pk}"
    response = client.post(url, note_data(cast.alice))
    assert response.status_code == 302
    note = FeedbackNote.objects.get()
    asked.refresh_from_db()
    assert note.request == asked
    assert asked.status == RequestStatus.FULFILLED
    assert asked.closed_at is not None
    assert Notification.objects.filter(
        recipient=cast.alice.user, kind=EventKind.FEEDBACK_RECEIVED
    ).exists()


def test_a_request_note_goes_to_the_requester_whatever_is_posted(client, cast):
    asked = factories.make_request(cast.alice, cast.bob)
    client.force_login(cast.bob.user)
    url = reverse("feedback-create") + f"?request={asked.pk}"
    client.post(url, note_data(cast.carol))
    assert FeedbackNote.objects.get().engineer == cast.alice


def test_a_request_is_answered_with_shared_feedback_only(client, cast):
    asked = factories.make_request(cast.alice, cast.bob)
    client.force_login(cast.bob.user)
    url = reverse("feedback-create") + f"?request={asked.pk}"
    response = client.post(url, note_data(cast.alice, visibility="self"))
    assert response.status_code == 200
    assert "visibility" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


@pytest.mark.parametrize("status", ["fulfilled", "declined", "cancelled"])
def test_a_closed_request_is_a_404(client, cast, status):
    from django.utils import timezone

    asked = factories.make_request(
        cast.alice, cast.bob, status=status, closed_at=timezone.now()
    )
    client.force_login(cast.bob.user)
    response = client.get(reverse("feedback-create"), {"request": asked.pk})
    assert response.status_code == 404


def test_a_request_that_is_not_a_number_is_a_404(client, cast):
    client.force_login(cast.bob.user)
    assert client.get(reverse("feedback-create"), {"request": "x"}).status_code == 404


def test_posting_for_a_request_owed_by_someone_else_saves_nothing(client, cast):
    asked = factories.make_request(cast.alice, cast.bob)
    client.force_login(cast.carol.user)
    url = reverse("feedback-create") + f"?request={asked.pk}"
    assert client.post(url, note_data(cast.alice)).status_code == 404
    assert not FeedbackNote.objects.exists()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


# --- editing -------------------------------------------------------------------


def test_the_author_edits_a_note(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(cast.alice, suggestion="Pair with Sam on the next one"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.suggestion == "Pair with Sam on the next one"


def test_editing_keeps_the_engineers_acknowledgement_and_reply(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-reply", args=[note.pk]), {"reply": "Thanks!"})
    note.refresh_from_db()
    acknowledged_at = note.acknowledged_at
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(cast.alice, suggestion="Fixed a typo"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.suggestion == "Fixed a typo"
    assert note.acknowledged_at == acknowledged_at
    assert [c.body for c in note.comments.all()] == ["Thanks!"]


def test_once_read_only_the_wording_can_change(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-acknowledge", args=[note.pk]))
    client.force_login(cast.bob.user)
    interpersonal = factories.competency("interpersonal")
    client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(
            cast.alice,
            kind="interpersonal",
            competency=interpersonal.pk,
            visibility="self",
            suggestion="New wording",
        ),
    )
    note.refresh_from_db()
    assert note.suggestion == "New wording"
    assert note.kind == "technical"
    assert note.visibility == Visibility.SHARED


def test_an_edit_after_reading_is_flagged_on_the_note(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-acknowledge", args=[note.pk]))
    detail = reverse("feedback-detail", args=[note.pk])
    assert "Edited after it was read" not in client.get(detail).content.decode()
    client.force_login(cast.bob.user)
    client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(cast.alice, suggestion="Fixed a typo"),
    )
    client.force_login(cast.alice.user)
    assert "Edited after it was read" in client.get(detail).content.decode()


def test_an_invalid_edit_saves_nothing(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(cast.alice, suggestion="", impact="zq-kept"),
    )
    assert response.status_code == 200
    assert "suggestion" in response.context["form"].errors
    assert "zq-kept" in response.content.decode()
    note.refresh_from_db()
    assert note.impact == f"impact {MARKERS['shared']}"


def test_sharing_a_note_to_self_later_tells_the_engineer(client, cast, notes):
    note = notes["self"]
    client.force_login(cast.bob.user)
    client.post(
        reverse("feedback-edit", args=[note.pk]),
        note_data(cast.alice, visibility="shared"),
    )
    note.refresh_from_db()
    assert note.visibility == Visibility.SHARED
    assert Notification.objects.get().recipient == cast.alice.user


def test_a_non_author_cannot_post_an_edit(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]), note_data(cast.alice)
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert MARKERS["shared"] in note.suggestion


# --- answering -----------------------------------------------------------------


def test_acknowledging_redirects_to_the_detail_page(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(reverse("feedback-acknowledge", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == reverse("feedback-detail", args=[note.pk])
    note.refresh_from_db()
    assert note.acknowledged_at is not None


def test_acknowledging_returns_to_a_local_next(client, cast, notes):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-acknowledge", args=[notes["shared"].pk]),
        {"next": "/me/?from=card"},
    )
    assert response.url == "/me/?from=card"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_acknowledging_ignores_a_next_elsewhere(client, cast, notes, next_url):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-acknowledge", args=[note.pk]), {"next": next_url}
    )
    assert response.url == reverse("feedback-detail", args=[note.pk])


def test_acknowledging_twice_keeps_the_first_time(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-acknowledge", args=[note.pk]))
    note.refresh_from_db()
    first = note.acknowledged_at
    client.post(reverse("feedback-acknowledge", args=[note.pk]))
    note.refresh_from_db()
    assert note.acknowledged_at == first


def test_htmx_acknowledge_returns_the_card(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-acknowledge", args=[note.pk]),
        {"next": "/me/"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    # The author's email about it renders first, then the card.
    assert "growth/feedback/_answer_card.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="note-{note.pk}-card"' in html
    assert 'hx-target="this"' in html
    assert "Read on" in html
    assert reverse("feedback-acknowledge", args=[note.pk]) not in html
    assert 'name="next" value="/me/"' in html
    note.refresh_from_db()
    assert note.acknowledged_at is not None


def test_the_card_works_without_javascript(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    html = client.get(reverse("feedback-detail", args=[note.pk])).content.decode()
    action = reverse("feedback-acknowledge", args=[note.pk])
    assert f'action="{action}"' in html
    assert f'hx-post="{action}"' in html
    assert 'name="next"' in html


def test_a_reply_is_a_comment_and_acknowledges(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-reply", args=[note.pk]), {"reply": "  Thank you  "}
    )
    assert response.status_code == 302
    (comment,) = note.comments.all()
    assert (comment.body, comment.author) == ("Thank you", cast.alice.user)
    note.refresh_from_db()
    assert note.replied_at == comment.created_at
    assert note.acknowledged_at is not None
    assert note.reply == ""


def test_replying_again_adds_to_the_conversation(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-reply", args=[note.pk]), {"reply": "First"})
    client.post(reverse("feedback-reply", args=[note.pk]), {"reply": "Second"})
    assert [c.body for c in note.comments.all()] == ["First", "Second"]


def test_an_empty_reply_is_a_field_error(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(reverse("feedback-reply", args=[note.pk]), {"reply": "  "})
    assert response.status_code == 200
    assert "Write a reply" in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not note.comments.exists()
    note.refresh_from_db()
    assert note.acknowledged_at is None


def test_an_empty_htmx_reply_returns_the_card_with_the_error(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-reply", args=[note.pk]),
        {"reply": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Write a reply" in html


@pytest.mark.parametrize(("answer", "expected"), [("yes", True), ("no", False)])
def test_rating_records_whether_it_was_actionable(
    client, cast, notes, answer, expected
):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    client.post(reverse("feedback-rate", args=[note.pk]), {"actionable": answer})
    note.refresh_from_db()
    assert note.actionable is expected
    assert note.acknowledged_at is not None


def test_a_rating_that_is_neither_yes_nor_no_is_refused(client, cast, notes):
    note = notes["shared"]
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-rate", args=[note.pk]), {"actionable": "maybe"}
    )
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.actionable is None


# --- filters and query counts --------------------------------------------------


def test_the_list_filters_by_kind_and_acknowledgement(client, cast):
    factories.make_note(cast.mia.user, cast.alice, suggestion="zq-tech")
    factories.make_note(
        cast.mia.user, cast.alice, kind="interpersonal", suggestion="zq-people"
    )
    client.force_login(cast.alice.user)
    html = client.get(
        reverse("feedback-list"), {"kind": "interpersonal"}
    ).content.decode()
    assert "zq-people" in html
    assert "zq-tech" not in html
    FeedbackNote.objects.filter(suggestion="zq-tech").update(
        acknowledged_at="2026-01-01T00:00Z"
    )
    html = client.get(
        reverse("feedback-list"), {"acknowledged": "yes"}
    ).content.decode()
    assert "zq-tech" in html
    assert "zq-people" not in html


def test_the_list_filters_by_author_and_dates(client, cast):
    import datetime

    old = datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC)
    factories.make_note(cast.mia.user, cast.alice, suggestion="zq-mia", created_at=old)
    factories.make_note(cast.max.user, cast.alice, suggestion="zq-max")
    client.force_login(cast.alice.user)
    html = client.get(
        reverse("feedback-list"), {"author": cast.max.user.pk}
    ).content.decode()
    assert "zq-max" in html
    assert "zq-mia" not in html
    html = client.get(
        reverse("feedback-list"), {"created_to": "2025-12-31"}
    ).content.decode()
    assert "zq-mia" in html
    assert "zq-max" not in html


def test_the_people_tab_filters_by_engineer_and_team(client, cast):
    factories.make_note(cast.bob.user, cast.alice, suggestion="zq-on-alice")
    factories.make_note(cast.alice.user, cast.bob, suggestion="zq-on-bob")
    client.force_login(cast.mia.user)
    html = client.get(
        reverse("feedback-list"), {"tab": "people", "engineer": cast.bob.pk}
    ).content.decode()
    assert "zq-on-bob" in html
    assert "zq-on-alice" not in html
    html = client.get(
        reverse("feedback-list"), {"tab": "people", "team": cast.data.pk}
    ).content.decode()
    assert "zq-on-bob" not in html


def test_the_list_pages_by_25(client, cast):
    for n in range(30):
        factories.make_note(cast.mia.user, cast.alice, suggestion=f"zq-{n:02d}-note")
    client.force_login(cast.alice.user)
    first = client.get(reverse("feedback-list"))
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(reverse("feedback-list"), {"page": 2, "kind": "technical"})
    assert len(second.context["page_obj"].object_list) == 5
    assert "kind=technical&amp;page=1" in second.content.decode()


def _make_notes_for_every_tab(cast, count: int) -> None:
    competencies = list(Competency.objects.all())
    goal = factories.make_goal(cast.alice)
    for n in range(count):
        competency = competencies[n % len(competencies)]
        author = factories.make_engineer(team=cast.data).user
        factories.make_note(
            author,
            cast.alice,
            kind=competency.kind,
            competency=competency,
            goal=goal,
        )
        factories.make_note(cast.mia.user, cast.bob, kind=competency.kind)
        factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)


def _count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    # An empty page skips the query for its rows; these counts are for full ones.
    if "page_obj" in response.context:
        assert response.context["page_obj"].object_list
    return len(queries)


# Session, user, the roles with the unread count, the tab's people for the
# filter (one pass, then engineers and authors), competencies, teams, the count
# and the page; the received tab offers no "About" nor team, the given tab no
# "Written by".
@pytest.mark.parametrize(
    ("who", "tab", "most"),
    [
        ("alice", "received", 8),
        ("mia", "given", 9),
        ("mia", "people", 10),
        ("max", "people", 10),
    ],
)
def test_the_list_runs_the_same_queries_for_two_or_twenty_notes(
    client, cast, who, tab, most
):
    client.force_login(getattr(cast, who).user)
    url = reverse("feedback-list")
    _make_notes_for_every_tab(cast, 2)
    small = _count_queries(client, url, {"tab": tab})
    _make_notes_for_every_tab(cast, 18)
    large = _count_queries(client, url, {"tab": tab})
    assert small == large
    assert large <= most


def test_the_filtered_list_runs_a_fixed_number_of_queries(client, cast):
    client.force_login(cast.mia.user)
    url = reverse("feedback-list")
    params = {"tab": "people", "kind": "interpersonal", "acknowledged": "no"}
    _make_notes_for_every_tab(cast, 2)
    small = _count_queries(client, url, params)
    _make_notes_for_every_tab(cast, 18)
    assert _count_queries(client, url, params) == small


def test_the_detail_page_runs_few_queries(client, cast, notes):
    client.force_login(cast.alice.user)
    count = _count_queries(
        client, reverse("feedback-detail", args=[notes["shared"].pk]), {}
    )
    # Session, user, access, the note, its links, its comments, the notice read.
    assert count <= 7


def test_the_about_and_written_by_choices_are_the_people_of_the_tabs_notes(
    client, cast
):
    factories.make_note(cast.mia.user, cast.alice)
    factories.make_note(cast.max.user, cast.alice, visibility=Visibility.MANAGER)
    factories.make_note(None, cast.bob)  # its author left and was erased
    factories.make_note(cast.skip.user, cast.mia)  # not one of mia's people
    factories.make_note(cast.carol.user, cast.carol, visibility=Visibility.SELF)
    client.force_login(cast.mia.user)
    form = (
        client.get(reverse("feedback-list"), {"tab": "people"}).context["filter"].form
    )
    about = [str(choice) for choice in form.fields["engineer"].queryset]
    written_by = [str(choice) for choice in form.fields["author"].queryset]
    assert about == ["Alice Engineer", "Bob Peer"]
    assert written_by == ["Max Mentor", "Mia Manager"]
