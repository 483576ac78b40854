"""The feedback notes changelist renders its rows in one pass per column
(``growth.admin.changelist._row_cells``): the page must read exactly as the admin's own
row loop renders it, and its query must leave the notes' text alone."""

import pytest
from django.contrib.admin.templatetags.admin_list import result_list
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import growth.admin.changelist
from accounts.models import User
from growth.models import Visibility
from tests import factories
from tests.pages import read

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:growth_feedbacknote_changelist")


@pytest.fixture
def notes(cast):
    """Notes that take every branch of a cell: answered or not, rated yes, no
    or not at all, deleted, without a competency, by a nameless author and by
    one whose name needs escaping."""
    now = timezone.now()
    odd = factories.make_user('Dan "<b>" O\'Neil & co')
    nameless = User.objects.create_user(email="x@example.com", password="pw")
    return [
        factories.make_note(cast.mia.user, cast.alice),
        factories.make_note(odd, cast.bob, acknowledged_at=now, actionable=True),
        factories.make_note(
            nameless, cast.alice, acknowledged_at=now, actionable=False
        ),
        factories.make_note(cast.skip.user, cast.max, competency=None),
        factories.make_note(
            cast.mia.user,
            cast.carol,
            kind="interpersonal",
            visibility=Visibility.MANAGER,
            deleted_at=now,
            deleted_by=cast.mia.user,
        ),
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"o": "-3.2"},
        {"acknowledged": "yes"},
        {"q": "alice", "kind__exact": "technical"},
        {"deleted": "yes"},
    ],
)
def test_the_rows_read_as_the_admins_own_loop_renders_them(staff_client, notes, query):
    cl = staff_client.get(CHANGELIST, query).context["cl"]
    table = cl.result_table
    assert table is not None
    ours = ["".join(row) for row in table["results"]]
    admins = result_list(cl)
    assert ours == ["".join(row) for row in admins["results"]]
    assert ours  # every query above finds a note
    assert table["result_headers"] == admins["result_headers"]
    assert table["num_sorted_fields"] == admins["num_sorted_fields"]


def test_the_page_is_the_one_the_admins_loop_would_give(
    staff_client, notes, monkeypatch
):
    page = {"o": "2", "acknowledged": "no"}
    ours = read(staff_client, f"{CHANGELIST}?o=2&acknowledged=no")
    monkeypatch.setattr(growth.admin.changelist, "_row_cells", lambda cl: None)
    admins = read(staff_client, f"{CHANGELIST}?o=2&acknowledged=no")
    assert ours == admins
    assert staff_client.get(CHANGELIST, page).context["cl"].result_table is None


def test_a_popup_list_is_left_to_the_admins_loop(staff_client, notes):
    response = staff_client.get(CHANGELIST, {"_popup": "1"})
    assert response.context["cl"].result_table is None
    assert b"data-popup-opener" in response.content


def test_the_page_leaves_the_notes_text_in_the_database(staff_client, notes):
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(CHANGELIST)
    rows = [q["sql"] for q in queries if "LIMIT" in q["sql"].upper()]
    assert rows
    assert all('"situation"' not in sql and '"reply"' not in sql for sql in rows)
