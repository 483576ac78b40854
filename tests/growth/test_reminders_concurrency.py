"""Two beats at once (a duplicated scheduler, or two sweeps racing): still one
email per recipient and rule. Real concurrency needs PostgreSQL: two threads,
two connections, one database."""

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connections

from growth.models import Notification, Reminder, ReminderStatus
from growth.reminders.delivery import deliver, sweep
from tests import factories
from tests.reminders_support import memory_broker, reseed_after, seed_defaults, utc

NOW = utc(2026, 11, 30, 9)


@pytest.fixture(scope="module", autouse=True)
def _reseed(django_db_blocker):
    yield from reseed_after(django_db_blocker)


@pytest.fixture
def broker():
    yield from memory_broker()


def sent_kinds() -> Counter:
    """(recipient email, kind) → how many emails went out."""
    ids = [
        int(m.extra_headers["Message-ID"].split("-")[1].split("@")[0])
        for m in mail.outbox
    ]
    kinds = dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "kind"))
    return Counter((m.to[0], kinds[pk]) for m, pk in zip(mail.outbox, ids, strict=True))


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_two_workers_at_once_send_one_email_each(cast, broker):
    seed_defaults()
    type(cast.alice).objects.update(start_date=datetime.date(2025, 1, 1))
    factories.make_goal(cast.alice, target_date=NOW.date())
    # More managers, so that the two sweeps really overlap.
    team = factories.make_team("Crowd")
    for n in range(20):
        boss = factories.make_engineer(f"Boss {n}", team=team, start_date=NOW.date())
        factories.make_engineer(
            f"Report {n}", team=team, manager=boss, start_date=datetime.date(2025, 1, 1)
        )
    barrier = threading.Barrier(2, timeout=10)
    errors = []

    def beat_and_worker():
        try:
            barrier.wait()
            sweep(now=NOW)
            pending = Reminder.objects.filter(status=ReminderStatus.PENDING)
            barrier.wait()
            for pk in pending.values_list("pk", flat=True):
                deliver(pk)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat_and_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    counts = sent_kinds()
    assert len(counts) == Reminder.objects.count() > 40
    assert set(counts.values()) == {1}
    assert Notification.objects.count() == Reminder.objects.count()
