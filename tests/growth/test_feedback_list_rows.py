"""The feedback list's rows, written in Python, hold what the template wrote.

``_note_row`` replaced a loop of template tags; ``TEMPLATE_ROW`` is that loop's
row, kept here as the reference. Everything is about alice, from the cast in
conftest.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.template import engines
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from growth import policy
from growth.filters.feedback import FeedbackNoteFilter
from growth.models import FeedbackNote, Visibility
from growth.selectors import feedback as selectors
from growth.views.feedback import _note_row
from growth.views.links import url_for_ids
from tests import factories

TEMPLATE_ROW = """
<tr>
  <td class="text-nowrap">
    <time datetime="{{ note.created_at|date:'c' }}">{{ note.created_at|date:"j M Y" }}</time>
  </td>
  {% if tab != "received" %}
    <td>
      {{ note.engineer }}
      <span class="d-block small text-body-secondary">{{ note.engineer.team }}</span>
    </td>
  {% endif %}
  {% if tab != "given" %}
    <td>
      {{ note.author|default:"a former employee" }}
      {% if note.author %}<span class="d-block small text-body-secondary">{{ note.author.email }}</span>{% endif %}
    </td>
  {% endif %}
  <td>
    <span class="badge text-bg-light border">{{ note.get_kind_display }}</span>
    {% if note.competency %}<span class="badge text-bg-light border">{{ note.competency }}</span>{% endif %}
    {% if note.sentiment == "praise" %}
      <span class="badge text-bg-success">Praise</span>
    {% else %}
      <span class="badge text-bg-primary">Constructive</span>
    {% endif %}
  </td>
  {% if tab != "received" %}
    <td class="small">
      {% if note.visibility == "shared" %}
        Shared
      {% elif note.visibility == "manager" %}
        Manager only
      {% else %}
        Note to self
      {% endif %}
    </td>
  {% endif %}
  <td class="small">
    {% if note.visibility != "shared" %}
      <span class="text-body-secondary">—</span>
    {% elif note.acknowledged_at %}
      Yes
      {% if note.replied_at %}· replied{% endif %}
      {% if note.actionable is True %}
        · actionable
      {% elif note.actionable is False %}
        · not actionable
      {% endif %}
    {% else %}
      <span class="badge text-bg-warning">Not read yet</span>
    {% endif %}
  </td>
  <td>
    <a href="{% url 'feedback-detail' note.pk %}">{{ note.gist|truncatechars:100 }}</a>
  </td>
</tr>
"""

LATE_EVENING = datetime.datetime(2026, 1, 31, 23, 30, 5, 120, tzinfo=datetime.UTC)
ANSWERED = {"acknowledged_at": LATE_EVENING, "replied_at": LATE_EVENING}


@pytest.fixture
def notes(cast):
    bob, max_ = cast.bob.user, cast.max.user
    return [
        factories.make_note(bob, cast.alice, created_at=LATE_EVENING),
        factories.make_note(
            bob, cast.alice, sentiment="praise", **ANSWERED, actionable=True
        ),
        factories.make_note(
            bob, cast.alice, **ANSWERED, reply="Thanks", actionable=False
        ),
        factories.make_note(None, cast.alice, competency=None, kind="interpersonal"),
        factories.make_note(max_, cast.alice, visibility=Visibility.MANAGER),
        factories.make_note(bob, cast.alice, visibility=Visibility.SELF),
        factories.make_note(bob, cast.alice, suggestion='<b>"Tom" & Jerry</b> ' * 9),
        factories.make_note(bob, cast.alice, suggestion="x" * 100),
        factories.make_note(bob, cast.alice, suggestion="x" * 101),
        factories.make_note(bob, cast.alice, suggestion="Cafe\u0301 " * 30),
        factories.make_note(bob, cast.alice, suggestion="💬 " * 60),
        factories.make_note(
            bob,
            cast.alice,
            sentiment="praise",
            message="Thanks for <the> review " * 5,
            **dict.fromkeys(("situation", "behaviour", "impact", "suggestion"), ""),
        ),
    ]


def _rows(who, tab: str) -> list[dict]:
    """The first page of ``tab`` for ``who``, named, as the view reads it."""
    access = policy.access_of(who.user)
    notes = selectors.feedback_tab(access, tab)
    filterset = FeedbackNoteFilter({}, notes, omit=selectors.TAB_OMITS[tab])
    page = selectors.feedback_page(filterset.qs, 1, per_page=100)
    selectors.name_rows(page.object_list, filterset.names)
    return page.object_list


@pytest.mark.parametrize(
    ("tab", "who"), [("received", "alice"), ("given", "bob"), ("people", "mia")]
)
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_it_writes_the_row_the_template_wrote(cast, notes, tab, who, zone):
    template = engines["django"].from_string(TEMPLATE_ROW)
    detail_url = url_for_ids("feedback-detail")
    rows = _rows(getattr(cast, who), tab)
    assert rows
    with timezone.override(zone):
        for row in rows:
            note = FeedbackNote.objects.get(pk=row["pk"])
            ours = _note_row(row, tab, detail_url)
            theirs = template.render({"note": note, "tab": tab})
            assert parse_html(ours) == parse_html(theirs)


def test_a_name_missing_from_the_options_is_read_again(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    rows = list(FeedbackNote.objects.filter(pk=note.pk).values(*selectors.LIST_FIELDS))
    # As if the note were written after the filter read its options.
    selectors.name_rows(
        rows, {"author": {}, "engineer": {}, "team": {}, "competency": {}}
    )
    assert rows[0]["author"] == "Bob Peer"
    assert rows[0]["engineer"] == "Alice Engineer"
    assert rows[0]["team"] == "Platform"
    assert rows[0]["competency"] == note.competency.name


def test_the_page_shows_each_note_once_with_its_link(client, cast, notes):
    client.force_login(cast.mia.user)
    html = client.get(reverse("feedback-list"), {"tab": "people"}).content.decode()
    for note in notes:
        if note.visibility != Visibility.SELF:
            assert html.count(reverse("feedback-detail", args=[note.pk]) + '"') == 1
