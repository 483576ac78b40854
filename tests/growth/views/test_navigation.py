"""The navigation shows what a person is here, in a fixed number of queries."""

import pytest
from django.urls import reverse

from growth.models import EventKind, Notification

pytestmark = pytest.mark.django_db

NAV = {
    "My growth": "my-growth",
    "Team": "team-dashboard",
    "Mentoring": "mentoring",
    "Coaching": "coaching",
    "Admin": "admin:index",
}


def nav_links(client) -> set[str]:
    html = client.get(reverse("profile")).content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    return {label for label, name in NAV.items() if f'href="{reverse(name)}"' in nav}


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", {"My growth"}),
        ("mia", {"My growth", "Team", "Mentoring"}),
        ("max", {"My growth", "Mentoring"}),
        ("cora", {"My growth", "Mentoring", "Coaching"}),
        ("olivia", {"My growth"}),
        ("staff", {"My growth", "Admin"}),
    ],
)
def test_the_navigation_follows_the_roles(client, cast, person, expected):
    member = getattr(cast, person)
    client.force_login(getattr(member, "user", member))
    assert nav_links(client) == expected


def test_a_role_page_missing_from_the_navigation_is_a_404(client, cast):
    client.force_login(cast.alice.user)
    for name in ("team-dashboard", "mentoring", "coaching"):
        assert client.get(reverse(name)).status_code == 404


def test_the_navigation_costs_one_query(client, cast, django_assert_num_queries):
    client.force_login(cast.mia.user)
    # A page that reads nothing itself: the session, the user, then the
    # navigation's roles and unread count together.
    with django_assert_num_queries(3):
        response = client.get(reverse("password_change"))
    assert response.status_code == 200


def test_a_page_with_roles_of_its_own_shows_the_unread_count(client, cast):
    Notification.objects.create(
        recipient=cast.mia.user, kind=EventKind.FEEDBACK_RECEIVED, message="Hi"
    )
    client.force_login(cast.mia.user)
    # The team dashboard checks the roles first; the badge reads the same ones.
    response = client.get(reverse("team-dashboard"))
    assert b'1<span class="visually-hidden"> unread</span>' in response.content
