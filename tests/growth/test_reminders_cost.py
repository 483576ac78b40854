"""What a sweep costs: the same reads and updates however many engineers there
are, and inserts in batches (one statement on PostgreSQL; SQLite caps a
statement's parameters, so one per ~80 rows there), never one per row."""

import datetime
import math
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from growth.models import Reminder
from growth.reminders.delivery import sweep
from tests.reminders_support import (
    build_organisation,
    memory_broker,
    seed_defaults,
    utc,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 1)
MONDAY = utc(2026, 11, 30, 20)  # every zone of the organisation is past 09:00


@pytest.fixture
def broker():
    seed_defaults()
    yield from memory_broker()


def statements(now) -> tuple[Counter, int]:
    """Run a sweep; return its statements by verb, and the rows it recorded."""
    before = Reminder.objects.count()
    with CaptureQueriesContext(connection) as queries:
        sweep(now=now)
    verbs = Counter(query["sql"].split(None, 1)[0].upper() for query in queries)
    return verbs, Reminder.objects.count() - before


def inserts(rows: int) -> int:
    """The most INSERTs that write ``rows`` reminders and their notifications."""
    if connection.vendor == "postgresql":
        return 2
    # SQLite takes at most 999 parameters a statement: about 80 rows.
    return 2 * math.ceil(rows / 80)


def test_the_reads_of_a_sweep_do_not_grow_with_the_number_of_engineers(broker):
    build_organisation(50, start=START)
    small, small_rows = statements(MONDAY)
    build_organisation(450, start=START)
    large, large_rows = statements(MONDAY + datetime.timedelta(days=7))
    assert large_rows > 5 * small_rows > 0
    assert large["SELECT"] == small["SELECT"]
    assert large["UPDATE"] == small["UPDATE"]
    assert large["INSERT"] <= inserts(large_rows)


def test_a_sweep_over_5000_engineers_is_batched(broker):
    # How long it takes is the benchmark's to say (make bench), on a quiet
    # machine: a timed test fails whenever the machine is busy.
    build_organisation(5000, start=START)
    verbs, rows = statements(MONDAY)
    assert rows > 1000
    # The rules, eight selectors, the goals at risk, what is recorded already;
    # then, under the rules' lock, what is recorded now and who opted out;
    # the database's clock, and the rows it marked for publishing; and who
    # manages managers, for the digest's organisation section (none here);
    # whether any channel post waits, and the teams' digests (the rule, the
    # teams with a webhook); the assessment rule.
    assert verbs["SELECT"] <= 20
    assert verbs["UPDATE"] <= 4  # claims failed, handed back, rows published, swept
    assert verbs["INSERT"] <= inserts(rows)
