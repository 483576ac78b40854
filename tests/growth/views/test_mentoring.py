"""Mentoring and 1:1s: the page, logging check-ins, reading, editing, and ticking
off action items."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import ActionItem, AgendaItem, CheckIn, CheckInKind, Notification
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
MENTORING = reverse("mentoring")
CREATE = reverse("check-in-create")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def create_url(engineer, kind) -> str:
    return f"{CREATE}?engineer={engineer.pk}&kind={kind}"


def detail_url(check_in) -> str:
    return reverse("check-in-detail", args=[check_in.pk])


def edit_url(check_in) -> str:
    return reverse("check-in-edit", args=[check_in.pk])


def toggle_url(item) -> str:
    return reverse("action-item-toggle", args=[item.pk])


@pytest.fixture
def mias_one_on_one(cast):
    check_in = factories.make_check_in(
        cast.mia.user, cast.alice, held_on=day(-7), notes="MIA-ALICE-NOTES"
    )
    ActionItem.objects.create(check_in=check_in, description="Draft the ADR")
    return check_in


@pytest.fixture
def max_mentoring(cast):
    check_in = factories.make_check_in(
        cast.max.user,
        cast.alice,
        mentorship=cast.max_mentors_alice,
        held_on=day(-3),
    )
    ActionItem.objects.create(check_in=check_in, description="Read the paper")
    return check_in


# --- the mentoring page ---------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, cast):
    response = client.get(MENTORING)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["max", "cora", "mia", "skip"])
def test_mentors_and_managers_get_the_page(client, cast, person):
    client.force_login(getattr(cast, person).user)

    assert client.get(MENTORING).status_code == 200


@pytest.mark.parametrize("person", ["alice", "bob", "carol", "olivia"])
def test_people_with_no_mentee_and_no_report_get_a_404(client, cast, person):
    client.force_login(getattr(cast, person).user)

    assert client.get(MENTORING).status_code == 404


def test_it_lists_my_mentees_with_a_log_link(client, cast):
    cast.max_mentors_alice.focus = "System design"
    cast.max_mentors_alice.save()
    client.force_login(cast.max.user)

    response = client.get(MENTORING)

    body = response.content.decode()
    assert "Alice Engineer" in body
    assert "System design" in body
    assert f"{CREATE}?engineer={cast.alice.pk}&amp;kind=mentoring" in body
    assert "My reports" not in body  # max manages no one


def test_a_mentee_with_no_check_in_since_the_cadence_is_overdue(client, cast):
    client.force_login(cast.max.user)

    (row,) = client.get(MENTORING).context["mentees"]

    assert row.status == "overdue"  # started 1 January, every 14 days, none yet


def test_a_check_in_due_today_says_so(client, cast):
    factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice, held_on=day(-14)
    )
    client.force_login(cast.max.user)

    response = client.get(MENTORING)

    assert response.context["mentees"][0].status == "due"
    assert "Due today" in response.content.decode()


def test_a_recent_check_in_is_not_due(client, cast, max_mentoring):
    client.force_login(cast.max.user)

    response = client.get(MENTORING)

    (row,) = response.context["mentees"]
    assert row.status == "ok"
    assert row.mentorship.last_held_on == day(-3)
    assert detail_url(max_mentoring) in response.content.decode()


def test_it_lists_my_reports_with_their_last_one_on_one(client, cast, mias_one_on_one):
    client.force_login(cast.mia.user)

    response = client.get(MENTORING)

    reports = {e.name: e for e in response.context["reports"]}
    assert reports["Alice Engineer"].last_one_on_one == day(-7)
    assert reports["Bob Peer"].last_one_on_one is None
    assert f"{CREATE}?engineer={cast.bob.pk}&amp;kind=one_on_one" in (
        response.content.decode()
    )


def test_ended_mentorships_are_listed_read_only(client, cast):
    factories.make_mentorship(
        cast.max,
        cast.bob,
        focus="Old focus",
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2025, 6, 1),
    )
    client.force_login(cast.max.user)

    response = client.get(MENTORING)

    body = response.content.decode()
    assert "Past mentorships" in body
    assert "Old focus" in body
    assert f"engineer={cast.bob.pk}&amp;kind=mentoring" not in body


def test_the_page_never_shows_check_in_notes(client, cast, mias_one_on_one):
    client.force_login(cast.mia.user)

    response = client.get(MENTORING)

    assert b"MIA-ALICE-NOTES" not in response.content


def test_past_mentorships_are_the_latest_ended_first(client, cast):
    for ended_on in (datetime.date(2025, 3, 1), datetime.date(2025, 9, 1)):
        factories.make_mentorship(
            cast.max,
            cast.bob,
            focus=f"Ended {ended_on:%B}",
            started_on=datetime.date(2025, 1, 1),
            ended_on=ended_on,
        )
    client.force_login(cast.max.user)

    response = client.get(MENTORING)

    assert [m.focus for m in response.context["past"]] == [
        "Ended September",
        "Ended March",
    ]


def test_recent_check_ins_link_to_their_page_with_open_items(client, cast):
    check_in = factories.make_check_in(cast.mia.user, cast.alice, held_on=day(-2))
    for description in ("One", "Two"):
        ActionItem.objects.create(check_in=check_in, description=description)
    client.force_login(cast.mia.user)

    body = client.get(MENTORING).content.decode()

    assert (
        f'<a href="{detail_url(check_in)}">1:1 with Alice Engineer on 14 Mar 2026</a>'
        '<span class="badge text-bg-secondary">2 open items</span>'
    ) in body


def test_names_on_the_page_are_escaped(client, cast):
    eve = factories.make_engineer("<b>Eve</b>", manager=cast.mia)
    factories.make_check_in(cast.mia.user, eve, held_on=day(-1))
    client.force_login(cast.mia.user)

    body = client.get(MENTORING).content.decode()

    assert "<b>Eve</b>" not in body
    assert "1:1 with &lt;b&gt;Eve&lt;/b&gt; on 15 Mar 2026</a>" in body
    assert "with &lt;b&gt;Eve&lt;/b&gt;</span>" in body


def build_mentees(mentor, count: int) -> None:
    for n in range(count):
        mentee = factories.make_engineer(f"Mentee {n:02}", manager=mentor)
        mentorship = factories.make_mentorship(mentor, mentee)
        check_in = factories.make_check_in(
            mentor.user, mentee, mentorship=mentorship, held_on=day(-n)
        )
        ActionItem.objects.create(check_in=check_in, description="Open")
        factories.make_check_in(mentor.user, mentee, held_on=day(-n))
        factories.make_mentorship(
            mentor,
            factories.make_engineer(f"Former {n:02}"),
            started_on=datetime.date(2025, 1, 1),
            ended_on=datetime.date(2025, 2, 1),
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_few_and_many(client, db):
    few_mentor = factories.make_engineer("Few Mentor")
    many_mentor = factories.make_engineer("Many Mentor")
    build_mentees(few_mentor, 2)
    build_mentees(many_mentor, 12)

    client.force_login(few_mentor.user)
    few = count_queries(client, MENTORING)
    client.force_login(many_mentor.user)
    many = count_queries(client, MENTORING)

    assert few == many
    assert many <= 7


# --- logging a check-in ---------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "kind"),
    [("mia", "one_on_one"), ("max", "mentoring")],
)
def test_the_manager_and_the_mentor_get_the_form(client, cast, person, kind):
    client.force_login(getattr(cast, person).user)

    response = client.get(create_url(cast.alice, kind))

    assert response.status_code == 200
    assert response.context["form"]["held_on"].value() == TODAY


@pytest.mark.parametrize(
    ("person", "kind"),
    [
        ("olivia", "mentoring"),  # her mentorship of alice has ended
        ("bob", "one_on_one"),
        ("skip", "one_on_one"),  # skip-level, not the direct manager
        ("max", "one_on_one"),  # a mentor holds no 1:1
        ("mia", "mentoring"),  # a manager is not her mentor
        ("carol", "mentoring"),
        ("alice", "one_on_one"),  # not with herself
    ],
)
def test_anyone_else_gets_a_404(client, cast, person, kind):
    client.force_login(getattr(cast, person).user)

    get = client.get(create_url(cast.alice, kind))
    post = client.post(create_url(cast.alice, kind), {"held_on": "2026-03-16"})

    assert get.status_code == 404
    assert post.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "query", ["", "?engineer=abc&kind=one_on_one", "?engineer=999999", "?kind=x"]
)
def test_a_bad_query_is_a_404(client, cast, query):
    client.force_login(cast.mia.user)

    assert client.get(CREATE + query).status_code == 404


def test_an_unknown_kind_is_a_404(client, cast):
    client.force_login(cast.mia.user)

    assert client.get(create_url(cast.alice, "coffee")).status_code == 404


def test_logging_a_one_on_one_saves_it_and_shows_it(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(
        create_url(cast.alice, "one_on_one"),
        {
            "held_on": "2026-03-15",
            "notes": "Talked about the launch",
            "action_items": "Write the runbook\n\n  Book the retro  \n",
        },
    )

    check_in = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(check_in)
    assert (check_in.author, check_in.engineer) == (cast.mia.user, cast.alice)
    assert check_in.kind == CheckInKind.ONE_ON_ONE
    assert check_in.held_on == datetime.date(2026, 3, 15)
    assert [i.description for i in check_in.action_items.all()] == [
        "Write the runbook",
        "Book the retro",
    ]


def test_logging_a_mentoring_check_in_attaches_the_mentorship(client, cast):
    client.force_login(cast.max.user)

    client.post(create_url(cast.alice, "mentoring"), {"held_on": "2026-03-16"})

    check_in = CheckIn.objects.get()
    assert check_in.kind == CheckInKind.MENTORING
    assert check_in.mentorship == cast.max_mentors_alice


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("one_on_one", "Log a 1:1 with Alice Engineer"),
        ("mentoring", "Log a mentoring check-in with Alice Engineer"),
    ],
)
def test_the_form_names_the_kind_of_check_in_in_a_sentence(client, cast, kind, heading):
    client.force_login(cast.max.user if kind == "mentoring" else cast.mia.user)
    page = client.get(create_url(cast.alice, kind)).content.decode()
    assert f'<h1 class="h3">{heading}</h1>' in page


def test_a_mentoring_check_ins_pages_name_it_in_a_sentence(client, cast, max_mentoring):
    client.force_login(cast.max.user)
    detail = client.get(detail_url(max_mentoring)).content.decode()
    assert '<h1 class="h3">Mentoring check-in with Alice Engineer</h1>' in detail
    edit = client.get(edit_url(max_mentoring)).content.decode()
    assert '<h1 class="h3">Edit mentoring check-in with Alice Engineer</h1>' in edit


def test_a_future_date_is_refused_and_the_input_kept(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(
        create_url(cast.alice, "one_on_one"),
        {"held_on": "2026-03-17", "notes": "KEEP-THIS-TEXT", "action_items": "Item"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        "Pick a date from 1 Jan 2000 to today (16 Mar 2026)."
    ]
    assert "KEEP-THIS-TEXT" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_missing_date_is_refused(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(create_url(cast.alice, "one_on_one"), {"held_on": ""})

    assert "held_on" in response.context["form"].errors
    assert not CheckIn.objects.exists()


def test_a_too_long_action_item_is_refused(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(
        create_url(cast.alice, "one_on_one"),
        {"held_on": "2026-03-16", "action_items": "short\n" + "x" * 301},
    )

    assert "action_items" in response.context["form"].errors
    assert not CheckIn.objects.exists()


def test_the_form_shows_the_items_that_will_carry_over(client, cast, mias_one_on_one):
    done = ActionItem.objects.create(
        check_in=mias_one_on_one, description="Already done", done_at=NOW
    )
    client.force_login(cast.mia.user)

    response = client.get(create_url(cast.alice, "one_on_one"))

    body = response.content.decode()
    assert "These open items will carry over" in body
    assert "Draft the ADR" in body
    assert done.description not in body


def test_saving_moves_the_open_items_without_copying_them(
    client, cast, mias_one_on_one
):
    open_item = mias_one_on_one.action_items.get()
    client.force_login(cast.mia.user)

    client.post(create_url(cast.alice, "one_on_one"), {"held_on": "2026-03-16"})

    new = CheckIn.objects.exclude(pk=mias_one_on_one.pk).get()
    assert list(new.action_items.all()) == [open_item]
    assert ActionItem.objects.count() == 1


def test_the_form_shows_no_carry_over_from_another_pair(client, cast, max_mentoring):
    client.force_login(cast.mia.user)

    response = client.get(create_url(cast.alice, "one_on_one"))

    assert "will carry over" not in response.content.decode()


# --- reading a check-in ---------------------------------------------------------


@pytest.mark.parametrize("person", ["mia", "alice"])
def test_the_author_and_the_engineer_read_a_one_on_one(
    client, cast, mias_one_on_one, person
):
    client.force_login(getattr(cast, person).user)

    response = client.get(detail_url(mias_one_on_one))

    assert response.status_code == 200
    assert "MIA-ALICE-NOTES" in response.content.decode()
    assert "Draft the ADR" in response.content.decode()


@pytest.mark.parametrize("person", ["bob", "max", "skip", "carol", "cora", "olivia"])
def test_others_cannot_read_a_one_on_one(client, cast, mias_one_on_one, person):
    client.force_login(getattr(cast, person).user)

    assert client.get(detail_url(mias_one_on_one)).status_code == 404


@pytest.mark.parametrize("person", ["max", "alice", "mia"])
def test_a_mentoring_check_in_is_read_by_mentor_mentee_and_manager(
    client, cast, max_mentoring, person
):
    client.force_login(getattr(cast, person).user)

    assert client.get(detail_url(max_mentoring)).status_code == 200


@pytest.mark.parametrize("person", ["olivia", "bob", "cora"])
def test_a_mentoring_check_in_is_hidden_from_others(
    client, cast, max_mentoring, person
):
    client.force_login(getattr(cast, person).user)

    assert client.get(detail_url(max_mentoring)).status_code == 404


def test_the_engineer_gets_done_buttons_and_the_manager_only_reads(
    client, cast, max_mentoring
):
    item = max_mentoring.action_items.get()
    client.force_login(cast.alice.user)
    as_engineer = client.get(detail_url(max_mentoring)).content.decode()
    client.force_login(cast.mia.user)
    as_manager = client.get(detail_url(max_mentoring)).content.decode()

    assert toggle_url(item) in as_engineer
    assert toggle_url(item) not in as_manager
    assert edit_url(max_mentoring) not in as_engineer


def test_the_detail_page_runs_a_fixed_number_of_queries(client, cast, max_mentoring):
    client.force_login(cast.max.user)
    few = count_queries(client, detail_url(max_mentoring))
    for n in range(10):
        ActionItem.objects.create(check_in=max_mentoring, description=f"Item {n}")

    many = count_queries(client, detail_url(max_mentoring))

    assert few == many


# --- editing --------------------------------------------------------------------


def test_the_author_edits_a_check_in(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.mia.user)

    assert client.get(edit_url(mias_one_on_one)).status_code == 200
    response = client.post(
        edit_url(mias_one_on_one),
        {
            "held_on": "2026-03-08",
            "notes": "Rewritten",
            "remove_action_items": [item.pk],
            "action_items": "Something new",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(mias_one_on_one)
    mias_one_on_one.refresh_from_db()
    assert mias_one_on_one.held_on == datetime.date(2026, 3, 8)
    assert mias_one_on_one.notes == "Rewritten"
    assert [i.description for i in mias_one_on_one.action_items.all()] == [
        "Something new"
    ]


def test_an_edit_into_the_future_is_refused(client, cast, mias_one_on_one):
    client.force_login(cast.mia.user)

    response = client.post(
        edit_url(mias_one_on_one), {"held_on": "2026-04-01", "notes": "Changed"}
    )

    assert "held_on" in response.context["form"].errors
    mias_one_on_one.refresh_from_db()
    assert mias_one_on_one.notes == "MIA-ALICE-NOTES"


@pytest.mark.parametrize("person", ["alice", "bob", "skip", "max"])
def test_only_the_author_edits(client, cast, mias_one_on_one, person):
    client.force_login(getattr(cast, person).user)

    get = client.get(edit_url(mias_one_on_one))
    post = client.post(edit_url(mias_one_on_one), {"held_on": "2026-03-08"})

    assert (get.status_code, post.status_code) == (404, 404)
    mias_one_on_one.refresh_from_db()
    assert mias_one_on_one.held_on == day(-7)


# --- action items ---------------------------------------------------------------


def test_the_engineer_marks_an_item_done(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.alice.user)

    response = client.post(toggle_url(item), {"done": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(detail_url(mias_one_on_one))
    item.refresh_from_db()
    assert item.done_at == NOW


def test_the_author_reopens_an_item(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    ActionItem.objects.filter(pk=item.pk).update(done_at=NOW)
    client.force_login(cast.mia.user)

    client.post(toggle_url(item), {"done": "0"})

    item.refresh_from_db()
    assert item.done_at is None


def test_with_htmx_the_item_comes_back_as_a_fragment(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.alice.user)

    response = client.post(
        toggle_url(item), {"done": "1"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<li")
    assert "Reopen" in body


def test_toggling_is_post_only(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.alice.user)

    assert client.get(toggle_url(item)).status_code == 405


@pytest.mark.parametrize("person", ["mia", "olivia", "bob"])
def test_others_cannot_toggle_a_mentoring_item(client, cast, max_mentoring, person):
    item = max_mentoring.action_items.get()
    client.force_login(getattr(cast, person).user)

    response = client.post(toggle_url(item), {"done": "1"})

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


# --- the agenda, owners, due dates and private notes ----------------------------------


def agenda_point(check_in_kind_engineer, by, text, *, mentorship=None):
    return AgendaItem.objects.create(
        engineer=check_in_kind_engineer,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        added_by=by,
        text=text,
    )


def test_the_form_offers_the_pairs_agenda_all_ticked(client, cast):
    promotion = agenda_point(cast.alice, cast.alice.user, "Promotion")
    offsite = agenda_point(cast.alice, cast.mia.user, "Offsite")
    agenda_point(
        cast.alice, cast.alice.user, "For max", mentorship=cast.max_mentors_alice
    )
    agenda_point(cast.bob, cast.mia.user, "For bob")
    client.force_login(cast.mia.user)

    response = client.get(create_url(cast.alice, "one_on_one"))

    field = response.context["form"]["discussed"]
    assert list(field.field.queryset) == [promotion, offsite]
    assert field.value() == [promotion.pk, offsite.pk]
    assert "Promotion (added by Alice Engineer)" in response.text
    assert "For max" not in response.text and "For bob" not in response.text


def test_the_form_has_no_agenda_field_when_nothing_waits(client, cast):
    client.force_login(cast.mia.user)

    response = client.get(create_url(cast.alice, "one_on_one"))

    assert "discussed" not in response.context["form"].fields


def test_saving_marks_the_ticked_points_discussed(client, cast):
    promotion = agenda_point(cast.alice, cast.alice.user, "Promotion")
    offsite = agenda_point(cast.alice, cast.mia.user, "Offsite")
    client.force_login(cast.mia.user)

    client.post(
        create_url(cast.alice, "one_on_one"),
        {"held_on": "2026-03-16", "discussed": [promotion.pk]},
    )

    check_in = CheckIn.objects.get()
    promotion.refresh_from_db()
    offsite.refresh_from_db()
    assert promotion.discussed_in == check_in
    assert offsite.discussed_in is None


def test_items_for_either_person_with_a_due_date(client, cast):
    client.force_login(cast.max.user)

    client.post(
        create_url(cast.alice, "mentoring"),
        {
            "held_on": "2026-03-16",
            "action_items": "Read the paper",
            "author_action_items": "Send the paper\nBook a room",
            "due_on": "2026-03-30",
        },
    )

    items = CheckIn.objects.get().action_items.all()
    assert [(i.description, i.owner, i.due_on) for i in items] == [
        ("Read the paper", cast.alice.user, datetime.date(2026, 3, 30)),
        ("Send the paper", cast.max.user, datetime.date(2026, 3, 30)),
        ("Book a room", cast.max.user, datetime.date(2026, 3, 30)),
    ]


@pytest.mark.parametrize("due_on", ["1999-12-31", "2027-03-17"])
def test_a_due_date_out_of_range_is_refused(client, cast, due_on):
    client.force_login(cast.mia.user)

    response = client.post(
        create_url(cast.alice, "one_on_one"),
        {"held_on": "2026-03-16", "action_items": "X", "due_on": due_on},
    )

    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors
    assert not CheckIn.objects.exists()


def test_private_notes_are_for_the_author_alone(client, cast):
    check_in = factories.make_check_in(
        cast.mia.user, cast.alice, notes="SHARED", private_notes="MIA-PRIVATE"
    )

    for person, sees in (("mia", True), ("alice", False)):
        client.force_login(getattr(cast, person).user)
        body = client.get(detail_url(check_in)).text
        assert "SHARED" in body
        assert ("MIA-PRIVATE" in body) is sees, person
        assert ("Private notes" in body) is sees, person


def test_a_mentors_private_notes_are_not_the_managers(client, cast):
    check_in = factories.make_check_in(
        cast.max.user,
        cast.alice,
        mentorship=cast.max_mentors_alice,
        private_notes="MAX-PRIVATE",
    )

    for person, sees in (("max", True), ("mia", False), ("alice", False)):
        client.force_login(getattr(cast, person).user)
        assert ("MAX-PRIVATE" in client.get(detail_url(check_in)).text) is sees


def test_the_author_writes_private_notes_and_edits_them(client, cast, mias_one_on_one):
    client.force_login(cast.mia.user)

    client.post(
        edit_url(mias_one_on_one),
        {"held_on": "2026-03-09", "notes": "Shared", "private_notes": "Just mine"},
    )

    mias_one_on_one.refresh_from_db()
    assert mias_one_on_one.private_notes == "Just mine"


def test_the_detail_page_shows_the_points_discussed(client, cast, mias_one_on_one):
    discussed = agenda_point(cast.alice, cast.alice.user, "DISCUSSED-POINT")
    discussed.discussed_in = mias_one_on_one
    discussed.save()
    agenda_point(cast.alice, cast.alice.user, "WAITING-POINT")
    client.force_login(cast.alice.user)

    body = client.get(detail_url(mias_one_on_one)).text

    assert "DISCUSSED-POINT" in body
    assert "WAITING-POINT" not in body
    assert reverse("one-on-one-pair", args=[cast.alice.pk]) in body


def test_opening_a_check_in_reads_its_notifications(client, cast, mias_one_on_one):
    url = detail_url(mias_one_on_one)
    mine = Notification.objects.create(
        recipient=cast.alice.user, kind="agenda_added", message="x", url=url
    )
    elsewhere = Notification.objects.create(
        recipient=cast.alice.user, kind="agenda_added", message="y", url="/other/"
    )
    client.force_login(cast.alice.user)

    client.get(url)

    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert mine.read_at == NOW
    assert elsewhere.read_at is None


def test_the_detail_page_shows_owner_and_due_date(client, cast, mias_one_on_one):
    ActionItem.objects.create(
        check_in=mias_one_on_one,
        description="Book the training",
        owner=cast.mia.user,
        due_on=day(-1),
    )
    client.force_login(cast.alice.user)

    response = client.get(detail_url(mias_one_on_one))

    body = " ".join(response.text.split())
    assert "· for Mia Manager · due <time" in body
    assert "15 Mar 2026</time>" in body
    assert "Overdue" in body
    manager_item = mias_one_on_one.action_items.get(description="Book the training")
    assert toggle_url(manager_item) not in body  # hers to tick off, not alice's


def test_the_engineer_cannot_tick_the_managers_item(client, cast, mias_one_on_one):
    managers = ActionItem.objects.create(
        check_in=mias_one_on_one, description="Mine", owner=cast.mia.user
    )
    client.force_login(cast.alice.user)

    response = client.post(toggle_url(managers), {"done": "1"})

    assert response.status_code == 404
    managers.refresh_from_db()
    assert managers.done_at is None


def test_toggling_goes_back_to_the_page_it_came_from(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.alice.user)

    response = client.post(
        toggle_url(item), {"done": "1", "next": "/one-on-ones/#item-1"}
    )
    outside = client.post(
        toggle_url(item), {"done": "0", "next": "https://example.com/"}
    )

    assert response["Location"] == "/one-on-ones/#item-1"
    assert outside["Location"].startswith(detail_url(mias_one_on_one))


def item_edit_url(item) -> str:
    return reverse("action-item-edit", args=[item.pk])


def test_the_author_edits_an_item(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.mia.user)

    page = client.get(item_edit_url(item))
    response = client.post(
        item_edit_url(item),
        {
            "description": "Draft the ADR",
            "owner": cast.mia.user.pk,
            "due_on": "2026-04-01",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.owner, item.due_on) == (cast.mia.user, datetime.date(2026, 4, 1))
    assert item_edit_url(item) in client.get(detail_url(mias_one_on_one)).text


def test_an_item_goes_only_to_one_of_the_pair(client, cast, mias_one_on_one):
    item = mias_one_on_one.action_items.get()
    client.force_login(cast.mia.user)

    response = client.post(
        item_edit_url(item), {"description": "Draft", "owner": cast.bob.user.pk}
    )

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    item.refresh_from_db()
    assert item.owner is None


@pytest.mark.parametrize("person", ["alice", "max", "skip", "bob"])
def test_only_the_author_edits_an_item(client, cast, mias_one_on_one, person):
    item = mias_one_on_one.action_items.get()
    client.force_login(getattr(cast, person).user)

    get = client.get(item_edit_url(item))
    post = client.post(item_edit_url(item), {"description": "X", "owner": 1})

    assert (get.status_code, post.status_code) == (404, 404)
    assert ActionItem.objects.get(pk=item.pk).description == "Draft the ADR"
    assert item_edit_url(item) not in client.get(detail_url(mias_one_on_one)).text


def test_the_mentoring_page_links_to_each_pairs_agenda(client, cast, mias_one_on_one):
    factories.make_mentorship(cast.mia, cast.carol)
    client.force_login(cast.mia.user)

    body = client.get(MENTORING).text

    assert reverse("one-on-one-pair", args=[cast.alice.pk]) in body
    carol = cast.mia.mentorships_as_mentor.get()
    assert reverse("mentoring-pair", args=[carol.pk]) in body
    assert reverse("one-on-ones") in body
