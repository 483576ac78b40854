"""The navigation shows what a person is here, in a fixed number of queries."""

import pytest
from django.urls import reverse

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


def test_the_navigation_costs_two_queries(client, cast, django_assert_num_queries):
    client.force_login(cast.mia.user)
    # A page that reads nothing itself: the session, the user, then the
    # navigation's roles and unread count, one query each.
    with django_assert_num_queries(4):
        response = client.get(reverse("password_change"))
    assert response.status_code == 200
