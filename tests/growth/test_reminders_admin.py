"""Reminders in the admin: the log with its filters, sending the due reminders
of chosen rules now, and retrying the ones that failed or are ambiguous."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from growth.models import (
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
)
from tests import factories
from tests.reminders_support import memory_broker, seed_defaults, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 11, 30, 9)


@pytest.fixture
def broker():
    yield from memory_broker()


@pytest.fixture
def staff_client(client, cast):
    seed_defaults()
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    client.force_login(cast.staff)
    return client


def act(client, model, action, pks, capture):
    url = reverse(f"admin:growth_{model}_changelist")
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return client.post(
            url,
            {"action": action, "_selected_action": [str(pk) for pk in pks]},
            follow=True,
        )


def test_send_due_now_runs_the_sweep_for_the_chosen_rules(
    staff_client, broker, django_capture_on_commit_callbacks
):
    rule = ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE)
    response = act(
        staff_client,
        "reminderrule",
        "send_due_now",
        [rule.pk],
        django_capture_on_commit_callbacks,
    )
    assert (
        "Planned 2 reminder(s); recorded 2, 0 of them skipped (the recipient "
        "opted out); published 2 for sending."
    ) in response.content.decode()
    assert set(Reminder.objects.values_list("kind", flat=True)) == {rule.kind}
    assert len(broker.ids()) == 2


def test_send_due_now_says_what_it_planned_recorded_skipped_and_published_apart(
    staff_client, cast, broker, django_capture_on_commit_callbacks
):
    rule = ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE)
    ReminderPreference.objects.create(
        user=cast.mia.user, kind=rule.kind, email_enabled=False
    )
    # Another sweep recorded Skip's reminder first.
    Reminder.objects.create(
        recipient=cast.skip.user,
        kind=rule.kind,
        period_key="2026-W49",
        subject="Feedback due",
    )
    response = act(
        staff_client,
        "reminderrule",
        "send_due_now",
        [rule.pk],
        django_capture_on_commit_callbacks,
    )
    assert (
        "Planned 1 reminder(s); recorded 1, 1 of them skipped (the recipient "
        "opted out); published 1 for sending."
    ) in response.content.decode()
    assert broker.ids() == [Reminder.objects.get(recipient=cast.skip.user).pk]


def test_send_due_now_leaves_disabled_rules_alone(
    staff_client, broker, django_capture_on_commit_callbacks
):
    rule = ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE)
    rule.enabled = False
    rule.save()
    response = act(
        staff_client,
        "reminderrule",
        "send_due_now",
        [rule.pk],
        django_capture_on_commit_callbacks,
    )
    assert "Skipped 1 disabled rule(s)" in response.content.decode()
    assert not Reminder.objects.exists()


def failed(cast, key="request-1"):
    return Reminder.objects.create(
        recipient=cast.alice.user,
        kind=ReminderKind.REQUEST_PENDING,
        period_key=key,
        subject="Bob Peer is waiting for your feedback",
        status=ReminderStatus.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: 550 no such user",
    )


def test_the_log_shows_why_a_reminder_failed_and_filters_by_status(staff_client, cast):
    failed(cast, key="request-41")
    sent = failed(cast, key="request-42")
    Reminder.objects.filter(pk=sent.pk).update(status=ReminderStatus.SENT, sent_at=NOW)
    url = reverse("admin:growth_reminder_changelist")
    html = staff_client.get(url, {"status__exact": "failed"}).content.decode()
    assert "request-41" in html and "request-42" not in html
    assert "SMTPRecipientsRefused: 550 no such user" in html


def test_retry_gives_failed_reminders_fresh_attempts_and_queues_them(
    staff_client, cast, broker, django_capture_on_commit_callbacks
):
    broken = failed(cast)
    fine = failed(cast, key="request-2")
    Reminder.objects.filter(pk=fine.pk).update(status=ReminderStatus.SENT, sent_at=NOW)
    response = act(
        staff_client,
        "reminder",
        "retry",
        [broken.pk, fine.pk],
        django_capture_on_commit_callbacks,
    )
    assert "Queued 1 failed or ambiguous reminder(s) again" in response.content.decode()
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (ReminderStatus.PENDING, 0)
    assert Reminder.objects.get(pk=fine.pk).status == ReminderStatus.SENT
    assert broker.ids() == [broken.pk]


def test_retry_sends_an_ambiguous_reminder_again_when_staff_decide_to(
    staff_client, cast, broker, django_capture_on_commit_callbacks
):
    unsure = failed(cast)
    Reminder.objects.filter(pk=unsure.pk).update(
        status=ReminderStatus.AMBIGUOUS,
        last_error="Ambiguous: the connection was lost after the message's final dot",
    )
    url = reverse("admin:growth_reminder_changelist")
    listed = staff_client.get(url, {"status__exact": "ambiguous"}).content.decode()
    assert "Ambiguous: the connection was lost" in listed
    response = act(
        staff_client,
        "reminder",
        "retry",
        [unsure.pk],
        django_capture_on_commit_callbacks,
    )
    assert "Queued 1 failed or ambiguous reminder(s) again" in response.content.decode()
    unsure.refresh_from_db()
    assert (unsure.status, unsure.attempts) == (ReminderStatus.PENDING, 0)
    assert unsure.last_error.startswith("Retried by hand.\nAmbiguous: ")
    assert broker.ids() == [unsure.pk]


def test_staff_who_may_only_read_the_log_cannot_retry(client, cast):
    reader = factories.make_user("Reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_reminder"))
    client.force_login(reader)
    response = client.get(reverse("admin:growth_reminder_changelist"))
    assert response.status_code == 200
    assert 'value="retry"' not in response.content.decode()
