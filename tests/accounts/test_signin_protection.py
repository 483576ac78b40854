"""Sign-in protection: lockout, sessions, password rules and CSRF."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.security import client_ip
from tests import factories

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts; try again in 15 minutes."
LIMIT = 5


@pytest.fixture
def alice():
    return factories.make_engineer("Alice Example", email="alice@example.com").user


def sign_in(client, email, password="wrong", **extra):
    return client.post(
        reverse("login"), {"username": email, "password": password}, **extra
    )


def fail(client, email, times=LIMIT, **extra):
    return [sign_in(client, email, **extra) for _ in range(times)]


def main_of(response) -> str:
    """The page's own content, without the per-request CSRF token."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_four_failures_still_show_the_form(client, alice):
    responses = fail(client, "alice@example.com", times=LIMIT - 1)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert sign_in(client, "alice@example.com", "pw").status_code == 302


def test_signing_in_clears_the_failures(alice):
    fail(Client(), "alice@example.com", times=LIMIT - 1)
    assert sign_in(Client(), "alice@example.com", "pw").status_code == 302
    responses = fail(Client(), "alice@example.com", times=LIMIT - 1)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)


def test_the_fifth_failure_locks_out_even_the_right_password(client, alice):
    responses = fail(client, "alice@example.com")
    assert responses[-1].status_code == 429
    response = sign_in(client, "alice@example.com", "pw")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_the_same_for_unknown_and_known_emails(client, alice):
    known = fail(client, "alice@example.com")[-1]
    unknown = fail(client, "nobody@example.com")[-1]
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert main_of(known) == main_of(unknown)


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(client, alice):
    fail(client, "alice@example.com", times=LIMIT - 1)
    assert sign_in(client, " ALICE@example.com").status_code == 429


def test_the_lockout_is_for_the_email_from_that_address_only(client, alice):
    factories.make_engineer("Bob", email="bob@example.com")
    fail(client, "alice@example.com")
    assert sign_in(Client(), "bob@example.com", "pw").status_code == 302
    other_address = sign_in(
        Client(), "alice@example.com", "pw", REMOTE_ADDR="203.0.113.9"
    )
    assert other_address.status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, alice):
    fail(client, "alice@example.com", times=LIMIT - 1)
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert sign_in(client, "alice@example.com", **forged).status_code == 429
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert sign_in(client, "alice@example.com", "pw", **forged).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, alice):
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as t:
        fail(client, "alice@example.com")
        t.shift(datetime.timedelta(minutes=14))
        assert sign_in(client, "alice@example.com", "pw").status_code == 429
        t.shift(datetime.timedelta(minutes=16))
        assert sign_in(client, "alice@example.com", "pw").status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client, alice):
    fail(client, "alice@example.com")
    response = client.post(
        reverse("admin:login"), {"username": "alice@example.com", "password": "pw"}
    )
    assert response.status_code == 429


def test_the_address_is_remote_addr_without_trusted_proxies(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"


def test_behind_one_proxy_the_address_is_the_one_it_appended(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert client_ip(forged) == "203.0.113.7"
    bypassed = rf.get("/", REMOTE_ADDR="10.0.0.1")
    assert client_ip(bypassed) == "10.0.0.1"


def test_authenticating_without_a_request_still_checks_the_password(alice):
    # A shell or a script has no address to lock out; the password still counts.
    assert authenticate(username="alice@example.com", password="pw") == alice
    assert authenticate(username="alice@example.com", password="x") is None


def test_client_login_works_beside_the_lockout(client, alice):
    assert client.login(username="alice@example.com", password="pw")
    assert client.get(reverse("my-growth")).status_code == 200


def test_signing_in_starts_a_new_session(client, alice):
    session = client.session
    session["probe"] = "before"
    session.save()
    before = session.session_key
    assert sign_in(client, "alice@example.com", "pw").status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_changing_the_password_ends_the_other_sessions(alice):
    here, elsewhere = Client(), Client()
    here.force_login(alice)
    elsewhere.force_login(alice)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "a long and uncommon passphrase",
            "new_password2": "a long and uncommon passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("my-growth")).status_code == 200
    assert elsewhere.get(reverse("my-growth")).status_code == 302


def test_deactivating_someone_ends_their_sessions(client, alice):
    client.force_login(alice)
    assert client.get(reverse("my-growth")).status_code == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = client.get(reverse("my-growth"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_long_passwords_are_allowed(alice):
    password_validation.validate_password("correct horse battery " * 20, alice)


@pytest.mark.parametrize("password", ["password123", "12345678901", "short"])
def test_common_numeric_and_short_passwords_are_refused(alice, password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, alice)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("login", []),
        ("logout", []),
        ("password_change", []),
        ("feedback-create", []),
        ("feedback-acknowledge", ["note"]),
    ],
)
def test_every_state_change_needs_the_csrf_token(cast, name, args):
    note = factories.make_note(cast.mia.user, cast.alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice.user)
    url = reverse(name, args=[note.pk for _ in args])
    assert client.post(url, {"username": "x", "password": "y"}).status_code == 403
    note.refresh_from_db()
    assert note.acknowledged_at is None


def test_signing_out_and_acknowledging_refuse_get(client, cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    client.force_login(cast.alice.user)
    assert client.get(reverse("logout")).status_code == 405
    ack = client.get(reverse("feedback-acknowledge", args=[note.pk]))
    assert ack.status_code == 405
    note.refresh_from_db()
    assert note.acknowledged_at is None
    assert "_auth_user_id" in client.session
