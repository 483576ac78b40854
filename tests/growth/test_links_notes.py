"""Links to the work on notes and goal check-ins: saved with them, shown to
exactly their readers, never in an email or notification.

From the cast in conftest.py: mia manages alice and bob, max mentors alice,
carol is an outsider.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from growth.exports import export_build, export_csv
from growth.links import MAX_LINKS
from growth.models import (
    FeedbackNote,
    GoalCheckIn,
    Notification,
    Reminder,
    ReminderStatus,
    Visibility,
    WorkLink,
)
from growth.privacy import erase_person, subject_access_export
from growth.reminders import deliver
from growth.services.feedback import feedback_note_create, feedback_note_update
from growth.services.goals import goal_check_in_create
from tests import factories
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
PR = "https://github.com/acme/app/pull/42"
INCIDENT = "https://acme.pagerduty.com/incidents/Q1SECRETOUTAGE"


def note_fields(cast, **fields) -> dict:
    data = {
        "author": cast.mia.user,
        "engineer": cast.alice,
        "kind": "technical",
        "competency": factories.competency("technical"),
        "sentiment": "praise",
        "situation": "In the incident review",
        "behaviour": "You kept the timeline",
        "impact": "We found the cause fast",
        "suggestion": "Share the template",
        "now": NOW,
    }
    data.update(fields)
    return data


def form_data(cast, **fields) -> dict:
    data = {
        "engineer": cast.alice.pk,
        "kind": "technical",
        "competency": factories.competency("technical").pk,
        "sentiment": "praise",
        "situation": "In Tuesday's incident review",
        "behaviour": "You walked us through the timeline first",
        "impact": "We found the root cause in twenty minutes",
        "suggestion": "Add the timeline format to the post-mortem template",
        "goal": "",
        "visibility": "shared",
        "links": "",
    }
    data.update(fields)
    return data


# --- the services ---------------------------------------------------------------


def test_a_note_keeps_its_links_in_order_with_kind_and_host(cast):
    note = feedback_note_create(
        **note_fields(cast, links=[f"{INCIDENT} The outage", PR])
    )
    links = list(note.links.all())
    assert [(link.url, link.kind, link.host, link.title) for link in links] == [
        (INCIDENT, "incident", "acme.pagerduty.com", "The outage"),
        (PR, "pull_request", "github.com", ""),
    ]
    assert {link.engineer_id for link in links} == {cast.alice.pk}
    assert [str(link) for link in links] == [
        "acme.pagerduty.com · incident",
        "github.com · pull request #42",
    ]


@pytest.mark.parametrize(
    "links",
    [
        ["javascript:alert(1)"],
        [PR, "ftp://files.acme.example/x"],
        [f"https://github.com/acme/app/pull/{n}" for n in range(MAX_LINKS + 1)],
    ],
)
def test_a_bad_link_refuses_the_note_and_saves_nothing(cast, links):
    with pytest.raises(ValidationError) as refused:
        feedback_note_create(**note_fields(cast, links=links))
    assert list(refused.value.error_dict) == ["links"]
    assert not FeedbackNote.all_objects.exists()
    assert not WorkLink.objects.exists()
    assert not Notification.objects.exists()


def test_a_bad_link_is_reported_with_the_note_s_other_errors(cast):
    with pytest.raises(ValidationError) as refused:
        feedback_note_create(**note_fields(cast, situation=" ", links=["nope"]))
    assert set(refused.value.error_dict) == {"situation", "links"}


def test_editing_replaces_the_links_and_keeps_the_ones_still_there(cast):
    note = feedback_note_create(**note_fields(cast, links=[PR, INCIDENT]))
    kept = note.links.get(url=PR)
    feedback_note_update(
        note=note,
        author=cast.mia.user,
        links=["https://linear.app/acme/issue/ENG-1", f"{PR} Now named"],
        now=NOW,
        **factories.note_as_it_is(note),
    )
    links = list(note.links.all())
    assert [(link.url, link.title) for link in links] == [
        ("https://linear.app/acme/issue/ENG-1", ""),
        (PR, "Now named"),
    ]
    assert links[1].pk == kept.pk
    # The history keeps what the links were, and who changed them.
    gone = WorkLink.history.get(url=INCIDENT, history_type="-")
    assert gone.history_user == cast.mia.user
    assert WorkLink.history.filter(url=PR).count() == 2


def test_editing_without_links_keeps_them_and_a_bad_one_changes_nothing(cast):
    note = feedback_note_create(**note_fields(cast, links=[PR]))
    feedback_note_update(
        note=note,
        author=cast.mia.user,
        now=NOW,
        **factories.note_as_it_is(note, impact="New"),
    )
    assert list(note.links.values_list("url", flat=True)) == [PR]
    with pytest.raises(ValidationError):
        feedback_note_update(
            note=note,
            author=cast.mia.user,
            links=["mailto:x@acme.example"],
            now=NOW,
            **factories.note_as_it_is(note, impact="Changed again"),
        )
    note.refresh_from_db()
    assert note.impact == "New"
    assert list(note.links.values_list("url", flat=True)) == [PR]


def test_a_goal_check_in_keeps_its_links_and_refuses_bad_ones(cast):
    goal = factories.make_goal(cast.alice)
    check_in = goal_check_in_create(
        goal=goal, author=cast.alice.user, progress=30, links=[PR], now=NOW
    )
    [link] = check_in.links.all()
    assert (link.kind, link.engineer_id, link.note_id) == (
        "pull_request",
        cast.alice.pk,
        None,
    )
    with pytest.raises(ValidationError) as refused:
        goal_check_in_create(
            goal=goal, author=cast.alice.user, progress=60, links=["x"], now=NOW
        )
    assert "links" in refused.value.error_dict
    assert GoalCheckIn.objects.count() == 1
    goal.refresh_from_db()
    assert goal.progress == 30


def test_a_link_belongs_to_exactly_one_note_or_check_in(cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    check_in = factories.make_goal_check_in(factories.make_goal(cast.alice), None)
    from django.db import IntegrityError, transaction

    for owners in ({}, {"note": note, "goal_check_in": check_in}):
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkLink.objects.create(
                url=PR, kind="link", host="github.com", engineer=cast.alice, **owners
            )


# --- the note form and its pages -------------------------------------------------


def test_the_form_saves_links_and_the_note_shows_them(client, cast):
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"),
        form_data(cast, links=f"{PR}\r\n\r\n{INCIDENT} The outage\r\n"),
    )
    assert response.status_code == 302
    note = FeedbackNote.objects.get()
    assert list(note.links.values_list("url", flat=True)) == [PR, INCIDENT]
    html = client.get(reverse("feedback-detail", args=[note.pk])).content.decode()
    assert f'<a href="{PR}" rel="noopener noreferrer nofollow">' in html.replace(
        "\n", ""
    ).replace("  ", "")
    assert "github.com · pull request #42" in html
    assert "The outage" in html and "acme.pagerduty.com · incident" in html


def test_a_bad_link_is_an_error_on_the_field_and_nothing_is_saved(client, cast):
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-create"), form_data(cast, links=f"{PR}\njavascript:alert(1)")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["links"]
    assert "not a web address" in errors["links"][0]
    assert not FeedbackNote.all_objects.exists()
    assert not WorkLink.objects.exists()


def test_editing_a_note_shows_and_edits_its_links(client, cast):
    note = feedback_note_create(**note_fields(cast, links=[f"{PR} The fix"]))
    client.force_login(cast.mia.user)
    url = reverse("feedback-edit", args=[note.pk])
    form = client.get(url).context["form"]
    assert form.initial["links"] == f"{PR} The fix"
    data = form_data(cast, links=INCIDENT)
    data.pop("engineer")
    assert client.post(url, data).status_code == 302
    assert list(note.links.values_list("url", flat=True)) == [INCIDENT]


def test_a_link_in_the_address_starts_the_form_with_it(client, cast):
    client.force_login(cast.mia.user)
    response = client.get(
        reverse("feedback-create"), {"link": PR, "engineer": cast.alice.pk}
    )
    form = response.context["form"]
    assert form.initial["links"] == PR
    assert form.initial["engineer"] == cast.alice.pk
    assert f'id="id_links">\n{PR}</textarea>' in response.content.decode()


def test_a_bad_link_in_the_address_is_left_out_with_a_word(client, cast):
    client.force_login(cast.mia.user)
    response = client.get(reverse("feedback-create"), {"link": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "links" not in response.context["form"].initial
    [message] = get_messages(response.wsgi_request)
    assert "The link you came with was left out" in str(message)
    assert "javascript:alert(1)</textarea>" not in response.content.decode()


@pytest.mark.parametrize(
    ("visibility", "readers", "others"),
    [
        (Visibility.SHARED, ("mia", "alice", "max"), ("bob", "carol")),
        (Visibility.MANAGER, ("mia",), ("alice", "bob", "carol")),
        (Visibility.SELF, ("mia",), ("alice", "max", "bob", "carol")),
    ],
)
def test_a_note_s_links_show_to_its_readers_only(
    client, cast, visibility, readers, others
):
    note = feedback_note_create(
        **note_fields(cast, visibility=visibility, links=[INCIDENT])
    )
    url = reverse("feedback-detail", args=[note.pk])
    for who in readers:
        client.force_login(getattr(cast, who).user)
        assert "Q1SECRETOUTAGE" in client.get(url).content.decode(), who
    for who in others:
        client.force_login(getattr(cast, who).user)
        assert client.get(url).status_code == 404, who
        for page in ("/", reverse("feedback-list"), reverse("my-growth")):
            assert "Q1SECRETOUTAGE" not in client.get(page).content.decode()


def test_the_goal_page_shows_each_check_in_s_links_to_its_readers(client, cast):
    goal = factories.make_goal(cast.alice)
    goal_check_in_create(
        goal=goal, author=cast.alice.user, progress=40, links=[PR], now=NOW
    )
    url = reverse("goal-detail", args=[goal.pk])
    client.force_login(cast.max.user)
    html = client.get(url).content.decode()
    assert "github.com · pull request #42" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    client.force_login(cast.carol.user)
    assert client.get(url).status_code == 404


def test_the_check_in_form_saves_links(client, cast):
    goal = factories.make_goal(cast.alice)
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("goal-check-in", args=[goal.pk]),
        {"progress": "50", "note": "", "links": PR},
    )
    assert response.status_code == 302
    assert GoalCheckIn.objects.get().links.get().url == PR
    response = client.post(
        reverse("goal-check-in", args=[goal.pk]),
        {"progress": "70", "note": "", "links": "not a link"},
    )
    assert list(response.context["form"].errors) == ["links"]
    assert GoalCheckIn.objects.count() == 1


# --- what it costs ---------------------------------------------------------------


def test_the_note_page_costs_the_same_with_no_link_or_five(client, cast):
    bare = factories.make_note(cast.mia.user, cast.alice)
    linked = factories.make_note(cast.mia.user, cast.alice)
    for n in range(MAX_LINKS):
        factories.make_link(linked, f"https://github.com/acme/app/pull/{n}")
    client.force_login(cast.alice.user)
    fresh_queries(client, reverse("feedback-detail", args=[bare.pk]))
    assert fresh_queries(
        client, reverse("feedback-detail", args=[bare.pk])
    ) == fresh_queries(client, reverse("feedback-detail", args=[linked.pk]))


def test_the_feedback_list_costs_the_same_with_or_without_links(client, cast):
    notes = [factories.make_note(cast.mia.user, cast.alice) for _ in range(3)]
    client.force_login(cast.mia.user)
    params = {"tab": "people"}
    fresh_queries(client, reverse("feedback-list"), params)
    before = fresh_queries(client, reverse("feedback-list"), params)
    for note in notes:
        factories.make_link(note, PR)
        factories.make_link(note, INCIDENT)
    assert fresh_queries(client, reverse("feedback-list"), params) == before


def test_the_goal_page_costs_the_same_with_more_linked_check_ins(client, cast):
    goal = factories.make_goal(cast.alice)
    factories.make_link(factories.make_goal_check_in(goal, cast.alice.user), PR)
    client.force_login(cast.alice.user)
    url = reverse("goal-detail", args=[goal.pk])
    fresh_queries(client, url)
    small = fresh_queries(client, url)
    for n in range(10):
        check_in = factories.make_goal_check_in(goal, cast.alice.user, n)
        factories.make_link(check_in, f"https://github.com/acme/app/pull/{n}")
        factories.make_link(check_in, INCIDENT)
    assert fresh_queries(client, url) == small


# --- never in an email or a notification ----------------------------------------


def test_no_link_goes_into_the_notification_or_the_email(cast):
    note = feedback_note_create(**note_fields(cast, links=[INCIDENT]))
    [reminder] = Reminder.objects.filter(recipient=cast.alice.user)
    assert deliver(reminder.pk, now=NOW) == ReminderStatus.SENT
    [email] = mail.outbox
    told = [email.subject, email.body, *(alt[0] for alt in email.alternatives)]
    told += list(Notification.objects.values_list("message", flat=True))
    told.append(str(reminder.payload))
    assert note.pk
    for text in told:
        assert "Q1SECRETOUTAGE" not in text
        assert "pagerduty" not in text


# --- taking it away, and forgetting it ------------------------------------------


def test_the_engineer_s_export_holds_the_links_of_notes_and_check_ins(cast):
    feedback_note_create(**note_fields(cast, links=[f"{PR} The fix"]))
    goal = factories.make_goal(cast.alice)
    goal_check_in_create(
        goal=goal, author=cast.alice.user, progress=10, links=[INCIDENT], now=NOW
    )
    data = export_build(user=cast.alice.user, engineer=cast.alice, now=NOW)
    [received] = data["feedback_received"]
    assert received["links"] == [
        {
            "url": PR,
            "kind": "pull_request",
            "host": "github.com",
            "label": "#42",
            "title": "The fix",
        }
    ]
    assert data["goals"][0]["check_ins"][0]["links"][0]["url"] == INCIDENT
    csv = export_csv(data)
    assert csv.count("note_link,") == 1 and csv.count("goal_check_in_link,") == 1
    assert PR in csv and INCIDENT in csv


def test_the_subject_access_export_and_erasure_take_the_links(cast):
    note = feedback_note_create(
        **note_fields(cast, visibility=Visibility.MANAGER, links=[INCIDENT])
    )
    goal = factories.make_goal(cast.alice)
    goal_check_in_create(
        goal=goal, author=cast.mia.user, progress=10, links=[PR], now=NOW
    )
    data = subject_access_export(user=cast.alice.user, by=cast.staff, now=NOW)
    [about] = data["feedback_about_them"]
    assert about["links"][0]["url"] == INCIDENT
    assert data["goals"][0]["check_ins"][0]["links"][0]["url"] == PR
    assert {row["url"] for row in data["change_history"]["worklink"]} == {
        INCIDENT,
        PR,
    }

    cast.alice.is_active = False
    cast.alice.save()
    erase_person(user=cast.alice.user, by=cast.staff)
    assert not FeedbackNote.all_objects.filter(pk=note.pk).exists()
    assert not WorkLink.objects.exists()
    assert not WorkLink.history.exists()
