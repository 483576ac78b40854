"""The reminder outbox: recorded once, published after commit, sent once.

Planning's time is passed in as ``now``; the outbox keeps the database's clock,
so a test lets time pass for a row by moving its timestamps back (``comes_due``,
``claim_ages``). The broker is in memory (``broker``) unless a test points the
app at a dead one; mail goes to Django's test outbox or to a fake SMTP server
on a spare port.
"""

import datetime
import re
import time
import zoneinfo
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.test import override_settings

from growth.models import (
    EventKind,
    Goal,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
    Visibility,
)
from growth.reminders import notify_feedback_received, notify_feedback_requested
from growth.reminders.delivery import RetryLater, backoff, deliver, sweep
from tests import factories
from tests.reminders_support import (
    FakeSMTP,
    memory_broker,
    only_rules,
    publishing_to,
    seed_defaults,
    spare_port,
    utc,
)

NOW = utc(2026, 11, 30, 9)  # Monday of ISO week 2026-W49, 09:00 UTC
SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def broker():
    yield from memory_broker()


@pytest.fixture
def org(cast):
    seed_defaults()
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    return cast


@pytest.fixture
def run(broker, django_capture_on_commit_callbacks):
    """Sweep as beat would, with the after-commit queueing carried out."""

    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now, **kwargs)

    return run


def deliver_all(ids):
    return [deliver(pk) for pk in ids]


def comes_due(pk):
    """Time passes for the row: its next attempt time came long ago, so a
    claim takes it and a sweep publishes it (by the database's clock)."""
    long_ago = datetime.timedelta(days=1)
    Reminder.objects.filter(pk=pk).update(next_attempt_at=Now() - long_ago)


def claim_ages(pk, by=datetime.timedelta(minutes=11)):
    """Time passes for the row's claim: by default past the claim timeout."""
    Reminder.objects.filter(pk=pk).update(claimed_at=F("claimed_at") - by)


def sent_kinds() -> Counter:
    """(recipient email, kind) → how many emails went out, from the test outbox."""
    ids = [
        int(m.extra_headers["Message-ID"].split("-")[1].split("@")[0])
        for m in mail.outbox
    ]
    kinds = dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "kind"))
    return Counter((m.to[0], kinds[pk]) for m, pk in zip(mail.outbox, ids, strict=True))


def smtp_settings(server):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port if hasattr(server, "port") else server,
        EMAIL_TIMEOUT=5,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
    )


# --- the sweep -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_one_reminder_per_recipient_and_rule_and_queues_it(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    result = run(NOW)
    rows = Reminder.objects.order_by("pk")
    assert {(r.recipient, r.period_key, r.status) for r in rows} == {
        (org.skip.user, "2026-W49", ReminderStatus.PENDING),
        (org.mia.user, "2026-W49", ReminderStatus.PENDING),
    }
    assert result.planned == result.recorded == result.published == 2
    assert sorted(broker.ids()) == sorted(r.pk for r in rows)
    # Marked with the moment they were published (the database's clock).
    [published_at] = {r.next_attempt_at for r in rows}
    assert published_at is not None
    assert Notification.objects.filter(
        recipient=org.mia.user, kind=ReminderKind.FEEDBACK_DUE
    ).get().message == ("Feedback due for 2 of your reports")


@pytest.mark.django_db
def test_a_sweep_twice_or_every_tick_of_the_week_records_nothing_more(org, run, broker):
    run(NOW)
    first = set(Reminder.objects.values_list("pk", flat=True))
    assert sorted(broker.ids()) == sorted(first)
    # While they wait in the queue, the next tick neither records nor
    # publishes them again...
    again = run(NOW + 15 * MINUTE)
    assert (again.planned, again.recorded, again.published) == (0, 0, 0)
    # ...until they have waited half a sweep interval: the broker may have
    # lost them, so again (a copy a worker already took is a no-op).
    Reminder.objects.update(next_attempt_at=F("next_attempt_at") - 8 * MINUTE)
    assert run(NOW + 30 * MINUTE).published == len(first)
    assert deliver_all(broker.ids()).count(ReminderStatus.SENT) == len(first)
    tick = NOW + 45 * MINUTE
    while tick < utc(2026, 12, 7, 0):  # to the end of the week, at every hour
        result = run(tick)
        assert (result.planned, result.published) == (0, 0)
        tick += 135 * MINUTE
    assert set(Reminder.objects.values_list("pk", flat=True)) == first
    assert Notification.objects.count() == len(first)
    assert len(mail.outbox) == len(first)


@pytest.mark.django_db
def test_each_recipient_gets_one_email_per_rule_however_often_it_runs(
    org,
    run,
    broker,
):
    goal = factories.make_goal(org.alice, target_date=NOW.date())
    Goal.objects.filter(pk=goal.pk).update(updated_at=NOW - datetime.timedelta(days=30))
    run(NOW)
    # Still pending half a sweep interval later: published again.
    Reminder.objects.update(next_attempt_at=F("next_attempt_at") - 8 * MINUTE)
    run(NOW + 15 * MINUTE)
    ids = broker.ids()
    assert len(ids) == 2 * len(set(ids))
    statuses = deliver_all(ids) + deliver_all(ids)  # and a duplicated task
    assert statuses.count(ReminderStatus.SENT) == len(set(ids))
    assert statuses.count(None) == 2 * len(ids) - len(set(ids))
    counts = sent_kinds()
    assert set(counts.values()) == {1}
    assert (org.mia.user.email, ReminderKind.FEEDBACK_DUE) in counts
    assert (org.mia.user.email, ReminderKind.WEEKLY_DIGEST) in counts
    assert (org.max.user.email, ReminderKind.CHECKIN_DUE) in counts
    assert (org.alice.user.email, ReminderKind.GOAL_DEADLINE) in counts


@pytest.mark.django_db
def test_next_week_brings_a_new_reminder(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    run(NOW)
    run(NOW + datetime.timedelta(days=7))
    keys = Reminder.objects.filter(recipient=org.mia.user).values_list(
        "period_key", flat=True
    )
    assert sorted(keys) == ["2026-W49", "2026-W50"]


@pytest.mark.django_db
def test_the_recipients_own_morning_in_tokyo_and_los_angeles(org, run):
    only_rules(ReminderKind.FEEDBACK_DUE)
    for person, zone in ((org.mia, "Asia/Tokyo"), (org.skip, "America/Los_Angeles")):
        person.user.time_zone = zone
        person.user.save(update_fields=["time_zone"])
    tick = utc(2026, 11, 29, 0)
    while tick < utc(2026, 12, 1, 0):
        run(tick)
        tick += 15 * MINUTE
    week = Reminder.objects.filter(period_key="2026-W49")
    assert {(r.recipient_id, r.created_at) for r in week} == {
        (org.mia.user_id, utc(2026, 11, 30, 0)),  # Monday 09:00 in Tokyo
        (org.skip.user_id, utc(2026, 11, 30, 17)),  # Monday 09:00 in Los Angeles
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "sunday", "expected"),
    [
        # 02:00 does not exist: clocks jump from 01:59 CET to 03:00 CEST.
        ("Europe/Berlin", datetime.date(2026, 3, 29), utc(2026, 3, 29, 1)),
        # 02:00 happens twice: the first one counts, the second sends nothing.
        ("Europe/Berlin", datetime.date(2026, 10, 25), utc(2026, 10, 25, 0)),
        ("America/New_York", datetime.date(2026, 3, 8), utc(2026, 3, 8, 7)),
        ("America/New_York", datetime.date(2026, 11, 1), utc(2026, 11, 1, 7)),
    ],
)
def test_a_daylight_saving_change_day_sends_the_digest_once(
    org, run, zone, sunday, expected
):
    only_rules(ReminderKind.WEEKLY_DIGEST, digest_weekday=6, send_hour=2)
    org.mia.user.time_zone = zone
    org.mia.user.save(update_fields=["time_zone"])
    # Every 15 minutes from Saturday 23:00 to Monday 01:00, local time.
    tick = datetime.datetime.combine(
        sunday - datetime.timedelta(days=1), datetime.time(23), zoneinfo.ZoneInfo(zone)
    ).astimezone(datetime.UTC)
    end = tick + datetime.timedelta(hours=26)
    while tick <= end:
        run(tick)
        tick += 15 * MINUTE
    [digest] = Reminder.objects.filter(recipient=org.mia.user)
    assert digest.created_at == expected


# --- preferences and people who left ---------------------------------------------


@pytest.mark.django_db
def test_an_opted_out_recipient_gets_the_in_app_notice_but_no_email(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    ReminderPreference.objects.create(
        user=org.mia.user, kind=ReminderKind.FEEDBACK_DUE, email_enabled=False
    )
    ReminderPreference.objects.create(
        user=org.skip.user, kind=ReminderKind.WEEKLY_DIGEST, email_enabled=False
    )
    result = run(NOW)
    mine = Reminder.objects.get(recipient=org.mia.user)
    assert mine.status == ReminderStatus.SKIPPED
    assert result.skipped == 1
    assert broker.ids() == [Reminder.objects.get(recipient=org.skip.user).pk]
    assert Notification.objects.filter(recipient=org.mia.user).exists()


@pytest.mark.django_db
def test_delivery_checks_again_who_opted_out_or_left_since_the_sweep(
    org,
    run,
    broker,
):
    only_rules(ReminderKind.FEEDBACK_DUE)
    run(NOW)
    ReminderPreference.objects.create(
        user=org.mia.user, kind=ReminderKind.FEEDBACK_DUE, email_enabled=False
    )
    org.skip.is_active = False
    org.skip.save(update_fields=["is_active"])
    assert deliver_all(broker.ids()) == [ReminderStatus.SKIPPED] * 2
    assert mail.outbox == []


# --- failures --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_worker_killed_mid_send_is_covered_by_the_next_sweeps(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    run(NOW)
    [pk] = broker.ids()
    # A worker claims the row, then dies before sending.
    Reminder.objects.filter(pk=pk).update(
        status=ReminderStatus.SENDING, claimed_at=Now(), attempts=1
    )
    assert deliver(pk) is None  # the redelivered task finds it claimed
    claim_ages(pk, by=9 * MINUTE)
    assert run(NOW + 9 * MINUTE).published == 0
    claim_ages(pk, by=2 * MINUTE)
    result = run(NOW + 11 * MINUTE)
    assert (result.handed_back, result.published) == (1, 1)
    assert broker.ids() == [pk]
    assert deliver(pk) == ReminderStatus.SENT
    assert len(mail.outbox) == 1
    row = Reminder.objects.get(pk=pk)
    assert row.attempts == 2
    assert row.last_error.startswith("No outcome within 600 s of the claim")


@pytest.mark.django_db
def test_a_claim_that_keeps_dying_is_failed_not_retried_forever(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    run(NOW)
    [pk] = broker.ids()
    Reminder.objects.filter(pk=pk).update(
        status=ReminderStatus.SENDING, claimed_at=Now(), attempts=5
    )
    claim_ages(pk)
    assert run(NOW + 11 * MINUTE).failed == 1
    assert Reminder.objects.get(pk=pk).status == ReminderStatus.FAILED


def set_mia_only(org):
    """Leave Mia the only manager with a reminder due."""
    for report in (org.mia, org.max, org.cora, org.olivia):
        factories.make_note(org.skip.user, report, created_at=NOW)


@pytest.mark.django_db
def test_a_mail_server_failing_twice_then_accepting_sends_one_email(
    org,
    run,
    broker,
):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    run(NOW)
    [pk] = broker.ids()
    with FakeSMTP(refuse=2) as server, smtp_settings(server):
        with pytest.raises(RetryLater) as first:
            deliver(pk)
        row = Reminder.objects.get(pk=pk)
        assert row.status == ReminderStatus.PENDING
        wait = row.next_attempt_at - row.claimed_at
        assert SECOND * 60 <= wait < SECOND * 61
        assert "451" in row.last_error
        # Neither the sweep nor an early copy of the task takes it before then.
        assert run(NOW + 30 * SECOND).published == 0
        assert deliver(pk) is None
        comes_due(pk)
        assert run(NOW + 61 * SECOND).published == 1
        with pytest.raises(RetryLater) as second:
            deliver(pk)
        comes_due(pk)
        assert deliver(pk) == ReminderStatus.SENT
    assert (first.value.seconds, second.value.seconds) == (60, 120)
    assert len(server.accepted) == 1
    assert server.attempts == 3
    row = Reminder.objects.get(pk=pk)
    assert (row.status, row.attempts) == (ReminderStatus.SENT, 3)
    # Every attempt's reason is kept, newest first.
    assert re.findall(r"451.*\[attempt (\d),", row.last_error) == ["2", "1"]


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once_and_shows_why(org, run, broker):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    run(NOW)
    [pk] = broker.ids()
    with FakeSMTP(refuse=1, refuse_code=550) as server, smtp_settings(server):
        assert deliver(pk) == ReminderStatus.FAILED
    row = Reminder.objects.get(pk=pk)
    assert row.status == ReminderStatus.FAILED
    assert "550" in row.last_error


@pytest.mark.django_db
@override_settings(REMINDER_MAX_ATTEMPTS=3)
def test_an_unreachable_mail_server_is_retried_with_back_off_then_failed(
    org,
    run,
    broker,
):
    only_rules(ReminderKind.FEEDBACK_DUE)
    set_mia_only(org)
    run(NOW)
    [pk] = broker.ids()
    waits = []
    with smtp_settings(spare_port()):
        for _attempt in range(2):
            with pytest.raises(RetryLater) as later:
                deliver(pk)
            waits.append(later.value.seconds)
            comes_due(pk)
        assert deliver(pk) == ReminderStatus.FAILED
    assert waits == [60, 120]
    assert "ConnectionRefusedError" in Reminder.objects.get(pk=pk).last_error


@pytest.mark.django_db
def test_an_email_that_cannot_be_built_fails_with_the_reason_instead_of_looping(
    org,
):
    broken = Reminder.objects.create(
        recipient=org.alice.user,
        kind=ReminderKind.GOAL_DEADLINE,
        period_key="2026-W49",
        subject="Your goal is due soon",
        payload={"items": [{"title": "No id"}], "count": 1},
    )
    assert deliver(broken.pk) == ReminderStatus.FAILED
    broken.refresh_from_db()
    assert broken.last_error.startswith("KeyError: 'goal_id' [attempt 1, ")
    assert mail.outbox == []


def test_the_back_off_doubles_and_is_capped():
    assert [backoff(n) for n in range(1, 8)] == [60, 120, 240, 480, 900, 900, 900]


@pytest.mark.django_db
def test_the_sweep_still_records_when_the_broker_is_down_and_queues_later(
    org,
    run,
    broker,
    django_capture_on_commit_callbacks,
):
    only_rules(ReminderKind.FEEDBACK_DUE)
    dead = f"redis://127.0.0.1:{spare_port()}/0"
    started = time.monotonic()
    with publishing_to(dead), django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=NOW)
    assert time.monotonic() - started < 3
    assert (result.recorded, result.published) == (2, 0)
    rows = Reminder.objects.all()
    assert {(r.status, r.next_attempt_at) for r in rows} == {
        (ReminderStatus.PENDING, None)
    }
    assert run(NOW + 15 * MINUTE).published == 2
    assert sorted(broker.ids()) == sorted(r.pk for r in rows)


# --- events ----------------------------------------------------------------------


@pytest.mark.django_db
def test_shared_feedback_tells_the_engineer_once_in_app_and_by_email(
    org,
    broker,
    django_capture_on_commit_callbacks,
):
    note = factories.make_note(org.mia.user, org.alice, created_at=NOW)
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        first = notify_feedback_received(note=note, now=NOW)
        again = notify_feedback_received(note=note, now=NOW + MINUTE)
    assert first == again
    assert (first.recipient, first.kind, first.period_key) == (
        org.alice.user,
        EventKind.FEEDBACK_RECEIVED,
        f"note-{note.pk}",
    )
    [notice] = Notification.objects.filter(recipient=org.alice.user)
    assert notice.message == (
        f"Mia Manager ({org.mia.user.email}) left you technical feedback."
    )
    assert notice.url == f"/feedback/{note.pk}/"
    assert broker.ids() == [first.pk]
    assert deliver(first.pk) == ReminderStatus.SENT
    [email] = mail.outbox
    assert email.subject == "Mia Manager left you technical feedback"
    assert email.to == [org.alice.user.email]


@pytest.mark.django_db
def test_manager_only_feedback_and_notes_to_self_tell_nobody(org, broker):
    for visibility in (Visibility.MANAGER, Visibility.SELF):
        note = factories.make_note(org.mia.user, org.alice, visibility=visibility)
        assert notify_feedback_received(note=note, now=NOW) is None
    assert not Notification.objects.exists()
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_an_opted_out_engineer_sees_the_notice_but_gets_no_email(
    org,
    broker,
    django_capture_on_commit_callbacks,
):
    ReminderPreference.objects.create(
        user=org.alice.user, kind=EventKind.FEEDBACK_RECEIVED, email_enabled=False
    )
    note = factories.make_note(org.mia.user, org.alice)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = notify_feedback_received(note=note, now=NOW)
    assert reminder.status == ReminderStatus.SKIPPED
    assert broker.ids() == []
    assert Notification.objects.filter(recipient=org.alice.user).exists()


@pytest.mark.django_db
def test_a_request_tells_the_person_asked(
    org, broker, django_capture_on_commit_callbacks
):
    request = factories.make_request(
        org.bob, org.alice, due_on=datetime.date(2026, 12, 11), created_at=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminder = notify_feedback_requested(request=request, now=NOW)
    assert reminder.period_key == f"request-{request.pk}"
    notice = Notification.objects.get(recipient=org.alice.user)
    assert notice.message == "Bob Peer asked you for feedback by 11 December 2026."
    assert notice.url == f"/requests/{request.pk}/"
    assert broker.ids() == [reminder.pk]
    deliver(reminder.pk)
    assert (
        mail.outbox[0].subject == "Bob Peer asked you for feedback by 11 December 2026"
    )


@pytest.mark.django_db
def test_an_event_commits_even_with_the_broker_down_and_the_sweep_sends_it(
    org,
    run,
    broker,
    django_capture_on_commit_callbacks,
):
    only_rules()
    note = factories.make_note(org.mia.user, org.alice)
    dead = f"redis://127.0.0.1:{spare_port()}/0"
    started = time.monotonic()
    with (
        publishing_to(dead),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        reminder = notify_feedback_received(note=note, now=NOW)
    assert time.monotonic() - started < 3
    reminder.refresh_from_db()
    assert (reminder.status, reminder.next_attempt_at) == (ReminderStatus.PENDING, None)
    assert run(NOW + MINUTE).published == 1
    assert broker.ids() == [reminder.pk]


@pytest.mark.django_db
def test_nothing_is_queued_when_the_causing_transaction_rolls_back(
    org,
    broker,
    django_capture_on_commit_callbacks,
):
    note = factories.make_note(org.mia.user, org.alice)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_feedback_received(note=note, now=NOW)
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert not Reminder.objects.exists()
    assert broker.ids() == []
