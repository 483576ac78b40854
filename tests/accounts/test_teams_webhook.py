"""A team's Teams webhook is https://. Plain http:// to this machine's
loopback is for the tests' fake Teams server only: production refuses it
beside the field, in the admin and in the model's validation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import growth.settings
from accounts.models import Team

pytestmark = pytest.mark.django_db

LOOPBACK = (
    "http://127.0.0.1:8000/webhook/Platform",
    "http://localhost/webhook",
    "http://[::1]:9/webhook",
)


@pytest.fixture
def production(settings):
    """The setting as production has it (growth/settings.py): not set at all."""
    assert not getattr(growth.settings, "TEAMS_WEBHOOK_ALLOW_LOOPBACK", False)
    del settings.TEAMS_WEBHOOK_ALLOW_LOOPBACK
    return settings


@pytest.mark.parametrize("url", LOOPBACK)
def test_production_refuses_a_loopback_webhook(cast, production, url):
    team = cast.platform
    team.teams_webhook_url = url
    with pytest.raises(ValidationError) as caught:
        team.full_clean()
    assert caught.value.message_dict["teams_webhook_url"] == [
        "Use the https:// address Teams gave you."
    ]


def test_production_still_takes_https(cast, production):
    team = cast.platform
    team.teams_webhook_url = "https://prod.example.com/workflows/1"
    team.full_clean()


def test_the_tests_may_use_their_fake_server_on_loopback(cast, settings):
    settings.TEAMS_WEBHOOK_ALLOW_LOOPBACK = True
    team = cast.platform
    for url in LOOPBACK:
        team.teams_webhook_url = url
        team.full_clean()
    team.teams_webhook_url = "http://example.com/hook"  # but never elsewhere
    with pytest.raises(ValidationError):
        team.full_clean()


def test_the_team_admin_refuses_it_beside_the_field_and_saves_nothing(
    staff_client, cast, production
):
    url = reverse("admin:accounts_team_change", args=[cast.data.pk])
    response = staff_client.post(
        url,
        {
            "name": "Data",
            "description": "",
            "teams_webhook_url": "http://127.0.0.1:8000/webhook/Data",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "teams_webhook_url": ["Use the https:// address Teams gave you."]
    }
    assert Team.objects.get(pk=cast.data.pk).teams_webhook_url == ""
