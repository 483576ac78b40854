"""The notifications pages: my own only, opening one, marking all read."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from growth.models import EventKind, Notification, ReminderKind
from growth.policy import Access

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


def notify(
    user, message="Mia gave you feedback", url="/feedback/1/", *, now=NOW, **fields
):
    fields.setdefault("kind", EventKind.FEEDBACK_RECEIVED)
    return Notification.objects.create(
        recipient=user, message=message, url=url, created_at=now, **fields
    )


def badge(count):
    return f'{count}<span class="visually-hidden"> unread</span>'.encode()


def test_every_notification_page_sends_anonymous_people_to_sign_in(client, cast):
    notification = notify(cast.alice.user)
    for method, url in [
        ("get", reverse("notification-list")),
        ("get", reverse("notification-open", args=[notification.pk])),
        ("post", reverse("notification-read-all")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    notification.refresh_from_db()
    assert notification.read_at is None


def test_unread_ones_come_first_then_newest_first(client, cast):
    notify(cast.alice.user, "Old unread", now=NOW - datetime.timedelta(days=3))
    notify(cast.alice.user, "New read", now=NOW, read_at=NOW)
    notify(cast.alice.user, "Newer unread", now=NOW - datetime.timedelta(days=1))
    notify(
        cast.alice.user, "Old read", now=NOW - datetime.timedelta(days=5), read_at=NOW
    )
    client.force_login(cast.alice.user)
    html = client.get(reverse("notification-list")).content.decode()
    order = ["Newer unread", "Old unread", "New read", "Old read"]
    assert [html.index(message) for message in order] == sorted(
        html.index(message) for message in order
    )


def test_the_page_says_how_many_are_unread_as_the_badge_does(client, cast):
    notify(cast.alice.user, url="/a/")
    notify(cast.alice.user, url="/b/")
    notify(cast.alice.user, url="/c/", read_at=NOW)
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-list"))
    assert badge(2) in response.content
    assert b"2 unread, shown first" in response.content
    assert response.content.count(b"data-unread>") == 2


def test_opening_one_reads_the_others_that_lead_to_the_same_page(client, cast):
    reminder = notify(
        cast.alice.user, url="/requests/7/", kind=ReminderKind.REQUEST_PENDING
    )
    event = notify(
        cast.alice.user, url="/requests/7/", kind=EventKind.FEEDBACK_REQUESTED
    )
    other = notify(cast.alice.user, url="/requests/8/")
    bobs = notify(cast.bob.user, url="/requests/7/")
    client.force_login(cast.alice.user)
    client.get(reverse("notification-open", args=[reminder.pk]))
    for notification in (reminder, event, other, bobs):
        notification.refresh_from_db()
    assert reminder.read_at is not None and event.read_at is not None
    assert other.read_at is None
    assert bobs.read_at is None


def test_the_list_shows_only_my_notifications_newest_first(client, cast):
    notify(cast.alice.user, "Older news", now=NOW - datetime.timedelta(days=2))
    notify(cast.alice.user, "Newer news", now=NOW)
    notify(cast.bob.user, "Bob's news")
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-list"))
    html = response.content.decode()
    assert "Bob&#x27;s news" not in html
    assert html.index("Newer news") < html.index("Older news")


def test_unread_notifications_are_highlighted(client, cast):
    notify(cast.alice.user, "Still unread")
    read = notify(cast.alice.user, "Already read")
    read.read_at = NOW
    read.save()
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-list"))
    items = response.content.decode().split('<li class="list-group-item')[1:]
    unread = next(item for item in items if "Still unread" in item)
    already = next(item for item in items if "Already read" in item)
    assert unread.startswith(" list-group-item-primary")
    assert ">Unread</span>" in unread
    assert "list-group-item-primary" not in already
    assert "Unread</span>" not in already


def test_the_list_is_paginated(client, cast):
    for n in range(30):
        notify(cast.alice.user, f"News {n}", now=NOW + datetime.timedelta(minutes=n))
    client.force_login(cast.alice.user)
    first = client.get(reverse("notification-list"))
    assert len(first.context["page_obj"]) == 25
    assert b"News 29" in first.content
    second = client.get(reverse("notification-list"), {"page": 2})
    assert len(second.context["page_obj"]) == 5
    assert b"News 0<" in second.content


def test_times_are_shown_in_my_time_zone(client, cast):
    user = cast.alice.user
    user.time_zone = "Asia/Tokyo"
    user.save()
    notify(
        user,
        "Tokyo news",
        now=datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC),
    )
    client.force_login(user)
    response = client.get(reverse("notification-list"))
    assert b"11 Mar 2026, 08:30" in response.content


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, cast):
    notification = notify(cast.alice.user, url="/learning/")
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/learning/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_this_site_by_its_full_address_is_followed(client, cast):
    notification = notify(cast.alice.user, url="http://testserver/goals/")
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response["Location"] == "http://testserver/goals/"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example",
        "https://evil.example/learning/",
        "//evil.example/learning/",
        "javascript:alert(1)",
        "",
    ],
)
def test_a_link_elsewhere_is_not_followed(client, cast, url):
    notification = notify(cast.alice.user, url=url)
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification-list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_a_404_and_stays_unread(client, cast):
    notification = notify(cast.bob.user)
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_is_not_a_post_form(client, cast):
    notification = notify(cast.alice.user)
    client.force_login(cast.alice.user)
    response = client.post(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 405


def test_read_all_marks_only_my_notifications_read(client, cast):
    mine = [notify(cast.alice.user), notify(cast.alice.user)]
    bobs = notify(cast.bob.user)
    client.force_login(cast.alice.user)
    response = client.post(reverse("notification-read-all"), follow=True)
    assert response.redirect_chain == [(reverse("notification-list"), 302)]
    assert b"Marked 2 notifications as read." in response.content
    assert all(
        n.read_at is not None
        for n in Notification.objects.filter(pk__in=[m.pk for m in mine])
    )
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_read_all_is_post_only(client, cast):
    notification = notify(cast.alice.user)
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-read-all"))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_navigation_badge_counts_my_unread_notifications(client, cast):
    first = notify(cast.alice.user)
    notify(
        cast.alice.user,
        kind=ReminderKind.GOAL_DEADLINE,
        message="A goal is due",
        url="/goals/",
    )
    notify(cast.bob.user)
    client.force_login(cast.alice.user)
    response = client.get(reverse("notification-list"))
    assert badge(2) in response.content

    client.get(reverse("notification-open", args=[first.pk]))
    response = client.get(reverse("notification-list"))
    assert badge(1) in response.content

    client.post(reverse("notification-read-all"))
    response = client.get(reverse("notification-list"))
    assert b'<span class="visually-hidden"> unread</span>' not in response.content
    assert b"Mark all as read" not in response.content


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notification-list"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_2_or_20_notifications(client, cast):
    client.force_login(cast.alice.user)
    for _ in range(2):
        notify(cast.alice.user)
    small = count_queries(client)
    for _ in range(18):
        notify(cast.alice.user)
    large = count_queries(client)
    assert small == large
    assert large <= 5


@pytest.mark.parametrize(("unread", "oob"), [(3, True), (0, True), (2, False)])
def test_the_badge_can_ride_along_an_htmx_answer(unread, oob):
    html = render_to_string(
        "growth/notifications/_badge.html",
        {"access": Access(user_id=1, unread_notifications=unread), "oob": oob},
    ).encode()
    assert b'id="unread-badge"' in html
    assert (b'hx-swap-oob="true"' in html) == oob
    assert (badge(unread) in html) == bool(unread)
    assert (b"text-bg-danger" in html) == bool(unread)


def test_the_menu_button_shows_the_unread_count_on_a_phone(client, cast):
    client.force_login(cast.alice.user)
    notify(cast.alice.user)
    notify(cast.alice.user)
    page = client.get(reverse("my-growth")).content.decode()
    toggler = page[page.index('class="navbar-toggler"') : page.index("</button>")]
    assert "Show navigation" in toggler
    assert re.search(r'text-bg-danger ms-1 align-middle">2<', toggler)
    assert "unread notifications" in toggler
