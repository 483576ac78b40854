"""Check-ins: who may log them, what they validate, and how open items carry over."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from growth import policy
from growth.models import ActionItem, AgendaItem, CheckIn, CheckInKind
from growth.selectors import checkins as selectors
from growth.services import checkins as services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def one_on_one(cast, *, days_ago=0, items=(), **fields):
    return services.check_in_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind=CheckInKind.ONE_ON_ONE,
        held_on=TODAY - datetime.timedelta(days=days_ago),
        notes=fields.pop("notes", "We talked"),
        action_items=items,
        now=NOW,
        **fields,
    )


def mentoring(cast, *, days_ago=0, items=(), **fields):
    return services.check_in_create(
        author=cast.max.user,
        engineer=cast.alice,
        kind=CheckInKind.MENTORING,
        mentorship=cast.max_mentors_alice,
        held_on=TODAY - datetime.timedelta(days=days_ago),
        action_items=items,
        now=NOW,
        **fields,
    )


def test_it_logs_a_one_on_one_with_its_action_items(cast):
    check_in = one_on_one(cast, items=["  Read the RFC  ", "", "Pair on the migration"])

    assert check_in.author == cast.mia.user
    assert check_in.mentorship is None
    assert check_in.created_at == NOW
    assert [i.description for i in check_in.action_items.all()] == [
        "Read the RFC",
        "Pair on the migration",
    ]


def test_a_mentoring_check_in_belongs_to_the_active_mentorship(cast):
    check_in = mentoring(cast)

    assert check_in.kind == CheckInKind.MENTORING
    assert check_in.mentorship == cast.max_mentors_alice


def test_open_items_move_to_the_next_check_in_of_the_pair(cast):
    first = one_on_one(cast, days_ago=14, items=["Open one", "Done one"])
    done = first.action_items.get(description="Done one")
    services.action_item_toggle(item=done, by=cast.mia.user, done=True, now=NOW)
    open_item = first.action_items.get(description="Open one")

    second = one_on_one(cast, items=["New one"])

    assert list(first.action_items.all()) == [done]
    assert [i.description for i in second.action_items.all()] == [
        "Open one",
        "New one",
    ]
    # Moved, not copied: the same row, and no more rows than were written.
    assert second.action_items.get(description="Open one").pk == open_item.pk
    assert ActionItem.objects.count() == 3


def test_items_carry_on_from_check_in_to_check_in(cast):
    one_on_one(cast, days_ago=28, items=["Long-running"])
    one_on_one(cast, days_ago=14)
    third = one_on_one(cast)

    assert [i.description for i in third.action_items.all()] == ["Long-running"]


def test_items_do_not_cross_to_another_kind_or_author(cast):
    one_on_one(cast, days_ago=7, items=["From the 1:1"])
    mentoring(cast, days_ago=7, items=["From mentoring"])

    later_mentoring = mentoring(cast)
    later_one_on_one = one_on_one(cast)

    assert [i.description for i in later_mentoring.action_items.all()] == [
        "From mentoring"
    ]
    assert [i.description for i in later_one_on_one.action_items.all()] == [
        "From the 1:1"
    ]


def test_mentoring_items_stay_in_their_mentorship(cast):
    old = CheckIn.objects.create(
        author=cast.max.user,
        engineer=cast.alice,
        kind=CheckInKind.MENTORING,
        mentorship=factories.make_mentorship(
            cast.max,
            cast.alice,
            started_on=datetime.date(2024, 1, 1),
            ended_on=datetime.date(2024, 6, 1),
        ),
        held_on=datetime.date(2024, 5, 1),
    )
    ActionItem.objects.create(check_in=old, description="From the old mentorship")

    check_in = mentoring(cast)

    assert check_in.action_items.count() == 0
    assert old.action_items.count() == 1


def test_a_back_dated_check_in_leaves_the_later_ones_items_alone(cast):
    later = one_on_one(cast, days_ago=2, items=["Agreed last week"])

    earlier = one_on_one(cast, days_ago=9)

    assert earlier.action_items.count() == 0
    assert later.action_items.count() == 1


def test_carry_over_items_are_what_the_next_check_in_takes(cast):
    first = one_on_one(cast, days_ago=7, items=["Open", "Done"])
    services.action_item_toggle(
        item=first.action_items.get(description="Done"),
        by=cast.alice.user,
        done=True,
        now=NOW,
    )

    items = selectors.carry_over_items(
        author=cast.mia.user, engineer=cast.alice, kind=CheckInKind.ONE_ON_ONE
    )

    assert [i.description for i in items] == ["Open"]


def test_a_check_in_cannot_be_in_the_future(cast):
    with pytest.raises(ValidationError) as error:
        one_on_one(cast, days_ago=-1)

    assert "held_on" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_the_future_is_judged_in_the_authors_time_zone(cast):
    cast.mia.user.time_zone = "Pacific/Auckland"
    cast.mia.user.save()
    late_evening_utc = datetime.datetime(2026, 3, 16, 20, 0, tzinfo=datetime.UTC)

    check_in = services.check_in_create(
        author=cast.mia.user,
        engineer=cast.alice,
        kind=CheckInKind.ONE_ON_ONE,
        held_on=datetime.date(2026, 3, 17),  # already tomorrow in Auckland
        now=late_evening_utc,
    )

    assert check_in.held_on == datetime.date(2026, 3, 17)


def test_only_the_direct_manager_logs_a_one_on_one(cast):
    with pytest.raises(ValidationError) as error:
        services.check_in_create(
            author=cast.skip.user,
            engineer=cast.alice,
            kind=CheckInKind.ONE_ON_ONE,
            held_on=TODAY,
            now=NOW,
        )

    assert "engineer" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_an_ended_mentorship_takes_no_check_ins(cast):
    with pytest.raises(ValidationError) as error:
        services.check_in_create(
            author=cast.olivia.user,
            engineer=cast.alice,
            kind=CheckInKind.MENTORING,
            mentorship=cast.olivia_mentored_alice,
            held_on=TODAY,
            now=NOW,
        )

    assert "mentorship" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_only_the_mentor_logs_in_their_mentorship(cast):
    with pytest.raises(ValidationError) as error:
        services.check_in_create(
            author=cast.mia.user,
            engineer=cast.alice,
            kind=CheckInKind.MENTORING,
            mentorship=cast.max_mentors_alice,
            held_on=TODAY,
            now=NOW,
        )

    assert "mentorship" in error.value.message_dict


def test_a_too_long_action_item_saves_nothing(cast):
    first = one_on_one(cast, days_ago=7, items=["Open"])

    with pytest.raises(ValidationError) as error:
        one_on_one(cast, items=["fine", "x" * 301])

    assert "action_items" in error.value.message_dict
    assert CheckIn.objects.count() == 1
    assert first.action_items.count() == 1


def test_update_changes_the_date_and_notes_and_the_items(cast):
    check_in = one_on_one(cast, days_ago=3, items=["Keep", "Mistake"])
    mistake = check_in.action_items.get(description="Mistake")

    services.check_in_update(
        check_in=check_in,
        held_on=TODAY - datetime.timedelta(days=4),
        notes="Corrected",
        add_action_items=["Added"],
        remove_action_items=[mistake],
        now=NOW,
    )

    check_in.refresh_from_db()
    assert check_in.held_on == TODAY - datetime.timedelta(days=4)
    assert check_in.notes == "Corrected"
    assert [i.description for i in check_in.action_items.all()] == ["Keep", "Added"]


def test_update_cannot_remove_another_check_ins_item(cast):
    other = mentoring(cast, items=["Not yours"])
    check_in = one_on_one(cast)

    with pytest.raises(ValidationError) as error:
        services.check_in_update(
            check_in=check_in,
            held_on=TODAY,
            notes="",
            remove_action_items=list(other.action_items.all()),
            now=NOW,
        )

    assert "remove_action_items" in error.value.message_dict
    assert other.action_items.count() == 1


def test_update_cannot_move_a_check_in_into_the_future(cast):
    check_in = one_on_one(cast)

    with pytest.raises(ValidationError) as error:
        services.check_in_update(
            check_in=check_in,
            held_on=TODAY + datetime.timedelta(days=1),
            notes="",
            now=NOW,
        )

    assert "held_on" in error.value.message_dict
    check_in.refresh_from_db()
    assert check_in.held_on == TODAY


def test_marking_done_keeps_the_first_time(cast):
    item = one_on_one(cast, items=["Do it"]).action_items.get()
    later = NOW + datetime.timedelta(hours=2)

    services.action_item_toggle(item=item, by=cast.alice.user, done=True, now=NOW)
    services.action_item_toggle(item=item, by=cast.alice.user, done=True, now=later)

    item.refresh_from_db()
    assert item.done_at == NOW


def test_reopening_clears_the_done_time(cast):
    item = one_on_one(cast, items=["Do it"]).action_items.get()
    services.action_item_toggle(item=item, by=cast.mia.user, done=True, now=NOW)

    services.action_item_toggle(item=item, by=cast.mia.user, done=False, now=NOW)

    item.refresh_from_db()
    assert item.done_at is None


def test_only_the_owner_and_the_author_change_items(cast):
    item = mentoring(cast, items=["Do it"]).action_items.get()

    with pytest.raises(ValidationError):
        services.action_item_toggle(item=item, by=cast.mia.user, done=True, now=NOW)

    item.refresh_from_db()
    assert item.done_at is None


def test_toggleable_items_are_the_authors_and_the_engineers(cast):
    item = mentoring(cast, items=["Do it"]).action_items.get()

    def may(person):
        return (
            policy.action_items_toggleable_by(person.user, ActionItem.objects.all())
            .filter(pk=item.pk)
            .exists()
        )

    assert may(cast.max)
    assert may(cast.alice)
    assert not may(cast.mia)  # reads it, as alice's manager, but does not tick it
    assert not may(cast.olivia)
    assert not may(cast.bob)


# --- owners, due dates, private notes -----------------------------------------------


def test_new_items_belong_to_the_engineer_or_to_the_author(cast):
    check_in = one_on_one(
        cast, items=["Read the RFC"], author_action_items=["Book the training"]
    )

    owners = {i.description: i.owner for i in check_in.action_items.all()}
    assert owners == {
        "Read the RFC": cast.alice.user,
        "Book the training": cast.mia.user,
    }


def test_new_items_take_the_due_date_given(cast):
    due = TODAY + datetime.timedelta(days=14)
    check_in = one_on_one(cast, items=["A", "B"], due_on=due)

    assert {i.due_on for i in check_in.action_items.all()} == {due}
    assert (
        one_on_one(cast, items=["C"]).action_items.get(description="C").due_on is None
    )


def test_carried_over_items_keep_their_owner_and_date(cast):
    due = TODAY + datetime.timedelta(days=3)
    one_on_one(cast, days_ago=14, author_action_items=["Mine"], due_on=due)

    later = one_on_one(cast)

    carried = later.action_items.get()
    assert (carried.owner, carried.due_on) == (cast.mia.user, due)


def test_the_engineer_does_not_tick_the_authors_item(cast):
    item = one_on_one(cast, author_action_items=["Mine"]).action_items.get()

    with pytest.raises(ValidationError):
        services.action_item_toggle(item=item, by=cast.alice.user, done=True, now=NOW)

    services.action_item_toggle(item=item, by=cast.mia.user, done=True, now=NOW)
    item.refresh_from_db()
    assert item.done_at == NOW


def test_the_author_ticks_the_engineers_item(cast):
    item = one_on_one(cast, items=["Yours"]).action_items.get()

    services.action_item_toggle(item=item, by=cast.mia.user, done=True, now=NOW)

    item.refresh_from_db()
    assert item.done_at == NOW


def test_the_author_rewrites_reassigns_and_dates_an_item(cast):
    item = one_on_one(cast, items=["Draft"]).action_items.get()
    due = TODAY + datetime.timedelta(days=7)

    services.action_item_update(
        item=item,
        by=cast.mia.user,
        description="  Draft the ADR  ",
        owner_id=cast.mia.user.pk,
        due_on=due,
    )

    item.refresh_from_db()
    assert (item.description, item.owner, item.due_on) == (
        "Draft the ADR",
        cast.mia.user,
        due,
    )


@pytest.mark.parametrize("person", ["alice", "max", "skip"])
def test_only_the_author_changes_an_item(cast, person):
    item = one_on_one(cast, items=["Draft"]).action_items.get()

    with pytest.raises(ValidationError):
        services.action_item_update(
            item=item,
            by=getattr(cast, person).user,
            description="Changed",
            owner_id=cast.alice.user.pk,
            due_on=None,
        )

    item.refresh_from_db()
    assert item.description == "Draft"


def test_an_item_is_for_one_of_the_two_people(cast):
    item = one_on_one(cast, items=["Draft"]).action_items.get()

    with pytest.raises(ValidationError) as error:
        services.action_item_update(
            item=item,
            by=cast.mia.user,
            description="Draft",
            owner_id=cast.bob.user.pk,
            due_on=None,
        )

    assert "owner" in error.value.message_dict
    item.refresh_from_db()
    assert item.owner == cast.alice.user


def test_the_private_notes_are_saved_and_kept_unless_given(cast):
    check_in = one_on_one(cast, private_notes="Seems tired; ask about on-call")

    services.check_in_update(check_in=check_in, held_on=TODAY, notes="Changed", now=NOW)
    check_in.refresh_from_db()
    assert check_in.private_notes == "Seems tired; ask about on-call"

    services.check_in_update(
        check_in=check_in, held_on=TODAY, notes="Changed", private_notes="", now=NOW
    )
    check_in.refresh_from_db()
    assert check_in.private_notes == ""


def test_update_adds_items_for_either_person(cast):
    check_in = one_on_one(cast)
    due = TODAY + datetime.timedelta(days=2)

    services.check_in_update(
        check_in=check_in,
        held_on=TODAY,
        notes="",
        add_action_items=["For alice"],
        add_author_action_items=["For mia"],
        due_on=due,
        now=NOW,
    )

    assert {
        (i.description, i.owner, i.due_on) for i in check_in.action_items.all()
    } == {
        ("For alice", cast.alice.user, due),
        ("For mia", cast.mia.user, due),
    }


# --- the agenda, discussed ---------------------------------------------------------


def point(cast, by, *, mentorship=None, text="The on-call rota"):
    return services.agenda_item_add(
        by=by,
        engineer=cast.alice,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        text=text,
        now=NOW,
    )


def test_a_check_in_marks_the_points_it_discussed(cast):
    talked = point(cast, cast.alice.user, text="Promotion")
    waits = point(cast, cast.mia.user, text="Team offsite")

    check_in = one_on_one(cast, discussed=[talked])

    talked.refresh_from_db()
    waits.refresh_from_db()
    assert talked.discussed_in == check_in
    assert waits.discussed_in is None
    assert list(AgendaItem.objects.open()) == [waits]


def test_a_check_in_discusses_only_its_own_pairs_points(cast):
    mentoring_point = point(cast, cast.alice.user, mentorship=cast.max_mentors_alice)

    with pytest.raises(ValidationError) as error:
        one_on_one(cast, discussed=[mentoring_point])

    assert "discussed" in error.value.message_dict
    assert not CheckIn.objects.exists()
    mentoring_point.refresh_from_db()
    assert mentoring_point.discussed_in is None


def test_a_point_discussed_already_stays_with_its_check_in(cast):
    talked = point(cast, cast.alice.user)
    first = one_on_one(cast, days_ago=1, discussed=[talked])

    one_on_one(cast, discussed=[talked])  # a second tab, sent later

    talked.refresh_from_db()
    assert talked.discussed_in == first
