"""My 1:1s and a pair's page: every check-in about me, the next agenda (either
of the two adds to it), and the open action items; who may open what."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import ActionItem, AgendaItem, CheckInKind, Notification
from growth.services import checkins as services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
MINE = reverse("one-on-ones")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def one_on_ones_of(engineer) -> str:
    return reverse("one-on-one-pair", args=[engineer.pk])


def mentoring_of(mentorship) -> str:
    return reverse("mentoring-pair", args=[mentorship.pk])


def point(engineer, by, text="The on-call rota", *, mentorship=None, **fields):
    return AgendaItem.objects.create(
        engineer=engineer,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        added_by=by,
        text=text,
        **fields,
    )


def item(check_in, owner, description="Write the runbook", **fields):
    return ActionItem.objects.create(
        check_in=check_in, owner=owner, description=description, **fields
    )


@pytest.fixture
def history(cast):
    """Alice's 1:1s with mia, her mentoring with max, and olivia's ended one."""
    alice, mia, max_ = cast.alice, cast.mia, cast.max
    one_on_one = factories.make_check_in(
        mia.user, alice, held_on=day(-7), notes="ONE-ON-ONE-NOTES"
    )
    mentoring = factories.make_check_in(
        max_.user, alice, mentorship=cast.max_mentors_alice, held_on=day(-3)
    )
    former = factories.make_check_in(
        cast.olivia.user,
        alice,
        mentorship=cast.olivia_mentored_alice,
        held_on=datetime.date(2025, 6, 1),
    )
    return {
        "one-on-one": one_on_one,
        "mentoring": mentoring,
        "former": former,
        "alice's item": item(one_on_one, alice.user, "Draft the ADR", due_on=day(-1)),
        "mia's item": item(one_on_one, mia.user, "Book the training"),
        "max's item": item(mentoring, max_.user, "Send the paper"),
        "done item": item(mentoring, alice.user, "Done already", done_at=NOW),
        "alice's point": point(alice, alice.user, "ALICE-POINT"),
        "mia's point": point(alice, mia.user, "MIA-POINT"),
        "mentoring point": point(
            alice, max_.user, "MAX-POINT", mentorship=cast.max_mentors_alice
        ),
        "discussed point": point(
            alice, alice.user, "OLD-POINT", discussed_in=one_on_one
        ),
    }


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- My 1:1s -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, cast):
    for url in (MINE, one_on_ones_of(cast.alice)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_engineer_sees_every_check_in_about_her_by_pair(client, cast, history):
    response = get(client, cast.alice.user, MINE)

    assert response.status_code == 200
    pairs = response.context["pairs"]
    assert [(p.kind, p.mentorship) for p in pairs] == [
        (CheckInKind.ONE_ON_ONE, None),
        (CheckInKind.MENTORING, cast.max_mentors_alice),
        (CheckInKind.MENTORING, cast.olivia_mentored_alice),
    ]
    assert [p.check_ins for p in pairs] == [
        [history["one-on-one"]],
        [history["mentoring"]],
        [history["former"]],
    ]
    assert [p.other for p in pairs] == [cast.mia, cast.max, cast.olivia]
    body = response.text
    for check_in in ("one-on-one", "mentoring", "former"):
        assert reverse("check-in-detail", args=[history[check_in].pk]) in body
    assert "1:1s" in body and "with Mia Manager" in body
    assert "ONE-ON-ONE-NOTES" not in body  # notes are on the check-in's page


def test_the_next_agendas_and_the_forms_to_add_to_them(client, cast, history):
    response = get(client, cast.alice.user, MINE)

    one_on_one, mentoring, former = response.context["pairs"]
    assert one_on_one.agenda == [history["alice's point"], history["mia's point"]]
    assert mentoring.agenda == [history["mentoring point"]]
    assert former.agenda == []
    assert one_on_one.form is not None
    assert mentoring.form is not None
    assert former.form is None  # ended: no next check-in
    body = response.text
    assert "ALICE-POINT" in body and "MIA-POINT" in body and "MAX-POINT" in body
    assert "OLD-POINT" not in body  # discussed already
    assert f'action="{one_on_ones_of(cast.alice)}"' in body
    assert f'action="{mentoring_of(cast.max_mentors_alice)}"' in body
    assert "This mentorship has ended" in body
    # Only her own point has a remove button.
    remove = reverse("agenda-item-remove", args=[history["alice's point"].pk])
    assert remove in body
    assert reverse("agenda-item-remove", args=[history["mia's point"].pk]) not in body


def test_open_items_hers_first_each_ticked_by_whom_it_may_be(client, cast, history):
    response = get(client, cast.alice.user, MINE)

    one_on_one, mentoring, _ = response.context["pairs"]
    assert one_on_one.open_items == [history["alice's item"], history["mia's item"]]
    assert mentoring.open_items == [history["max's item"]]  # done ones are not open
    assert [i.may_toggle for i in one_on_one.open_items] == [True, False]
    body = response.text
    assert reverse("action-item-toggle", args=[history["alice's item"].pk]) in body
    assert reverse("action-item-toggle", args=[history["mia's item"].pk]) not in body
    assert "Overdue" in body  # due yesterday


def test_a_manager_sees_the_people_she_meets(client, cast, history):
    response = get(client, cast.mia.user, MINE)

    people = response.context["people"]
    assert [(r, r.agenda_points, r.my_items) for r in people.reports] == [
        (cast.alice, 2, 1),
        (cast.bob, 0, 0),
    ]
    assert people.mentorships == []
    assert one_on_ones_of(cast.alice) in response.text
    # Her own 1:1s with skip, who has logged none: a pair with nothing yet.
    (own,) = response.context["pairs"]
    assert own.other == cast.skip


def test_a_mentor_sees_his_mentees(client, cast, history):
    response = get(client, cast.max.user, MINE)

    (mentorship,) = response.context["people"].mentorships
    assert mentorship == cast.max_mentors_alice
    assert (mentorship.agenda_points, mentorship.my_items) == (1, 1)
    assert mentoring_of(cast.max_mentors_alice) in response.text


def test_someone_without_a_profile_is_told_so(client, cast):
    response = get(client, cast.staff, MINE)

    assert response.status_code == 200
    assert "no engineer profile" in response.text


def test_an_engineer_with_no_manager_or_mentor_is_told_so(client, cast):
    response = get(client, cast.carol.user, MINE)

    assert response.context["pairs"] == []
    assert "no manager or mentor" in response.text


def test_names_and_points_are_escaped(client, cast):
    point(cast.alice, cast.alice.user, "<script>alert(1)</script>")

    body = get(client, cast.alice.user, MINE).text

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["alice", "mia", "max"])
def test_my_one_on_ones_costs_the_same_queries_for_a_short_or_long_history(
    client, cast, history, who
):
    client.force_login(getattr(cast, who).user)
    small = count_queries(client, MINE)
    for n in range(8):
        check_in = factories.make_check_in(cast.mia.user, cast.alice, held_on=day(-n))
        item(check_in, cast.alice.user if n % 2 else None, f"Item {n}")
        point(cast.alice, cast.mia.user, f"Point {n}")
        point(cast.bob, cast.mia.user, f"Bob's {n}")
        mentoring = factories.make_check_in(
            cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
        )
        item(mentoring, cast.max.user, f"Max's {n}")

    large = count_queries(client, MINE)

    assert small == large
    # Session, user and Access; the profile, mentorships, check-ins, agenda and
    # open items; the people one meets as a manager or a mentor.
    assert large <= 9


# --- a pair's page ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "mia"])
def test_the_engineer_and_her_manager_open_the_one_on_ones(client, cast, history, who):
    response = get(client, getattr(cast, who).user, one_on_ones_of(cast.alice))

    assert response.status_code == 200
    pair = response.context["pair"]
    assert pair.check_ins == [history["one-on-one"]]
    assert pair.form is not None
    assert "ALICE-POINT" in response.text


@pytest.mark.parametrize("who", ["max", "olivia", "skip", "bob", "carol", "cora"])
def test_anyone_else_gets_a_404_for_the_one_on_ones(client, cast, history, who):
    response = get(client, getattr(cast, who).user, one_on_ones_of(cast.alice))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["alice", "max", "mia"])
def test_mentee_mentor_and_manager_open_the_mentoring(client, cast, history, who):
    response = get(
        client, getattr(cast, who).user, mentoring_of(cast.max_mentors_alice)
    )

    assert response.status_code == 200
    pair = response.context["pair"]
    assert pair.check_ins == [history["mentoring"]]
    # The manager reads the mentoring agenda; only the two add to it.
    assert (pair.form is not None) is (who != "mia")


@pytest.mark.parametrize("who", ["olivia", "skip", "bob", "carol", "cora"])
def test_anyone_else_gets_a_404_for_the_mentoring(client, cast, history, who):
    response = get(
        client, getattr(cast, who).user, mentoring_of(cast.max_mentors_alice)
    )

    assert response.status_code == 404


def test_an_unknown_pair_is_a_404(client, cast):
    client.force_login(cast.mia.user)

    assert client.get(reverse("mentoring-pair", args=[999999])).status_code == 404
    assert client.get(reverse("one-on-one-pair", args=[999999])).status_code == 404


def test_the_manager_is_offered_to_log_a_one_on_one_and_the_engineer_not(
    client, cast, history
):
    log = f"{reverse('check-in-create')}?engineer={cast.alice.pk}&amp;kind=one_on_one"

    assert log in get(client, cast.mia.user, one_on_ones_of(cast.alice)).text
    assert log not in get(client, cast.alice.user, one_on_ones_of(cast.alice)).text


def test_the_mentor_is_offered_to_log_a_check_in(client, cast, history):
    log = f"{reverse('check-in-create')}?engineer={cast.alice.pk}&amp;kind=mentoring"
    url = mentoring_of(cast.max_mentors_alice)

    assert log in get(client, cast.max.user, url).text
    assert log not in get(client, cast.mia.user, url).text


def test_a_mentoring_pair_shows_when_the_next_check_in_is_due(client, cast, history):
    response = get(client, cast.alice.user, mentoring_of(cast.max_mentors_alice))

    pair = response.context["pair"]
    assert pair.due_on == day(-3 + cast.max_mentors_alice.cadence_days)
    assert pair.status == "ok"


# --- adding and taking back a talking point ---------------------------------------


def test_the_engineer_adds_a_point_and_her_manager_is_told(client, cast):
    client.force_login(cast.alice.user)

    response = client.post(
        one_on_ones_of(cast.alice), {"text": "Talk about the promotion", "next": MINE}
    )

    assert response.status_code == 302
    assert response["Location"] == MINE
    added = AgendaItem.objects.get()
    assert (added.engineer, added.kind, added.added_by, added.text) == (
        cast.alice,
        CheckInKind.ONE_ON_ONE,
        cast.alice.user,
        "Talk about the promotion",
    )
    (notice,) = Notification.objects.filter(recipient=cast.mia.user)
    assert notice.url == one_on_ones_of(cast.alice)


def test_the_manager_adds_a_point_and_lands_on_the_agenda(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(one_on_ones_of(cast.alice), {"text": "Team offsite"})

    assert response.status_code == 302
    assert response["Location"] == (
        f"{one_on_ones_of(cast.alice)}#agenda-one-on-one-{cast.alice.pk}"
    )
    assert AgendaItem.objects.get().added_by == cast.mia.user


def test_a_point_posted_twice_with_its_key_is_added_once(client, cast):
    client.force_login(cast.alice.user)
    data = {"text": "Once", "submission_key": "2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b"}

    client.post(one_on_ones_of(cast.alice), data)
    client.post(one_on_ones_of(cast.alice), data)

    assert AgendaItem.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_too_long_point_is_refused_on_the_page(client, cast):
    client.force_login(cast.alice.user)

    response = client.post(one_on_ones_of(cast.alice), {"text": "x" * 501})

    assert response.status_code == 200
    assert "text" in response.context["pair"].form.errors
    assert not AgendaItem.objects.exists()


def test_the_managers_of_a_mentee_cannot_add_to_the_mentoring(client, cast):
    client.force_login(cast.mia.user)

    response = client.post(mentoring_of(cast.max_mentors_alice), {"text": "Mine?"})

    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


def test_no_one_adds_to_an_ended_mentorship(client, cast):
    client.force_login(cast.alice.user)

    response = client.post(mentoring_of(cast.olivia_mentored_alice), {"text": "Hi"})

    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("who", ["max", "skip", "bob", "carol"])
def test_others_cannot_add_to_the_one_on_ones(client, cast, who):
    client.force_login(getattr(cast, who).user)

    response = client.post(one_on_ones_of(cast.alice), {"text": "Hi"})

    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


def test_opening_the_pair_reads_its_notification(client, cast):
    services.agenda_item_add(
        by=cast.alice.user,
        engineer=cast.alice,
        kind=CheckInKind.ONE_ON_ONE,
        text="Promotion",
        now=NOW,
    )
    notice = Notification.objects.get(recipient=cast.mia.user)

    response = get(client, cast.mia.user, one_on_ones_of(cast.alice))

    notice.refresh_from_db()
    assert notice.read_at is not None
    assert response.status_code == 200


def test_my_one_on_ones_reads_the_notifications_of_the_agendas_it_shows(client, cast):
    services.agenda_item_add(
        by=cast.mia.user,
        engineer=cast.alice,
        kind=CheckInKind.ONE_ON_ONE,
        text="Offsite",
        now=NOW,
    )
    other = Notification.objects.create(
        recipient=cast.alice.user, kind="feedback_received", message="x", url="/x/"
    )

    get(client, cast.alice.user, MINE)

    assert Notification.objects.get(url=one_on_ones_of(cast.alice)).read_at is not None
    other.refresh_from_db()
    assert other.read_at is None


def test_whoever_added_a_point_removes_it(client, cast):
    mine = point(cast.alice, cast.alice.user)
    theirs = point(cast.alice, cast.mia.user)
    client.force_login(cast.alice.user)
    url = reverse("agenda-item-remove", args=[mine.pk])

    assert client.get(url).status_code == 405
    response = client.post(url, {"next": MINE})
    refused = client.post(reverse("agenda-item-remove", args=[theirs.pk]))

    assert response.status_code == 302
    assert response["Location"] == MINE
    assert refused.status_code == 404
    assert list(AgendaItem.objects.all()) == [theirs]


def test_a_discussed_point_cannot_be_removed(client, cast, history):
    client.force_login(cast.alice.user)
    discussed = history["discussed point"]

    response = client.post(reverse("agenda-item-remove", args=[discussed.pk]))

    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=discussed.pk).exists()
