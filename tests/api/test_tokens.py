"""Personal API tokens: made on the profile page, seen once, stored hashed,
revoked by their owner or by staff; a token that does not work is a 401."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke, api_token_used
from growth.models.submissions import new_key
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

NOTES = reverse("api:note-list")
SECRET = re.compile(r'id="new-token-secret"[^>]*value="(cvt_[A-Za-z0-9_-]+)"', re.S)


def _make(client, name="CI bot", key=None):
    return client.post(
        reverse("api-token-create"),
        {"name": name, "submission_key": key or new_key()},
    )


def test_it_shows_the_secret_once_and_keeps_only_its_hash(client, cast):
    client.force_login(cast.alice.user)
    response = _make(client)
    assert response.status_code == 200
    (secret,) = SECRET.findall(response.content.decode())
    token = ApiToken.objects.get(user=cast.alice.user)
    assert token.name == "CI bot"
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert secret not in str(list(ApiToken.objects.values()))
    # The profile page afterwards lists it by name and start, never whole.
    page = client.get(reverse("profile")).content.decode()
    assert "CI bot" in page and token.prefix in page
    assert secret not in page


def test_a_double_submit_makes_one_token_and_shows_no_second_secret(client, cast):
    client.force_login(cast.alice.user)
    key = new_key()
    first = _make(client, key=key)
    second = _make(client, key=key)
    assert ApiToken.objects.filter(user=cast.alice.user).count() == 1
    assert SECRET.findall(first.content.decode())
    assert not SECRET.findall(second.content.decode())
    assert "already made by this form" in second.content.decode()


def test_a_second_token_made_from_the_page_of_the_first_is_made(client, cast):
    client.force_login(cast.alice.user)
    key = new_key()
    first = _make(client, "laptop", key=key).content.decode()
    fresh = re.search(r'name="submission_key" value="([^"]+)"', first)[1]
    assert fresh != key  # the page's form is a new one
    second = _make(client, "CI", key=fresh)
    assert SECRET.findall(second.content.decode())
    names = ApiToken.objects.filter(user=cast.alice.user).values_list("name", flat=True)
    assert sorted(names) == ["CI", "laptop"]


def test_a_token_needs_a_name(client, cast):
    client.force_login(cast.alice.user)
    response = _make(client, name="   ")
    assert response.status_code == 200
    assert "Name the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_profile_form_on_the_token_page_still_saves_the_profile(client, cast):
    """Making a token renders the profile at /profile/tokens/: its own form
    still posts to the profile."""
    client.force_login(cast.alice.user)
    page = _make(client, name="   ").content.decode()
    actions = re.findall(r'<form method="post" action="([^"]+)"', page)
    assert reverse("profile") in actions


def test_bearer_and_token_keywords_both_work(api, cast):
    secret = token_for(cast.alice.user)
    client = api(None)
    for keyword in ("Bearer", "Token", "bearer"):
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
        assert client.get(NOTES).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer cvt_nope", "Bearer", "Bearer a b", "Bearer nope", "Basic abc"],
)
def test_a_token_that_does_not_work_is_a_401(api, cast, header):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(NOTES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_gets_401(client, api, cast):
    token, secret = api_token_create(
        user=cast.alice.user, name="old", now=timezone.now()
    )
    caller = api(None)
    caller.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert caller.get(NOTES).status_code == 200
    client.force_login(cast.alice.user)
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert caller.get(NOTES).status_code == 401


def test_only_the_owner_revokes_on_the_profile_page(client, cast):
    token, _ = api_token_create(user=cast.alice.user, name="x", now=timezone.now())
    client.force_login(cast.bob.user)
    url = reverse("api-token-revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_asks_first_and_a_second_click_says_it_is_done(client, cast):
    token, _ = api_token_create(user=cast.alice.user, name="laptop", now=timezone.now())
    client.force_login(cast.alice.user)
    url = reverse("api-token-revoke", args=[token.pk])
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{url}"' in profile  # a link to the question, not a button
    question = client.get(url)
    assert question.status_code == 200
    assert "Revoke the token “laptop”?" in question.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking revokes nothing
    done = client.post(url, follow=True)
    assert done.redirect_chain == [(reverse("profile") + "#api-tokens", 302)]
    assert "The token “laptop” is revoked" in done.content.decode()
    token.refresh_from_db()
    revoked_at = token.revoked_at
    assert revoked_at is not None
    again = client.post(url, follow=True)
    assert "The token “laptop” was already revoked." in again.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_the_address_a_new_token_was_shown_at_leads_back_to_the_tokens(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("api-token-create"))
    assert response["Location"] == reverse("profile") + "#api-tokens"


def test_a_person_who_left_gets_401(api, cast):
    client = api(cast.alice.user)
    assert client.get(NOTES).status_code == 200
    cast.alice.user.is_active = False
    cast.alice.user.save(update_fields=["is_active"])
    assert client.get(NOTES).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(cast):
    token, _ = api_token_create(user=cast.alice.user, name="x", now=timezone.now())
    first = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    api_token_used(token=token, now=first)
    api_token_used(token=token, now=first + datetime.timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + datetime.timedelta(minutes=2)
    api_token_used(token=token, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_request_notes_when_the_token_was_used(api, cast):
    client = api(cast.alice.user)
    client.get(NOTES)
    assert ApiToken.objects.get(user=cast.alice.user).last_used_at is not None


def test_staff_see_tokens_without_secrets_and_revoke_them(staff_client, cast):
    token, secret = api_token_create(
        user=cast.alice.user, name="laptop", now=timezone.now()
    )
    changelist = reverse("admin:accounts_apitoken_changelist")
    page = staff_client.get(changelist).content.decode()
    assert "laptop" in page
    assert secret not in page and token.secret_hash not in page
    detail = staff_client.get(
        reverse("admin:accounts_apitoken_change", args=[token.pk])
    ).content.decode()
    assert token.secret_hash not in detail and secret not in detail
    staff_client.post(
        changelist,
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not api_token_revoke(token=token, now=timezone.now())


@override_settings(API_THROTTLE_RATE="3/minute")
def test_too_many_requests_get_429(api, cast):
    client = api(cast.alice.user)
    answers = [client.get(NOTES).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get(NOTES)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Counted per person: someone else still gets in.
    assert api(cast.bob.user).get(NOTES).status_code == 200


@override_settings(API_THROTTLE_RATE="1/minute")
def test_the_signed_in_docs_session_is_not_throttled(client, cast):
    client.force_login(cast.alice.user)
    assert [client.get(NOTES).status_code for _ in range(3)] == [200, 200, 200]


def test_erasing_a_person_takes_their_tokens(cast):
    from growth import privacy

    api_token_create(user=cast.bob.user, name="Bob's laptop", now=timezone.now())
    cast.bob.is_active = False
    cast.bob.save(update_fields=["is_active"])
    privacy.erase_person(user=cast.bob.user, by=cast.staff)
    assert not ApiToken.objects.exists()
