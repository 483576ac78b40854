"""Praise in one line, and the Praise wall everyone signed in reads."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from growth import policy
from growth.models import (
    CompetencyKind,
    EventKind,
    FeedbackNote,
    Notification,
    Sentiment,
    Visibility,
    limits,
)
from growth.selectors.dashboard import feedback_rows
from growth.services.feedback import feedback_note_create
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)


def praise(author, engineer, message="Thanks for the careful review", **fields):
    return feedback_note_create(
        author=author.user,
        engineer=engineer,
        kind=fields.pop("kind", CompetencyKind.TECHNICAL),
        competency=fields.pop("competency", None),
        sentiment=Sentiment.PRAISE,
        message=message,
        now=fields.pop("now", NOW),
        **fields,
    )


def post_praise(client, engineer, **fields):
    data = {
        "engineer": engineer.pk,
        "message": "Thanks for pairing on the flaky test",
        "kind": "interpersonal",
        "competency": "",
        "submission_key": str(uuid.uuid4()),
        **fields,
    }
    return client.post(reverse("praise-create"), data)


# --- the note it is ------------------------------------------------------------------


def test_praise_is_a_feedback_note_with_its_one_line(cast):
    note = praise(cast.bob, cast.alice, public=True)
    assert (note.sentiment, note.visibility, note.public) == (
        Sentiment.PRAISE,
        Visibility.SHARED,
        True,
    )
    assert note.message == "Thanks for the careful review"
    assert (note.situation, note.behaviour, note.impact, note.suggestion) == (("",) * 4)
    assert note.is_one_line and note.gist == note.message


def test_praise_tells_the_person_praised(cast):
    praise(cast.bob, cast.alice, public=True)
    (notice,) = Notification.objects.all()
    assert notice.recipient == cast.alice.user
    assert notice.kind == EventKind.FEEDBACK_RECEIVED
    assert notice.message.endswith("praised your technical work on the Praise wall.")
    assert "careful review" not in notice.message


def test_constructive_feedback_keeps_its_four_parts(cast):
    with pytest.raises(ValidationError) as refused:
        feedback_note_create(
            author=cast.bob.user,
            engineer=cast.alice,
            kind="technical",
            competency=None,
            sentiment=Sentiment.CONSTRUCTIVE,
            message="Do better",
            now=NOW,
        )
    assert "sentiment" in refused.value.message_dict


def test_a_blank_praise_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        praise(cast.bob, cast.alice, message="   ")
    assert set(refused.value.message_dict) >= {"situation"}


@pytest.mark.parametrize(
    "fields",
    [
        # Neither shape: no parts, no message.
        {"situation": "", "behaviour": "", "impact": "", "suggestion": ""},
        # Both shapes at once.
        {"message": "Thanks"},
        # One line, but not praise.
        {
            "message": "Try again",
            "situation": "",
            "behaviour": "",
            "impact": "",
            "suggestion": "",
        },
    ],
)
def test_the_database_holds_a_note_to_one_shape(cast, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_note(cast.bob.user, cast.alice, **fields)


def test_a_message_over_its_limit_is_refused_not_cut(cast):
    with pytest.raises(ValidationError) as refused:
        praise(cast.bob, cast.alice, message="x" * (limits.NOTE_PART + 1))
    assert "message" in refused.value.message_dict
    assert not FeedbackNote.objects.exists()


def test_only_praise_shared_with_them_goes_on_the_wall(cast):
    with pytest.raises(ValidationError) as refused:
        praise(cast.mia, cast.alice, visibility=Visibility.MANAGER, public=True)
    assert "public" in refused.value.message_dict


def test_praise_counts_wherever_feedback_counts(cast):
    praise(cast.bob, cast.alice, kind=CompetencyKind.INTERPERSONAL)
    factories.make_note(cast.bob.user, cast.alice, kind="technical", created_at=NOW)
    day = datetime.timedelta(days=1)
    rows = feedback_rows(
        policy.notes_about(cast.alice.user, cast.alice.pk),
        bounds=[NOW - day, NOW + day],
        since=NOW - day,
    )
    assert sorted(kind for kind, *_ in rows) == ["interpersonal", "technical"]


# --- the form --------------------------------------------------------------------------


def test_one_box_and_a_kind_are_enough(client, cast):
    client.force_login(cast.bob.user)
    response = post_praise(client, cast.alice)
    note = FeedbackNote.objects.get()
    assert response.status_code == 302
    assert note.message == "Thanks for pairing on the flaky test"
    assert note.kind == "interpersonal"
    assert note.public is False


def test_the_message_is_required(client, cast):
    client.force_login(cast.bob.user)
    response = post_praise(client, cast.alice, message="  ")
    assert response.status_code == 200
    assert "Write what you want to thank them for." in response.content.decode()
    assert not FeedbackNote.objects.exists()


def test_nobody_praises_themselves(client, cast):
    client.force_login(cast.bob.user)
    response = post_praise(client, cast.bob)
    assert response.status_code == 200
    assert not FeedbackNote.objects.exists()


def test_the_form_offers_the_person_in_the_link(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("praise-create"), {"engineer": cast.alice.pk}
    ).content.decode()
    assert f'<option value="{cast.alice.pk}" selected>' in html
    assert 'name="message"' in html
    assert 'name="public"' in html


def test_after_saving_give_another_and_back_where_you_were(client, cast):
    client.force_login(cast.bob.user)
    response = post_praise(client, cast.alice, next="/team/?sort=name")
    note = FeedbackNote.objects.get()
    assert response.url == reverse("feedback-detail", args=[note.pk])
    html = client.get(response.url).content.decode()
    another = f"{reverse('praise-create')}?engineer={cast.alice.pk}"
    assert f'href="{another}&amp;next=%2Fteam%2F%3Fsort%3Dname"' in html
    assert 'href="/team/?sort=name">Back to where you were' in html
    # Once: the note's page later is the note's page.
    assert "Back to where you were" not in client.get(response.url).content.decode()


def test_back_where_you_were_never_leaves_the_site(client, cast):
    client.force_login(cast.bob.user)
    response = post_praise(client, cast.alice, next="https://evil.example/")
    html = client.get(response.url).content.decode()
    assert "evil.example" not in html
    assert "Back to where you were" not in html
    assert "Give another to Alice Engineer" in html


def test_the_form_remembers_the_page_that_linked_to_it(client, cast):
    client.force_login(cast.bob.user)
    html = client.get(
        reverse("praise-create"), headers={"referer": "http://testserver/team/"}
    ).content.decode()
    assert 'name="next" value="http://testserver/team/"' in html


def test_two_posts_of_one_form_praise_once(client, cast):
    client.force_login(cast.bob.user)
    key = str(uuid.uuid4())
    post_praise(client, cast.alice, submission_key=key)
    post_praise(client, cast.alice, submission_key=key)
    assert FeedbackNote.objects.count() == 1
    assert Notification.objects.count() == 1


def test_the_author_edits_praise_in_its_own_form(client, cast):
    note = praise(cast.bob, cast.alice)
    client.force_login(cast.bob.user)
    page = client.get(reverse("feedback-edit", args=[note.pk])).content.decode()
    assert 'name="message"' in page and 'name="situation"' not in page
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        {"message": "Thanks again", "kind": "technical", "public": "on"},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.message, note.public) == ("Thanks again", True)


# --- the wall ----------------------------------------------------------------------


def test_everyone_signed_in_reads_the_wall(client, cast):
    praise(cast.bob, cast.alice, message="zq-public", public=True)
    praise(cast.bob, cast.alice, message="zq-private")
    client.force_login(cast.carol.user)
    html = client.get(reverse("praise-wall")).content.decode()
    assert "zq-public" in html
    assert "zq-private" not in html
    assert "Bob Peer praised Alice Engineer" in html
    # Carol may not open the note itself, nor its conversation.
    assert (
        reverse("feedback-detail", args=[FeedbackNote.objects.first().pk]) not in html
    )


def test_the_wall_is_newest_first_and_paged(client, cast):
    for day in range(27):
        praise(
            cast.bob,
            cast.alice,
            message=f"zq-day-{day:02}",
            public=True,
            now=NOW + datetime.timedelta(days=day),
        )
    client.force_login(cast.carol.user)
    first = client.get(reverse("praise-wall")).content.decode()
    assert first.index("zq-day-26") < first.index("zq-day-25")
    assert "zq-day-01" not in first
    second = client.get(reverse("praise-wall"), {"page": 2}).content.decode()
    assert "zq-day-01" in second and "zq-day-00" in second


def test_a_deleted_praise_leaves_the_wall(client, cast):
    note = praise(cast.bob, cast.alice, message="zq-gone", public=True)
    FeedbackNote.objects.filter(pk=note.pk).update(deleted_at=NOW)
    client.force_login(cast.carol.user)
    assert "zq-gone" not in client.get(reverse("praise-wall")).content.decode()


def test_the_wall_is_private_to_the_organisation(client):
    response = client.get(reverse("praise-wall"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_wall_costs_the_same_for_two_or_twenty(
    client, cast, django_assert_max_num_queries
):
    for _ in range(2):
        praise(cast.bob, cast.alice, public=True)
    client.force_login(cast.carol.user)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("praise-wall"))
    for _ in range(18):
        praise(cast.mia, cast.bob, public=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("praise-wall"))
