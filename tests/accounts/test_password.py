"""Changing a password, and resetting a forgotten one by email."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct-horse-battery-9"


def without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "\w+"', b"", content)


@pytest.fixture
def alice():
    user = factories.make_engineer("Alice Example", email="alice@example.com").user
    user.set_password("old-password-1")
    user.save()
    return user


def reset_link(message) -> str:
    match = re.search(r"https?://\S+/reset/\S+/", message.body)
    assert match, message.body
    assert match.group(0).startswith(settings.SITE_URL)
    return match.group(0).removeprefix(settings.SITE_URL)


def test_the_login_page_offers_a_password_reset(client):
    response = client.get(reverse("login"))
    assert b"Forgot your password?" in response.content
    assert reverse("password_reset").encode() in response.content


@pytest.mark.parametrize(
    "url",
    [
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        reverse("password_reset_complete"),
    ],
)
def test_the_reset_pages_are_public(client, url):
    response = client.get(url)
    assert response.status_code == 200


def test_a_bad_reset_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "not-a-token"]))
    assert b"This link no longer works" in response.content


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_changing_a_password_needs_a_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password_keeps_me_signed_in(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-password-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # The session hash was updated, so the next page still knows who I am.
    done = client.get(reverse("password_change_done"))
    assert done.status_code == 200
    assert b"Your password is changed" in done.content
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password("old-password-1")


def test_a_reset_for_a_known_address_sends_one_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "Alice@Example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your Cultivate password"
    assert "Hello Alice," in message.body
    reset_link(message)


def test_a_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(client, alice):
    known = client.post(
        reverse("password_reset"), {"email": "alice@example.com"}, follow=True
    )
    unknown = client.post(
        reverse("password_reset"), {"email": "nobody@example.com"}, follow=True
    )
    assert len(mail.outbox) == 1
    assert unknown.redirect_chain == known.redirect_chain
    assert b"Check your inbox" in unknown.content
    assert without_csrf_token(unknown.content) == without_csrf_token(known.content)


def test_the_reset_link_sets_a_new_password_end_to_end(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    link = reset_link(mail.outbox[0])

    # Django swaps the token for a session and redirects to the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert b"Choose a new password" in response.content
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")

    # Sign in with the new password, through the login form.
    response = client.post(
        reverse("login"), {"username": "alice@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)

    # The link works once.
    client.post(reverse("logout"))
    response = client.get(link, follow=True)
    assert b"This link no longer works" in response.content


def test_the_old_password_stops_working_after_a_reset(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    response = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = client.post(
        reverse("login"),
        {"username": "alice@example.com", "password": "old-password-1"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
