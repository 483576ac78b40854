"""The feedback request pages: asking, the two lists, declining and cancelling.

The request in most tests is alice asking bob, from the cast in conftest.py.
"""

from __future__ import annotations

import datetime
import re

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


def request_data(*recipients, **fields) -> dict:
    data = {
        "recipients": [person.pk for person in recipients],
        "message": "How did my first incident review go?",
        "goal": "",
        "competency": "",
        "due_on": (today() + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(fields)
    return data


def errors_of(response, field: str = "recipients") -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get(field, []))


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
    assert response.url == reverse("request-list")
    assert feedback_request.requester == cast.alice
    assert feedback_request.recipient == cast.bob
    assert feedback_request.status == RequestStatus.OPEN
    notification = Notification.objects.get()
    assert notification.recipient == cast.bob.user
    assert notification.kind == EventKind.FEEDBACK_REQUESTED
    assert "Alice Engineer" in notification.message
    assert notification.url == reverse("request-detail", args=[feedback_request.pk])


def test_asking_three_people_makes_three_requests_each_told_once(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.bob, cast.carol, cast.max, message="zq-three"),
        follow=True,
    )
    made = FeedbackRequest.objects.order_by("pk")
    assert [r.recipient for r in made] == [cast.bob, cast.carol, cast.max]
    assert {r.message for r in made} == {"zq-three"}
    assert {r.requester for r in made} == {cast.alice}
    told = Notification.objects.filter(kind=EventKind.FEEDBACK_REQUESTED)
    assert sorted(n.recipient_id for n in told) == sorted(
        [cast.bob.user_id, cast.carol.user_id, cast.max.user_id]
    )
    # The confirmation, on the request list, names who was asked.
    assert response.redirect_chain == [(reverse("request-list"), 302)]
    html = response.content.decode()
    assert "Requests sent to Bob Peer, Carol Outsider and Max Mentor" in html
    assert list(response.context["mine_page"]) == list(made)


def test_the_question_is_optional(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, cast.carol, message="")
    )
    assert response.status_code == 302
    assert set(FeedbackRequest.objects.values_list("message", flat=True)) == {""}


def test_asking_about_one_of_my_goals_and_a_competency(client, cast):
    goal = factories.make_goal(cast.alice)
    competency = factories.competency("interpersonal")
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.carol, cast.bob, goal=goal.pk, competency=competency.pk),
    )
    assert response.status_code == 302
    assert {(r.goal, r.competency) for r in FeedbackRequest.objects.all()} == {
        (goal, competency)
    }


def test_the_recipient_in_the_query_string_is_ticked_and_listed_first(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("request-create"), {"recipient": cast.carol.pk})
    assert response.context["form"]["recipients"].value() == [cast.carol.pk]
    html = response.content.decode()
    boxes = re.findall(r'<input class="form-check-input[^>]*>', html)
    assert f'value="{cast.carol.pk}" checked' in boxes[0]
    assert sum(" checked" in box for box in boxes) == 1
    assert "1 of 10 chosen" in html


def test_several_recipients_in_the_query_string_are_ticked(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(
        reverse("request-create")
        + f"?recipient={cast.carol.pk}&recipient={cast.bob.pk}"
    )
    assert "2 of 10 chosen" in response.content.decode()


def test_a_bad_recipient_in_the_query_string_is_ignored(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("request-create"), {"recipient": "x"})
    assert response.status_code == 200
    assert "0 of 10 chosen" in response.content.decode()


def test_i_am_not_offered_and_nor_is_anyone_inactive(client, cast):
    cast.olivia.is_active = False
    cast.olivia.save()
    client.force_login(cast.alice.user)
    html = client.get(reverse("request-create")).content.decode()
    offered = {int(pk) for pk in re.findall(r'name="recipients" value="(\d+)"', html)}
    assert cast.carol.pk in offered and cast.bob.pk in offered
    assert cast.alice.pk not in offered
    assert cast.olivia.pk not in offered


def test_each_person_is_a_labelled_checkbox_with_team_and_email(client, cast):
    client.force_login(cast.alice.user)
    html = client.get(reverse("request-create")).content.decode()
    row = re.search(
        rf'<label class="list-group-item"[^>]*>\s*<input[^>]*value="{cast.carol.pk}"'
        r".*?</label>",
        html,
        re.S,
    ).group(0)
    assert 'type="checkbox"' in row
    assert "Carol Outsider" in row
    assert "Data" in row
    assert cast.carol.user.email in row
    assert 'data-search="carol outsider data ' in row


def test_someone_already_asked_and_not_answered_is_marked(client, cast, asked):
    factories.make_request(
        cast.alice, cast.carol, status=RequestStatus.DECLINED, closed_at=timezone.now()
    )
    client.force_login(cast.alice.user)
    html = client.get(reverse("request-create")).content.decode()
    rows = dict(re.findall(r'name="recipients" value="(\d+)"[^>]*>(.*?)</label>', html))
    assert "asked already, not answered yet" in rows[str(cast.bob.pk)]
    assert "asked already" not in rows[str(cast.carol.pk)]


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("due_on", {"due_on": "2020-01-01"}),
        ("due_on", {"due_on": ""}),
        ("recipients", {"recipients": []}),
        ("recipients", {"recipients": ["nobody"]}),
        ("recipients", {"recipients": ["999999"]}),
    ],
)
def test_bad_requests_are_field_errors_and_save_nothing(client, cast, field, fields):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, cast.carol, **fields)
    )
    assert errors_of(response, field)
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()


def test_asking_myself_names_me_and_saves_nobody(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, cast.alice)
    )
    assert "yourself" in errors_of(response)
    assert "Alice Engineer" in errors_of(response)
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()


def test_an_inactive_person_is_named_and_nobody_is_asked(client, cast):
    cast.olivia.is_active = False
    cast.olivia.save()
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, cast.olivia, cast.carol)
    )
    assert "Olivia Former is no longer active" in errors_of(response)
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()


def test_someone_with_an_open_request_is_named_and_nobody_is_asked(client, cast, asked):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.carol, cast.bob, message="zq-kept"),
    )
    assert "open request to Bob Peer" in errors_of(response)
    assert "zq-kept" in response.content.decode()
    assert list(FeedbackRequest.objects.all()) == [asked]
    assert not Notification.objects.filter(recipient=cast.carol.user).exists()


def test_someone_chosen_twice_is_named(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.bob, cast.carol, cast.bob)
    )
    assert "Bob Peer is chosen twice" in errors_of(response)
    assert not FeedbackRequest.objects.exists()


def test_more_than_ten_people_is_refused_and_names_the_ones_over(client, cast):
    people = [factories.make_engineer(f"Person {n:02d}") for n in range(11)]
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(*people))
    assert "at most 10 people" in errors_of(response)
    assert "Person 10" in errors_of(response)
    assert not FeedbackRequest.objects.exists()
    assert not Notification.objects.exists()


def test_ten_people_is_fine(client, cast):
    people = [factories.make_engineer(f"Person {n:02d}") for n in range(10)]
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(*people))
    assert response.status_code == 302
    assert FeedbackRequest.objects.count() == 10
    assert Notification.objects.count() == 10


def test_every_bad_person_is_named_at_once(client, cast, asked):
    cast.olivia.is_active = False
    cast.olivia.save()
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.alice, cast.bob, cast.olivia, cast.carol),
    )
    errors = errors_of(response)
    assert "yourself" in errors
    assert "Bob Peer" in errors
    assert "Olivia Former" in errors
    assert "Carol" not in errors
    assert list(FeedbackRequest.objects.all()) == [asked]


def test_the_ticked_people_stay_ticked_after_an_error(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"),
        request_data(cast.bob, cast.carol, due_on="2020-01-01"),
    )
    html = response.content.decode()
    assert f'value="{cast.bob.pk}" checked' in html
    assert f'value="{cast.carol.pk}" checked' in html
    assert "2 of 10 chosen" in html


def test_the_first_box_says_the_picker_is_invalid_so_it_gets_the_focus(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("request-create"), request_data(cast.alice))
    html = response.content.decode()
    first = re.search(r'<input class="form-check-input[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in first
    assert 'id="id_recipients_error"' in html


def test_asking_about_someone_elses_goal_is_a_field_error(client, cast):
    bobs_goal = factories.make_goal(cast.bob)
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("request-create"), request_data(cast.carol, goal=bobs_goal.pk)
    )
    assert "goal" in response.context["form"].errors
    assert not FeedbackRequest.objects.exists()


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


def test_the_picker_script_is_a_file_of_this_site(client, cast):
    client.force_login(cast.alice.user)
    html = client.get(reverse("request-create")).content.decode()
    assert re.search(r'<script src="/static/request-picker[^"]*\.js" defer>', html)


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


# --- what happens to the notice of a request -----------------------------------


def badge(response) -> int:
    found = re.search(
        rb'text-bg-danger">(\d+)<span class="visually-hidden"> unread', response.content
    )
    return int(found.group(1)) if found else 0


@pytest.fixture
def told(client, cast):
    """Alice asks bob and carol through the form; each is told once."""
    client.force_login(cast.alice.user)
    client.post(reverse("request-create"), request_data(cast.bob, cast.carol))
    client.logout()
    return {r.recipient.pk: r for r in FeedbackRequest.objects.all()}


def notice(engineer):
    return Notification.objects.get(
        recipient=engineer.user, kind=EventKind.FEEDBACK_REQUESTED
    )


def test_opening_the_request_marks_its_notice_read_on_that_very_page(
    client, cast, told
):
    client.force_login(cast.bob.user)
    assert badge(client.get(reverse("request-list"))) == 1
    response = client.get(reverse("request-detail", args=[told[cast.bob.pk].pk]))
    assert response.status_code == 200
    assert badge(response) == 0
    assert notice(cast.bob).read_at is not None
    assert notice(cast.carol).read_at is None


def test_the_requester_opening_it_leaves_the_recipients_notice_alone(
    client, cast, told
):
    client.force_login(cast.alice.user)
    client.get(reverse("request-detail", args=[told[cast.bob.pk].pk]))
    assert notice(cast.bob).read_at is None


def test_declining_marks_the_notice_read(client, cast, told):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("request-decline", args=[told[cast.bob.pk].pk]), follow=True
    )
    assert notice(cast.bob).read_at is not None
    assert badge(response) == 0
    assert notice(cast.carol).read_at is None


def test_cancelling_marks_the_recipients_notice_read(client, cast, told):
    client.force_login(cast.alice.user)
    client.post(reverse("request-cancel", args=[told[cast.bob.pk].pk]))
    assert notice(cast.bob).read_at is not None
    assert notice(cast.carol).read_at is None
    client.force_login(cast.bob.user)
    assert badge(client.get(reverse("request-list"))) == 0


def test_a_refused_decline_leaves_the_notice_unread(client, cast, told):
    FeedbackRequest.objects.filter(pk=told[cast.bob.pk].pk).update(
        status=RequestStatus.CANCELLED, closed_at=timezone.now()
    )
    Notification.objects.update(read_at=None)
    client.force_login(cast.bob.user)
    client.post(reverse("request-decline", args=[told[cast.bob.pk].pk]))
    assert notice(cast.bob).read_at is None
