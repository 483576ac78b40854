import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_every_page_needs_a_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_the_login_page_is_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Email address" in response.content


def test_it_signs_in_with_email_whatever_its_case(client):
    engineer = factories.make_engineer("Alice Example", email="alice@example.com")
    response = client.post(
        reverse("login"), {"username": "  Alice@Example.COM ", "password": "pw"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(engineer.user.pk)


def test_a_wrong_password_says_so_without_revealing_the_account(client):
    factories.make_engineer("Alice Example", email="alice@example.com")
    wrong = client.post(
        reverse("login"), {"username": "alice@example.com", "password": "x"}
    )
    unknown = client.post(
        reverse("login"), {"username": "nobody@example.com", "password": "x"}
    )
    message = b"That email and password do not match an active account."
    assert message in wrong.content
    assert message in unknown.content
    assert "_auth_user_id" not in client.session


def test_home_is_my_growth(client, cast):
    client.force_login(cast.alice.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("my-growth")


def test_signing_out_is_a_post(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
