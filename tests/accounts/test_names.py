"""Names cannot be borrowed: no one takes a name another active person has,
whatever its case, accents or spacing, and every change of name is kept.

bob, a peer of alice, would like to pass for mia, their manager.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NameChange, User
from accounts.names import name_key
from growth.models import Engineer, Notification
from growth.services.feedback import feedback_note_create
from tests import factories
from tests.admin_forms import user_form

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


def profile_form(**fields) -> dict:
    data = {"display_name": "Bob Peer", "time_zone": "UTC", "enabled_kinds": []}
    data.update(fields)
    return data


def rename_self(client, user, name):
    client.force_login(user)
    return client.post(reverse("profile"), profile_form(display_name=name))


def add_form(**fields) -> dict:
    passphrase = "a long and unguessable passphrase"
    data = {
        "email": "sam.lee.2@example.com",
        "display_name": "Sam Lee",
        "time_zone": "UTC",
        "usable_password": "true",
        "password1": passphrase,
        "password2": passphrase,
    }
    data.update(fields)
    return data


def name_of(user) -> str:
    return User.objects.get(pk=user.pk).display_name


# --- how names compare -----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "mia manager",
        "MIA MANAGER",
        "  Mia   Manager ",
        "Mía Mánager",
        "Mia\u00a0Manager",  # a no-break space
        "Mia Man\u200bager",  # an invisible zero-width space
        "Ｍｉａ Ｍａｎａｇｅｒ",  # full-width letters
    ],
)
def test_a_name_reads_as_another_without_case_accents_or_spacing(name):
    assert name_key(name) == name_key("Mia Manager")


def test_a_different_name_reads_differently():
    assert name_key("Mia Managers") != name_key("Mia Manager")
    assert name_key("Ann Lee") != name_key("Anne Lee")


# --- on the profile page ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Mia Manager", "mia manager", "MIA  MANAGER ", "Mía Mánager"]
)
def test_it_refuses_a_peer_their_manager_s_name(client, cast, name):
    response = rename_self(client, cast.bob.user, name)
    assert response.status_code == 200
    errors = response.context["form"].errors["display_name"]
    assert errors == [
        "Mia Manager is already the name of someone else here. Choose one that "
        "tells you apart, such as with a middle initial or a second surname."
    ]
    assert name_of(cast.bob.user) == "Bob Peer"
    assert not NameChange.objects.exists()


def test_it_refuses_a_name_that_differs_only_by_an_accent(client, cast):
    factories.make_user("José Lee")
    response = rename_self(client, cast.bob.user, "Jose Lee")
    assert "display_name" in response.context["form"].errors
    assert name_of(cast.bob.user) == "Bob Peer"


def test_the_name_of_someone_who_left_may_be_taken(client, cast):
    User.objects.filter(pk=cast.olivia.user.pk).update(is_active=False)
    response = rename_self(client, cast.bob.user, "Olivia Former")
    assert response.status_code == 302
    assert name_of(cast.bob.user) == "Olivia Former"


def test_an_open_account_keeps_its_name_while_the_profile_is_inactive(client, cast):
    # The account can still sign in and sign notes: its name is still in use.
    Engineer.objects.filter(pk=cast.olivia.pk).update(is_active=False)
    response = rename_self(client, cast.bob.user, "Olivia Former")
    assert "display_name" in response.context["form"].errors


def test_a_person_may_recase_their_own_name(client, cast):
    response = rename_self(client, cast.bob.user, "BOB PEER")
    assert response.status_code == 302
    assert name_of(cast.bob.user) == "BOB PEER"


def test_each_change_of_name_is_kept(client, cast):
    rename_self(client, cast.bob.user, "Robert Peer")
    rename_self(client, cast.bob.user, "Bobby Peer")
    changes = NameChange.objects.filter(user=cast.bob.user).order_by("pk")
    assert [(c.old_name, c.new_name, c.changed_by) for c in changes] == [
        ("Bob Peer", "Robert Peer", cast.bob.user),
        ("Robert Peer", "Bobby Peer", cast.bob.user),
    ]


def test_saving_the_same_name_keeps_no_change(client, cast):
    client.force_login(cast.bob.user)
    response = client.post(reverse("profile"), profile_form(time_zone="Asia/Tokyo"))
    assert response.status_code == 302
    assert not NameChange.objects.exists()


def test_a_pair_named_alike_before_the_rule_may_still_change_other_things(client, cast):
    User.objects.filter(pk=cast.bob.user.pk).update(display_name="Mia Manager")
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("profile"),
        profile_form(display_name="Mia Manager", time_zone="Asia/Tokyo"),
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.bob.user.pk).time_zone == "Asia/Tokyo"


# --- in the admin ----------------------------------------------------------------


def test_the_admin_refuses_another_person_s_name_too(staff_client, cast):
    alice = cast.alice.user
    response = staff_client.post(
        reverse("admin:accounts_user_change", args=[alice.pk]),
        user_form(alice, display_name="mia MANAGER"),
    )
    assert response.status_code == 200
    assert "display_name" in response.context["adminform"].form.errors
    assert name_of(alice) == "Alice Engineer"


def test_the_admin_cannot_add_a_second_person_of_the_same_name(staff_client, cast):
    factories.make_user("Sam Lee")
    response = staff_client.post(reverse("admin:accounts_user_add"), add_form())
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["display_name"]
    assert "Sam Lee is already the name of someone else here" in errors[0]
    assert not User.objects.filter(email="sam.lee.2@example.com").exists()


def test_the_admin_adds_them_with_a_name_that_tells_them_apart(staff_client, cast):
    factories.make_user("Sam Lee")
    response = staff_client.post(
        reverse("admin:accounts_user_add"), add_form(display_name="Sam J. Lee")
    )
    assert response.status_code == 302
    assert User.objects.filter(display_name="Sam J. Lee").exists()


def test_the_admin_cannot_reopen_an_account_whose_name_was_taken(staff_client, cast):
    olivia = cast.olivia.user
    User.objects.filter(pk=olivia.pk).update(is_active=False)
    olivia.refresh_from_db()
    factories.make_user("Olivia Former")
    response = staff_client.post(
        reverse("admin:accounts_user_change", args=[olivia.pk]),
        user_form(olivia, is_active="on"),
    )
    assert response.status_code == 200
    assert "display_name" in response.context["adminform"].form.errors
    assert not User.objects.get(pk=olivia.pk).is_active


def test_the_admin_s_rename_is_kept_and_shown_on_the_person_s_page(staff_client, cast):
    alice = cast.alice.user
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    response = staff_client.post(url, user_form(alice, display_name="Alice Smith"))
    assert response.status_code == 302
    change = NameChange.objects.get(user=alice)
    assert (change.old_name, change.new_name, change.changed_by) == (
        "Alice Engineer",
        "Alice Smith",
        cast.staff,
    )
    page = staff_client.get(url).content.decode()
    assert "Name history" in page
    assert "Alice Engineer" in page


# --- erasure ---------------------------------------------------------------------


def erase(client, cast, engineer):
    Engineer.objects.filter(pk=engineer.pk).update(is_active=False)
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_engineer_erase", args=[engineer.pk]),
        {"confirm": engineer.user.email},
    )
    assert response.status_code == 302


def test_erasure_forgets_their_earlier_names(client, cast):
    bob = cast.bob.user
    rename_self(client, bob, "Robert Peer")
    # bob, as staff, renamed alice once.
    NameChange.objects.create(
        user=cast.alice.user,
        old_name="Alice Engineer",
        new_name="Alice E.",
        changed_at=timezone.now(),
        changed_by=bob,
    )
    erase(client, cast, cast.bob)
    assert not NameChange.objects.filter(user=bob).exists()
    renamed_alice = NameChange.objects.get(user=cast.alice.user)
    assert renamed_alice.changed_by is None


def test_erasure_unnames_the_author_with_their_email(client, cast):
    feedback_note_create(
        author=cast.bob.user,
        engineer=cast.alice,
        kind="technical",
        competency=factories.competency("technical"),
        sentiment="constructive",
        situation="s",
        behaviour="b",
        impact="i",
        suggestion="x",
        now=NOW,
    )
    told = Notification.objects.get(recipient=cast.alice.user)
    assert (
        told.message == f"Bob Peer ({cast.bob.user.email}) left you technical feedback."
    )
    erase(client, cast, cast.bob)
    told.refresh_from_db()
    assert told.message == "A former employee left you technical feedback."
