"""The weekly digest of a manager of managers: their organisation's figures,
in the same email as their team's, counts and a link only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from growth.models import Reminder, ReminderKind, ReminderRule
from growth.reminders import deliver, plan, record
from growth.reminders.rules import Clock, weekly_digest
from growth.selectors import insight
from tests.growth.test_insight import NOW, _grow, build, frozen, head_scope, org

__all__ = ["frozen", "org"]  # the fixtures, shared with the page's tests

pytestmark = pytest.mark.django_db

SITE = "https://cultivate.example.com"


@pytest.fixture(autouse=True)
def friday_digest():
    # NOW is a Friday at noon UTC, everyone's zone.
    ReminderRule.objects.filter(kind=ReminderKind.WEEKLY_DIGEST).update(
        enabled=True, digest_weekday=4, send_hour=9
    )


def digests() -> dict[int, list[dict]]:
    return {
        p.recipient_id: p for p in plan(now=NOW, kinds=[ReminderKind.WEEKLY_DIGEST])
    }


def test_a_manager_of_managers_gets_their_organisation_in_their_digest(org):
    planned = digests()[org.head.user_id]

    sections = [item for item in planned.items if item.get("organisation")]
    assert len(sections) == 1
    assert planned.payload["count"] == 2  # Mona and Nils: the section is no subject
    section = sections[0]
    assert section["month"] == "Nov 2026"
    assert [team["team"] for team in section["teams"]] == ["Alpha", "Beta", "Gamma"]


def test_its_figures_are_the_pages(org):
    section = next(
        i for i in digests()[org.head.user_id].items if i.get("organisation")
    )
    page = build(head_scope(org))

    teams = {
        team["team"]: [cell for _, cell in team["figures"]] for team in section["teams"]
    }
    rows = {row.name: row.months[-1] for row in page.teams}
    assert teams["Alpha"] == insight.cells(rows["Alpha"])
    assert teams["Beta"] == insight.cells(rows["Beta"])
    assert teams["Gamma"] == [insight.TOO_FEW] * len(insight.HEADERS)
    assert [cell for _, cell in section["total"]] == insight.cells(page.totals[-1])


def test_a_manager_of_engineers_only_gets_no_organisation_section(org):
    planned = digests()[org.mona.user_id]

    assert not any(item.get("organisation") for item in planned.items)


@override_settings(SITE_URL=SITE)
def test_the_email_shows_the_counts_and_links_to_insight_never_a_note(org):
    record(plan(now=NOW, kinds=[ReminderKind.WEEKLY_DIGEST]), now=NOW)
    reminder = Reminder.objects.get(recipient=org.head.user)

    deliver(reminder.pk, now=NOW)

    (message,) = [m for m in mail.outbox if m.to == [org.head.user.email]]
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert f"{SITE}/insight/" in text
        assert "too few to show" in text
        assert "Your organisation in Nov 2026" in text
        assert "Write it up as an ADR" not in text  # every note's suggestion
    assert "Feedback coverage (30 days): 67%" in message.body  # Alpha
    assert message.subject == "Your team this week: 2 reports"


def test_it_costs_the_same_queries_however_large_the_organisation(org):
    rule = ReminderRule.objects.get(kind=ReminderKind.WEEKLY_DIGEST)

    with CaptureQueriesContext(connection) as small:
        weekly_digest(rule, Clock(NOW))
    _grow(org, 6)
    _grow(org, 9)
    with CaptureQueriesContext(connection) as large:
        rows = weekly_digest(rule, Clock(NOW))

    assert len(large) == len(small)
    (section,) = [row.item for row in rows if row.item.get("organisation")]
    assert len(section["teams"]) == 5
