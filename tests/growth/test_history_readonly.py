"""The admin's History pages show versions; nobody can save one back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from growth.models import FeedbackNote, Goal
from tests import factories

pytestmark = pytest.mark.django_db


def version_url(obj) -> str:
    version = obj.history.earliest("history_date")
    name = f"admin:growth_{obj._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, version.history_id])


@pytest.fixture
def edited_note(cast):
    note = factories.make_note(cast.mia.user, cast.alice, suggestion="first words")
    note.suggestion = "second words"
    note.save()
    return note


@pytest.mark.parametrize("who", ["superuser", "view-only staff"])
def test_posting_a_version_changes_nothing(client, cast, edited_note, who):
    if who == "superuser":
        user = cast.staff
    else:
        user = factories.make_user("Vi Ewer", is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(codename__in=["view_feedbacknote"])
        )
    client.force_login(user)
    url = version_url(edited_note)
    assert client.get(url).status_code == 200
    response = client.post(url, {"suggestion": "REWRITTEN", "_save": "Save"})
    assert response.status_code == 405
    assert FeedbackNote.objects.get(pk=edited_note.pk).suggestion == "second words"
    assert edited_note.history.count() == 2


def test_a_goal_version_cannot_be_saved_back_either(client, cast):
    goal = factories.make_goal(cast.alice, title="Ship it")
    client.force_login(cast.staff)
    response = client.post(version_url(goal), {"title": "Rewritten"})
    assert response.status_code == 405
    assert Goal.objects.get(pk=goal.pk).title == "Ship it"
