"""An email about a note that was deleted meanwhile does not go out.

Deleting a note skips its pending email; these are the rows that were not
pending then (being sent, or failed) and become pending again later.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from growth import emails
from growth.models import Reminder, ReminderStatus
from growth.reminders import notify_feedback_received, notify_feedback_requested
from growth.reminders.delivery import RetryLater, deliver, retry_failed
from growth.services.feedback import feedback_note_delete
from tests import factories
from tests.growth.test_reminders import MINUTE, NOW, comes_due, smtp_settings
from tests.reminders_support import FakeSMTP, memory_broker

pytestmark = pytest.mark.django_db

DELETED = "The note was deleted before this email went out."


@pytest.fixture
def broker():
    yield from memory_broker()


def email_about_a_note(cast) -> tuple:
    note = factories.make_note(cast.mia.user, cast.alice, created_at=NOW)
    with transaction.atomic():
        reminder = notify_feedback_received(note=note, now=NOW)
    return note, reminder


def test_an_email_being_sent_as_its_note_is_deleted_is_skipped_on_its_retry(
    cast, broker, monkeypatch
):
    note, reminder = email_about_a_note(cast)
    build = emails.reminder_message

    def deleted_while_sending(row):
        feedback_note_delete(note=note, author=cast.mia.user, now=NOW)
        return build(row)

    monkeypatch.setattr(emails, "reminder_message", deleted_while_sending)
    with FakeSMTP(refuse=1) as server, smtp_settings(server):
        with pytest.raises(RetryLater):
            deliver(reminder.pk)
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.PENDING
        monkeypatch.setattr(emails, "reminder_message", build)
        comes_due(reminder.pk)
        assert deliver(reminder.pk) == ReminderStatus.SKIPPED
    assert server.accepted == []
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SKIPPED
    assert reminder.last_error.startswith(DELETED)


def test_a_failed_email_retried_after_its_note_is_deleted_is_skipped(cast, broker):
    note, reminder = email_about_a_note(cast)
    with FakeSMTP(refuse=1, refuse_code=550) as server, smtp_settings(server):
        assert deliver(reminder.pk) == ReminderStatus.FAILED
        feedback_note_delete(note=note, author=cast.mia.user, now=NOW + MINUTE)
        assert retry_failed([reminder.pk]) == 1
        assert deliver(reminder.pk) == ReminderStatus.SKIPPED
    assert server.accepted == []
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SKIPPED
    assert reminder.last_error.startswith(DELETED)


def test_an_email_about_a_live_note_costs_the_queries_any_other_email_does(
    cast, broker
):
    _note, about_a_note = email_about_a_note(cast)
    request = factories.make_request(cast.bob, cast.alice, created_at=NOW)
    with transaction.atomic():
        about_a_request = notify_feedback_requested(request=request, now=NOW)
    costs = []
    for reminder in (about_a_note, about_a_request):
        with CaptureQueriesContext(connection) as queries:
            assert deliver(reminder.pk) == ReminderStatus.SENT
        costs.append(len(queries))
    assert costs[0] == costs[1]
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 2
