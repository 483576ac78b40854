"""A person who leaves leaves their API tokens behind: deactivated, however it
is done, their live tokens are revoked, so reopening the account does not
open the API to whoever holds an old one."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_for_secret
from growth.services.people import engineer_active_set
from tests.admin_forms import engineer_form, user_form

pytestmark = pytest.mark.django_db


def token(user, name="script"):
    return api_token_create(user=user, name=name, now=timezone.now())


def test_leaving_revokes_their_tokens_and_coming_back_does_not_restore_them(cast):
    made, secret = token(cast.alice.user)
    bobs, bobs_secret = token(cast.bob.user)
    engineer_active_set(engineer=cast.alice, active=False)
    made.refresh_from_db()
    assert made.revoked_at is not None
    engineer_active_set(engineer=cast.alice, active=True)
    assert User.objects.get(pk=cast.alice.user_id).is_active
    assert api_token_for_secret(secret) is None
    # Someone else's token is theirs still.
    assert api_token_for_secret(bobs_secret) == bobs


def test_a_token_revoked_before_keeps_when_it_was_revoked(cast):
    made, _secret = token(cast.alice.user)
    earlier = timezone.now() - datetime.timedelta(days=3)
    ApiToken.objects.filter(pk=made.pk).update(revoked_at=earlier)
    engineer_active_set(engineer=cast.alice, active=False)
    assert ApiToken.objects.get(pk=made.pk).revoked_at == earlier


@pytest.mark.parametrize("page", ["engineer", "user"])
def test_deactivating_in_the_admin_revokes_their_tokens(staff_client, cast, page):
    _made, secret = token(cast.alice.user)
    if page == "engineer":
        url = reverse("admin:growth_engineer_change", args=[cast.alice.pk])
        form = engineer_form(cast.alice, is_active=None)
    else:
        url = reverse("admin:accounts_user_change", args=[cast.alice.user_id])
        form = user_form(cast.alice.user, is_active=None)
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    User.objects.filter(pk=cast.alice.user_id).update(is_active=True)
    assert api_token_for_secret(secret) is None


def test_the_admin_does_not_say_an_inactive_persons_token_works(staff_client, cast):
    token(cast.alice.user, name="alice-laptop")
    token(cast.bob.user, name="bob-laptop")
    old, _secret = token(cast.bob.user, name="bob-old")
    ApiToken.objects.filter(pk=old.pk).update(revoked_at=timezone.now())
    # Deactivated without the service (before it revoked tokens, or a direct
    # write): her token is unrevoked, and it opens nothing.
    User.objects.filter(pk=cast.alice.user_id).update(is_active=False)
    response = staff_client.get(reverse("admin:accounts_apitoken_changelist"))
    changelist = response.context["cl"]
    states = {
        row.name: changelist.model_admin.state(row) for row in changelist.result_list
    }
    assert states == {
        "alice-laptop": "owner inactive",
        "bob-laptop": "works",
        "bob-old": "revoked",
    }
    assert "owner inactive" in response.content.decode()
