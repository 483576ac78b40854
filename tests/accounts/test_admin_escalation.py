"""Only superusers grant power in the admin.

lee is staff who may view and change users, and nothing else. Each test
posts what a browser could, fields the page shows read-only included, and
finds the power unchanged while the rest of the form was saved.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import User
from tests import factories
from tests.admin_forms import user_form

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long and unguessable passphrase"


def permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def make_staff(name: str, *perms: str) -> User:
    user = factories.make_user(name, is_staff=True)
    user.user_permissions.set([permission(label) for label in perms])
    return user


@pytest.fixture
def lee(cast):
    """Staff who may view and change users: no more."""
    return make_staff("Lee Limited", "accounts.view_user", "accounts.change_user")


@pytest.fixture
def pat(cast):
    """Staff with more power than lee: may export everything about a person."""
    return make_staff("Pat Powerful", "growth.export_personal_data")


@pytest.fixture
def exporters(cast):
    group = Group.objects.create(name="Exporters")
    group.permissions.add(permission("growth.export_personal_data"))
    return group


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def powers(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
    )


def post_as(client, actor, user, **fields):
    client.force_login(actor)
    # The time zone changes too, to show the rest of the form was saved.
    response = client.post(
        change_url(user), user_form(user, time_zone="Asia/Tokyo", **fields)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=user.pk).time_zone == "Asia/Tokyo"
    return response


ESCALATIONS = {
    "superuser": {"is_superuser": "on"},
    "staff": {"is_staff": "on"},
    "a permission": {"user_permissions": ["PERMISSION"]},
    "a group": {"groups": ["GROUP"]},
}


def escalation(name, exporters) -> dict:
    fields = dict(ESCALATIONS[name])
    if "user_permissions" in fields:
        fields["user_permissions"] = [permission("growth.export_personal_data").pk]
    if "groups" in fields:
        fields["groups"] = [exporters.pk]
    return fields


@pytest.mark.parametrize("name", [name for name in ESCALATIONS if name != "staff"])
def test_it_keeps_staff_from_raising_themselves(client, lee, exporters, name):
    before = powers(lee)
    post_as(client, lee, lee, **{"is_staff": "on", **escalation(name, exporters)})
    assert powers(lee) == before


@pytest.mark.parametrize("name", ESCALATIONS)
def test_it_keeps_staff_from_raising_others(client, cast, lee, exporters, name):
    alice = cast.alice.user
    before = powers(alice)
    post_as(client, lee, alice, **escalation(name, exporters))
    assert powers(alice) == before


def test_it_keeps_staff_from_dropping_their_own_staff_flag(client, lee):
    post_as(client, lee, lee)  # is_staff not posted: an unticked box
    assert User.objects.get(pk=lee.pk).is_staff


def test_it_shows_staff_the_power_fields_read_only(client, cast, lee):
    client.force_login(lee)
    response = client.get(change_url(cast.alice.user))
    form = response.context["adminform"].form
    assert set(form.fields).isdisjoint(
        {"is_staff", "is_superuser", "groups", "user_permissions"}
    )
    readonly = set(response.context["adminform"].readonly_fields)
    assert {"is_staff", "is_superuser", "groups", "user_permissions"} <= readonly
    assert b"Superuser status" in response.content  # shown, not editable


def test_it_keeps_staff_from_setting_a_superuser_s_password(client, cast, lee):
    client.force_login(lee)
    assert client.get(password_url(cast.staff)).status_code == 403
    response = client.post(
        password_url(cast.staff),
        {"usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 403
    assert not User.objects.get(pk=cast.staff.pk).check_password(PASSPHRASE)


def test_it_keeps_staff_from_setting_a_more_powerful_staff_password(client, lee, pat):
    client.force_login(lee)
    response = client.post(
        password_url(pat),
        {"usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 403
    assert not User.objects.get(pk=pat.pk).check_password(PASSPHRASE)


def test_it_keeps_staff_from_changing_a_superuser_s_email(client, cast, lee):
    client.force_login(lee)
    # Their email would take the password reset, and the account with it.
    response = client.post(
        change_url(cast.staff), user_form(cast.staff, email="lee.owns@example.com")
    )
    assert response.status_code == 403
    assert User.objects.get(pk=cast.staff.pk).email != "lee.owns@example.com"
    # Still there to read.
    assert client.get(change_url(cast.staff)).status_code == 200


def test_it_keeps_staff_from_deleting_a_superuser(client, cast, lee):
    lee.user_permissions.add(permission("accounts.delete_user"))
    client.force_login(lee)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [cast.staff.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=cast.staff.pk).exists()


def test_staff_still_set_an_ordinary_person_s_password(client, cast, lee):
    client.force_login(lee)
    response = client.post(
        password_url(cast.alice.user),
        {"usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.alice.user.pk).check_password(PASSPHRASE)


def test_it_keeps_staff_from_adding_a_superuser(client, lee):
    lee.user_permissions.add(permission("accounts.add_user"))
    client.force_login(lee)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nia@example.com",
            "display_name": "Nia Newcomer",
            "time_zone": "UTC",
            "usable_password": "true",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    nia = User.objects.get(email="nia@example.com")
    assert (nia.is_staff, nia.is_superuser) == (False, False)


def test_it_keeps_staff_from_adding_permissions_to_a_group(client, exporters):
    sam = make_staff("Sam Groups", "auth.view_group", "auth.change_group")
    exporters.user_set.add(sam)
    client.force_login(sam)
    url = reverse("admin:auth_group_change", args=[exporters.pk])
    response = client.post(
        url,
        {
            "name": "Exporters",
            "permissions": [
                permission("growth.export_personal_data").pk,
                permission("growth.erase_person").pk,
            ],
        },
    )
    assert response.status_code == 403
    assert list(exporters.permissions.values_list("codename", flat=True)) == [
        "export_personal_data"
    ]
    assert client.get(url).status_code == 200  # read-only


def test_it_keeps_staff_from_adding_a_group(client):
    sam = make_staff("Sam Groups", "auth.add_group", "auth.change_group")
    client.force_login(sam)
    response = client.post(reverse("admin:auth_group_add"), {"name": "Mine"})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Mine").exists()


# --- a superuser still can ---------------------------------------------------------


@pytest.mark.parametrize("name", ESCALATIONS)
def test_a_superuser_grants_power(client, cast, exporters, name):
    alice = cast.alice.user
    post_as(client, cast.staff, alice, **escalation(name, exporters))
    assert powers(alice) != (False, False, [], [])


def test_a_superuser_sets_a_superuser_s_password(client, cast):
    other = factories.make_user("Sue Super", is_staff=True, is_superuser=True)
    client.force_login(cast.staff)
    response = client.post(
        password_url(other),
        {"usable_password": "true", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=other.pk).check_password(PASSPHRASE)


def test_a_superuser_changes_a_group(client, cast, exporters):
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:auth_group_change", args=[exporters.pk]),
        {"name": "Exporters", "permissions": [permission("growth.erase_person").pk]},
    )
    assert response.status_code == 302
    assert list(exporters.permissions.values_list("codename", flat=True)) == [
        "erase_person"
    ]
