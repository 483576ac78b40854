"""Comments on a note have the note's readers: DESIGN.md's "comments on a note:
as the note's visibility allows", held to the policy's note rule for every
person of the cast and every visibility."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from growth.models import FeedbackComment, FeedbackNote, Visibility
from growth.services.feedback import feedback_comment_create, feedback_note_readers
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)
PEOPLE = ("alice", "bob", "mia", "max", "cora", "olivia", "skip", "carol")
# Who reads a note by bob about alice (the policy's table, written out).
READERS = {
    Visibility.SHARED: {"alice", "bob", "mia", "max"},
    Visibility.MANAGER: {"bob", "mia"},
    Visibility.SELF: {"bob"},
}


@pytest.fixture
def by_mia(cast):
    """Notes mia may write manager-only: about her report alice."""
    return {
        visibility: factories.make_note(
            cast.mia.user, cast.alice, visibility=visibility
        )
        for visibility in Visibility
    }


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_comment_is_who_may_read(cast, by_mia, visibility, who):
    note = by_mia[visibility]
    person = getattr(cast, who).user
    reads = FeedbackNote.objects.visible_to(person).filter(pk=note.pk).exists()
    if reads:
        feedback_comment_create(note=note, author=person, body="Seen", now=NOW)
    else:
        with pytest.raises(ValidationError):
            feedback_comment_create(note=note, author=person, body="Seen", now=NOW)
    assert note.comments.exists() is reads


@pytest.mark.parametrize("visibility", list(Visibility))
def test_a_comment_is_read_by_its_notes_readers_and_nobody_else(
    cast, by_mia, visibility
):
    note = by_mia[visibility]
    feedback_comment_create(note=note, author=cast.mia.user, body="Seen", now=NOW)
    for who in PEOPLE:
        person = getattr(cast, who).user
        assert FeedbackComment.objects.visible_to(person).exists() is (
            FeedbackNote.objects.visible_to(person).filter(pk=note.pk).exists()
        ), who


@pytest.mark.parametrize("visibility", list(Visibility))
def test_the_readers_told_are_the_policys_readers(cast, by_mia, visibility):
    note = by_mia[visibility]
    expected = {
        getattr(cast, who).user
        for who in PEOPLE
        if FeedbackNote.objects.visible_to(getattr(cast, who).user)
        .filter(pk=note.pk)
        .exists()
    }
    assert set(feedback_note_readers(note)) == expected


def test_the_policys_table_for_bobs_notes(cast):
    for visibility, readers in READERS.items():
        note = factories.make_note(
            cast.bob.user,
            cast.alice,
            visibility=Visibility.SHARED
            if visibility == Visibility.MANAGER
            else visibility,
        )
        if visibility == Visibility.MANAGER:
            # A peer cannot write manager-only through the services; the row
            # is what the rule reads.
            FeedbackNote.objects.filter(pk=note.pk).update(visibility=visibility)
        names = {
            who
            for who in PEOPLE
            if getattr(cast, who).user in feedback_note_readers(note)
        }
        assert names == readers, visibility


def test_a_comments_author_edits_only_while_they_may_read_the_note(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    comment = feedback_comment_create(
        note=note, author=cast.max.user, body="Seen", now=NOW
    )
    assert FeedbackComment.objects.editable_by(cast.max.user).get() == comment
    cast.max_mentors_alice.ended_on = NOW.date()
    cast.max_mentors_alice.save()
    assert not FeedbackComment.objects.editable_by(cast.max.user).exists()
