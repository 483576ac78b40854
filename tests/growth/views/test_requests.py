"""The feedback request pages: asking, the two lists, declining and cancelling.

The request in most tests is alice asking bob, from the cast in conftest.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from growth.models import EventKind, FeedbackRequest, Notification, RequestStatus
from tests import factories

PEOPLE = ("alice", "bob", "mia", "max", "olivia", "carol")
EVERYONE = ("anonymous", *PEOPLE)


def sign_in(client, cast, who: str) -> None:
    if who != "anonymous":
        client.force_login(getattr(cast, who).user)


def assert_redirects_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def asked(cast):
    """Alice asks bob for feedback, with a marker only the two of them may see."""
    return factories.make_request(
        cast.alice, cast.bob, message="zq-request-4b7", due_on=today()
    )


def request_data(recipient, /, **fields) -> dict:
    data = {
        "recipient": recipient.pk,
        "message": "How did my first incident review go?",
        "goal": "",
        "competency": "",
        "due_on": (today() + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(fields)
    return data


# --- who gets which page -------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_request_list_by_person(client, cast, asked, who):
    sign_in(client, cast, who)
    response = client.get(reverse("request-list"))
    if who == "anonymous":
        assert_redirects_to_login(response)
        return
    assert response.status_code == 200
    assert ("zq-request-4b7" in response.content.decode()) == (who == "bob")


@pytest.mark.parametrize("who", EVERYONE)
def test_request_create_page_by_person(client, cast, who):
    sign_in(client, cast, who)
    response = client.get(reverse("request-create"))
    if who == "anonymous":
        assert_redirects_to_login(response)
    else:
        assert response.status_code == 200


def test_someone_without_an_engineer_profile_cannot_ask(client, cast):
    client.force_login(cast.staff)
    assert client.get(reverse("request-create")).status_code == 404


@pytest.mark.parametrize("who", EVERYONE)
def test_request_detail_by_person(client, cast, asked, who):
    sign_in(client, cast, who)
    response = client.get(reverse("request-detail", args=[asked.pk]))
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who in ("alice", "bob"):
        assert response.status_code == 200
        assert "zq-request-4b7" in response.content.decode()
    else:
        assert response.status_code == 404
        assert "zq-request-4b7" not in response.content.decode()


CLOSERS = {
    # url name: (who may use it, the status it leaves)
    "request-decline": ("bob", RequestStatus.DECLINED),
    "request-cancel": ("alice", RequestStatus.CANCELLED),
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("url_name", CLOSERS)
def test_closing_a_request_by_person(client, cast, asked, url_name, who):
    allowed, status = CLOSERS[url_name]
    sign_in(client, cast, who)
    response = client.post(reverse(url_name, args=[asked.pk]))
    asked.refresh_from_db()
    if who == "anonymous":
        assert_redirects_to_login(response)
    elif who == allowed:
        assert response.status_code == 302
        assert asked.status == status
        assert asked.closed_at is not None
        return
    else:
        assert response.status_code == 404
    assert asked.status == RequestStatus.OPEN
    assert asked.closed_at is None


@pytest.mark.parametrize("url_name", CLOSERS)
def test_closing_refuses_get(client, cast, asked, url_name):
    client.force_login(getattr(cast, CLOSERS[url_name][0]).user)
    assert client.get(reverse(url_name, args=[asked.pk])).status_code == 405
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


# --- asking --------------------------------------------------------------------


def test_asking_saves_the_request_and_tells_the_recipient(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(cast.bob))
    feedback_request = FeedbackRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("request-detail", args=[feedback_request.pk])
    assert feedback_request.requester == cast.alice
    assert feedback_request.recipient == cast.bob
    assert feedback_request.status == RequestStatus.OPEN
    notification = Notification.objects.get()
    assert notification.recipient == cast.bob.user
    assert notification.kind == EventKind.FEEDBACK_REQUESTED
    assert "Alice Engineer" in notification.message
    assert notification.url == reverse("request-detail", args=[feedback_request.pk])


def test_asking_about_one_of_my_goals_and_a_competency(client, cast):
    goal = factories.make_goal(cast.alice)
    competency = factories.competency("interpersonal")
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.carol, goal=goal.pk, competency=competency.pk),
    )
    assert response.status_code == 302
    feedback_request = FeedbackRequest.objects.get()
    assert feedback_request.goal == goal
    assert feedback_request.competency == competency


def test_the_recipient_in_the_query_string_is_preselected(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("request-create"), {"recipient": cast.carol.pk})
    assert response.context["form"]["recipient"].value() == cast.carol.pk


def test_i_am_not_offered_as_my_own_recipient(client, cast):
    client.force_login(cast.alice.user)
    form = client.get(reverse("request-create")).context["form"]
    recipients = list(form.fields["recipient"].queryset)
    assert cast.alice not in recipients
    assert cast.carol in recipients


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("due_on", {"due_on": "2020-01-01"}),
        ("due_on", {"due_on": ""}),
        ("message", {"message": ""}),
        ("recipient", {"recipient": ""}),
    ],
)
def test_bad_requests_are_field_errors_and_save_nothing(client, cast, field, fields):
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(cast.bob, **fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()


def test_asking_myself_is_a_field_error(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(cast.alice))
    assert "recipient" in response.context["form"].errors
    assert not FeedbackRequest.objects.exists()


def test_asking_about_someone_elses_goal_is_a_field_error(client, cast):
    bobs_goal = factories.make_goal(cast.bob)
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.carol, goal=bobs_goal.pk)
    )
    assert "goal" in response.context["form"].errors
    assert not FeedbackRequest.objects.exists()


def test_a_second_open_request_to_the_same_person_is_a_field_error(client, cast, asked):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, message="zq-kept")
    )
    assert response.status_code == 200
    assert "recipient" in response.context["form"].errors
    assert "zq-kept" in response.content.decode()
    assert FeedbackRequest.objects.count() == 1


def test_a_due_date_of_today_in_my_time_zone_is_accepted(client, cast):
    cast.alice.user.time_zone = "Pacific/Kiritimati"  # UTC+14: already tomorrow
    cast.alice.user.save()
    local_today = timezone.now().astimezone(cast.alice.user.zone).date()
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.bob, due_on=local_today.isoformat()),
    )
    assert response.status_code == 302


# --- the lists and the detail page ---------------------------------------------


def test_asked_of_me_lists_open_requests_first_with_actions(client, cast, asked):
    closed = factories.make_request(
        cast.carol,
        cast.bob,
        message="zq-closed",
        due_on=today() - datetime.timedelta(days=30),
        status=RequestStatus.DECLINED,
        closed_at=timezone.now(),
    )
    client.force_login(cast.bob.user)
    response = client.get(reverse("request-list"))
    assert list(response.context["asked_page"]) == [asked, closed]
    html = response.content.decode()
    assert f"{reverse('feedback-create')}?request={asked.pk}" in html
    assert reverse("request-decline", args=[asked.pk]) in html
    assert f"?request={closed.pk}" not in html


def test_an_open_request_past_its_due_date_is_flagged_overdue(client, cast):
    factories.make_request(
        cast.alice, cast.bob, due_on=today() - datetime.timedelta(days=1)
    )
    client.force_login(cast.bob.user)
    assert "Overdue" in client.get(reverse("request-list")).content.decode()


def test_a_request_due_today_is_not_overdue(client, cast, asked):
    client.force_login(cast.bob.user)
    assert "Overdue" not in client.get(reverse("request-list")).content.decode()


def test_i_asked_shows_the_status_and_cancel_for_open_ones(client, cast, asked):
    declined = factories.make_request(
        cast.alice,
        cast.carol,
        status=RequestStatus.DECLINED,
        closed_at=timezone.now(),
    )
    client.force_login(cast.alice.user)
    response = client.get(reverse("request-list"))
    html = response.content.decode()
    assert list(response.context["mine_page"]) == [asked, declined]
    assert "Declined" in html
    assert reverse("request-cancel", args=[asked.pk]) in html
    assert reverse("request-cancel", args=[declined.pk]) not in html


def test_a_fulfilled_request_links_to_the_feedback(client, cast, asked):
    note = factories.make_note(cast.bob.user, cast.alice, request=asked)
    FeedbackRequest.objects.filter(pk=asked.pk).update(
        status=RequestStatus.FULFILLED, closed_at=timezone.now()
    )
    for who in ("alice", "bob"):
        client.force_login(getattr(cast, who).user)
        html = client.get(reverse("request-detail", args=[asked.pk])).content.decode()
        assert reverse("feedback-detail", args=[note.pk]) in html


def test_the_recipient_sees_write_and_decline_on_the_detail_page(client, cast, asked):
    client.force_login(cast.bob.user)
    html = client.get(reverse("request-detail", args=[asked.pk])).content.decode()
    assert f"?request={asked.pk}" in html
    assert reverse("request-decline", args=[asked.pk]) in html
    assert reverse("request-cancel", args=[asked.pk]) not in html


def test_the_requester_sees_cancel_on_the_detail_page(client, cast, asked):
    client.force_login(cast.alice.user)
    html = client.get(reverse("request-detail", args=[asked.pk])).content.decode()
    assert reverse("request-cancel", args=[asked.pk]) in html
    assert reverse("request-decline", args=[asked.pk]) not in html


def test_declining_returns_to_a_local_next(client, cast, asked):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("request-decline", args=[asked.pk]), {"next": "/requests/?x=1"}
    )
    assert response.url == "/requests/?x=1"


def test_declining_ignores_a_next_elsewhere(client, cast, asked):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("request-decline", args=[asked.pk]),
        {"next": "https://evil.example/"},
    )
    assert response.url == reverse("request-detail", args=[asked.pk])


def test_declining_a_closed_request_changes_nothing(client, cast, asked):
    closed_at = timezone.now() - datetime.timedelta(days=1)
    FeedbackRequest.objects.filter(pk=asked.pk).update(
        status=RequestStatus.CANCELLED, closed_at=closed_at
    )
    client.force_login(cast.bob.user)
    response = client.post(reverse("request-decline", args=[asked.pk]), follow=True)
    assert "already closed" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.CANCELLED
    assert asked.closed_at == closed_at


def test_the_lists_page_by_25_each(client, cast):
    for _ in range(27):
        requester = factories.make_engineer(team=cast.data)
        factories.make_request(requester, cast.bob, due_on=today())
    client.force_login(cast.bob.user)
    response = client.get(reverse("request-list"), {"asked_page": 2})
    assert len(response.context["asked_page"].object_list) == 2
    assert "asked_page=1" in response.content.decode()


def _make_requests(cast, count: int) -> None:
    goal = factories.make_goal(cast.bob)
    competency = factories.competency()
    for n in range(count):
        other = factories.make_engineer(team=cast.data)
        factories.make_request(other, cast.bob, competency=competency)
        made = factories.make_request(cast.bob, other, goal=goal)
        if n % 2:
            factories.make_note(other.user, cast.bob, request=made)
            FeedbackRequest.objects.filter(pk=made.pk).update(
                status=RequestStatus.FULFILLED, closed_at=timezone.now()
            )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_request_list_runs_the_same_queries_for_two_or_twenty(client, cast):
    client.force_login(cast.bob.user)
    _make_requests(cast, 2)
    small = _count_queries(client, reverse("request-list"))
    _make_requests(cast, 18)
    large = _count_queries(client, reverse("request-list"))
    assert small == large
    assert large <= 7
