"""The agenda of the next 1:1 or mentoring check-in: who adds a talking point,
who hears of it, and taking one back."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from growth.models import AgendaItem, CheckInKind, Notification, limits
from growth.services import checkins as services
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC)


def add(cast, by, *, mentorship=None, text="The on-call rota", engineer=None):
    return services.agenda_item_add(
        by=by,
        engineer=engineer or cast.alice,
        kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
        mentorship=mentorship,
        text=text,
        now=NOW,
    )


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def test_the_engineer_adds_a_point_to_their_next_one_on_one(cast):
    point = add(cast, cast.alice.user, text="  Promotion case  ")

    assert (point.engineer, point.kind, point.mentorship) == (
        cast.alice,
        CheckInKind.ONE_ON_ONE,
        None,
    )
    assert (point.added_by, point.text, point.created_at) == (
        cast.alice.user,
        "Promotion case",
        NOW,
    )
    assert point.discussed_in is None


def test_the_manager_hears_of_the_engineers_point_without_its_text(cast):
    add(cast, cast.alice.user, text="SECRET-TOPIC")

    (notice,) = told(cast.mia.user)
    assert notice.kind == services.AGENDA_ADDED
    assert notice.message == "Alice Engineer added a talking point to your next 1:1."
    assert notice.url == reverse("one-on-one-pair", args=[cast.alice.pk])
    assert "SECRET" not in notice.message
    assert told(cast.alice.user) == []


def test_the_engineer_hears_of_the_managers_point(cast):
    add(cast, cast.mia.user)

    (notice,) = told(cast.alice.user)
    assert notice.message == "Mia Manager added a talking point to your next 1:1."
    assert told(cast.mia.user) == []


def test_mentee_and_mentor_tell_each_other(cast):
    mentorship = cast.max_mentors_alice
    add(cast, cast.alice.user, mentorship=mentorship)
    add(cast, cast.max.user, mentorship=mentorship)

    url = reverse("mentoring-pair", args=[mentorship.pk])
    (to_max,) = told(cast.max.user)
    (to_alice,) = told(cast.alice.user)
    assert to_max.url == to_alice.url == url
    assert "your next mentoring check-in" in to_max.message
    assert told(cast.mia.user) == []  # her manager reads it, and is not told


def test_one_unread_notice_a_pair_however_many_points(cast):
    for text in ("One", "Two", "Three"):
        add(cast, cast.alice.user, text=text)

    assert len(told(cast.mia.user)) == 1
    Notification.objects.update(read_at=NOW)

    add(cast, cast.alice.user, text="Four")

    assert len(told(cast.mia.user)) == 2


def test_an_inactive_manager_is_not_told(cast):
    cast.mia.is_active = False
    cast.mia.save(update_fields=["is_active"])
    alice = (
        type(cast.alice).objects.select_related("manager__user").get(pk=cast.alice.pk)
    )

    add(cast, cast.alice.user, engineer=alice)

    assert told(cast.mia.user) == []


@pytest.mark.parametrize(
    ("person", "mentoring"),
    [
        ("max", False),  # a mentor has no part in the 1:1s
        ("skip", False),  # the manager's manager neither
        ("bob", False),
        ("mia", True),  # the manager reads the mentoring agenda, and adds nothing
        ("cora", True),
        ("olivia", True),
    ],
)
def test_no_one_else_adds_a_point(cast, person, mentoring):
    with pytest.raises(ValidationError):
        add(
            cast,
            getattr(cast, person).user,
            mentorship=cast.max_mentors_alice if mentoring else None,
        )

    assert not AgendaItem.objects.exists()
    assert not Notification.objects.exists()


def test_an_ended_mentorship_has_no_next_agenda(cast):
    with pytest.raises(ValidationError):
        add(cast, cast.alice.user, mentorship=cast.olivia_mentored_alice)


def test_a_point_is_refused_when_blank_or_too_long(cast):
    for text in ("", "   ", "x" * (limits.AGENDA_ITEM + 1)):
        with pytest.raises(ValidationError) as error:
            add(cast, cast.alice.user, text=text)
        assert "text" in error.value.message_dict
    assert not AgendaItem.objects.exists()
    assert not Notification.objects.exists()


def test_whoever_added_a_point_takes_it_back(cast):
    point = add(cast, cast.alice.user)

    with pytest.raises(ValidationError):
        services.agenda_item_remove(item=point, by=cast.mia.user)
    services.agenda_item_remove(item=point, by=cast.alice.user)

    assert not AgendaItem.objects.exists()


def test_a_discussed_point_is_part_of_the_check_in_and_stays(cast):
    point = add(cast, cast.alice.user)
    check_in = factories.make_check_in(cast.mia.user, cast.alice)
    AgendaItem.objects.filter(pk=point.pk).update(discussed_in=check_in)

    with pytest.raises(ValidationError):
        services.agenda_item_remove(item=point, by=cast.alice.user)

    assert AgendaItem.objects.get().discussed_in == check_in


def test_the_pairs_points_are_the_engineers_one_on_ones_or_one_mentorship(cast):
    one_on_one = add(cast, cast.alice.user)
    mentoring = add(cast, cast.alice.user, mentorship=cast.max_mentors_alice)
    add(cast, cast.mia.user, engineer=cast.bob)

    def of(mentorship):
        return list(
            AgendaItem.objects.of_pair(
                engineer_id=cast.alice.pk,
                kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
                mentorship_id=mentorship.pk if mentorship else None,
            )
        )

    assert of(None) == [one_on_one]
    assert of(cast.max_mentors_alice) == [mentoring]
