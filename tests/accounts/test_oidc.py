"""Single sign-on against a real OpenID Connect provider process.

Django's test client is Cultivate's browser; a ``requests`` session signs in
at the provider (tests/oidc_provider) and brings back its redirect. Nothing of
ours is mocked: the provider issues, signs and refuses for real.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.invitations import invitation_send
from accounts.models import User
from accounts.oidc import (
    DISCOVERY_TTL_SECONDS,
    forget_provider_metadata,
    provider_metadata,
)
from growth.models import Engineer
from growth.services.people import engineer_active_set
from tests import factories

pytest_plugins = ["tests.oidc_support"]
REPO = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """Cultivate's side of the provider's people (tests/oidc_provider/people.py)."""
    team = factories.make_team("Platform")
    alice = factories.make_engineer(
        "Alice Sso", team=team, email="alice.sso@example.com"
    )
    gone = factories.make_engineer(
        "Gone Away", team=team, email="gone.away@example.com"
    )
    engineer_active_set(engineer=gone, active=False)
    factories.make_engineer("Una Verified", team=team, email="unverified@example.com")
    factories.make_engineer(
        "Wrong Audience", team=team, email="wrong.audience@example.com"
    )
    return {"alice": alice, "gone": gone}


def start(client: Client, next_url: str = "") -> str:
    """Press "Sign in with …"; return the provider's authorize URL."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    response = client.get(reverse("oidc-start") + query)
    assert response.status_code == 302
    return response["Location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client: Client, provider, username: str, next_url: str = ""):
    """Go through the provider as ``username``; return Cultivate's answer."""
    callback = provider.sign_in(start(client, next_url), username)
    return client.get(local(callback))


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value else None


def test_it_signs_in_a_known_person_with_a_verified_email(client, sso, people):
    response = sign_in(client, sso, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("my-growth")
    assert signed_in_user_id(client) == people["alice"].user.pk
    assert client.get(reverse("my-growth")).status_code == 200


def test_it_closes_the_invitation_of_whoever_signs_in(client, sso, people):
    alice = people["alice"].user
    invitation = invitation_send(user=alice, invited_by=None)
    sign_in(client, sso, "alice")
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_it_sends_state_nonce_and_a_pkce_challenge(client, sso, people):
    params = parse_qs(urlsplit(start(client)).query)
    assert params["client_id"] == [sso.client_id]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) >= 43
    assert len(params["state"][0]) >= 32
    assert len(params["nonce"][0]) >= 32


def test_it_follows_next_after_signing_in(client, sso, people):
    response = sign_in(client, sso, "alice", next_url=reverse("goal-list"))
    assert response["Location"] == reverse("goal-list")


def test_it_refuses_an_unknown_person_with_a_clear_page(client, sso, people):
    users = User.objects.count()
    response = sign_in(client, sso, "nobody")
    assert response.status_code == 403
    assert "No account for this email here" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert User.objects.count() == users


def test_it_opens_an_account_without_a_profile_when_told_to(client, sso, settings):
    settings.OIDC_CREATE_USERS = True
    response = sign_in(client, sso, "newcomer")
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    assert user.display_name == "New Comer"
    assert not user.has_usable_password()
    assert not Engineer.objects.filter(user=user).exists()
    assert signed_in_user_id(client) == user.pk
    page = client.get(reverse("my-growth")).content.decode()
    assert "no engineer profile" in page


def test_it_refuses_a_closed_account(client, sso, people):
    response = sign_in(client, sso, "gone")
    assert response.status_code == 403
    assert "This account is closed" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_an_open_account_whose_engineer_left(client, sso, people):
    Engineer.objects.filter(pk=people["alice"].pk).update(is_active=False)
    response = sign_in(client, sso, "alice")
    assert response.status_code == 403
    assert "This account is closed" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_an_email_the_provider_has_not_verified(client, sso, people):
    response = sign_in(client, sso, "unverified")
    assert response.status_code == 403
    assert "Your email address is not verified" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_an_id_token_issued_for_another_client(client, sso, people):
    response = sign_in(client, sso, "wrongaud")
    assert response.status_code == 400
    assert "Sign-in did not complete" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_a_replayed_callback(client, sso, people):
    callback = sso.sign_in(start(client), "alice")
    assert client.get(local(callback)).status_code == 302
    client.logout()
    for browser in (client, Client()):
        response = browser.get(local(callback))
        assert response.status_code == 400
        assert signed_in_user_id(browser) is None


def test_it_refuses_a_code_already_used_even_with_a_fresh_state(client, sso, people):
    first = sso.sign_in(start(client), "alice")
    assert client.get(local(first)).status_code == 302
    other = Client()
    fresh = parse_qs(urlsplit(sso.sign_in(start(other), "alice")).query)
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    response = other.get(
        reverse("oidc-callback")
        + "?"
        + urlencode({"code": used_code, "state": fresh["state"][0]})
    )
    assert response.status_code == 400
    assert signed_in_user_id(other) is None


def test_it_refuses_a_state_it_never_issued(client, sso, people):
    callback = sso.sign_in(start(client), "alice")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = client.get(
        reverse("oidc-callback") + "?" + urlencode({"code": code, "state": "forged"})
    )
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def _tamper_state(client: Client, authorize_url: str, **changes) -> None:
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]
    session = client.session
    session["oidc_states"][state].update(changes)
    session.save()


def test_it_refuses_an_id_token_without_the_nonce_it_sent(client, sso, people):
    authorize = start(client)
    # The provider is asked without the nonce, so its ID token carries none.
    params = parse_qs(urlsplit(authorize).query)
    del params["nonce"]
    without_nonce = authorize.split("?")[0] + "?" + urlencode(params, doseq=True)
    callback = sso.sign_in(without_nonce, "alice")
    response = client.get(local(callback))
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_it_refuses_a_code_redeemed_with_the_wrong_pkce_verifier(client, sso, people):
    authorize = start(client)
    _tamper_state(client, authorize, code_verifier="x" * 64)
    response = client.get(local(sso.sign_in(authorize, "alice")))
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_it_keeps_refused_sign_ons_out_of_the_password_lockout(client, sso, people):
    for _ in range(6):
        assert sign_in(Client(), sso, "nobody").status_code == 403
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, sso, "alice").status_code == 302


def test_it_offers_the_provider_on_the_sign_in_page(client, sso):
    page = client.get(reverse("login") + "?next=/goals/").content.decode()
    assert "Sign in with Test Provider" in page
    assert f'href="{reverse("oidc-start")}?next=/goals/"' in page
    assert 'name="password"' in page


def test_it_offers_no_single_sign_on_when_it_is_not_set_up(client):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert client.get(reverse("oidc-start")).status_code == 404
    assert client.get(reverse("oidc-callback")).status_code == 404


# --- the admin's sign-in ----------------------------------------------------------


def test_it_offers_the_provider_on_the_admin_sign_in_page(client, sso):
    wanted = reverse("admin:growth_engineer_changelist")
    page = client.get(reverse("admin:login") + f"?next={wanted}").content.decode()
    assert "Sign in with Test Provider" in page
    assert f'href="{reverse("oidc-start")}?next={wanted}"' in page
    assert 'name="password"' in page


def test_it_offers_no_provider_on_the_admin_page_when_it_is_not_set_up(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page


def test_it_brings_staff_who_sign_in_with_the_provider_back_to_the_admin(
    client, sso, people
):
    User.objects.filter(pk=people["alice"].user.pk).update(is_staff=True)
    page = client.get(reverse("admin:login")).content.decode()
    start_url = re.search(r'href="([^"]*oidc/start/[^"]*)"', page)[1]
    callback = sso.sign_in(
        start(client, parse_qs(urlsplit(start_url).query)["next"][0]), "alice"
    )
    response = client.get(local(callback))
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


# --- when the provider is down ------------------------------------------------


@pytest.fixture
def provider_down(settings, oidc_provider):
    forget_provider_metadata()
    # A loopback port nothing listens on.
    oidc_provider.configure(settings)
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    yield
    forget_provider_metadata()


def test_it_still_shows_the_sign_in_page_when_the_provider_is_down(
    client, provider_down
):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in with Test Provider" in response.content.decode()


def test_it_still_signs_in_with_a_password_when_the_provider_is_down(
    client, provider_down, people
):
    response = client.post(
        reverse("login"), {"username": "alice.sso@example.com", "password": "pw"}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == people["alice"].user.pk


def test_it_says_the_provider_is_not_answering(client, provider_down):
    response = client.get(reverse("oidc-start"))
    assert response.status_code == 503
    assert "Test Provider is not answering" in response.content.decode()


def test_it_keeps_what_discovery_found_for_an_hour(sso):
    first = provider_metadata(now=1000.0)
    assert provider_metadata(now=1000.0 + DISCOVERY_TTL_SECONDS - 1) is first
    again = provider_metadata(now=1000.0 + DISCOVERY_TTL_SECONDS + 1)
    assert again is not first
    assert again == first


# --- password sign-in switched off --------------------------------------------


@pytest.fixture
def sso_only(settings, sso):
    settings.PASSWORD_LOGIN = False
    return sso


def test_it_hides_the_password_form_when_password_sign_in_is_off(client, sso_only):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Test Provider" in page
    assert 'name="password"' not in page
    assert "Forgot your password?" not in page


def test_it_offers_only_the_provider_at_the_admin_when_passwords_are_off(
    client, sso_only, people
):
    page = client.get(reverse("admin:login")).content.decode()
    assert "Sign in with Test Provider" in page
    assert 'name="password"' not in page
    # Someone signed in who may not use the admin is told why it asks again.
    sign_in(client, sso_only, "alice")
    page = client.get(reverse("admin:login")).content.decode()
    assert "alice.sso@example.com" in page and "may not use the admin" in page
    # A superuser's way in, as on the site's own page.
    page = client.get(reverse("admin:login") + "?password=1").content.decode()
    assert 'name="password"' in page


def test_it_shows_the_password_form_to_whoever_asks_for_it(client, sso_only):
    page = client.get(reverse("login") + "?password=1").content.decode()
    assert 'name="password"' in page


def test_it_lets_a_superuser_sign_in_with_a_password(client, sso_only):
    admin = factories.make_user("Sam Staff", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("login") + "?password=1",
        {"username": admin.email, "password": "pw"},
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == admin.pk


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_it_refuses_everyone_else_s_password(client, sso_only, people, url_name):
    staff = factories.make_user("Stan Staff", is_staff=True)
    for email in ("alice.sso@example.com", staff.email):
        response = client.post(
            reverse(url_name) + "?password=1", {"username": email, "password": "pw"}
        )
        assert response.status_code == 200
        assert signed_in_user_id(client) is None


def test_it_still_signs_people_in_through_the_provider(client, sso_only, people):
    assert sign_in(client, sso_only, "alice").status_code == 302
    assert signed_in_user_id(client) == people["alice"].user.pk


# --- the settings ----------------------------------------------------------------

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.OIDC_ENABLED, settings.OIDC_PROVIDER_NAME, "
    "settings.OIDC_CREATE_USERS, settings.PASSWORD_LOGIN]))"
)


def _settings(tmp_path, **env):
    """Import growth.settings in a fresh process with exactly this environment."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("OIDC_", "PASSWORD_LOGIN", "DJANGO_", "DATABASE_URL", "CULTIVATE_")
        )
    }
    clean.update(
        CULTIVATE_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="growth.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_it_is_off_with_password_sign_in_by_default(tmp_path):
    result = _settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, "single sign-on", False, True]


def test_it_turns_on_with_an_issuer(tmp_path):
    result = _settings(
        tmp_path,
        OIDC_ISSUER="https://login.example.com/",
        OIDC_CLIENT_ID="cultivate",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_PROVIDER_NAME="Okta",
        PASSWORD_LOGIN="0",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, "Okta", False, False]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PASSWORD_LOGIN": "0"}, "PASSWORD_LOGIN=0 needs single sign-on"),
        ({"OIDC_ISSUER": "https://login.example.com"}, "OIDC_CLIENT_ID"),
        ({"OIDC_ISSUER": "login.example.com"}, "OIDC_ISSUER must be a URL"),
        ({"OIDC_CREATE_USERS": "maybe"}, "OIDC_CREATE_USERS must be a boolean"),
    ],
)
def test_it_refuses_a_bad_configuration(tmp_path, env, message):
    result = _settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


# --- cost -------------------------------------------------------------------------


def _queries_to_refuse(sso) -> int:
    client = Client()
    callback = sso.sign_in(start(client), "nobody")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(local(callback)).status_code == 403
    return len(queries)


def test_it_refuses_in_as_many_queries_however_many_people_there_are(sso, people):
    few = _queries_to_refuse(sso)
    for _ in range(20):
        factories.make_engineer()
    assert _queries_to_refuse(sso) == few


def test_it_builds_the_sign_in_page_without_the_database(
    client, sso, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert client.get(reverse("login")).status_code == 200
