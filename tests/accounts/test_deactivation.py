"""Deactivating a person signs them out everywhere at once.

alice signs in with her password in her own browser; staff deactivate her
from another. Her session row is gone at once, and making her active again
does not sign her old cookie back in: she signs in afresh.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Session, User
from accounts.sessions import user_sessions_end
from growth.models import Engineer
from tests.admin_forms import engineer_form, user_form

pytestmark = pytest.mark.django_db

PASSWORD = "pw"  # tests.factories.make_user's


def signed_in(user) -> Client:
    """A browser where ``user`` signed in with their password, and used it."""
    browser = Client()
    assert browser.login(username=user.email, password=PASSWORD)
    assert browser.get(reverse("my-growth")).status_code == 200
    return browser


def session_exists(browser: Client) -> bool:
    # Whatever the engine, as the middleware would look it up.
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def is_signed_out(browser: Client) -> bool:
    response = browser.get(reverse("my-growth"))
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )


def admin_browser(cast) -> Client:
    browser = Client()
    browser.force_login(cast.staff)
    return browser


def set_user_active(admin: Client, user, active: bool) -> None:
    response = admin.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        user_form(user, is_active="on" if active else None),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=user.pk).is_active is active


def set_engineer_active(admin: Client, engineer, active: bool) -> None:
    response = admin.post(
        reverse("admin:growth_engineer_change", args=[engineer.pk]),
        engineer_form(engineer, is_active="on" if active else None),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Engineer.objects.get(pk=engineer.pk).is_active is active


def test_a_session_knows_whose_it_is(cast):
    browser = signed_in(cast.alice.user)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).user == cast.alice.user


def test_deactivating_the_user_ends_their_sessions(cast):
    alice = cast.alice.user
    browser, elsewhere = signed_in(alice), signed_in(alice)
    admin = admin_browser(cast)
    set_user_active(admin, alice, False)
    assert not session_exists(browser)
    assert not session_exists(elsewhere)
    set_user_active(admin, alice, True)
    assert is_signed_out(browser)
    assert is_signed_out(elsewhere)


def test_deactivating_the_engineer_ends_their_sessions(cast):
    browser = signed_in(cast.alice.user)
    admin = admin_browser(cast)
    set_engineer_active(admin, cast.alice, False)
    assert not session_exists(browser)
    set_engineer_active(admin, cast.alice, True)
    assert is_signed_out(browser)


def test_the_account_follows_the_engineer_profile(cast):
    # Marked as gone on the engineer page, she can no longer sign in at all.
    admin = admin_browser(cast)
    set_engineer_active(admin, cast.alice, False)
    assert User.objects.get(pk=cast.alice.user_id).is_active is False
    assert not Client().login(username=cast.alice.user.email, password=PASSWORD)

    set_engineer_active(admin, cast.alice, True)
    assert User.objects.get(pk=cast.alice.user_id).is_active is True
    assert signed_in(cast.alice.user).get(reverse("my-growth")).status_code == 200


def test_erasure_ends_their_sessions(cast):
    alice = cast.alice.user
    browser = signed_in(alice)
    # She left: her profile says so, and her account is still open.
    Engineer.objects.filter(pk=cast.alice.pk).update(is_active=False)
    admin = admin_browser(cast)
    response = admin.post(
        reverse("admin:growth_engineer_erase", args=[cast.alice.pk]),
        {"confirm": alice.email},
    )
    assert response.status_code == 302
    assert not session_exists(browser)
    User.objects.filter(pk=alice.pk).update(is_active=True)
    assert is_signed_out(browser)


def test_a_session_on_a_new_key_ends_too(cast):
    """Changing a password moves the session to a new key; it is still hers."""
    alice = cast.alice.user
    browser = signed_in(alice)
    new = "a long and unguessable passphrase"
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert browser.get(reverse("my-growth")).status_code == 200
    set_user_active(admin_browser(cast), alice, False)
    assert not session_exists(browser)


def test_a_session_saved_without_its_user_is_refused_after_reactivation(cast):
    """One saved without its user's id (signing in at that very instant, or
    from an engine that keeps no column) is flushed at its next request."""
    alice = cast.alice.user
    browser = signed_in(alice)
    Session.objects.filter(user=alice).update(user=None)
    user_sessions_end(user=alice)
    assert session_exists(browser)  # its row escaped...
    assert is_signed_out(browser)  # ...but it signs nobody in
    assert not session_exists(browser)


def test_re_activated_she_signs_in_afresh(cast):
    alice = cast.alice.user
    admin = admin_browser(cast)
    set_user_active(admin, alice, False)
    set_user_active(admin, alice, True)
    browser = signed_in(alice)
    assert browser.get(reverse("my-growth")).status_code == 200


def test_deactivating_someone_else_leaves_her_signed_in(cast):
    browser = signed_in(cast.alice.user)
    set_user_active(admin_browser(cast), cast.bob.user, False)
    assert session_exists(browser)
    assert browser.get(reverse("my-growth")).status_code == 200


def test_saving_her_unchanged_leaves_her_signed_in(cast):
    alice = cast.alice.user
    browser = signed_in(alice)
    set_user_active(admin_browser(cast), alice, True)
    set_engineer_active(admin_browser(cast), cast.alice, True)
    assert browser.get(reverse("my-growth")).status_code == 200
