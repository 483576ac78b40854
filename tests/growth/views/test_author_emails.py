"""Wherever a person is named as the author of something, their email is one
line away: a name alone could be another's.

mia writes shared feedback about alice; alice asks bob for feedback.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from growth.models import Notification, Reminder, ReminderStatus
from growth.reminders import deliver
from growth.services.feedback import feedback_note_create
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


@pytest.fixture
def note(cast):
    return feedback_note_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind="technical",
        competency=factories.competency("technical"),
        sentiment="praise",
        situation="In the incident review",
        behaviour="You kept the timeline",
        impact="We found the cause fast",
        suggestion="Share the template",
        now=NOW,
    )


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_note_page_shows_the_engineer_the_author_s_email(client, cast, note):
    html = page(client, cast.alice.user, reverse("feedback-detail", args=[note.pk]))
    assert "feedback from Mia Manager" in html
    assert cast.mia.user.email in html


def test_the_note_page_shows_others_the_author_s_email(client, cast, note):
    html = page(client, cast.max.user, reverse("feedback-detail", args=[note.pk]))
    assert "Written by" in html
    assert cast.mia.user.email in html


def test_the_received_list_shows_the_author_s_email(client, cast, note):
    html = page(client, cast.alice.user, reverse("feedback-list"))
    assert cast.mia.user.email in html


def test_the_dashboard_card_shows_the_author_s_email(client, cast, note):
    html = page(client, cast.alice.user, reverse("my-growth"))
    assert "feedback from Mia Manager" in html
    assert cast.mia.user.email in html


def test_the_notification_names_the_author_with_their_email(cast, note):
    told = Notification.objects.get(recipient=cast.alice.user)
    assert told.message == (
        f"Mia Manager ({cast.mia.user.email}) praised your technical work."
    )


def test_the_email_names_the_author_with_their_email(cast, note):
    reminder = Reminder.objects.get(recipient=cast.alice.user)
    assert deliver(reminder.pk, now=NOW) == ReminderStatus.SENT
    [email] = mail.outbox
    assert f"Mia Manager ({cast.mia.user.email}) praised you" in email.body
    html, _type = email.alternatives[0]
    assert cast.mia.user.email in html


def test_the_requests_list_shows_who_asked_with_their_email(client, cast):
    factories.make_request(cast.alice, cast.bob)
    html = page(client, cast.bob.user, reverse("request-list"))
    assert cast.alice.user.email in html


def test_the_request_page_shows_who_asked_with_their_email(client, cast):
    asked = factories.make_request(cast.alice, cast.bob)
    html = page(client, cast.bob.user, reverse("request-detail", args=[asked.pk]))
    assert "Alice Engineer asked you for feedback" in html
    assert cast.alice.user.email in html
