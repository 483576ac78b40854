"""The profile page: name, time zone and which reminders come by email."""

import datetime

import pytest
from django.urls import reverse

from growth.models import (
    EventKind,
    ReminderKind,
    ReminderPreference,
)
from growth.models.reminders import EMAIL_KIND_CHOICES
from growth.services.preferences import (
    profile_update,
    reminder_email_kinds,
    reminder_preferences_set,
)
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
# The kinds with an email switch (in-app-only ones have none).
ALL_KINDS = [kind for kind, _label in EMAIL_KIND_CHOICES]


def post_data(**overrides):
    data = {
        "display_name": "Alice Renamed",
        "time_zone": "Europe/Paris",
        "enabled_kinds": ALL_KINDS,
    }
    data.update(overrides)
    return data


def rows(user):
    return dict(
        ReminderPreference.objects.filter(user=user).values_list(
            "kind", "email_enabled"
        )
    )


def test_the_profile_page_needs_a_sign_in(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_my_settings_with_every_email_on_by_default(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Alice Engineer"' in html
    assert '<option value="UTC" selected>' in html
    assert html.count('name="enabled_kinds"') == len(ALL_KINDS)
    assert html.count("checked") == len(ALL_KINDS)
    assert "Email me about feedback due" in html
    assert "Email me about feedback received" in html
    assert reverse("password_change") in html


def test_a_kind_switched_off_shows_unticked(client, cast):
    ReminderPreference.objects.create(
        user=cast.alice.user, kind=ReminderKind.FEEDBACK_DUE, email_enabled=False
    )
    client.force_login(cast.alice.user)
    response = client.get(reverse("profile"))
    form = response.context["form"]
    assert ReminderKind.FEEDBACK_DUE not in form.initial["enabled_kinds"]
    assert response.content.decode().count("checked") == len(ALL_KINDS) - 1


def test_saving_stores_name_time_zone_and_preferences(client, cast):
    user = cast.alice.user
    client.force_login(user)
    kept_on = [k for k in ALL_KINDS if k != ReminderKind.WEEKLY_DIGEST]
    response = client.post(reverse("profile"), post_data(enabled_kinds=kept_on))
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    user.refresh_from_db()
    assert user.display_name == "Alice Renamed"
    assert user.time_zone == "Europe/Paris"
    # Only the changed choice is written; the others stay at the default.
    assert rows(user) == {ReminderKind.WEEKLY_DIGEST: False}


def test_switching_a_kind_back_on_updates_its_row(client, cast):
    user = cast.alice.user
    ReminderPreference.objects.create(
        user=user, kind=EventKind.FEEDBACK_REQUESTED, email_enabled=False
    )
    client.force_login(user)
    client.post(reverse("profile"), post_data())
    assert rows(user) == {EventKind.FEEDBACK_REQUESTED: True}


def test_unticking_everything_switches_every_email_off(client, cast):
    user = cast.alice.user
    client.force_login(user)
    data = post_data()
    del data["enabled_kinds"]
    client.post(reverse("profile"), data)
    assert rows(user) == dict.fromkeys(ALL_KINDS, False)


def test_an_invalid_time_zone_is_a_field_error_and_nothing_is_saved(client, cast):
    user = cast.alice.user
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        post_data(time_zone="Mars/Olympus_Mons", enabled_kinds=[]),
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert b"Mars/Olympus_Mons is not one of the available choices" in response.content
    # What was typed stays in the form; the navigation still shows the saved name.
    assert b'value="Alice Renamed"' in response.content
    assert b'class="nav-link" href="/profile/">Alice</a>' in response.content
    user.refresh_from_db()
    assert user.display_name == "Alice Engineer"
    assert user.time_zone == "UTC"
    assert not ReminderPreference.objects.exists()


def test_an_empty_name_is_a_field_error(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("profile"), post_data(display_name=""))
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.time_zone == "UTC"


def test_an_unknown_reminder_kind_is_a_field_error(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(reverse("profile"), post_data(enabled_kinds=["spam"]))
    assert response.status_code == 200
    assert "enabled_kinds" in response.context["form"].errors
    assert not ReminderPreference.objects.exists()


def test_the_page_runs_the_same_queries_with_or_without_preferences(client, cast):
    user = cast.alice.user
    client.force_login(user)

    def count():
        return fresh_queries(client, reverse("profile"))

    without = count()
    reminder_preferences_set(user=user, enabled_kinds=[], now=NOW)
    assert count() == without
    # The session, the user, their preferences, the Access and the API tokens.
    assert without <= 5


def test_the_page_runs_the_same_queries_however_many_tokens(client, cast):
    from accounts.tokens import api_token_create

    user = cast.alice.user
    client.force_login(user)
    api_token_create(user=user, name="first", now=NOW)
    one = fresh_queries(client, reverse("profile"))
    for n in range(5):
        api_token_create(user=user, name=f"script {n}", now=NOW)
    assert fresh_queries(client, reverse("profile")) == one


# --- the services ------------------------------------------------------------------


def test_no_row_means_every_email_is_on(cast):
    assert reminder_email_kinds(user=cast.alice.user) == set(ALL_KINDS)


def test_reminder_preferences_set_writes_only_what_changed(cast):
    user = cast.alice.user
    changed = reminder_preferences_set(
        user=user,
        enabled_kinds=[k for k in ALL_KINDS if k != ReminderKind.GOAL_DEADLINE],
        now=NOW,
    )
    assert changed == [ReminderKind.GOAL_DEADLINE]
    row = ReminderPreference.objects.get()
    assert (row.kind, row.email_enabled, row.updated_at) == (
        ReminderKind.GOAL_DEADLINE,
        False,
        NOW,
    )
    assert reminder_email_kinds(user=user) == set(ALL_KINDS) - {
        ReminderKind.GOAL_DEADLINE
    }


def test_reminder_preferences_set_with_nothing_changed_writes_nothing(cast):
    assert (
        reminder_preferences_set(user=cast.alice.user, enabled_kinds=ALL_KINDS, now=NOW)
        == []
    )
    assert not ReminderPreference.objects.exists()


def test_reminder_preferences_set_leaves_other_people_alone(cast):
    reminder_preferences_set(user=cast.bob.user, enabled_kinds=[], now=NOW)
    reminder_preferences_set(user=cast.alice.user, enabled_kinds=ALL_KINDS, now=NOW)
    assert rows(cast.alice.user) == {}
    assert rows(cast.bob.user) == dict.fromkeys(ALL_KINDS, False)


def test_reminder_preferences_set_refuses_unknown_kinds(cast):
    with pytest.raises(ValueError, match="spam"):
        reminder_preferences_set(user=cast.alice.user, enabled_kinds=["spam"], now=NOW)


def test_profile_update_saves_nothing_when_the_preferences_fail(cast):
    user = cast.alice.user
    with pytest.raises(ValueError):
        profile_update(
            user=user,
            display_name="Half saved",
            time_zone="Europe/Paris",
            enabled_kinds=["spam"],
            now=NOW,
        )
    user.refresh_from_db()
    assert user.display_name == "Alice Engineer"
    assert user.time_zone == "UTC"
