"""``manage.py send_reminders``: the sweep by hand, printed per recipient."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models.functions import Now

from growth.models import Notification, Reminder, ReminderKind, ReminderStatus
from tests.reminders_support import only_rules

pytestmark = pytest.mark.django_db

MONDAY = "2026-11-30T09:00:00+00:00"
FAR_AHEAD = datetime.datetime(2030, 11, 25, 9, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture
def org(cast):
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    only_rules(ReminderKind.FEEDBACK_DUE, ReminderKind.WEEKLY_DIGEST)
    return cast


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_would_go_to_whom_and_writes_nothing(org):
    out = run("--dry-run", "--now", MONDAY)
    assert f"Mia Manager <{org.mia.user.email}>" in out
    assert (
        "  feedback_due 2026-W49: Feedback due for 2 of your reports [would be sent]"
        in out
    )
    assert "  weekly_digest 2026-W49: Your team this week: 2 reports" in out
    assert f"Skip Level <{org.skip.user.email}>" in out
    assert "4 new and 0 recorded reminder(s) would be sent; nothing was written" in out
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_it_records_and_sends_in_process_and_says_what_was_sent(org):
    with time_machine.travel(MONDAY, tick=False):
        out = run()
    assert "  feedback_due 2026-W49: Feedback due for 2 of your reports [sent]" in out
    assert "Planned 4, recorded 4 reminder(s); sent 4 of 4 pending" in out
    assert len(mail.outbox) == 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {
        ReminderStatus.SENT
    }
    with time_machine.travel("2026-11-30T10:00:00+00:00", tick=False):
        again = run()
    assert "Planned 0, recorded 0 reminder(s); sent 0 of 0 pending" in again
    assert len(mail.outbox) == 4


def test_now_without_dry_run_is_refused_and_sends_nothing(org):
    # Issue 18, 3: --now on a live system handed back live claims and stamped
    # the injected time on what it sent.
    with pytest.raises(CommandError, match="--now only goes with --dry-run"):
        run("--now", MONDAY)
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_what_it_sends_is_stamped_with_the_databases_time_not_the_processs(org):
    # A process whose clock is years ahead still records the real send time.
    with time_machine.travel(FAR_AHEAD, tick=False):
        run()
    rows = Reminder.objects.annotate(database_now=Now())
    assert len(rows) == 4
    for row in rows:
        assert row.status == ReminderStatus.SENT
        assert abs(row.database_now - row.sent_at) < datetime.timedelta(minutes=5)
        assert row.created_at == FAR_AHEAD  # planning's time is the process's


def test_before_the_send_hour_nothing_is_due(org):
    out = run("--dry-run", "--now", "2026-11-30T08:59:00+00:00")
    assert "0 new and 0 recorded reminder(s) would be sent" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-30T09:00:00", "needs a UTC offset"),
        ("next monday", "must be an ISO date and time"),
    ],
)
def test_now_must_be_an_iso_time_with_an_offset(value, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_reminders", "--now", value)
