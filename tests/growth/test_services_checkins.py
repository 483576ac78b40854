"""Check-ins: who may log them, what they validate, and how open items carry over."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from growth import policy
from growth.models import ActionItem, CheckIn, CheckInKind
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


def mentoring(cast, *, days_ago=0, items=()):
    return services.check_in_create(
        author=cast.max.user,
        engineer=cast.alice,
        kind=CheckInKind.MENTORING,
        mentorship=cast.max_mentors_alice,
        held_on=TODAY - datetime.timedelta(days=days_ago),
        action_items=items,
        now=NOW,
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


def test_only_the_author_and_engineer_change_items(cast):
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
